"""HM Treasury (OFSI) Consolidated List of Financial Sanctions Targets.

Read from ConList.xlsx (sheet ``Data``) or ConList.csv, which share one
layout: row 1 "Last Updated" with the publication date, row 2 the headers,
then one row per name variant. A target is the set of rows sharing a
``Group ID`` (rows of one group are not necessarily adjacent), so rows are
gathered by group before entities are built; the id is ``gb-hmt-<Group ID>``
as in OpenSanctions.

Alias types: "Primary name" -> name, "Primary name variation" and "AKA" ->
alias (an AKA of "Low quality" -> weakAlias), "FKA" -> previousName. The
``Name Non-Latin Script`` column becomes an alias tagged with its language,
taken from the language/script columns or, when those are empty or
misspelt, from the characters themselves.

Which name is the caption: the list repeats the primary name on several rows
of a group (one per address, passport or regime), and a few groups have two
differently spelt "Primary name" rows (e.g. LUKASHENKO, the IRGC Qods Force).
Rows are ordered "Primary name" first, then "Primary name variation", then
the rest; among primary names the spelling on the most rows comes first and
ties keep file order (the file is sorted by surname, not by importance).
The list's own choice is kept even when a variation is longer: group 12634's
one "Primary name" row is "Asma AL ASAD", its AL-ASSAD rows are variations.
A group without a "Primary name" row takes its first variation as the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from embargo.model import LEGAL_ENTITY, ORGANIZATION, PERSON, VESSEL, Entity
from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import Cursor, cell_text, check_field, guarded, read_head
from embargo.sources.countries import country_code, split_countries
from embargo.sources.csvread import iter_rows, sniff_encoding
from embargo.sources.dates import iso_date, parse_dates
from embargo.sources.scripts import name_language
from embargo.sources.sheets import grouped_rows, read_sheet

FORMAT = "uk_hmt"
DATASET = "gb_hmt_sanctions"
SCHEMAS = {"individual": PERSON, "entity": ORGANIZATION, "ship": VESSEL}
REQUIRED = ("Group ID", "Name 6", "Alias Type", "Group Type")
NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")

Row = dict[str, str]


def parse(paths: Sequence[Path], settings: Settings, dataset: str | None = None) -> ParseResult:
    path = paths[0]
    rows = _load(path, settings)
    header_index, published = _find_header(path, rows)
    result = ParseResult(
        dataset=dataset or DATASET, format=FORMAT, files=[path], entities=iter(()), published=published
    )
    cursor = Cursor(path)
    result.entities = guarded(_entities(path, rows, header_index, result.dataset, settings, cursor), cursor)
    return result


def _load(path: Path, settings: Settings) -> list[list[Any]]:
    if read_head(path, 4).startswith(b"PK\x03\x04"):
        _sheet, sheet_rows = read_sheet(path, settings, preferred="Data")
        return sheet_rows
    encoding = sniff_encoding(read_head(path))
    cursor = Cursor(path)
    rows: list[list[Any]] = []
    for number, row in iter_rows(path, settings, cursor, encoding=encoding):
        # Keep spreadsheet row numbers meaningful: pad skipped blank rows.
        while len(rows) < number - 1:
            rows.append([])
        rows.append(list(row))
    return rows


def _find_header(path: Path, rows: list[list[Any]]) -> tuple[int, str | None]:
    published = None
    for index, row in enumerate(rows[:5]):
        cells = [cell_text(c) for c in row]
        if cells and cells[0].casefold() == "last updated" and len(cells) > 1:
            dates = parse_dates(cells[1]) if isinstance(row[1], str) else []
            published = dates[0].value if dates else iso_date(row[1])
        if all(name in cells for name in REQUIRED):
            return index, published
    raise SourceError(path, "no header row with Group ID / Name 6 / Alias Type columns", "rows 1-5")


def _entities(
    path: Path, rows: list[list[Any]], header_index: int, dataset: str, settings: Settings, cursor: Cursor
) -> Iterator[Entity]:
    header = [cell_text(c) for c in rows[header_index]]

    def read(raw: list[Any], position: str) -> tuple[str, Row]:
        row: Row = {}
        for name, value in zip(header, raw, strict=False):
            if not name or value is None:
                continue
            if isinstance(value, str):
                row[name] = " ".join(check_field(value, path, position, settings, name).split())
            else:
                # A typed cell (Excel date or number): keep its ISO form under "_<column>".
                row[name] = cell_text(value)
                typed = iso_date(value)
                if typed:
                    row[f"_{name}"] = typed
        group = row.get("Group ID", "")
        if not group:
            raise SourceError(path, "row without a Group ID", position)
        return group, row

    for group, members in grouped_rows(path, rows, header_index, cursor, read, "group"):
        yield _entity(path, group, members, dataset)


def _full_name(row: Row) -> str:
    return " ".join(row.get(col, "") for col in NAME_COLUMNS if row.get(col))


def _entity(path: Path, group: str, members: list[tuple[int, Row]], dataset: str) -> Entity:
    first = members[0][1]
    schema = SCHEMAS.get(first.get("Group Type", "").casefold(), LEGAL_ENTITY)
    entity = Entity(id=f"gb-hmt-{group}", schema=schema, datasets=[dataset])
    for number, row in _caption_order(members):
        source = f"{path.name}:row {number}"
        _add_names(entity, row, source)
        _add_facts(entity, row, source)
    if not entity.has("name"):
        for st in list(entity.statements):
            if st.prop in ("alias", "weakAlias", "previousName") and not st.lang:
                entity.add("name", st.value, st.source)
                break
    return entity


_TYPE_RANK = {"primary name": 0, "primary name variation": 1}


def _caption_order(members: list[tuple[int, Row]]) -> list[tuple[int, Row]]:
    """The group's rows, the one to caption the entity first (see module doc)."""
    primary_rows = [_full_name(r) for _, r in members if r.get("Alias Type", "").casefold() == "primary name"]
    spelling_count = {name: primary_rows.count(name) for name in primary_rows}

    def rank(member: tuple[int, Row]) -> tuple[int, int]:
        row = member[1]
        type_rank = _TYPE_RANK.get(row.get("Alias Type", "").casefold(), 2)
        return type_rank, -spelling_count.get(_full_name(row), 0) if type_rank == 0 else 0

    return sorted(members, key=rank)


