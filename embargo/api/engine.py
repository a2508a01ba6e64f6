"""The screening engine a server answers from, and how it is swapped.

A response must never mix list versions, and a list update must never fail
a request. Both follow from one rule: everything a request reads (the
versions, the entities, the name index, the text scanner) hangs off one
immutable :class:`Engine`, a request takes the current engine once when it
starts, and an update builds a complete new engine off to the side before
replacing the reference in a single assignment. Requests already running
finish on the engine they started with.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from embargo.store import VersionInfo

log = logging.getLogger(__name__)


def version_fingerprint(versions: Sequence[VersionInfo]) -> tuple[tuple[str, int, str], ...]:
    """What identifies a set of active lists: dataset, version and content hash."""
    return tuple(sorted((v.dataset, v.version, v.sha256) for v in versions))


def parse_when(value: str | None) -> datetime | None:
    """A store timestamp or date as an aware UTC datetime, None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def list_age_days(info: VersionInfo, now: datetime | None = None) -> float | None:
    """Age of a list: since its publication date, else since it was loaded.

    The publication date is what a regulator cares about (a list loaded
    today from a file published a year ago is a year old); files that carry
    no date fall back to the load time.
    """
    when = parse_when(info.published) or parse_when(info.loaded_at)
    if when is None:
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (now - when).total_seconds() / 86400.0)


@dataclass(frozen=True)
class Engine:
    """One consistent view of the lists and the matchers built from them.

    ``snapshot`` answers entity look-ups, ``matcher`` name queries and
    ``scanner`` (None when text scanning is not available) text. All three
    were built from exactly ``versions``.
    """

    versions: tuple[VersionInfo, ...]
    snapshot: Any
    matcher: Any
    scanner: Callable[..., dict[str, Any]] | None = None
    built_at: float = field(default_factory=time.time)
    build_seconds: float = 0.0

    @property
    def fingerprint(self) -> tuple[tuple[str, int, str], ...]:
        return version_fingerprint(self.versions)

    @property
    def datasets(self) -> list[str]:
        return sorted(v.dataset for v in self.versions)

    @property
    def version_map(self) -> dict[str, int]:
        """``{dataset: version}``, the stamp every response carries."""
        return {v.dataset: v.version for v in sorted(self.versions, key=lambda v: v.dataset)}

    @property
    def lists_header(self) -> str:
        """The ``X-Embargo-Lists`` header value: ``dataset=version,...``."""
        return ",".join(f"{d}={v}" for d, v in self.version_map.items())

    def version_of(self, dataset: str) -> VersionInfo | None:
        for info in self.versions:
            if info.dataset == dataset:
                return info
        return None

    def stale_datasets(self, max_age_days: float, now: datetime | None = None) -> list[str]:
        """Datasets older than ``max_age_days`` (none when the limit is 0)."""
        if max_age_days <= 0:
            return []
        stale = []
        for info in self.versions:
            age = list_age_days(info, now)
            if age is not None and age > max_age_days:
                stale.append(info.dataset)
        return sorted(stale)


class EngineHolder:
    """Holds the current engine and replaces it when the store's lists change.

    ``build`` makes a complete engine from the store's active lists;
    ``active_fingerprint`` cheaply tells which lists are active now, so a
    poll can notice an update made by another process (another worker, or
    ``embargo update`` run from a shell) without rebuilding anything.
    """

    def __init__(
        self,
        build: Callable[[], Engine],
        active_fingerprint: Callable[[], tuple[tuple[str, int, str], ...]],
        on_swap: Callable[[Engine], None] | None = None,
    ) -> None:
        self._build = build
        self._active_fingerprint = active_fingerprint
        self._on_swap = on_swap
        self._current: Engine | None = None
        self._build_lock = threading.Lock()
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self.last_error: str | None = None

    @property
    def current(self) -> Engine:
        engine = self._current
        if engine is None:
            raise RuntimeError("engine not built yet")
        return engine

    @property
    def ready(self) -> bool:
        return self._current is not None

    def load(self) -> Engine:
        """Build an engine from the active lists and make it current."""
        with self._build_lock:
            return self._load_locked()

    def _load_locked(self) -> Engine:
        started = time.perf_counter()
        engine = self._build()
        engine = _with_build_time(engine, time.perf_counter() - started)
        self._current = engine  # the one atomic swap
        self.last_error = None
        log.info("engine ready: %s (%.1fs)", engine.lists_header or "no lists", engine.build_seconds)
        if self._on_swap is not None:
            self._on_swap(engine)
        return engine

    def refresh_if_changed(self) -> bool:
        """Rebuild when the store's active lists differ from the current engine's.

        The check and the build happen under one lock, so an update request
        and the poller noticing the same change build one engine, not two.
        """
        with self._build_lock:
            try:
                active = self._active_fingerprint()
            except Exception as exc:  # a locked or busy store must not kill the poller
                self.last_error = f"could not read active lists: {exc}"
                log.warning(self.last_error)
                return False
            if self._current is not None and active == self._current.fingerprint:
                return False
            try:
                self._load_locked()
            except Exception as exc:
                self.last_error = f"engine rebuild failed, still serving the previous lists: {exc}"
                log.exception(self.last_error)
                return False
            return True

    def start_polling(self, interval: float) -> None:
        if interval <= 0 or self._poller is not None:
            return

        def poll() -> None:
            while not self._stop.wait(interval):
                self.refresh_if_changed()

        self._poller = threading.Thread(target=poll, name="embargo-engine-poll", daemon=True)
        self._poller.start()

    def stop(self) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=5)
            self._poller = None


def _with_build_time(engine: Engine, seconds: float) -> Engine:
    return Engine(
        versions=engine.versions,
        snapshot=engine.snapshot,
        matcher=engine.matcher,
        scanner=engine.scanner,
        built_at=time.time(),
        build_seconds=seconds,
    )
