"""Partial and approximate dates as sanctions lists write them.

Lists rarely give a clean date: OFAC writes "circa 1960", "1960 to 1962" and
"Aug 1975", OFSI writes "00/00/1965" for an unknown day and month, DFAT mixes
"a) Approximately 1955- 1958 b) 1960" in one cell. A screener needs ISO
prefixes it can compare ("1975", "1975-08", "1975-08-11"), but must not lose
what the list said, so every result carries the original text and a
qualifier: ``circa`` for approximate dates and ``range`` for the years of a
stated range.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

CIRCA = "circa"
RANGE = "range"

# A range wider than this is not a date of birth worth expanding year by year.
_MAX_RANGE_YEARS = 20

_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january", "janvier", "enero"),
            ("feb", "february", "fevrier", "février", "febrero"),
            ("mar", "march", "mars", "marzo"),
            ("apr", "april", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juin", "junio"),
            ("jul", "july", "juillet", "julio"),
            ("aug", "august", "aout", "août", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "octobre", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "decembre", "décembre", "diciembre"),
        ],
        start=1,
    )
    for name in names
}


@dataclass(frozen=True, slots=True)
class DateValue:
    """One date read from text: ISO prefix, qualifier and the source wording."""

    value: str
    qualifier: str | None
    original: str


_CIRCA_RE = re.compile(r"^(?:circa|approximately|approx\.?|about|around|ca\.?|c\.)\s*", re.I)
_ENUM_RE = re.compile(r"(?:^|\s|;)\(?[a-h]\)\s*")
_RANGE_RE = re.compile(r"^(?:between\s+)?(.+?)\s*(?:\bto\b|\band\b|-|–)\s*(.+)$", re.I)


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1800 <= year <= 2100:
        return None
    if month is None or month == 0:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None or day == 0:
        return f"{year:04d}-{month:02d}"
    try:
        _dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _month(word: str) -> int | None:
    return _MONTHS.get(word.casefold().rstrip("."))


def parse_single(text: str) -> str | None:
    """One date without qualifiers -> ISO prefix, or None if it is not a date."""
    text = text.strip().strip(".,;").strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T[\d:.]+Z?)?", text)
    if m:
        return _iso(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if m:  # day first: OFSI, DFAT and most non-US lists
        return _iso(int(m[3]), int(m[2]), int(m[1]))
    m = re.fullmatch(r"(\d{1,2})[/.](\d{4})", text)
    if m:
        return _iso(int(m[2]), int(m[1]))
    m = re.fullmatch(r"(\d{1,2})\s+([A-Za-zéû]+\.?),?\s+(\d{4})", text)
    if m and _month(m[2]):
        return _iso(int(m[3]), _month(m[2]), int(m[1]))
    m = re.fullmatch(r"([A-Za-zéû]+\.?)\s+(\d{1,2}),?\s+(\d{4})", text)
    if m and _month(m[1]):
        return _iso(int(m[3]), _month(m[1]), int(m[2]))
    m = re.fullmatch(r"([A-Za-zéû]+\.?),?\s+(\d{4})", text)
    if m and _month(m[1]):
        return _iso(int(m[2]), _month(m[1]))
    return None


def _expand_range(start: str, end: str, original: str) -> list[DateValue]:
    """Years of a range, or its two ends when they are finer than years."""
    first, last = int(start[:4]), int(end[:4])
    whole_years = (len(start) == 4 or start.endswith("-01-01") or start.endswith("-01")) and (
        len(end) == 4 or end.endswith("-12-31") or end.endswith("-12")
    )
    if whole_years and 0 <= last - first <= _MAX_RANGE_YEARS:
        return [DateValue(f"{year:04d}", RANGE, original) for year in range(first, last + 1)]
    if start == end:
        return [DateValue(start, None, original)]
    return [DateValue(start, RANGE, original), DateValue(end, RANGE, original)]


def _parse_one(text: str, original: str) -> list[DateValue]:
    qualifier = None
    stripped = _CIRCA_RE.sub("", text).strip()
    if stripped != text.strip():
        qualifier = CIRCA
    if not stripped:
        return []
    single = parse_single(stripped)
    if single:
        return [DateValue(single, qualifier, original)]
    m = _RANGE_RE.match(stripped)
    if m:
        start_text, end_text = m[1], m[2]
        start_text = _CIRCA_RE.sub("", start_text)
        end_text = _CIRCA_RE.sub("", end_text)
        start, end = parse_single(start_text), parse_single(end_text)
        if start and end is None and re.fullmatch(r"\d{2}", end_text.strip()):
            # "1955-58"
            end = parse_single(start[:2] + end_text.strip())
        if start and end and start <= end:
            values = _expand_range(start, end, original)
            if qualifier:
                return [DateValue(v.value, CIRCA, original) for v in values]
            return values
    return []


def parse_dates(text: str | None) -> list[DateValue]:
    """Every date a cell or remark states, in order, de-duplicated.

    Handles enumerations ("a) 1960 b) 1962"), "alt DOB:" lists separated by
    ";", approximations ("circa", "Approximately") and ranges ("1960 to
    1962", "Between 1955 and 1958", "01 Jan 1960 to 31 Dec 1962").
    Unparseable text yields nothing; callers keep it as a note if they wish.
    """
    if text is None:
        return []
    return list(_parse_dates_cached(str(text)))


@lru_cache(maxsize=65536)
def _parse_dates_cached(text: str) -> tuple[DateValue, ...]:
    """Lists repeat the same cell on every name row; parse each text once."""
    original = " ".join(text.split())
    if not original:
        return ()
    parts = [p for p in _ENUM_RE.split(original) if p.strip()]
    pieces: list[str] = []
    for part in parts:
        pieces.extend(p for p in re.split(r";|>>|\balt\.? DOB:?", part, flags=re.I) if p.strip())
    out: list[DateValue] = []
    seen: set[tuple[str, str | None]] = set()
    for piece in pieces:
        values = _parse_one(piece.strip(" ,"), original)
        if not values and "," in piece:
            for sub in piece.split(","):
                values.extend(_parse_one(sub.strip(), original))
        for value in values:
            key = (value.value, value.qualifier)
            if key not in seen:
                seen.add(key)
                out.append(value)
    return tuple(out)


def iso_date(value: object) -> str | None:
    """A spreadsheet cell holding a date, datetime or year number -> ISO prefix."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return _iso(int(value))
    if isinstance(value, int):
        return _iso(value)
    return None
