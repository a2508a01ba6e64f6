"""Parsers for official sanctions lists: detect the format, parse to entities.

``parse(path)`` is all a caller needs: it works out the format from the file
content (not only its name), picks the dataset name OpenSanctions uses for
that list, and returns a :class:`ParseResult` whose ``entities`` stream.
A folder stands for the files inside it, so OFAC's four legacy CSV files can
be given as their folder. Anything unreadable raises :class:`SourceError`
naming the file and position.
"""

from __future__ import annotations

import csv
import importlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.sources.common import UNEXPECTED, check_zip, read_head, read_zip_member
from embargo.sources.sheets import first_rows
from embargo.sources.xmlsafe import root_tag

__all__ = ["DATASETS", "FORMATS", "ParseResult", "SourceError", "detect", "parse"]

# Format name -> module that implements ``parse(paths, settings, dataset)``.
_MODULES = {
    "ofac_csv": "ofac_csv",
    "ofac_xml": "ofac_xml",
    "ofac_enhanced": "ofac_enhanced",
    "uk_hmt": "uk_hmt",
    "un_sc": "un_sc",
    "au_dfat": "au_dfat",
    "ca_sema": "ca_sema",
    "ftm": "ftm",
    "custom_csv": "custom_csv",
}
FORMATS: tuple[str, ...] = tuple(_MODULES)

DATASETS: dict[str, str] = {
    "us_ofac_sdn": "US OFAC Specially Designated Nationals (SDN) List",
    "us_ofac_cons": "US OFAC Consolidated (non-SDN) List",
    "gb_hmt_sanctions": "UK HM Treasury OFSI Consolidated List of Financial Sanctions Targets",
    "un_sc_sanctions": "UN Security Council Consolidated Sanctions List",
    "au_dfat_sanctions": "Australia DFAT Consolidated Sanctions List",
    "ca_dfatd_sema_sanctions": "Canada Special Economic Measures Act (SEMA) Sanctions",
    "opensanctions": "OpenSanctions (FollowTheMoney import)",
    "internal": "Internal list (custom CSV)",
}

# Files in a list folder that are documentation, not list data.
_IGNORED_SUFFIXES = {".md", ".txt", ".html", ".htm", ".pdf", ".sha256", ".json.gz.sha256"}

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old binary Excel/Office file (save it as .xlsx or .csv)",
    b"\x1f\x8b": "a gzip archive (unpack it first)",
}


def expand(paths: Path | str | Sequence[Path | str]) -> list[Path]:
    """Paths as a list of files: folders are replaced by the list files inside."""
    if isinstance(paths, str | Path):
        paths = [paths]
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in _IGNORED_SUFFIXES
            )
            if not inside:
                raise SourceError(path, "folder holds no list files")
            files.extend(inside)
        elif path.is_file():
            files.append(path)
        elif not path.exists():
            raise SourceError(path, "no such file or folder")
        else:
            raise SourceError(path, "not a regular file")
    if not files:
        raise SourceError("", "no files given")
    return files


def detect(paths: Path | str | Sequence[Path | str]) -> str:
    """The format of a file (or file set), judged by content. Raises SourceError."""
    files = expand(paths)
    found: dict[str, list[Path]] = {}
    for path in files:
        try:
            fmt = _sniff(path)
        except SourceError:
            raise
        except (UnicodeError, *UNEXPECTED) as exc:
            raise SourceError(path, f"unreadable ({type(exc).__name__}: {exc})") from None
        found.setdefault(fmt, []).append(path)
    if len(found) > 1:
        described = "; ".join(f"{fmt}: {', '.join(p.name for p in ps)}" for fmt, ps in found.items())
        raise SourceError(
            files[0].parent,
            f"files of different list formats given together; load one at a time ({described})",
        )
    ((fmt, members),) = found.items()
    if fmt != "ofac_csv" and len(members) > 1:
        raise SourceError(members[1], f"format {fmt} reads one file; got {len(members)}")
    return fmt


def parse(
    paths: Path | str | Sequence[Path | str],
    format: str | None = None,
    dataset: str | None = None,
    settings: Settings | None = None,
) -> ParseResult:
    """Parse one list (one file, or OFAC's CSV file set) into streamed entities."""
    files = expand(paths)
    settings = settings or Settings.from_env()
    for path in files:
        if path.stat().st_size == 0:
            raise SourceError(path, "file is empty")
    if format is None:
        format = detect(files)
    elif format not in _MODULES:
        raise SourceError(files[0], f"unknown format {format!r}; known: {', '.join(FORMATS)}")
    elif format != "ofac_csv" and len(files) > 1:
        raise SourceError(files[1], f"format {format} reads one file; got {len(files)}")
    module = importlib.import_module(f"embargo.sources.{_MODULES[format]}")
    try:
        result: ParseResult = module.parse(files, settings, dataset)
    except SourceError:
        raise
    except UnicodeError as exc:
        raise SourceError(files[0], f"cannot decode the file: {exc}") from None
    except UNEXPECTED as exc:
        raise SourceError(files[0], f"unexpected content ({type(exc).__name__}: {exc})") from None
    return result


