"""A consistent read view over the active versions.

The active version ids are read once, in one statement, when the snapshot is
taken; every later read selects entities by those ids. A writer activating a
newer version meanwhile therefore cannot make a reader see a mix: the old
rows stay in place (retention keeps them). An iteration runs in one read
transaction on its own connection, so even rows that retention deletes while
it runs are still seen; only a snapshot whose versions were already deleted
before an iteration starts fails, loudly, rather than returning nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from embargo.model import Entity
from embargo.store import _json
from embargo.store.errors import StoreError
from embargo.store.versions import VersionInfo

if TYPE_CHECKING:
    import sqlite3


def decode_entity(raw: bytes) -> Entity:
    return Entity.from_dict(_json.loads(raw))


class Snapshot:
    """The active versions at one instant and their entities."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        versions: list[VersionInfo],
        version_ids: dict[str, int],
        open_reader: Callable[[], sqlite3.Connection] | None = None,
    ) -> None:
        self._connect = connect
        self._open_reader = open_reader
        self.versions = versions
        self._ids = version_ids

    @property
    def datasets(self) -> list[str]:
        return [v.dataset for v in self.versions]

    def version_of(self, dataset: str) -> VersionInfo | None:
        for info in self.versions:
            if info.dataset == dataset:
                return info
        return None

    def _selected(self, datasets: Iterable[str] | None) -> list[tuple[str, int]]:
        wanted = None if datasets is None else set(datasets)
        return [(d, vid) for d, vid in sorted(self._ids.items()) if wanted is None or d in wanted]

    def iter_raw(self, datasets: Iterable[str] | None = None) -> Iterator[tuple[str, bytes]]:
        """(dataset, stored JSON) pairs, for consumers that decode themselves."""
        selected = self._selected(datasets)
        if not selected:
            return
        conn = self._open_reader() if self._open_reader else self._connect()
        own = self._open_reader is not None
        try:
            if own:
                conn.execute("BEGIN")
            ids = [vid for _, vid in selected]
            marks = ",".join("?" * len(ids))
            present = {row[0] for row in conn.execute(f"SELECT id FROM versions WHERE id IN ({marks})", ids)}
            gone = [dataset for dataset, vid in selected if vid not in present]
            if gone:
                raise StoreError(
                    f"snapshot is outdated: its versions of {', '.join(gone)} were removed by retention; "
                    "take a new snapshot"
                )
            for dataset, version_id in selected:
                cursor = conn.execute("SELECT data FROM entities WHERE version_id = ?", (version_id,))
                for (raw,) in cursor:
                    yield dataset, raw
        finally:
            if own:
                conn.close()

    def iter_entities(self, datasets: Iterable[str] | None = None) -> Iterator[Entity]:
        for _, raw in self.iter_raw(datasets):
            yield decode_entity(raw)

    def find(self, entity_id: str) -> list[tuple[Entity, VersionInfo]]:
        """Every active record with this id (one per dataset that lists it)."""
        by_id = {vid: d for d, vid in self._ids.items()}
        if not by_id:
            return []
        marks = ",".join("?" * len(by_id))
        rows = (
            self._connect()
            .execute(
                f"SELECT version_id, data FROM entities WHERE id = ? AND version_id IN ({marks})",
                (entity_id, *by_id),
            )
            .fetchall()
        )
        found = []
        for version_id, raw in rows:
            info = self.version_of(by_id[version_id])
            assert info is not None
            found.append((decode_entity(raw), info))
        found.sort(key=lambda pair: pair[1].dataset)
        return found

    def get(self, entity_id: str) -> Entity | None:
        found = self.find(entity_id)
        return found[0][0] if found else None

    def count(self, datasets: Iterable[str] | None = None) -> int:
        wanted = None if datasets is None else set(datasets)
        return sum(v.entities for v in self.versions if wanted is None or v.dataset in wanted)
