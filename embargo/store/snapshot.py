"""A consistent read view over the active versions.

The active version ids are read once, in one statement, when the snapshot is
taken; every later read selects entities by those ids. A writer activating a
newer version meanwhile therefore cannot make a reader see a mix: the old
rows stay in place (retention keeps them) until the reader is long done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from embargo.model import Entity
from embargo.store import _json
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
    ) -> None:
        self._connect = connect
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
        conn = self._connect()
        for dataset, version_id in self._selected(datasets):
            cursor = conn.execute("SELECT data FROM entities WHERE version_id = ?", (version_id,))
            for (raw,) in cursor:
                yield dataset, raw

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
