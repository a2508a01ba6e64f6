"""Turn what the user hands ``embargo scan`` into one screenable :class:`Document`.

Four inputs are understood: plain text, a saved HTML page (its main text is
extracted with trafilatura so that menus and footers are not screened),
SWIFT MT103 customer transfers and ISO 20022 pacs.008 XML. Payments differ
from prose: their parties are already delimited, so they are screened as
whole names (:attr:`Document.parties`) rather than searched for, and only the
free-text fields (remittance, sender-to-receiver information) are scanned
like prose (:attr:`Document.segments`).

Every reader raises :class:`ScanInputError` naming the source and, where it
can, the line, instead of letting a parser exception escape.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from embargo.sources.xmlsafe import hardened_parser, local

FORMATS = ("text", "html", "mt103", "pacs008")


class ScanInputError(Exception):
    """The input cannot be screened. The message names the source and position."""

    def __init__(self, source: str, message: str, position: str | None = None) -> None:
        self.source = source
        self.position = position
        self.reason = message
        where = f"{source}:{position}" if position else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Party:
    """A party named in a structured field of a payment message.

    ``start``/``end`` locate ``name`` inside :attr:`Document.text` so the
    report can point at it like at any other mention. ``schema`` is
    ``LegalEntity`` because a payment does not say whether a customer is a
    person or a company; agents (banks) are ``Organization``.
    """

    field: str
    role: str
    name: str
    start: int
    end: int
    schema: str = "LegalEntity"
    country: str | None = None
    bic: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A free-text field of a payment (remittance, instructions) to scan like prose."""

    field: str
    start: int
    end: int


@dataclass
class Document:
    """One input to screen: its text plus, for payments, its structured parts.

    For prose ``segments`` is empty and the whole ``text`` is scanned. For
    payments ``text`` is a readable rendering of the message whose offsets
    the parties and segments refer to (the MT103 itself; for pacs.008 one
    ``Tag: value`` line per field, because offsets into XML help nobody).
    """

    source: str
    format: str
    text: str
    parties: list[Party] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def is_payment(self) -> bool:
        return self.format in ("mt103", "pacs008")


# --- detection -----------------------------------------------------------

_MT_BLOCK4 = re.compile(r"\{4:\s*\r?\n")
# A field tag (":20:", ":50K:"); it only counts at the start of a line or
# right after "{4:" (checked in code: a leading literal lets the regex
# engine skip ahead to each colon instead of trying every position).
_MT_TAG = re.compile(r":(\d{2}[A-Z]?):")
_HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|article|p|div)\b", re.IGNORECASE)


def detect_format(data: bytes) -> str:
    """Guess the format from content, because file names of saved pages lie.

    XML carrying a pacs.008 document wins over HTML; an MT message is
    recognised by its block 4 or by a ``:20:`` reference and ``:32A:`` value
    field; HTML by its usual tags near the start; anything else is text.
    """
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<") and (b"FIToFICstmrCdtTrf" in data[:65536] or b":pacs.008" in head):
        return "pacs008"
    text_head = data[:20000].decode("utf-8", "replace")
    if _MT_BLOCK4.search(text_head) or (":20:" in text_head and ":32A:" in text_head):
        return "mt103"
    if _HTML_HINT.search(head[:2048]):
        return "html"
    return "text"


