"""What the HTTP service needs from the rest of embargo, in one place.

The service talks to the store (lists, keys, audit log, updates), the name
matcher and the text scanner only through :class:`Backend`. The real one,
:class:`StoreBackend`, wires the public APIs of those stages together; the
narrow interface keeps the HTTP layer testable on its own.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

from embargo.api.audit import AuditRecord
from embargo.api.auth import Principal
from embargo.api.engine import Engine, version_fingerprint
from embargo.api.limits import ClientError
from embargo.settings import Settings


class Backend(Protocol):
    def build_engine(self) -> Engine: ...

    def active_fingerprint(self) -> tuple[tuple[str, int, str], ...]: ...

    def verify_key(self, key: str) -> Principal | None: ...

    def write_audit(self, record: AuditRecord) -> None: ...

    def audit_log(self, limit: int) -> list[dict[str, Any]]: ...

    def update(self, datasets: list[str] | None, urls: dict[str, str] | None, force: bool) -> list[Any]: ...

    def close(self) -> None: ...


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
            scanner=_text_scanner(snapshot, matcher, self.settings),
            build_seconds=time.perf_counter() - started,
        )

    def active_fingerprint(self) -> tuple[tuple[str, int, str], ...]:
        return version_fingerprint(self.store.active())

    def verify_key(self, key: str) -> Principal | None:
        verified = self.store.verify_api_key(key)
        if verified is None:
            return None
        return Principal(key_id=verified.key_id, role=verified.role)

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


class LazyScanner:
    """Text scanning for one engine, built on first use (or by :meth:`warm`).

    It is built from the engine's own snapshot and matcher, so a scan report
    names the same list versions as the response stamp. Building costs
    seconds (the name dictionary, and the NER pipeline once per process),
    which servers that only match names never pay.
    """

    def __init__(self, snapshot: Any, matcher: Any, settings: Settings) -> None:
        self._snapshot = snapshot
        self._matcher = matcher
        self._settings = settings
        self._scanner: Any = None
        self._lock = threading.Lock()

    def warm(self) -> Any:
        with self._lock:
            if self._scanner is None:
                self._scanner = self._build()
            return self._scanner

    def _build(self) -> Any:
        from embargo.text import Scanner

        return Scanner.from_snapshot(self._snapshot, self._matcher, self._settings)

    def __call__(self, text: str, format: str = "auto") -> dict[str, Any]:
        from embargo.text import Document, ScanInputError, read_document

        scanner = self.warm()
        fmt = None if format == "auto" else format
        if not text.strip():
            document = Document("request", "text", text)  # nothing to find, but a valid report
        else:
            try:
                document = read_document(text.encode("utf-8", "surrogatepass"), "request", fmt)
            except ScanInputError as exc:
                raise ClientError(422, str(exc)) from None
        report: dict[str, Any] = scanner.scan(document).to_dict()
        return report


def _text_scanner(snapshot: Any, matcher: Any, settings: Settings) -> LazyScanner | None:
    """Text scanning for an engine, or None when this installation has none."""
    try:
        import embargo.text  # noqa: F401
    except ImportError:
        return None
    return LazyScanner(snapshot, matcher, settings)
