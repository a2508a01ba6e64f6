"""Safe, fast spreadsheet reading for the lists published as Excel files.

python-calamine reads xlsx natively (an order of magnitude faster than
openpyxl). An xlsx file is a zip archive, so it passes the same zip-bomb
check as any other archive before it is opened.

Lists laid out as one name per row (UK, Australia) spread a party over
several rows, not necessarily adjacent; :func:`grouped_rows` gathers them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from python_calamine import CalamineError, CalamineWorkbook

from embargo.settings import Settings
from embargo.sources.base import SourceError
from embargo.sources.common import Cursor, check_zip

R = TypeVar("R")


def _open(path: Path, settings: Settings) -> CalamineWorkbook:
    check_zip(path, settings).close()
    try:
        return CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise SourceError(path, f"unreadable Excel workbook: {exc}") from None


def read_sheet(path: Path, settings: Settings, preferred: str | None = None) -> tuple[str, list[list[Any]]]:
    """All rows of the ``preferred`` sheet (or the first one) as Python values."""
    workbook = _open(path, settings)
    names = workbook.sheet_names
    if not names:
        raise SourceError(path, "workbook has no sheets")
    name = preferred if preferred in names else names[0]
    try:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, ValueError) as exc:
        raise SourceError(path, f"unreadable sheet {name!r}: {exc}") from None
    return name, rows


def first_rows(path: Path, count: int) -> dict[str, list[list[Any]]]:
    """The first ``count`` rows of every sheet (used to recognise the layout)."""
    workbook = _open(path, Settings.from_env())
    out: dict[str, list[list[Any]]] = {}
    for name in workbook.sheet_names:
        rows: list[list[Any]] = []
        try:
            for row in workbook.get_sheet_by_name(name).iter_rows():
                rows.append(list(row))
                if len(rows) >= count:
                    break
        except (CalamineError, ValueError) as exc:
            raise SourceError(path, f"unreadable sheet {name!r}: {exc}") from None
        out[name] = rows
    return out


def grouped_rows(
    path: Path,
    rows: list[list[Any]],
    header_index: int,
    cursor: Cursor,
    read: Callable[[list[Any], str], tuple[str, R]],
    label: str,
) -> Iterator[tuple[str, list[tuple[int, R]]]]:
    """The data rows after the header, gathered by the party they describe.

    ``read(raw, position)`` turns one non-blank row into (party key, row) and
    raises :class:`SourceError` at ``position`` when it cannot. Each group
    is yielded with its rows as (1-based spreadsheet row number, row), the
    cursor pointing at its first row so later failures are located.
    """
    groups: dict[str, list[tuple[int, R]]] = {}
    for index in range(header_index + 1, len(rows)):
        raw = rows[index]
        if not any(c not in (None, "") for c in raw):
            continue
        number = index + 1
        position = f"row {number}"
        cursor.at(path, position)
        key, row = read(raw, position)
        groups.setdefault(key, []).append((number, row))
    for key, members in groups.items():
        cursor.at(path, f"row {members[0][0]} ({label} {key})")
        yield key, members
