"""Hardened XML reading for list files that come from the network.

A list download is untrusted input: an XML file can declare entities that
expand to gigabytes ("billion laughs") or pull in local files and URLs
(external entities). None of the official lists needs a DTD, so any
``<!ENTITY`` declaration or external DTD is refused outright, and the parser
is configured never to resolve entities, load DTDs or touch the network.
Parse errors become :class:`SourceError` with the XML line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from embargo.sources.base import SourceError

# How much of the file we inspect for a DOCTYPE before the root element.
_PROLOG_BYTES = 1 << 20

ENTITIES_REFUSED = "external entities / entity declarations not allowed"


def local(tag: object) -> str:
    """Tag name without its namespace ("{ns}sdnEntry" -> "sdnEntry")."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def check_prolog(path: Path, head: bytes | None = None) -> None:
    """Refuse a DOCTYPE that declares entities or points to an external DTD."""
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(_PROLOG_BYTES)
    text = _decode_head(head)
    start = text.find("<!DOCTYPE")
    if start < 0:
        return
    doctype = text[start:]
    line = text.count("\n", 0, start) + 1
    if "<!ENTITY" in doctype or re.match(r"<!DOCTYPE\s+\S+\s+(SYSTEM|PUBLIC)\b", doctype):
        raise SourceError(path, ENTITIES_REFUSED, f"line {line}")


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    return head.decode("latin-1")


def parser_options() -> dict[str, Any]:
    """lxml settings for untrusted XML: no entities, DTDs, network or giant trees."""
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
        "dtd_validation": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def hardened_parser() -> Any:
    """A whole-document parser with :func:`parser_options` (for small inputs)."""
    return etree.XMLParser(**parser_options())


def iter_elements(path: Path, tags: set[str], source: IO[bytes] | None = None) -> Iterator[Any]:
    """Yield each complete element whose local name is in ``tags``, then free it.

    Memory stays flat however large the file: processed elements and their
    preceding siblings are cleared as we go.
    """
    for _event, elem in _hardened_events(path, source, ("end",)):
        if local(elem.tag) in tags:
            yield elem
            elem.clear(keep_tail=False)
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]


def iter_events(path: Path, source: IO[bytes] | None = None) -> Iterator[tuple[str, Any]]:
    """Start and end events for formats that need the document order (headers)."""
    return _hardened_events(path, source, ("start", "end"))


def _hardened_events(
    path: Path, source: IO[bytes] | None, events: tuple[str, ...]
) -> Iterator[tuple[str, Any]]:
    """``iterparse`` events with every check: prolog, DTD, entity nodes, located syntax errors."""
    if source is None:
        check_prolog(path)
    context = etree.iterparse(source if source is not None else str(path), events=events, **parser_options())
    first = True
    try:
        for event, elem in context:
            if first:
                _check_docinfo(path, elem)
                first = False
            if isinstance(elem, etree._Entity):
                raise SourceError(path, ENTITIES_REFUSED, f"line {elem.sourceline}")
            yield event, elem
    except etree.XMLSyntaxError as exc:
        raise SourceError(path, f"malformed or truncated XML: {exc.msg}", _line(exc)) from None


def _check_docinfo(path: Path, elem: Any) -> None:
    """Second line of defence: a DTD the prolog scan did not reach (e.g. after a huge comment)."""
    docinfo = elem.getroottree().docinfo
    dtd = docinfo.internalDTD
    if docinfo.system_url or (dtd is not None and any(True for _ in dtd.iterentities())):
        raise SourceError(path, ENTITIES_REFUSED, f"line {elem.sourceline}")


def root_tag(path: Path, head: bytes) -> str | None:
    """Local name of the root element, read from the first bytes only (for detection)."""
    check_prolog(path, head)
    parser = etree.XMLPullParser(events=("start",), **parser_options())
    try:
        for offset in range(0, len(head), 4096):
            parser.feed(head[offset : offset + 4096])
            for _event, elem in parser.read_events():
                return local(elem.tag)
    except etree.XMLSyntaxError as exc:
        raise SourceError(path, f"malformed XML: {exc.msg}", _line(exc)) from None
    return None


def _line(exc: etree.XMLSyntaxError) -> str | None:
    pos = getattr(exc, "position", None)
    if pos and pos[0]:
        return f"line {pos[0]}"
    lineno = getattr(exc, "lineno", None)
    return f"line {lineno}" if lineno else None


def text_of(elem: Any, name: str, path: Path, max_chars: int) -> str | None:
    """Stripped text of the first child called ``name`` (any namespace)."""
    for child in elem:
        if local(child.tag) == name:
            return checked_text(child, path, max_chars)
    return None


def checked_text(elem: Any, path: Path, max_chars: int) -> str | None:
    """Element text, refusing absurdly long values as hostile input."""
    text = elem.text
    if text is None:
        return None
    if len(text) > max_chars:
        raise SourceError(
            path, f"field <{local(elem.tag)}> longer than {max_chars} characters", f"line {elem.sourceline}"
        )
    text = " ".join(text.split())
    return text or None


def children(elem: Any, name: str) -> list[Any]:
    return [child for child in elem if local(child.tag) == name]


def child(elem: Any, name: str) -> Any | None:
    for c in elem:
        if local(c.tag) == name:
            return c
    return None
