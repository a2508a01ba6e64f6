"""OFAC legacy CSV publication: sdn.csv + alt.csv + add.csv + sdn_comments.csv.

The consolidated (non-SDN) list uses the same layout as cons_prim.csv,
cons_alt.csv, cons_add.csv and cons_comments.csv. Files are headerless,
Windows-1252, use ``-0-`` for empty fields and end with a Ctrl-Z byte.
Which file is which is told by its column count (12 primary, 5 aliases,
6 addresses, 2 comments), so renamed downloads still work.

Alias/address/comment files are small and read first; the primary file is
then streamed. Alias or address rows whose entity is missing from the
primary file (the files were downloaded on different days, or the primary is
older) are counted and reported as one warning, never fatal.

Remarks longer than 1,000 characters are cut by OFAC and continued in the
comments file; the continuation is appended to the remarks before they are
read — only to Remarks actually cut at that length, since a comments file
from another day may continue a text the primary file does not have.
Quoted a.k.a.s in Remarks are OFAC's weak aliases (the alias file holds the
strong ones) and are recorded as ``weakAlias``.
"Linked To: NAME" relations get the target's id when NAME is the primary
name of exactly one record in the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from embargo.model import PERSON, VESSEL, Entity
from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import Cursor, guarded
from embargo.sources.csvread import iter_rows
from embargo.sources.ofac_common import (
    DATASET_CONS,
    DATASET_SDN,
    SCHEMA_BY_TYPE,
    add_value,
    apply_remarks,
    country_value,
    person_name_parts,
    split_programs,
)

FORMAT = "ofac_csv"
EMPTY = "-0-"
COLUMNS = {12: "primary", 5: "alt", 6: "add", 2: "comments"}
# OFAC cuts Remarks at this length and puts the rest in the comments file.
REMARKS_LIMIT = 1000
_ALIAS_PROPS = {"aka": "alias", "fka": "previousName", "nka": "alias"}


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value == EMPTY else value


def file_role(path: Path, first_row: list[str]) -> str | None:
    """Which file of the set this is, from its column count."""
    return COLUMNS.get(len(first_row))


@dataclass
class _Extras:
    aliases: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    addresses: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    comments: dict[str, list[str]] = field(default_factory=dict)
    unmatched_comments: set[str] = field(default_factory=set)


def classify(paths: Sequence[Path], settings: Settings) -> dict[str, Path]:
    """Map each file of the set to its role, refusing duplicates and strangers."""
    roles: dict[str, Path] = {}
    for path in paths:
        cursor = Cursor(path)
        role = None
        for _number, row in iter_rows(path, settings, cursor):
            role = file_role(path, row)
            if role is None or not row[0].strip().isdigit():
                raise SourceError(path, "not an OFAC legacy CSV file (unexpected columns)", "row 1")
            break
        if role is None:
            raise SourceError(path, "file has no rows")
        if role in roles:
            raise SourceError(path, f"two {role} files given ({roles[role].name} and {path.name})")
        roles[role] = path
    if "primary" not in roles:
        names = ", ".join(p.name for p in paths)
        raise SourceError(paths[0], f"no primary file (sdn.csv / cons_prim.csv) among: {names}")
    return roles


def dataset_for(primary: Path) -> str:
    return DATASET_CONS if primary.name.casefold().startswith("cons") else DATASET_SDN


def parse(paths: Sequence[Path], settings: Settings, dataset: str | None = None) -> ParseResult:
    roles = classify(paths, settings)
    primary = roles["primary"]
    dataset = dataset or dataset_for(primary)
    result = ParseResult(dataset=dataset, format=FORMAT, files=list(roles.values()), entities=iter(()))
    cursor = Cursor(primary)
    result.entities = guarded(_entities(roles, dataset, settings, cursor, result), cursor)
    return result


def _read_extras(roles: dict[str, Path], settings: Settings, cursor: Cursor) -> _Extras:
    extras = _Extras()
    for role, store in (("alt", extras.aliases), ("add", extras.addresses)):
        path = roles.get(role)
        if path is None:
            continue
        for number, row in iter_rows(path, settings, cursor):
            _check_width(path, number, row, 5 if role == "alt" else 6)
            ent_num = row[0].strip()
            if role == "alt":
                kind, name = _clean(row[2]).casefold(), _clean(row[3])
                store.setdefault(ent_num, []).append((kind, name, f"{path.name}:row {number}"))
            else:
                address = ", ".join(v for v in (_clean(row[2]), _clean(row[3])) if v)
                store.setdefault(ent_num, []).append((address, _clean(row[4]), f"{path.name}:row {number}"))
    path = roles.get("comments")
    if path is not None:
        for number, row in iter_rows(path, settings, cursor):
            _check_width(path, number, row, 2)
            extras.comments.setdefault(row[0].strip(), []).append(row[1])
    return extras


def _check_width(path: Path, number: int, row: list[str], width: int) -> None:
    if len(row) != width:
        raise SourceError(
            path,
            f"expected {width} columns, found {len(row)} (truncated or not an OFAC file)",
            f"row {number}",
        )
    if not row[0].strip().isdigit():
        raise SourceError(path, f"entity number {row[0][:20]!r} is not a number", f"row {number}")


def _entities(
    roles: dict[str, Path], dataset: str, settings: Settings, cursor: Cursor, result: ParseResult
) -> Iterator[Entity]:
    extras = _read_extras(roles, settings, cursor)
    primary = roles["primary"]
    ids_by_name = _ids_by_name(primary, settings, cursor)
    seen: set[str] = set()
    for number, row in iter_rows(primary, settings, cursor):
        _check_width(primary, number, row, 12)
        ent_num = row[0].strip()
        if ent_num in seen:
            raise SourceError(primary, f"entity number {ent_num} appears twice", f"row {number}")
        seen.add(ent_num)
        yield _entity(primary, number, row, dataset, extras, ids_by_name)
    _report_orphans(result, roles, extras, seen)
    if extras.unmatched_comments:
        result.warnings.append(
            f"{roles['comments'].name}: ignored continuations for {len(extras.unmatched_comments)} entities "
            f"whose Remarks in {primary.name} are not cut at {REMARKS_LIMIT} characters (files of different dates?)"
        )


def _ids_by_name(path: Path, settings: Settings, cursor: Cursor) -> dict[str, str]:
    """Primary name -> entity id, for names used once, to resolve "Linked To: NAME"."""
    ids: dict[str, str] = {}
    duplicated: set[str] = set()
    for number, row in iter_rows(path, settings, cursor):
        _check_width(path, number, row, 12)
        name = _clean(row[1])
        if name in ids:
            duplicated.add(name)
        ids[name] = f"ofac-{row[0].strip()}"
    for name in duplicated:
        del ids[name]
    return ids


def _entity(
    path: Path, number: int, row: list[str], dataset: str, extras: _Extras, ids_by_name: dict[str, str]
) -> Entity:
    ent_num = row[0].strip()
    source = f"{path.name}:row {number}"
    sdn_type = _clean(row[2]).casefold()
    schema = SCHEMA_BY_TYPE.get(sdn_type)
    if schema is None:
        raise SourceError(path, f"unknown SDN_Type {row[2]!r}", f"row {number}")
    entity = Entity(id=f"ofac-{ent_num}", schema=schema, datasets=[dataset])
    name = _clean(row[1])
    if not name:
        raise SourceError(path, "record without a name", f"row {number}")
    entity.add("name", name, source)
    if schema == PERSON:
        person_name_parts(entity, name, source)
    for program in split_programs(_clean(row[3])):
        entity.add("program", program, source)
    title = _clean(row[4])
    if title:
        entity.add("position" if schema == PERSON else "notes", title, source)
    if schema == VESSEL:
        entity.add("callSign", _clean(row[5]), source)
        entity.add("type", _clean(row[6]), source)
        entity.add("tonnage", _clean(row[7]), source)
        entity.add("grossRegisteredTonnage", _clean(row[8]), source)
        country_value(entity, "flag", _clean(row[9]), source)
        entity.add("owner", _clean(row[10]), source)
    remarks = _clean(row[11])
    continuations = extras.comments.get(ent_num, [])
    if continuations and len(row[11]) >= REMARKS_LIMIT:
        # Join the raw texts: the cut may fall right after a space.
        remarks = (row[11] + "".join(continuations)).strip()
    elif continuations:
        extras.unmatched_comments.add(ent_num)
    aliases = extras.aliases.get(ent_num, [])
    if remarks:
        strong = frozenset(
            alias.casefold() for kind, alias, _ in aliases if _ALIAS_PROPS.get(kind, "alias") == "alias"
        )
        apply_remarks(entity, remarks, source, strong)
        entity.relations = [
            replace(r, target_id=ids_by_name.get(r.target_name)) if r.target_id is None else r
            for r in entity.relations
        ]
    for kind, alias, alias_source in aliases:
        entity.add(_ALIAS_PROPS.get(kind, "alias"), alias, alias_source)
    for address, country, address_source in extras.addresses.get(ent_num, []):
        full = ", ".join(v for v in (address, country) if v)
        entity.add("address", full, address_source)
        if country:
            add_value(entity, "country", country, address_source)
    return entity


def _report_orphans(result: ParseResult, roles: dict[str, Path], extras: _Extras, seen: set[str]) -> None:
    """One summary warning for rows whose entity the primary file lacks."""
    parts: list[str] = []
    for role, store, what in (
        ("alt", extras.aliases, "alias"),
        ("add", extras.addresses, "address"),
        ("comments", extras.comments, "comment"),
    ):
        orphans = [ent for ent in store if ent not in seen]
        if orphans:
            rows = sum(len(store[ent]) for ent in orphans)
            parts.append(f"{roles[role].name}: {rows} {what} rows for {len(orphans)} entity numbers")
    if parts:
        result.warnings.append(
            f"skipped rows whose entity is absent from {roles['primary'].name} "
            f"(files of different dates?): {'; '.join(parts)}"
        )
