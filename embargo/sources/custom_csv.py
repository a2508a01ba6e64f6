"""A user's own list (internal watch list, PEPs, former clients) as a simple CSV.

Format, UTF-8 (a BOM is accepted), comma-separated, with this header row
(column order free; only ``id`` and ``name`` are required)::

    id,schema,name,alias,birth_date,nationality,country,id_number,program,notes

* ``id`` — your own record key, unique in the file; the entity id becomes
  ``<dataset>-<id>`` (dataset defaults to ``internal``).
* ``schema`` — Person, Organization, Company, LegalEntity, Vessel or Aircraft
  (case-insensitive; empty means LegalEntity).
* ``name`` — the primary name.
* ``alias``, ``nationality``, ``country``, ``id_number``, ``program``,
  ``birth_date`` — several values separated by ``;``.
* ``birth_date`` — ISO (1975, 1975-08, 1975-08-11), dd/mm/yyyy, "11 Aug 1975",
  "circa 1960" or "1960 to 1962".
* ``nationality`` / ``country`` — country names or ISO codes ("Syria", "sy").
* ``notes`` — free text.

Example::

    id,schema,name,alias,birth_date,nationality,country,id_number,program,notes
    c-001,Person,Jane Example,J. Example;Jane Exemple,1970-02-03,gb,gb,P123456,former client,exited 2021
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from embargo.model import LEGAL_ENTITY, SCHEMAS, Entity
from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import Cursor, guarded
from embargo.sources.countries import country_code
from embargo.sources.csvread import iter_rows
from embargo.sources.dates import parse_dates
from embargo.sources.scripts import name_language

FORMAT = "custom_csv"
DEFAULT_DATASET = "internal"
COLUMNS = (
    "id",
    "schema",
    "name",
    "alias",
    "birth_date",
    "nationality",
    "country",
    "id_number",
    "program",
    "notes",
)
REQUIRED = ("id", "name")
_SCHEMAS = {s.casefold(): s for s in SCHEMAS}


def parse(paths: Sequence[Path], settings: Settings, dataset: str | None = None) -> ParseResult:
    path = paths[0]
    dataset = dataset or DEFAULT_DATASET
    result = ParseResult(dataset=dataset, format=FORMAT, files=[path], entities=iter(()))
    cursor = Cursor(path)
    result.entities = guarded(_entities(path, dataset, settings, cursor), cursor)
    return result


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _entities(path: Path, dataset: str, settings: Settings, cursor: Cursor) -> Iterator[Entity]:
    header: list[str] | None = None
    seen: set[str] = set()
    for number, row in iter_rows(path, settings, cursor, encoding="utf-8-sig"):
        if header is None:
            header = [h.strip().casefold() for h in row]
            missing = [c for c in REQUIRED if c not in header]
            unknown = [c for c in header if c and c not in COLUMNS]
            if missing:
                raise SourceError(path, f"header lacks column(s) {', '.join(missing)}", f"row {number}")
            if unknown:
                raise SourceError(path, f"unknown column(s) {', '.join(unknown)}", f"row {number}")
            continue
        position = f"row {number}"
        if len(row) != len(header):
            raise SourceError(path, f"expected {len(header)} columns, found {len(row)}", position)
        record = dict(zip(header, (v.strip() for v in row), strict=True))
        key, name = record.get("id", ""), record.get("name", "")
        if not key or not name:
            raise SourceError(path, "id and name are required", position)
        if key in seen:
            raise SourceError(path, f"id {key!r} appears twice", position)
        seen.add(key)
        schema_text = record.get("schema", "").casefold()
        schema = _SCHEMAS.get(schema_text, LEGAL_ENTITY if not schema_text else "")
        if not schema:
            raise SourceError(path, f"unknown schema {record['schema']!r}", position)
        source = f"{path.name}:row {number}"
        entity = Entity(id=f"{dataset}-{key}", schema=schema, datasets=[dataset])
        entity.add("name", name, source, lang=name_language(name))
        for alias in _split(record.get("alias", "")):
            entity.add("alias", alias, source, lang=name_language(alias))
        for text in _split(record.get("birth_date", "")):
            dates = parse_dates(text)
            if not dates:
                raise SourceError(path, f"birth_date {text!r} is not a date", position)
            for date in dates:
                entity.add("birthDate", date.value, source, original=date.original, qualifier=date.qualifier)
        for column, prop in (("nationality", "nationality"), ("country", "country")):
            for text in _split(record.get(column, "")):
                code = country_code(text)
                entity.add(prop, code or text, source, original=text if code else None)
        for number_text in _split(record.get("id_number", "")):
            entity.add("idNumber", number_text, source)
        for program in _split(record.get("program", "")):
            entity.add("program", program, source)
        entity.add("notes", record.get("notes"), source)
        yield entity
    if header is None:
        raise SourceError(path, "file has no header row")
