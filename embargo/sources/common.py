"""Plumbing shared by the parsers: positions, guards, safe zips and text checks.

Every parser reports bad input the same way — one :class:`SourceError`
naming the file and the row/line/record — so the CLI and the store can show
a single clear message instead of a traceback. :func:`guarded` is the last
line of defence: whatever a parser did not anticipate is still reported with
the position it had reached.
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from embargo.model import Entity
from embargo.settings import Settings
from embargo.sources.base import SourceError

# A compressed list is expected to shrink maybe 20x; far more is a zip bomb.
MAX_COMPRESSION_RATIO = 200


# What a parser may raise on input it did not anticipate; reported, never shown as a traceback.
UNEXPECTED = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
)


class Cursor:
    """Where a parser is, so an unexpected failure can still be located."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.position: str | None = None

    def at(self, path: Path, position: str | None) -> None:
        self.path = path
        self.position = position


def guarded(entities: Iterator[Entity], cursor: Cursor) -> Iterator[Entity]:
    """Turn any unexpected exception during streaming into a located SourceError."""
    try:
        yield from entities
    except SourceError:
        raise
    except (UnicodeError, csv.Error) as exc:
        raise SourceError(cursor.path, f"cannot decode the file: {exc}", cursor.position) from None
    except UNEXPECTED as exc:
        raise SourceError(
            cursor.path, f"unexpected content ({type(exc).__name__}: {exc})", cursor.position
        ) from None


def entities_from_elements(
    path: Path, elements: Iterable[Any], cursor: Cursor, build: Callable[[Any], Entity | None]
) -> Iterator[Entity]:
    """One entity per XML record element (``build`` returns None to skip one).

    Each record is located by its line for errors, and a second record with
    an id already seen is refused: a list repeating a record is damaged, and
    loading it would silently merge two parties.
    """
    seen: set[str] = set()
    for elem in elements:
        position = f"line {elem.sourceline}"
        cursor.at(path, position)
        entity = build(elem)
        if entity is None:
            continue
        if entity.id in seen:
            raise SourceError(path, f"record {entity.id} appears twice", position)
        seen.add(entity.id)
        yield entity


def check_field(value: str, path: Path, position: str, settings: Settings, column: str = "") -> str:
    """Refuse a field longer than ``settings.max_field_chars`` (hostile or corrupt)."""
    if len(value) > settings.max_field_chars:
        where = f" {column}" if column else ""
        raise SourceError(path, f"field{where} longer than {settings.max_field_chars} characters", position)
    return value


def read_head(path: Path, size: int = 65536) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None


def reject_binary(path: Path, head: bytes) -> None:
    """Text formats must not contain NUL bytes (UTF-16, images, archives do)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(path, "file is UTF-16 encoded; expected an 8-bit text file", "byte 0")
    nul = head.find(b"\x00")
    if nul >= 0:
        raise SourceError(path, "binary content (NUL byte); not a text list file", f"byte {nul}")


def check_zip(path: Path, settings: Settings) -> zipfile.ZipFile:
    """Open a zip (or xlsx) only if its members cannot blow up on extraction."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(path, f"not a readable zip archive: {exc}") from None
    limit = settings.max_unzipped_bytes
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > limit:
            archive.close()
            raise SourceError(path, f"archive expands beyond {limit} bytes", info.filename)
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
            archive.close()
            raise SourceError(
                path,
                f"archive member compressed more than {MAX_COMPRESSION_RATIO}x (zip bomb?)",
                info.filename,
            )
    return archive


def read_zip_member(archive: zipfile.ZipFile, name: str, path: Path, settings: Settings) -> bytes:
    """Read one member, never more than the declared (already checked) size."""
    info = archive.getinfo(name)
    with archive.open(info) as fh:
        data = fh.read(min(info.file_size, settings.max_unzipped_bytes) + 1)
    if len(data) > info.file_size:
        raise SourceError(path, "archive member larger than declared", name)
    return data


def cell_text(value: Any) -> str:
    """A spreadsheet/CSV cell as clean text ("" for empty; 1234.0 -> "1234")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out