def decode_text(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without BOM); refuse binary input with a clear reason."""
    if not data or data.isspace():  # data.strip() is empty, without copying data
        raise ScanInputError(source, "input is empty")
    if data.find(b"\x00", 0, 8192) >= 0:
        raise ScanInputError(
            source, "input looks binary (contains NUL bytes); expected text, HTML or a payment"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Legacy single-byte files are common for saved pages; accept them
        # only when they are mostly printable, otherwise it is binary.
        text = data.decode("cp1252", errors="replace")
        controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls > len(text[:8192]) * 0.02:
            raise ScanInputError(source, "input is not UTF-8 text (binary?)", f"line {line}") from None
    return text


def read_document(data: bytes, source: str, fmt: str | None = None) -> Document:
    """Read raw bytes as ``fmt`` (auto-detected when None) into a Document."""
    if fmt is not None and fmt not in FORMATS:
        raise ScanInputError(source, f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if not data or data.isspace():
        raise ScanInputError(source, "input is empty")
    if data.find(b"\x00", 0, 8192) >= 0:
        raise ScanInputError(
            source, "input looks binary (contains NUL bytes); expected text, HTML or a payment"
        )
    fmt = fmt or detect_format(data)
    if fmt == "pacs008":
        return parse_pacs008(data, source)
    text = decode_text(data, source)
    if fmt == "html":
        return Document(source, "html", html_to_text(text, source))
    if fmt == "mt103":
        return parse_mt103(text, source)
    return Document(source, "text", text)


# --- HTML ----------------------------------------------------------------


def html_to_text(html: str, source: str) -> str:
    """Main text of a saved page, falling back to all visible text.

    trafilatura drops navigation and boilerplate, which would otherwise
    produce mentions of people in "related articles" lists. Short pages it
    declines to extract are read whole with lxml so nothing is silently lost.
    """
    import trafilatura

    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
    )
    if text and text.strip():
        return text
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except Exception as exc:  # lxml raises several unrelated types
        raise ScanInputError(source, f"cannot read HTML: {exc}") from None
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    text = "\n".join(t.strip() for t in tree.itertext() if t.strip())
    if not text:
        raise ScanInputError(source, "HTML page has no text")
    return text


# --- SWIFT MT103 ---------------------------------------------------------

_ROLES_MT = {
    "50": "ordering customer",
    "59": "beneficiary customer",
    "52": "ordering institution",
    "53": "sender's correspondent",
    "54": "receiver's correspondent",
    "55": "third reimbursement institution",
    "56": "intermediary institution",
    "57": "account with institution",
}
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")
_MT_LINE = 35
_COUNTRY_LINE = re.compile(r"^3/([A-Z]{2})(?:/|$)")


def parse_mt103(text: str, source: str) -> Document:
    """Parties and free text of an MT103 (block 4 fields; blocks 1-3, 5 ignored).

    Name and address fields follow the MT conventions: an optional
    ``/account`` first line; option F numbers its lines (``1/`` name,
    ``2/`` address, ``3/`` country and town); option A carries a BIC, which
    is kept for identifier screening; options D and K start with the name.
    """
    start = 0
    m4 = _MT_BLOCK4.search(text) or re.search(r"\{4:", text)
    end = len(text)
    if m4:
        start = m4.end()
        close = text.find("\n-}", start)
        if close < 0:
            close = text.find("-}", start)
        if close < 0:
            raise ScanInputError(source, "MT message block 4 is not closed with '-}'", _line_of(text, start))
        end = close
    fields = _mt_fields(text, start, end)
    if not fields:
        raise ScanInputError(source, "no MT fields (':20:' style tags) found")
    doc = Document(source, "mt103", text)
    fields.append(("", end, end))
    for i in range(len(fields) - 1):
        tag, _, v_start = fields[i]
        value = text[v_start : fields[i + 1][1]].rstrip("\r\n")
        number = tag[:2]
        if tag in ("70", "72"):
            doc.segments.append(Segment(tag, v_start, v_start + len(value)))
        elif number in _ROLES_MT:
            party = _mt_party(value, tag, v_start)
            if party is not None:
                doc.parties.append(party)
        elif tag == "20":
            doc.meta["reference"] = value.strip()
    if not doc.parties and not doc.segments:
        raise ScanInputError(source, "MT message has no party (50, 52-57, 59) or free-text (70, 72) field")
    return doc


def _mt_fields(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """(tag, where the tag starts, where its value starts) of each field in ``text[start:end]``."""
    fields = []
    for m in _MT_TAG.finditer(text, start, end):
        at = m.start()
        if at == 0 or text[at - 1] == "\n" or (at >= 3 and text.startswith("{4:", at - 3)):
            fields.append((m.group(1), at, m.end()))
    return fields


def _mt_party(value: str, tag: str, offset: int) -> Party | None:
    """The party of one name/address field; ``value`` starts at ``offset`` in the message."""
    number, option = tag[:2], tag[2:]
    role = _ROLES_MT[number]
    schema = "LegalEntity" if number in ("50", "59") else "Organization"
    lines: list[tuple[int, str]] = []  # (offset, text) of each non-blank value line, "\r" removed
    pos = offset
    if option == "F":
        for raw in value.split("\n"):
            line = raw.rstrip("\r")
            if line.strip():
                lines.append((pos, line))
            pos += len(raw) + 1
        if lines and (lines[0][1][0] == "/" or not lines[0][1].startswith("1/")):
            del lines[0]  # account or party identifier line
    else:
        # Only the name's lines are needed: the first non-blank line after
        # an optional account line, and the lines the name runs on to (see
        # below: a full line, or one that is so far only a legal form).
        account_possible = True
        for raw in value.split("\n"):
            line = raw.rstrip("\r")
            if line.strip():
                if account_possible and line[0] == "/":
                    account_possible = False  # account line
                else:
                    account_possible = False
                    lines.append((pos, line))
                    if len(line) < _MT_LINE and not _only_legal_form(" ".join(t for _, t in lines)):
                        break
            pos += len(raw) + 1
    if not lines:
        return None
    s0, line0 = lines[0]
    first = line0.strip()
    if option == "A" or (not option and number not in ("50", "59") and _BIC.match(first)):
        return Party(tag, role, "", s0, s0 + len(line0), "Organization", bic=first)
    if option == "F":
        name_parts: list[tuple[int, str]] = []
        country = None
        for s, line in lines:
            if line.startswith("1/"):
                name_parts.append((s + 2, line[2:]))
            cm = _COUNTRY_LINE.match(line)
            if cm:
                country = cm.group(1)
        if not name_parts:
            return None
        last_start, last_line = name_parts[-1]
        name = " ".join(part.strip() for _, part in name_parts)
        return Party(tag, role, name, name_parts[0][0], last_start + len(last_line), schema, country)
    # Lines hold 35 characters; a name that fills its line goes on in the
    # next, and so does one that is so far only a legal form ("PUBLIC JOINT
    # STOCK COMPANY" / "SBERBANK OF RUSSIA").
    last = 0
    while last + 1 < len(lines) and (
        len(lines[last][1]) >= _MT_LINE or _only_legal_form(" ".join(t for _, t in lines[: last + 1]))
    ):
        last += 1
    name = " ".join(line.strip() for _, line in lines[: last + 1])
    lead = len(line0) - len(line0.lstrip())
    return Party(tag, role, name, s0 + lead, lines[last][0] + len(lines[last][1]), schema)


def _only_legal_form(name: str) -> bool:
    """Whether ``name`` has no word that says which party it is (legal forms and generic words only)."""
    words = name.lower().split()
    return bool(words) and all(w.strip(".,'\"()") in _legal_words() for w in words)


@functools.cache
def _legal_words() -> frozenset[str]:
    from embargo.names.normalise import GENERIC_ORG_WORDS, LEGAL_FORMS

    return frozenset(w for form in LEGAL_FORMS for w in form.split()) | GENERIC_ORG_WORDS


def _line_of(text: str, offset: int) -> str:
    return f"line {text.count(chr(10), 0, offset) + 1}"


# --- ISO 20022 pacs.008 ---------------------------------------------------

_PACS_PARTIES = {
    "InitgPty": ("initiating party", "LegalEntity"),
    "Dbtr": ("debtor", "LegalEntity"),
    "UltmtDbtr": ("ultimate debtor", "LegalEntity"),
    "Cdtr": ("creditor", "LegalEntity"),
    "UltmtCdtr": ("ultimate creditor", "LegalEntity"),
    "DbtrAgt": ("debtor agent", "Organization"),
    "CdtrAgt": ("creditor agent", "Organization"),
    "IntrmyAgt1": ("intermediary agent 1", "Organization"),
    "IntrmyAgt2": ("intermediary agent 2", "Organization"),
    "IntrmyAgt3": ("intermediary agent 3", "Organization"),
    "InstgAgt": ("instructing agent", "Organization"),
    "InstdAgt": ("instructed agent", "Organization"),
}
_PACS_FREE_TEXT = ("Ustrd", "AddtlRmtInf", "InstrInf", "InstrForCdtrAgt", "InstrForNxtAgt")
_PACS_WANTED = tuple("{*}" + tag for tag in (*_PACS_PARTIES, *_PACS_FREE_TEXT))


_parsers = threading.local()


def _xml_parser() -> Any:
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        # The same hardening as list downloads: a payment file must never be
        # able to read local files or call out.
        parser = _parsers.parser = hardened_parser()
    return parser


def parse_pacs008(data: bytes, source: str) -> Document:
    """Parties and remittance of an ISO 20022 pacs.008, namespace version agnostic.

    Elements are found by local name so pacs.008.001.02 to .12 all work.
    Documents declaring a DTD or entities are refused outright: no real
    payment needs one, and they are how XML attacks start.
    """
    head = data[:65536]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ScanInputError(
            source, "XML declares a DTD or entities, which payment messages never need; refused"
        )
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise ScanInputError(source, f"malformed XML: {exc.msg}", f"line {line}" if line else None) from None
    except ValueError as exc:
        raise ScanInputError(source, f"cannot read XML: {exc}") from None
    if root is None:
        raise ScanInputError(source, "XML has no root element")
    if next(root.iter("{*}FIToFICstmrCdtTrf"), None) is None:
        raise ScanInputError(source, f"XML root <{local(root.tag)}> is not a pacs.008 credit transfer")
    lines: list[str] = []
    parties: list[Party] = []
    segments: list[Segment] = []
    offset = 0  # where the next line starts in the rendered text
    # lxml filters the wanted elements in C; "{*}" ignores the namespace.
    for el in root.iter(*_PACS_WANTED):
        tag = _local_name(el.tag)
        kind = _PACS_PARTIES.get(tag)
        if kind is not None:
            found = _descendant_texts(el)
            name = found.get("Nm")
            bic = found.get("BICFI") or found.get("BIC") or found.get("AnyBIC")
            if not name and not bic:
                continue
            value = name or bic or ""
            start = offset + len(tag) + 2
            offset = start + len(value) + 1
            lines.append(f"{tag}: {value}")
            country = found.get("Ctry") or found.get("CtryOfRes")
            # A party known only by its BIC is a bank.
            schema = kind[1] if name else "Organization"
            parties.append(Party(tag, kind[0], name or "", start, offset - 1, schema, country, bic))
        else:
            text = el.text
            if text and text.strip():
                value = " ".join(text.split())
                start = offset + len(tag) + 2
                offset = start + len(value) + 1
                lines.append(f"{tag}: {value}")
                segments.append(Segment(tag, start, offset - 1))
    if not parties and not segments:
        raise ScanInputError(source, "pacs.008 message names no party and has no remittance information")
    lines.append("")
    return Document(source, "pacs008", "\n".join(lines), parties, segments)


_PARTY_DETAILS = frozenset({"Nm", "BICFI", "BIC", "AnyBIC", "Ctry", "CtryOfRes"})
_LOCAL_NAMES: dict[str, str] = {}


def _local_name(tag: str) -> str:
    """``local`` for element tags, remembered: a message uses a few dozen distinct tags."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = local(tag)
        if len(_LOCAL_NAMES) < 10_000:  # bounded: tags come from untrusted input
            _LOCAL_NAMES[tag] = name
    return name


def _descendant_texts(el: Any) -> dict[str, str]:
    """First text of each wanted descendant of a party element (parties do not nest).

    A party holds a handful of elements: walking them all and looking their
    names up is cheaper than having lxml match each against six wildcards.
    """
    found: dict[str, str] = {}
    for child in el.iter():
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions
        name = _local_name(tag)
        if name in _PARTY_DETAILS and name not in found:
            text = child.text
            if text and text.strip():
                found[name] = " ".join(text.split())
    return found
