"""What the HTTP service needs from the rest of embargo, in one place.

The service talks to the store (lists, keys, audit log, updates), the name
matcher and the text scanner only through :class:`Backend`. The real one,
:class:`StoreBackend`, wires the public APIs of those stages together; the
narrow interface keeps the HTTP layer testable on its own.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from embargo.api.audit import AuditRecord
from embargo.api.auth import Principal
from embargo.api.engine import Engine, version_fingerprint
from embargo.settings import Settings


class Backend(Protocol):
    def build_engine(self) -> Engine: ...

    def active_fingerprint(self) -> tuple[tuple[str, int, str], ...]: ...

    def verify_key(self, key: str) -> Principal | None: ...

    def write_audit(self, record: AuditRecord) -> None: ...

    def audit_log(self, limit: int) -> list[dict[str, Any]]: ...

    def update(self, datasets: list[str] | None, urls: dict[str, str] | None, force: bool) -> list[Any]: ...

    def close(self) -> None: ...


def key_id_of(key: str) -> str | None:
    """The public id part of a key (``emb_<id>_<secret>``), used to name the caller."""
    from embargo.store.keys import split_key

    parts = split_key(key)
    return parts[0] if parts else None


class StoreBackend:
    """The production backend: the SQLite store plus the matchers built on it."""

    def __init__(self, settings: Settings) -> None:
        from embargo.store import open_store

        self.settings = settings
        self.store = open_store(settings)

    def build_engine(self) -> Engine:
        from embargo.names import Matcher

        started = time.perf_counter()
        # One snapshot for everything: the matcher is built from exactly the
        # versions the engine stamps and serves entities from, even if an
        # update activates newer ones meanwhile. (The matcher reuses its
        # on-disk index cache for versions it has indexed before.)
        snapshot = self.store.snapshot()
        matcher = Matcher.from_store(_Pinned(snapshot), self.settings)
        return Engine(
            versions=tuple(snapshot.versions),
            snapshot=snapshot,
            matcher=matcher,
            scanner=_text_scanner(matcher, self.settings),
            build_seconds=time.perf_counter() - started,
        )

    def active_fingerprint(self) -> tuple[tuple[str, int, str], ...]:
        return version_fingerprint(self.store.active())

    def verify_key(self, key: str) -> Principal | None:
        role = self.store.verify_api_key(key)
        key_id = key_id_of(key)
        if role is None or key_id is None:
            return None
        return Principal(key_id=key_id, role=role)

    def write_audit(self, record: AuditRecord) -> None:
        self.store.record_audit(
            record.actor, record.action, record.request, record.response_summary, record.versions
        )

    def audit_log(self, limit: int) -> list[dict[str, Any]]:
        return self.store.audit_log(limit)

    def update(self, datasets: list[str] | None, urls: dict[str, str] | None, force: bool) -> list[Any]:
        from embargo.store.update import update

        return list(update(self.store, self.settings, datasets=datasets, urls=urls, force=force))

    def close(self) -> None:
        self.store.close()


class _Pinned:
    """A store stand-in whose snapshot is fixed, for APIs that take a store."""

    def __init__(self, snapshot: Any) -> None:
        self._snapshot = snapshot

    def snapshot(self) -> Any:
        return self._snapshot


def _text_scanner(matcher: Any, settings: Settings) -> Any:
    """A ``scan(text, format)`` bound to ``matcher``, or None when text scanning is unavailable."""
    try:
        from embargo.text import scan_text
    except ImportError:
        return None

    def scan(text: str, format: str = "auto") -> dict[str, Any]:
        report: dict[str, Any] = scan_text(text, format=format, matcher=matcher)
        return report

    return scan
