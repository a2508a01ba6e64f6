"""What changed between two versions of one dataset.

Entities are compared by id. Two versions of the same entity count as
changed only when a *value* changed (schema, a property value, a relation):
statement sources such as ``sdn.csv:row 812`` shift whenever rows are
inserted above and are deliberately ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from embargo.model import Entity


@dataclass
class PropertyChange:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        return {"added": self.added, "removed": self.removed}


@dataclass
class EntityChange:
    id: str
    caption: str
    schema: str
    properties: dict[str, PropertyChange] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caption": self.caption,
            "schema": self.schema,
            "properties": {prop: change.to_dict() for prop, change in sorted(self.properties.items())},
        }


def _summary(entity: Entity) -> dict[str, str]:
    return {"id": entity.id, "caption": entity.caption, "schema": entity.schema}


@dataclass
class Diff:
    dataset: str
    from_version: int | None
    to_version: int
    added: list[Entity] = field(default_factory=list)
    removed: list[Entity] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "counts": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
            },
            "added": [_summary(e) for e in self.added],
            "removed": [_summary(e) for e in self.removed],
            "changed": [c.to_dict() for c in self.changed],
        }


def _values(entity: Entity) -> dict[str, list[str]]:
    """Property values plus pseudo-properties for schema and relations."""
    values = entity.properties
    values["$schema"] = [entity.schema]
    if entity.relations:
        values["$relations"] = [
            f"{r.kind}: {r.target_name}" + (f" [{r.target_id}]" if r.target_id else "")
            for r in entity.relations
        ]
    return values


def entity_change(old: Entity, new: Entity) -> EntityChange | None:
    before, after = _values(old), _values(new)
    change = EntityChange(id=new.id, caption=new.caption, schema=new.schema)
    for prop in before.keys() | after.keys():
        old_values, new_values = before.get(prop, []), after.get(prop, [])
        added = [v for v in new_values if v not in old_values]
        removed = [v for v in old_values if v not in new_values]
        if added or removed:
            change.properties[prop] = PropertyChange(added=added, removed=removed)
    return change if change.properties else None


def compute_diff(
    dataset: str,
    from_version: int | None,
    to_version: int,
    old: Iterable[tuple[str, bytes]],
    new: Iterable[tuple[str, bytes]],
    decode: Callable[[bytes], Entity],
) -> Diff:
    """Compare two streams of (entity id, stored JSON).

    Rows whose stored JSON is byte-identical are skipped without decoding,
    which keeps the common "little changed" case cheap.
    """
    diff = Diff(dataset=dataset, from_version=from_version, to_version=to_version)
    old_rows = dict(old)
    for entity_id, raw in new:
        previous = old_rows.pop(entity_id, None)
        if previous is None:
            diff.added.append(decode(raw))
        elif previous != raw:
            change = entity_change(decode(previous), decode(raw))
            if change is not None:
                diff.changed.append(change)
    diff.removed = [decode(raw) for raw in old_rows.values()]
    return diff
