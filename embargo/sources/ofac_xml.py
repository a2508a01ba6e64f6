"""OFAC lists in the sdn.xml schema (SDN.XML, CONSOLIDATED.XML).

Namespaced ``sdnList`` with ``publshInformation/Publish_Date`` (mm/dd/yyyy,
the publication date) and one ``sdnEntry`` per party, streamed. Names are
written "LAST, First" as in OFAC's CSV so that both publications give the
same values. ``akaList`` entries of category "weak" become weak aliases,
"f.k.a." previous names. ``idList`` entries are mapped with the same label
table as the CSV Remarks.

The file does not name its list; the consolidated list is recognised by its
programmes (non-SDN lists such as NS-PLC, SSI, CMIC) or file name, and
reported as ``us_ofac_cons``; otherwise ``us_ofac_sdn``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from embargo.model import PERSON, VESSEL, Entity
from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import Cursor, entities_from_elements, guarded
from embargo.sources.dates import parse_dates
from embargo.sources.ofac_common import (
    DATASET_CONS,
    DATASET_SDN,
    SCHEMA_BY_TYPE,
    add_value,
    country_value,
    person_name_parts,
    prop_for_label,
)
from embargo.sources.xmlsafe import (
    check_prolog,
    checked_text,
    child,
    children,
    iter_elements,
    iter_events,
    local,
    text_of,
)

FORMAT = "ofac_xml"
# Programme tags that only occur on OFAC's non-SDN (consolidated) lists.
_NON_SDN_PROGRAMS = re.compile(r"^(NS-|CMIC|.*\bSSI\b|FSE-|PLC)", re.I)


def parse(paths: Sequence[Path], settings: Settings, dataset: str | None = None) -> ParseResult:
    path = paths[0]
    check_prolog(path)
    published, looks_consolidated = _header(path, settings)
    if dataset is None:
        dataset = DATASET_CONS if looks_consolidated or "cons" in path.name.casefold() else DATASET_SDN
    result = ParseResult(dataset=dataset, format=FORMAT, files=[path], entities=iter(()), published=published)
    cursor = Cursor(path)
    result.entities = guarded(_entities(path, dataset, settings, cursor), cursor)
    return result


def _header(path: Path, settings: Settings) -> tuple[str | None, bool]:
    """Publish_Date, and whether the first entry's programmes are non-SDN ones."""
    published = None
    for event, elem in iter_events(path):
        name = local(elem.tag)
        if event == "start" and name not in ("sdnList",) and elem.getparent() is None:
            raise SourceError(path, f"root element <{name}> is not sdnList", f"line {elem.sourceline}")
        if event != "end":
            continue
        if name == "Publish_Date":
            text = (elem.text or "").strip()
            m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
            published = f"{m[3]}-{int(m[1]):02d}-{int(m[2]):02d}" if m else None
        elif name == "sdnEntry":
            programs = [p.text or "" for p in elem.iter() if local(p.tag) == "program"]
            return published, any(_NON_SDN_PROGRAMS.match(p.strip()) for p in programs)
    return published, False


def _entities(path: Path, dataset: str, settings: Settings, cursor: Cursor) -> Iterator[Entity]:
    elements = iter_elements(path, {"sdnEntry"})
    yield from entities_from_elements(
        path, elements, cursor, lambda elem: _entity(path, elem, dataset, settings)
    )


def _name(first: str | None, last: str | None) -> str:
    return f"{last}, {first}" if first and last else (last or first or "")


def _entity(path: Path, elem: Any, dataset: str, settings: Settings) -> Entity:
    limit = settings.max_field_chars

    def text(node: Any, name: str) -> str | None:
        return text_of(node, name, path, limit)

    uid = text(elem, "uid")
    if not uid or not uid.isdigit():
        raise SourceError(path, "sdnEntry without a numeric uid", f"line {elem.sourceline}")
    source = f"{path.name}:sdnEntry {uid}"
    schema = SCHEMA_BY_TYPE.get((text(elem, "sdnType") or "").casefold())
    if schema is None:
        raise SourceError(path, f"unknown sdnType {text(elem, 'sdnType')!r}", f"line {elem.sourceline}")
    entity = Entity(id=f"ofac-{uid}", schema=schema, datasets=[dataset])
    name = _name(text(elem, "firstName"), text(elem, "lastName"))
    if not name:
        raise SourceError(path, f"sdnEntry {uid} has no name", f"line {elem.sourceline}")
    entity.add("name", name, source)
    if schema == PERSON:
        person_name_parts(entity, name, source)
    title = text(elem, "title")
    entity.add("position" if schema == PERSON else "notes", title, source)
    remarks = text(elem, "remarks")
    entity.add("notes", remarks, source)
    for program in _items(elem, "programList", "program"):
        entity.add("program", checked_text(program, path, limit), source)
    for aka in _items(elem, "akaList", "aka"):
        alias = _name(text(aka, "firstName"), text(aka, "lastName"))
        kind = (text(aka, "type") or "").casefold()
        weak = (text(aka, "category") or "").casefold() == "weak"
        prop = "previousName" if kind.startswith("f.k.a") else "weakAlias" if weak else "alias"
        entity.add(prop, alias, source)
    for item in _items(elem, "dateOfBirthList", "dateOfBirthItem"):
        for date in parse_dates(text(item, "dateOfBirth")):
            entity.add("birthDate", date.value, source, original=date.original, qualifier=date.qualifier)
    for item in _items(elem, "placeOfBirthList", "placeOfBirthItem"):
        entity.add("birthPlace", text(item, "placeOfBirth"), source)
    for item in _items(elem, "nationalityList", "nationality"):
        country_value(entity, "nationality", text(item, "country"), source)
    for item in _items(elem, "citizenshipList", "citizenship"):
        country_value(entity, "citizenship", text(item, "country"), source)
    for item in _items(elem, "idList", "id"):
        id_type, number = text(item, "idType"), text(item, "idNumber")
        id_prop = prop_for_label(id_type or "")
        if id_prop and number:
            add_value(entity, id_prop, number, source)
    for item in _items(elem, "addressList", "address"):
        fields = ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode", "country")
        address = ", ".join(v for v in (text(item, f) for f in fields) if v)
        entity.add("address", address, source)
        country_value(entity, "country", text(item, "country"), source)
    vessel = child(elem, "vesselInfo")
    if vessel is not None and schema == VESSEL:
        entity.add("callSign", text(vessel, "callSign"), source)
        entity.add("type", text(vessel, "vesselType"), source)
        country_value(entity, "flag", text(vessel, "vesselFlag"), source)
        entity.add("owner", text(vessel, "vesselOwner"), source)
        entity.add("tonnage", text(vessel, "tonnage"), source)
        entity.add("grossRegisteredTonnage", text(vessel, "grossRegisteredTonnage"), source)
    return entity


def _items(elem: Any, wrapper: str, item: str) -> list[Any]:
    node = child(elem, wrapper)
    return children(node, item) if node is not None else []
