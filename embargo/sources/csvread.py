"""Strict, located CSV reading.

Python's csv module silently accepts a file that ends inside a quoted field
(the usual shape of a truncated download) unless ``strict`` is on, and
reports problems without the file name. This wrapper reads strictly,
rejects binary/UTF-16 content and oversized fields, and raises
:class:`SourceError` naming file and row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from embargo.settings import Settings
from embargo.sources.base import SourceError
from embargo.sources.common import Cursor, check_field, read_head, reject_binary

# OFAC ends its legacy CSV files with a DOS end-of-file byte.
CTRL_Z = "\x1a"


def iter_rows(
    path: Path, settings: Settings, cursor: Cursor, encoding: str = "cp1252"
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row_number, fields)`` (1-based physical records), skipping blank rows."""
    head = read_head(path)
    if not head:
        raise SourceError(path, "file is empty")
    reject_binary(path, head)
    limit = max(csv.field_size_limit(), settings.max_field_chars + 1)
    csv.field_size_limit(limit)
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, strict=True)
        row_number = 0
        while True:
            cursor.at(path, f"row {row_number + 1}")
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field limit" in str(exc):
                    raise SourceError(
                        path,
                        f"field longer than {settings.max_field_chars} characters",
                        f"row {row_number + 1}",
                    ) from None
                raise SourceError(
                    path,
                    f"malformed or truncated CSV ({exc})",
                    f"row {row_number + 1} (line {reader.line_num})",
                ) from None
            except UnicodeDecodeError as exc:
                raise SourceError(
                    path, f"not {encoding} text ({exc.reason})", f"line {reader.line_num + 1}"
                ) from None
            row_number += 1
            if not row or (len(row) == 1 and row[0].strip(CTRL_Z + " ") == ""):
                continue
            if max(map(len, row)) > settings.max_field_chars:
                for value in row:
                    check_field(value, path, f"row {row_number}", settings)
            if "\x00" in "".join(row):
                raise SourceError(path, "binary content (NUL byte)", f"row {row_number}")
            yield row_number, row


def sniff_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the head decodes as such, else Windows-1252."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(head) - 4:
            return "cp1252"
    return "utf-8-sig"
