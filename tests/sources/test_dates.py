from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embargo.sources.dates import iso_date, parse_dates


def _values(text):
    return [(d.value, d.qualifier) for d in parse_dates(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11 Aug 1975", [("1975-08-11", None)]),
        ("Aug 1975", [("1975-08", None)]),
        ("1975", [("1975", None)]),
        ("1975-08-11", [("1975-08-11", None)]),
        ("00/00/1965", [("1965", None)]),
        ("00/05/1965", [("1965-05", None)]),
        ("07/10/1952", [("1952-10-07", None)]),
        ("circa 1960", [("1960", "circa")]),
        ("Approximately 1963", [("1963", "circa")]),
        ("1960 to 1962", [("1960", "range"), ("1961", "range"), ("1962", "range")]),
        ("Between 1955 and 1956", [("1955", "range"), ("1956", "range")]),
        ("01 Jan 1960 to 31 Dec 1961", [("1960", "range"), ("1961", "range")]),
        ("01 Mar 1960 to 05 Mar 1960", [("1960-03-01", "range"), ("1960-03-05", "range")]),
        ("a) 1960 b) 9 Jan. 1962", [("1960", None), ("1962-01-09", None)]),
        ("05/03/1960; alt DOB: 06/03/1960", [("1960-03-05", None), ("1960-03-06", None)]),
        ("31 Feb 1960", []),
        ("unknown", []),
        ("", []),
    ],
)
def test_partial_and_approximate_dates(text, expected):
    assert _values(text) == expected


def test_original_text_is_kept():
    (value,) = parse_dates("circa  1960")
    assert value.original == "circa 1960"


def test_spreadsheet_cells():
    assert iso_date(datetime.date(1965, 9, 11)) == "1965-09-11"
    assert iso_date(1969.0) == "1969"
    assert iso_date("1969") is None


@given(st.text(max_size=60))
def test_any_text_gives_valid_iso_prefixes_or_nothing(text):
    for value in parse_dates(text):
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value.value)
        datetime.date.fromisoformat((value.value + "-01-01")[:10])
        assert value.qualifier in (None, "circa", "range")
