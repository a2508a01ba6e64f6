"""Canada: Special Economic Measures Act (SEMA) consolidated list (sema-lmes.xml).

``data-set/record`` elements with Country, LastName, GivenName or Entity,
Aliases (comma-separated), DateOfBirth, Title, Schedule and Item.

Ids: the list has no record identifier, so ``ca-sema-<stable key>`` is built
from what identifies a record in the regulations: the country (regime) part
of Country in English, the Schedule and the Item number, e.g.
``ca-sema-syria-2-121``. These stay the same between releases as long as
Canada does not renumber the schedule. Records without a Schedule use
``na``; if two records ever share a key, the later one gets a short hash of
its name appended so ids remain unique (and still stable).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from embargo.model import ORGANIZATION, PERSON, Entity
from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import Cursor, guarded
from embargo.sources.dates import parse_dates
from embargo.sources.xmlsafe import check_prolog, iter_elements, iter_events, local, text_of

FORMAT = "ca_sema"
DATASET = "ca_dfatd_sema_sanctions"


def parse(paths: Sequence[Path], settings: Settings, dataset: str | None = None) -> ParseResult:
    path = paths[0]
    check_prolog(path)
    for event, elem in iter_events(path):
        if event == "start":
            if local(elem.tag) != "data-set":
                raise SourceError(path, f"root element <{local(elem.tag)}> is not data-set", "line 1")
            break
    result = ParseResult(dataset=dataset or DATASET, format=FORMAT, files=[path], entities=iter(()))
    cursor = Cursor(path)
    result.entities = guarded(_entities(path, result.dataset, settings, cursor), cursor)
    return result


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _regime(country: str) -> str:
    """English part of "Syria / Syrie"; the abbreviation of a named regulation."""
    english = country.split(" / ")[0].strip()
    abbreviation = re.search(r"\(([A-Z]{3,})\)", english)
    return abbreviation[1] if abbreviation else english


def record_key(country: str, schedule: str | None, item: str) -> str:
    return "-".join(_slug(p) or "na" for p in (_regime(country), schedule or "na", item))


def _entities(path: Path, dataset: str, settings: Settings, cursor: Cursor) -> Iterator[Entity]:
    seen: set[str] = set()
    for elem in iter_elements(path, {"record"}):
        cursor.at(path, f"line {elem.sourceline}")
        entity = _entity(path, elem, dataset, settings, seen)
        seen.add(entity.id)
        yield entity


def _entity(path: Path, elem: Any, dataset: str, settings: Settings, seen: set[str]) -> Entity:
    def text(name: str) -> str | None:
        return text_of(elem, name, path, settings.max_field_chars)

    country, item = text("Country"), text("Item")
    if not country or not item:
        raise SourceError(path, "record without Country or Item", f"line {elem.sourceline}")
    schedule = text("Schedule")
    org_name = text("Entity")
    last, given = text("LastName"), text("GivenName")
    name = org_name or " ".join(p for p in (given, last) if p)
    if not name:
        raise SourceError(path, "record without a name", f"line {elem.sourceline}")
    key = record_key(country, schedule, item)
    entity_id = f"ca-sema-{key}"
    if entity_id in seen:
        entity_id = f"{entity_id}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"
    source = f"{path.name}:record {key}"
    schema = ORGANIZATION if org_name else PERSON
    entity = Entity(id=entity_id, schema=schema, datasets=[dataset])
    entity.add("name", name, source)
    if schema == PERSON:
        entity.add("firstName", given, source)
        entity.add("lastName", last, source)
    for alias in (text("Aliases") or "").split(","):
        entity.add("alias", alias.strip(), source)
    for date in parse_dates(text("DateOfBirth")):
        entity.add("birthDate", date.value, source, original=date.original, qualifier=date.qualifier)
    entity.add("position", text("Title"), source)
    entity.add("program", _regime(country), source)
    entity.add("notes", f"Schedule {schedule or 'n/a'}, item {item}", source)
    return entity