def _sniff(path: Path) -> str:
    head = read_head(path)
    if not head:
        raise SourceError(path, "file is empty")
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise SourceError(path, f"not a sanctions list: the file is {what}", "byte 0")
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        if head.decode("utf-16", errors="replace").lstrip("\ufeff \t\r\n").startswith("<"):
            return _sniff_xml(path, head)  # XML may legitimately be UTF-16
        raise SourceError(path, "file is UTF-16 encoded, which no supported list format uses", "byte 0")
    if b"\x00" in head:
        raise SourceError(
            path, "binary content (NUL byte): not a recognised list format", f"byte {head.find(0)}"
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        return _sniff_xml(path, head)
    if text.startswith(b"{"):
        first = text.split(b"\n", 1)[0]
        try:
            record = json.loads(first)
        except ValueError:
            record = None
        if isinstance(record, dict) and "schema" in record and "id" in record:
            return "ftm"
        raise SourceError(path, "JSON content, but not FollowTheMoney entity lines", "line 1")
    return _sniff_csv(path, text)


def _sniff_xml(path: Path, head: bytes) -> str:
    tag = root_tag(path, head)
    formats = {
        "sdnList": "ofac_xml",
        "sanctionsData": "ofac_enhanced",
        "CONSOLIDATED_LIST": "un_sc",
        "data-set": "ca_sema",
    }
    if tag in formats:
        return formats[tag]
    raise SourceError(
        path, f"XML with root <{tag}> is not a recognised list format" if tag else "unreadable XML"
    )


def _sniff_csv(path: Path, text: bytes) -> str:
    first = text.split(b"\n", 1)[0].decode("cp1252", errors="replace").strip()
    lowered = first.casefold()
    if lowered.startswith("last updated") or ("group id" in lowered and "name 6" in lowered):
        return "uk_hmt"
    from embargo.sources.custom_csv import COLUMNS as CUSTOM_COLUMNS

    columns = {c.strip() for c in next(csv.reader([lowered]), [])}
    if {"id", "name"} <= columns and columns <= set(CUSTOM_COLUMNS):
        return "custom_csv"
    if re.match(r"^\d+,", first):
        fields = next(csv.reader([first]), [])
        if len(fields) in (2, 5, 6, 12):
            return "ofac_csv"
    raise SourceError(path, "not a recognised list format (unknown text/CSV layout)", "line 1")


def _sniff_zip(path: Path) -> str:
    settings = Settings.from_env()
    with check_zip(path, settings) as archive:
        names = archive.namelist()
        if "xl/workbook.xml" in names:
            if "xl/sharedStrings.xml" in names:
                strings = read_zip_member(archive, "xl/sharedStrings.xml", path, settings)
                for fmt, markers in _XLSX_MARKERS.items():
                    if all(marker in strings for marker in markers):
                        return fmt
            return _sniff_xlsx(path)
        xml_names = [n for n in names if n.lower().endswith(".xml")]
        if len(xml_names) == 1:
            with archive.open(xml_names[0]) as member:
                head = member.read(65536)
            fmt = _sniff_xml(path, head)
            if fmt == "ofac_enhanced":
                return fmt
            raise SourceError(path, f"zip holding {xml_names[0]} ({fmt}): unpack it first", xml_names[0])
    raise SourceError(path, "zip archive without a recognised list file inside")


# Header cells that identify a workbook layout, looked up in the shared-strings
# part so that recognising a workbook does not load its whole sheet.
_XLSX_MARKERS = {
    "uk_hmt": (b">Group ID<", b">Name 6<", b">Alias Type<"),
    "au_dfat": (b">Reference<", b">Name of Individual or Entity<", b">Name Type<"),
}


def _sniff_xlsx(path: Path) -> str:
    for sheet, rows in first_rows(path, 3).items():
        cells = {str(c).strip().casefold() for row in rows for c in row if c not in (None, "")}
        if {"group id", "name 6"} <= cells:
            return "uk_hmt"
        if {"reference", "name of individual or entity"} <= cells:
            return "au_dfat"
        if {"id", "schema", "name"} <= cells:
            raise SourceError(path, f"sheet {sheet!r}: custom lists must be CSV, not Excel")
    raise SourceError(path, "Excel workbook, but not a recognised list layout (UK OFSI or Australia DFAT)")
