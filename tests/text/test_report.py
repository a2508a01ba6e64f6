"""The report's JSON forms: the fast line encoding must be exactly the generic one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from embargo.text.formats import read_document
from embargo.text.report import (
    AmbiguousName,
    Candidate,
    ListedEntity,
    MentionOut,
    RiskOut,
    ScanReport,
    UnlistedName,
)
from embargo.text.scan import Scanner

from .conftest import fixture_bytes


def generic(report: ScanReport, record_id: Any = None) -> str:
    head = {"id": record_id} if record_id is not None else {}
    return json.dumps(head | report.to_dict(), ensure_ascii=False)


def odd_report(engine: dict[str, Any], parties: list[dict[str, Any]]) -> ScanReport:
    mention = MentionOut('say "Пу́тин"\n\t', 3, 9, "link", "59", "Mr", 0, ["a", "b"], "why")
    return ScanReport(
        "dir/ü \\ file.txt",
        "mt103",
        "x" * 17,
        [
            ListedEntity(
                "ofac-1", "Caption ☃", "Person", ["d"], ["p"], 0.912345678, [mention], {"score": 1e-7}
            )
        ],
        [UnlistedName("Ana", "PERSON", [mention], Candidate("x", "y", 0.5))],
        [AmbiguousName("Assad", [mention], [Candidate("a", "b", 1 / 3)])],
        [RiskOut("fraud", "s\u2028t", 0, 3, ["k"], None, [])],
        {"b": 2, "a": 1.5},
        engine,
        parties,
    )


@pytest.mark.parametrize("name", ["mt103.txt", "mt103-clean.txt", "pacs008.xml", "story.txt", "typo.txt"])
def test_json_line_is_the_generic_encoding_of_a_scanned_document(scanner: Scanner, name: str) -> None:
    report = scanner.without_ner().scan(read_document(fixture_bytes(name), name))
    assert report.to_json("line 7") == generic(report, "line 7")
    assert report.to_json() == generic(report)


def test_json_line_escapes_and_types_exactly_like_the_generic_encoding() -> None:
    parties = [
        {"field": "50K", "role": 'a "role"', "name": "ÉLODIE\u0007 MÜLLER", "start": 0, "end": 5},
        {"field": "52A", "name": "", "bic": "X", "flag": True, "none": None, "ratio": 0.25, "start": -1},
        {1: "non-string key"},
    ]
    for engine in ({"ner": True, "notes": []}, {"ner": 1, "notes": []}, {"ner": True, "notes": ["n"]}):
        report = odd_report(engine, parties)
        # Run twice: the second encoding reuses the remembered tail only when nothing changed.
        assert report.to_json("i") == generic(report, "i")
        assert report.to_json(12) == generic(report, 12)
    report.list_versions["a"] = 2
    assert report.to_json() == generic(report)
    assert odd_report({"ner": False}, []).to_json() == generic(odd_report({"ner": False}, []))
