"""Writing the audit trail without slowing screening down.

Each screening request yields one audit record (who, what was asked, what
came back in summary, which list versions answered). Records go onto a
queue that one writer thread drains into the store, so a request never
waits on a database write and the store is written from a single thread.
Stopping the writer drains the queue first.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

MAX_VALUES_PER_PROP = 20
MAX_VALUE_CHARS = 500


@dataclass(frozen=True)
class AuditRecord:
    actor: str
    action: str
    request: dict[str, Any]
    response_summary: dict[str, Any]
    versions: dict[str, Any]


def clip_properties(properties: Mapping[str, Any]) -> dict[str, list[str]]:
    """What was asked, bounded: a few values per property, each cut to a sane length."""
    clipped: dict[str, list[str]] = {}
    for prop, values in properties.items():
        items = [values] if isinstance(values, str) else list(values)
        clipped[str(prop)[:100]] = [str(v)[:MAX_VALUE_CHARS] for v in items[:MAX_VALUES_PER_PROP]]
    return clipped


class AuditWriter:
    """Background writer: ``submit`` never blocks, ``stop`` drains."""

    _STOP = object()

    def __init__(
        self,
        write: Callable[[AuditRecord], None],
        on_failure: Callable[[AuditRecord, Exception], None] | None = None,
    ) -> None:
        self._write = write
        self._on_failure = on_failure
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="embargo-audit", daemon=True)
            self._thread.start()

    def submit(self, record: AuditRecord) -> None:
        self._queue.put(record)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every record submitted so far has been written."""
        done = threading.Event()
        self._queue.put(done)
        done.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None:
            return
        self._queue.put(self._STOP)
        self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is self._STOP:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            try:
                self._write(item)
            except Exception as exc:  # the trail must not take the server down
                log.exception("audit write failed for %s by %s", item.action, item.actor)
                if self._on_failure is not None:
                    self._on_failure(item, exc)
