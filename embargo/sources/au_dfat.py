"""Australia DFAT Consolidated List (regulation8_consolidated.xlsx).

One row per name; a party's rows share a base reference ("2241" for the
primary name, "2241a", "2241b" ... for the others), so entities are keyed
``au-dfat-<base reference>`` as in OpenSanctions. Cells are inconsistent in
case and spacing ("Entity ", "individual", "Primary name ") and are
normalised before use. Name Type: Primary Name -> name, Aka -> alias,
Original Script -> alias tagged with its language, "Formerly known as" /
"Previously listed as" -> previousName.

Publication date: the workbook has no publication-date cell, so
``published`` is the latest "Control Date" in the sheet (the last day any
record was changed), which is the closest stated date to publication.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from embargo.model import LEGAL_ENTITY, ORGANIZATION, PERSON, Entity
from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import Cursor, cell_text, check_field, guarded
from embargo.sources.countries import country_code, split_countries
from embargo.sources.dates import iso_date, parse_dates
from embargo.sources.scripts import name_language
from embargo.sources.sheets import grouped_rows, read_sheet

FORMAT = "au_dfat"
DATASET = "au_dfat_sanctions"
REQUIRED = ("reference", "name of individual or entity", "type", "name type")
_SCHEMAS = {"individual": PERSON, "entity": ORGANIZATION}
_NAME_PROPS = {
    "primary name": "name",
    "aka": "alias",
    "original script": "alias",
    "formerly known as": "previousName",
    "previously listed as": "previousName",
}
_EMPTY = {"", "na", "n/a", "-", "none"}
_LISTED_ON = re.compile(r"\bon:?\s*(\d{1,2}\s+[A-Za-z]+\.?\s+\d{4})")


def parse(paths: Sequence[Path], settings: Settings, dataset: str | None = None) -> ParseResult:
    path = paths[0]
    _sheet, rows = read_sheet(path, settings)
    header_index, columns = _header(path, rows)
    published = _latest_control_date(rows[header_index + 1 :], columns)
    result = ParseResult(
        dataset=dataset or DATASET, format=FORMAT, files=[path], entities=iter(()), published=published
    )
    cursor = Cursor(path)
    result.entities = guarded(
        _entities(path, rows, header_index, columns, result.dataset, settings, cursor), cursor
    )
    return result


def _header(path: Path, rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:5]):
        names = [cell_text(c).casefold() for c in row]
        if all(name in names for name in REQUIRED):
            return index, {name: i for i, name in enumerate(names) if name}
    raise SourceError(
        path, "no header row with Reference / Name of Individual or Entity / Type columns", "rows 1-5"
    )


def _latest_control_date(rows: list[list[Any]], columns: dict[str, int]) -> str | None:
    index = columns.get("control date")
    if index is None:
        return None
    dates = [iso_date(row[index]) or _first_date(row[index]) for row in rows if index < len(row)]
    found = [d for d in dates if d]
    return max(found) if found else None


def _first_date(value: Any) -> str | None:
    dates = parse_dates(cell_text(value)) if isinstance(value, str) else []
    return dates[0].value if dates else None


def _base_reference(value: Any) -> str:
    m = re.match(r"^\s*(\d+)", cell_text(value))
    return m[1] if m else ""


def _entities(
    path: Path,
    rows: list[list[Any]],
    header_index: int,
    columns: dict[str, int],
    dataset: str,
    settings: Settings,
    cursor: Cursor,
) -> Iterator[Entity]:
    def read(raw: list[Any], position: str) -> tuple[str, dict[str, Any]]:
        row = {name: raw[i] if i < len(raw) else None for name, i in columns.items()}
        for name, value in row.items():
            if isinstance(value, str):
                check_field(value, path, position, settings, name)
        reference = _base_reference(row.get("reference"))
        if not reference:
            raise SourceError(path, f"reference {cell_text(row.get('reference'))!r} has no number", position)
        return reference, row

    for reference, members in grouped_rows(path, rows, header_index, cursor, read, "reference"):
        yield _entity(path, reference, members, dataset)


def _text(row: dict[str, Any], name: str) -> str:
    value = cell_text(row.get(name))
    return "" if value.casefold() in _EMPTY else value


def _entity(path: Path, reference: str, members: list[tuple[int, dict[str, Any]]], dataset: str) -> Entity:
    kinds = [_text(row, "type").casefold() for _n, row in members]
    schema = next((_SCHEMAS[k] for k in kinds if k in _SCHEMAS), LEGAL_ENTITY)
    entity = Entity(id=f"au-dfat-{reference}", schema=schema, datasets=[dataset])
    ordered = sorted(members, key=lambda m: _text(m[1], "name type").casefold() != "primary name")
    for number, row in ordered:
        source = f"{path.name}:row {number}"
        name = _text(row, "name of individual or entity")
        name_type = _text(row, "name type").casefold()
        prop = _NAME_PROPS.get(name_type, "alias")
        if name:
            lang = name_language(name) if name_type == "original script" else None
            entity.add(prop, name, source, lang=lang)
        _facts(entity, row, source)
    if not entity.has("name"):
        for st in list(entity.statements):
            if st.prop in ("alias", "previousName") and not st.lang:
                entity.add("name", st.value, st.source)
                break
    if not entity.has("name"):
        raise SourceError(path, f"reference {reference} has no name", f"row {members[0][0]}")
    return entity


def _facts(entity: Entity, row: dict[str, Any], source: str) -> None:
    dob = row.get("date of birth")
    iso = iso_date(dob)
    if iso:
        entity.add("birthDate", iso, source)
    else:
        for date in parse_dates(_text(row, "date of birth")):
            entity.add("birthDate", date.value, source, original=date.original, qualifier=date.qualifier)
    entity.add("birthPlace", _text(row, "place of birth"), source)
    for part in split_countries(_text(row, "citizenship")):
        code = country_code(part)
        entity.add("citizenship", code or part, source, original=part if code else None)
    entity.add("address", _text(row, "address"), source)
    entity.add("notes", _text(row, "additional information"), source)
    listing = _text(row, "listing information")
    if listing:
        entity.add("notes", listing, source)
        m = _LISTED_ON.search(listing)
        dates = parse_dates(m[1]) if m else []
        if dates:
            entity.add("listingDate", dates[0].value, source, original=m[1] if m else None)
    entity.add("program", _text(row, "committees"), source)
    control = iso_date(row.get("control date")) or _first_date(row.get("control date"))
    entity.add("modifiedAt", control, source)