def _add_names(entity: Entity, row: Row, source: str) -> None:
    alias_type = row.get("Alias Type", "").casefold()
    low = "low" in row.get("Alias Quality", "").casefold()
    if alias_type == "primary name":
        prop = "name"
    elif alias_type == "fka":
        prop = "previousName"
    else:
        prop = "weakAlias" if low else "alias"
    full = _full_name(row)
    if full:
        entity.add(prop, full, source)
        if prop == "name" and entity.schema == PERSON:
            entity.add("firstName", row.get("Name 1"), source)
            middle = " ".join(row.get(c, "") for c in ("Name 2", "Name 3", "Name 4", "Name 5") if row.get(c))
            entity.add("middleName", middle, source)
            entity.add("lastName", row.get("Name 6"), source)
    entity.add("title", row.get("Title"), source)
    original = row.get("Name Non-Latin Script", "")
    if original:
        lang = name_language(original, row.get("Non-Latin Script Language"), row.get("Non-Latin Script Type"))
        entity.add("alias", original, source, lang=lang)


_ENUM_SPLIT = re.compile(r"\(\d{1,2}\)")


def _numbers(text: str) -> list[str]:
    return [p.strip(" ,;") for p in _ENUM_SPLIT.split(text) if p.strip(" ,;")]


def _add_facts(entity: Entity, row: Row, source: str) -> None:
    dob = row.get("DOB", "")
    if row.get("_DOB"):
        entity.add("birthDate", row["_DOB"], source, original=dob)
    else:
        for date in parse_dates(dob):
            entity.add("birthDate", date.value, source, original=date.original, qualifier=date.qualifier)
    place = ", ".join(v for v in (row.get("Town of Birth"), row.get("Country of Birth")) if v)
    entity.add("birthPlace", place, source)
    for part in split_countries(row.get("Nationality")):
        code = country_code(part)
        entity.add("nationality", code or part, source, original=part if code else None)
    for number in _numbers(row.get("Passport Number", "")):
        entity.add("passportNumber", number, source, original=row.get("Passport Details") or None)
    for number in _numbers(row.get("National Identification Number", "")):
        entity.add("idNumber", number, source, original=row.get("National Identification Details") or None)
    for position in _numbers(row.get("Position", "")):
        entity.add("position", position, source)
    address_cols = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
    address = ", ".join(row[c] for c in (*address_cols, "Post/Zip Code", "Country") if row.get(c))
    entity.add("address", address, source)
    country = row.get("Country")
    if country:
        code = country_code(country)
        entity.add("country", code or country, source, original=country if code else None)
    entity.add("program", row.get("Regime"), source)
    for column, prop in (("Listed On", "listingDate"), ("Last Updated", "modifiedAt")):
        value = row.get(f"_{column}") or row.get(column)
        dates = parse_dates(value)
        if dates:
            entity.add(prop, dates[0].value, source)
    other = row.get("Other Information", "")
    if other:
        entity.add("notes", other, source)
        ref = re.search(r"\(UK Sanctions List Ref\):\s*([A-Z]{2,4}\d{3,5})", other)
        if ref:
            entity.add("programId", ref[1], source)
        gender = re.search(r"\(Gender\):\s*(Male|Female)", other, re.I)
        if gender:
            entity.add("gender", gender[1].casefold(), source)
