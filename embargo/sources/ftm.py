"""FollowTheMoney entity lines, as exported by OpenSanctions (``entities.ftm.json``).

Ids are kept as they are. Only the party schemas of :mod:`embargo.model`
become entities; properties the model does not know are dropped. Other
schemas are folded into the parties they point at rather than lost:

* ``Sanction`` -> program, programId, listingDate on the sanctioned entity;
* ``Family`` / ``Associate`` / ``Ownership`` / ``Directorship`` /
  ``Membership`` / ``UnknownLink`` -> a :class:`Relation` on each end, when
  both ends are parties in the file;
* ``Address`` -> the full address text on entities that reference it.

That needs two passes over the file: the first indexes parties and the
linking records, the second streams the parties. Dataset: ``dataset`` if
given, else the record's own ``datasets``; the result's dataset is the one
dataset all records share, else ``opensanctions``. ``published`` is the
latest ``last_change`` of any record (exports carry no file date).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embargo.model import PROPERTIES, SCHEMAS, Entity, Relation
from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import Cursor, guarded, read_head, reject_binary
from embargo.sources.scripts import name_language

FORMAT = "ftm"
DEFAULT_DATASET = "opensanctions"

# Linking schemas: (this end, other end, kind on this end, kind on the other end).
_LINKS: dict[str, tuple[str, str, str, str]] = {
    "Family": ("person", "relative", "relative", "relative"),
    "Associate": ("person", "associate", "associate", "associate"),
    "Ownership": ("owner", "asset", "owned", "owner"),
    "Directorship": ("director", "organization", "director", "director"),
    "Membership": ("member", "organization", "member", "member"),
    "UnknownLink": ("subject", "object", "unknown", "unknown"),
}
_SANCTION_PROPS = {"program": "program", "programId": "programId", "listingDate": "listingDate"}
# Properties whose values are ids of other records, never screening values.
_ENTITY_REFS = {"addressEntity", "holder", "entity", "ownershipOwner", "ownershipAsset"}


@dataclass
class _Index:
    captions: dict[str, str] = field(default_factory=dict)
    relations: dict[str, list[Relation]] = field(default_factory=dict)
    sanctions: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    datasets: set[str] = field(default_factory=set)
    last_change: str | None = None


def parse(paths: Sequence[Path], settings: Settings, dataset: str | None = None) -> ParseResult:
    path = paths[0]
    head = read_head(path)
    reject_binary(path, head)
    index = _index(path, settings)
    if dataset is None:
        dataset = next(iter(index.datasets)) if len(index.datasets) == 1 else DEFAULT_DATASET
        keep_datasets = True
    else:
        keep_datasets = False
    published = index.last_change[:10] if index.last_change else None
    result = ParseResult(dataset=dataset, format=FORMAT, files=[path], entities=iter(()), published=published)
    cursor = Cursor(path)
    result.entities = guarded(_entities(path, settings, index, dataset, keep_datasets, cursor), cursor)
    return result


def _records(path: Path, settings: Settings) -> Iterator[tuple[int, dict[str, Any]]]:
    limit = settings.max_field_chars
    with open(path, encoding="utf-8") as fh:
        number = 0
        while True:
            try:
                line = fh.readline(limit * 4 + 2)
            except UnicodeDecodeError as exc:
                raise SourceError(path, f"not UTF-8 text ({exc.reason})", f"line {number + 1}") from None
            if not line:
                return
            number += 1
            if not line.strip():
                continue
            if not line.endswith("\n") and len(line) > limit * 4:
                raise SourceError(path, f"line longer than {limit * 4} characters", f"line {number}")
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise SourceError(path, f"malformed or truncated JSON ({exc})", f"line {number}") from None
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise SourceError(path, "not an FtM entity (no id)", f"line {number}")
            if not isinstance(record.get("schema"), str):
                raise SourceError(path, "not an FtM entity (no schema)", f"line {number}")
            yield number, record


def _props(record: dict[str, Any]) -> dict[str, list[str]]:
    props = record.get("properties") or {}
    if not isinstance(props, dict):
        return {}
    return {k: [str(v) for v in vs] for k, vs in props.items() if isinstance(vs, list)}


def _index(path: Path, settings: Settings) -> _Index:
    index = _Index()
    links: list[tuple[int, str, dict[str, list[str]]]] = []
    for number, record in _records(path, settings):
        schema = record["schema"]
        props = _props(record)
        for ds in record.get("datasets") or []:
            index.datasets.add(str(ds))
        changed = record.get("last_change")
        if isinstance(changed, str) and (index.last_change is None or changed > index.last_change):
            index.last_change = changed
        if schema in SCHEMAS:
            names = props.get("name") or [record.get("caption") or record["id"]]
            index.captions[record["id"]] = names[0]
        elif schema in _LINKS:
            links.append((number, schema, props))
        elif schema == "Sanction":
            source = f"{path.name}:line {number}"
            for target in props.get("entity", []):
                for prop, values in props.items():
                    if prop in _SANCTION_PROPS:
                        for value in values:
                            index.sanctions.setdefault(target, []).append(
                                (_SANCTION_PROPS[prop], value, source)
                            )
        elif schema == "Address":
            full = (props.get("full") or [", ".join(v[0] for k, v in props.items() if v and k != "country")])[
                0
            ]
            if full:
                index.addresses[record["id"]] = full
    for number, schema, props in links:
        this, other, kind_this, kind_other = _LINKS[schema]
        labels = props.get("relationship") or props.get("role") or []
        label = labels[0] if labels else None
        source = f"{path.name}:line {number}"
        for a in props.get(this, []):
            for b in props.get(other, []):
                if a in index.captions and b in index.captions:
                    index.relations.setdefault(a, []).append(
                        Relation(kind_this, index.captions[b], target_id=b, label=label, source=source)
                    )
                    index.relations.setdefault(b, []).append(
                        Relation(kind_other, index.captions[a], target_id=a, label=label, source=source)
                    )
    return index


def _entities(
    path: Path, settings: Settings, index: _Index, dataset: str, keep_datasets: bool, cursor: Cursor
) -> Iterator[Entity]:
    for number, record in _records(path, settings):
        cursor.at(path, f"line {number}")
        if record["schema"] not in SCHEMAS:
            continue
        source = f"{path.name}:line {number}"
        datasets = [str(d) for d in record.get("datasets") or []] if keep_datasets else [dataset]
        entity = Entity(id=record["id"], schema=record["schema"], datasets=datasets or [dataset])
        props = _props(record)
        for prop in ("name", "alias", "previousName", "weakAlias"):
            for value in props.get(prop, []):
                entity.add(prop, value, source, lang=name_language(value))
        for prop, values in props.items():
            if prop in _ENTITY_REFS:
                for ref in values:
                    if prop == "addressEntity" and ref in index.addresses:
                        entity.add("address", index.addresses[ref], source)
                continue
            if prop not in PROPERTIES:
                continue
            for value in values:
                if len(value) > settings.max_field_chars:
                    raise SourceError(
                        path, f"value of {prop} longer than {settings.max_field_chars}", f"line {number}"
                    )
                entity.add(prop, value, source)
        for prop, value, sanction_source in index.sanctions.get(entity.id, []):
            entity.add(prop, value, sanction_source)
        for relation in index.relations.get(entity.id, []):
            entity.relate(relation)
        if not entity.has("name"):
            caption = record.get("caption")
            if isinstance(caption, str) and caption:
                entity.add("name", caption, source)
        yield entity
