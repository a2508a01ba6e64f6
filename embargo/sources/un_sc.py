"""UN Security Council Consolidated List (consolidated.xml).

Root ``CONSOLIDATED_LIST`` (attribute ``dateGenerated`` = publication time)
with ``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY`` records, streamed one
at a time. Ids are ``unsc-<DATAID>`` as in OpenSanctions. Alias quality
"Good" and "a.k.a." count as aliases, "Low" as weak aliases, "f.k.a." as
previous names. ``NAME_ORIGINAL_SCRIPT`` is an alias tagged with the language
its characters indicate (the file does not say).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from embargo.model import ORGANIZATION, PERSON, Entity
from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import Cursor, entities_from_elements, guarded
from embargo.sources.countries import country_code, split_countries
from embargo.sources.dates import CIRCA, RANGE, parse_dates, parse_single
from embargo.sources.scripts import name_language
from embargo.sources.xmlsafe import (
    check_prolog,
    checked_text,
    children,
    iter_elements,
    iter_events,
    local,
    text_of,
)

FORMAT = "un_sc"
DATASET = "un_sc_sanctions"
_ALIAS_PROPS = {"good": "alias", "a.k.a.": "alias", "low": "weakAlias", "f.k.a.": "previousName"}


def parse(paths: Sequence[Path], settings: Settings, dataset: str | None = None) -> ParseResult:
    path = paths[0]
    check_prolog(path)
    published = _published(path)
    result = ParseResult(
        dataset=dataset or DATASET, format=FORMAT, files=[path], entities=iter(()), published=published
    )
    cursor = Cursor(path)
    result.entities = guarded(_entities(path, result.dataset, settings, cursor), cursor)
    return result


def _published(path: Path) -> str | None:
    for event, elem in iter_events(path):
        if event == "start":
            if local(elem.tag) != "CONSOLIDATED_LIST":
                raise SourceError(
                    path, f"root element <{local(elem.tag)}> is not CONSOLIDATED_LIST", "line 1"
                )
            dates = parse_dates(elem.get("dateGenerated"))
            return dates[0].value if dates else None
    return None


def _entities(path: Path, dataset: str, settings: Settings, cursor: Cursor) -> Iterator[Entity]:
    elements = iter_elements(path, {"INDIVIDUAL", "ENTITY"})
    yield from entities_from_elements(
        path, elements, cursor, lambda elem: _entity(path, elem, local(elem.tag), dataset, settings)
    )


def _entity(path: Path, elem: Any, kind: str, dataset: str, settings: Settings) -> Entity:
    limit = settings.max_field_chars

    def text(node: Any, name: str) -> str | None:
        return text_of(node, name, path, limit)

    data_id = text(elem, "DATAID")
    if not data_id:
        raise SourceError(path, f"<{kind}> without DATAID", f"line {elem.sourceline}")
    source = f"{path.name}:{kind} {data_id}"
    schema = PERSON if kind == "INDIVIDUAL" else ORGANIZATION
    entity = Entity(id=f"unsc-{data_id}", schema=schema, datasets=[dataset])
    parts = [text(elem, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    if not name:
        raise SourceError(path, f"{kind} {data_id} has no name", f"line {elem.sourceline}")
    entity.add("name", name, source)
    if schema == PERSON:
        entity.add("firstName", parts[0], source)
        entity.add("secondName", parts[1], source)
    original = text(elem, "NAME_ORIGINAL_SCRIPT")
    if original:
        entity.add("alias", original, source, lang=name_language(original))
    entity.add("unscId", text(elem, "REFERENCE_NUMBER"), source)
    entity.add("program", text(elem, "UN_LIST_TYPE"), source)
    for date in parse_dates(text(elem, "LISTED_ON")):
        entity.add("listingDate", date.value, source)
    gender = text(elem, "GENDER")
    if gender:
        entity.add("gender", gender.casefold(), source, original=gender)
    entity.add("notes", text(elem, "COMMENTS1"), source)
    for wrapper, prop in (("TITLE", "title"), ("DESIGNATION", "position")):
        for node in children(elem, wrapper):
            for value in children(node, "VALUE"):
                entity.add(prop, checked_text(value, path, limit), source)
    for node in children(elem, "NATIONALITY"):
        for value in children(node, "VALUE"):
            for part in split_countries(checked_text(value, path, limit)):
                code = country_code(part)
                entity.add("nationality", code or part, source, original=part if code else None)
    for node in children(elem, "LAST_DAY_UPDATED"):
        for value in children(node, "VALUE"):
            for date in parse_dates(checked_text(value, path, limit)):
                entity.add("modifiedAt", date.value, source)
    for node in children(elem, f"{kind}_ALIAS"):
        alias = text(node, "ALIAS_NAME")
        if alias:
            quality = (text(node, "QUALITY") or "").casefold()
            prop = _ALIAS_PROPS.get(quality, "alias")
            lang = name_language(alias)
            entity.add(prop, alias, source, lang=lang)
    for node in children(elem, "INDIVIDUAL_DATE_OF_BIRTH"):
        _birth_date(entity, node, path, limit, source)
    for node in children(elem, "INDIVIDUAL_PLACE_OF_BIRTH"):
        place = ", ".join(v for v in (text(node, t) for t in ("CITY", "STATE_PROVINCE", "COUNTRY")) if v)
        entity.add("birthPlace", place, source)
    for node in children(elem, "INDIVIDUAL_DOCUMENT"):
        number = text(node, "NUMBER")
        if not number:
            continue
        doc_type = (text(node, "TYPE_OF_DOCUMENT") or "").casefold()
        prop = "passportNumber" if "pass" in doc_type else "idNumber"
        details = [
            text(node, t) for t in ("TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2", "ISSUING_COUNTRY", "NOTE")
        ]
        original = f"{number} ({', '.join(d for d in details if d)})" if any(details) else None
        entity.add(prop, number, source, original=original)
    for node in children(elem, f"{kind}_ADDRESS"):
        fields = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
        address = ", ".join(v for v in (text(node, t) for t in fields) if v)
        entity.add("address", address, source)
        country = text(node, "COUNTRY")
        if country:
            code = country_code(country)
            entity.add("country", code or country, source, original=country if code else None)
    return entity


def _birth_date(entity: Entity, node: Any, path: Path, limit: int, source: str) -> None:
    def text(name: str) -> str | None:
        return text_of(node, name, path, limit)

    kind = (text("TYPE_OF_DATE") or "EXACT").upper()
    qualifier = CIRCA if kind == "APPROXIMATELY" else None
    if kind == "BETWEEN":
        start, end = text("FROM_YEAR"), text("TO_YEAR")
        if start and end:
            for date in parse_dates(f"{start} to {end}"):
                entity.add("birthDate", date.value, source, original=date.original, qualifier=RANGE)
            return
    for tag in ("DATE", "YEAR"):
        raw = text(tag)
        if raw:
            value = parse_single(raw)
            if value:
                original = f"{kind.lower()} {raw}" if qualifier else raw
                entity.add("birthDate", value, source, original=original, qualifier=qualifier)
            return
