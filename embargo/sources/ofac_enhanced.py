"""OFAC "enhanced XML" publication (e.g. CONS_ENHANCED.ZIP / CONS_ENHANCED.XML).

The zip is opened only after the zip-bomb check; its single XML member is
then streamed (twice: once for the header, once for the entities). ``publicationInfo/dataAsOf``
is the publication date; ``publicationInfo/filters/sanctionsLists`` says
which list the file holds (the Consolidated List -> ``us_ofac_cons``).

Each ``entity`` carries typed names (primary / A.K.A. / F.K.A. / N.K.A., with
a low-quality flag and per-script translations), features (birth date with
approximate/range flags, nationality, ...), identity documents, addresses
and relationships to other listed entities, which become relations with the
target's ``ofac-<id>``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any

from embargo.model import PERSON, Entity, Relation
from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import Cursor, check_zip, entities_from_elements, guarded, read_head
from embargo.sources.dates import CIRCA, RANGE, parse_dates
from embargo.sources.ofac_common import DATASET_CONS, DATASET_SDN, SCHEMA_BY_TYPE, add_value, prop_for_label
from embargo.sources.scripts import name_language
from embargo.sources.xmlsafe import check_prolog, child, children, iter_elements, iter_events, local, text_of

FORMAT = "ofac_enhanced"
_ALIAS_PROPS = {"a.k.a.": "alias", "f.k.a.": "previousName", "n.k.a.": "alias"}


def parse(paths: Sequence[Path], settings: Settings, dataset: str | None = None) -> ParseResult:
    path = paths[0]
    opener = _opener(path, settings)
    with opener() as fh:
        check_prolog(path, fh.read(1 << 20))
    with opener() as fh:
        published, list_names = _header(path, fh)
    if dataset is None:
        dataset = DATASET_CONS if any("consolidated" in n.casefold() for n in list_names) else DATASET_SDN
    result = ParseResult(dataset=dataset, format=FORMAT, files=[path], entities=iter(()), published=published)
    cursor = Cursor(path)
    result.entities = guarded(_entities(path, opener, dataset, settings, cursor), cursor)
    return result


Opener = Callable[[], AbstractContextManager[IO[bytes]]]


def _opener(path: Path, settings: Settings) -> Opener:
    """How to (re)open the XML: the file itself, or its single member in a checked zip.

    Zip members are streamed; zipfile never reads past a member's declared
    size, and :func:`check_zip` has bounded those sizes.
    """
    if not read_head(path, 4).startswith(b"PK\x03\x04"):
        return lambda: open(path, "rb")
    with check_zip(path, settings) as archive:
        members = [n for n in archive.namelist() if n.lower().endswith(".xml")]
    if len(members) != 1:
        raise SourceError(path, f"expected one XML file in the archive, found {len(members)}")

    @contextmanager
    def member() -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(path) as archive, archive.open(members[0]) as fh:
            yield fh

    return member


def _header(path: Path, source: IO[bytes]) -> tuple[str | None, list[str]]:
    published: str | None = None
    lists: list[str] = []
    for event, elem in iter_events(path, source):
        name = local(elem.tag)
        if event == "start":
            if elem.getparent() is None and name != "sanctionsData":
                raise SourceError(
                    path, f"root element <{name}> is not sanctionsData", f"line {elem.sourceline}"
                )
            if name == "entities":
                break
            continue
        if name == "dataAsOf":
            dates = parse_dates(elem.text)
            published = dates[0].value if dates else None
        elif name == "sanctionsList":
            lists.append((elem.text or "").strip())
        elif name == "publicationInfo":
            break
    return published, lists


def _entities(
    path: Path, opener: Opener, dataset: str, settings: Settings, cursor: Cursor
) -> Iterator[Entity]:
    def build(elem: Any) -> Entity | None:
        parent = elem.getparent()
        if parent is None or local(parent.tag) != "entities":
            return None
        return _entity(path, elem, dataset, settings)

    with opener() as source:
        yield from entities_from_elements(path, iter_elements(path, {"entity"}, source), cursor, build)


def _entity(path: Path, elem: Any, dataset: str, settings: Settings) -> Entity:
    limit = settings.max_field_chars

    def text(node: Any, name: str) -> str | None:
        return text_of(node, name, path, limit) if node is not None else None

    ent_id = elem.get("id", "")
    if not ent_id.isdigit():
        raise SourceError(path, "entity without a numeric id", f"line {elem.sourceline}")
    source = f"{path.name}:entity {ent_id}"
    entity_type = (text(child(elem, "generalInfo"), "entityType") or "").casefold()
    schema = SCHEMA_BY_TYPE.get(entity_type)
    if schema is None:
        raise SourceError(path, f"unknown entityType {entity_type!r}", f"line {elem.sourceline}")
    entity = Entity(id=f"ofac-{ent_id}", schema=schema, datasets=[dataset])
    _names(entity, elem, text, source)
    if not entity.has("name"):
        raise SourceError(path, f"entity {ent_id} has no primary name", f"line {elem.sourceline}")
    for node in _items(elem, "sanctionsPrograms", "sanctionsProgram"):
        entity.add("program", node.text, source)
    for node in _items(elem, "features", "feature"):
        _feature(entity, node, text, source)
    for node in _items(elem, "identityDocuments", "identityDocument"):
        prop = prop_for_label(text(node, "type") or "")
        number = text(node, "documentNumber")
        if prop and number:
            add_value(entity, prop, number, source)
    for node in _items(elem, "addresses", "address"):
        _address(entity, node, text, source)
    for node in _items(elem, "relationships", "relationship"):
        target = child(node, "relatedEntity")
        if target is not None and (target.text or "").strip():
            target_id = target.get("entityId")
            entity.relate(
                Relation(
                    "linked",
                    " ".join(target.text.split()),
                    target_id=f"ofac-{target_id}" if target_id else None,
                    label=text(node, "type"),
                    source=source,
                )
            )
    entity.add("notes", text(elem, "remarks"), source)
    return entity


def _items(elem: Any, wrapper: str, item: str) -> list[Any]:
    node = child(elem, wrapper)
    return children(node, item) if node is not None else []


def _names(entity: Entity, elem: Any, text: Any, source: str) -> None:
    for name in _items(elem, "names", "name"):
        primary = (text(name, "isPrimary") or "").casefold() == "true"
        low = (text(name, "isLowQuality") or "").casefold() == "true"
        alias_type = (text(name, "aliasType") or "").casefold()
        prop = "name" if primary else _ALIAS_PROPS.get(alias_type, "alias")
        if prop == "alias" and low:
            prop = "weakAlias"
        for translation in _items(name, "translations", "translation"):
            full = text(translation, "formattedFullName")
            if not full:
                continue
            script = text(translation, "script") or "Latin"
            latin = script.casefold() == "latin"
            lang = None if latin else name_language(full, script)
            this_prop = prop if latin or prop != "name" else "alias"
            entity.add(this_prop, full, source, lang=lang)
            if this_prop == "name" and entity.schema == PERSON:
                entity.add("lastName", text(translation, "formattedLastName"), source)
                entity.add("firstName", text(translation, "formattedFirstName"), source)


def _feature(entity: Entity, node: Any, text: Any, source: str) -> None:
    label = text(node, "type") or ""
    prop = prop_for_label(label)
    value = text(node, "value")
    if not prop or not value:
        return
    if prop == "birthDate":
        when = child(node, "valueDate")
        approximate = (text(when, "isApproximate") or "").casefold() == "true"
        is_range = (text(when, "isDateRange") or "").casefold() == "true"
        for date in parse_dates(value):
            qualifier = CIRCA if approximate else RANGE if is_range else date.qualifier
            entity.add(prop, date.value, source, original=date.original, qualifier=qualifier)
        return
    add_value(entity, prop, value, source)


def _address(entity: Entity, node: Any, text: Any, source: str) -> None:
    country = text(node, "country")
    for translation in _items(node, "translations", "translation"):
        parts = [text(part, "value") for part in _items(translation, "addressParts", "addressPart")]
        full = ", ".join(p for p in [*parts, country] if p)
        entity.add("address", full, source)
    if country:
        add_value(entity, "country", country, source)
