"""`embargo match` and `embargo match-batch` end to end, in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def match_dir(bundled_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the bundled store (the index cache gets written into it)."""
    target = tmp_path_factory.mktemp("match") / "data"
    shutil.copytree(bundled_dir, target)
    return target


def run(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EMBARGO_LOAD_BUNDLED": "0"}
    return subprocess.run(
        [sys.executable, "-m", "embargo", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_match_json_finds_asma_al_assad_with_explanation(match_dir):
    result = run(match_dir, "match", "Asma al-Assad", "--birth-date", "1975", "--country", "sy", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    by_id = {h["id"]: h for h in hits}
    assert by_id["ofac-29068"]["match"] is True
    assert by_id["gb-hmt-12634"]["explanation"]["secondary"]["nationality"]["status"] == "agree"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert list((match_dir / "name-index").glob("*.pickle")), "index cache not written"


def test_match_table_names_the_hits(match_dir):
    result = run(match_dir, "match", "Владимир Путин", "--schema", "Person", "--dataset", "us_ofac_sdn")
    assert result.returncode == 0, result.stderr
    assert "ofac-35096" in result.stdout
    assert "gb-hmt" not in result.stdout


def test_match_rejects_unknown_schema_with_one_line(match_dir):
    result = run(match_dir, "match", "Someone", "--schema", "Spaceship")
    assert result.returncode == 1
    assert "unknown schema 'Spaceship'" in result.stderr
    assert "Traceback" not in result.stderr


def test_match_batch_answers_each_line_and_reports_bad_ones(match_dir, tmp_path):
    lines = [
        {
            "id": "q1",
            "schema": "Person",
            "properties": {"name": ["Asma al-Assad"], "birthDate": ["1975"], "nationality": ["sy"]},
        },
        "this is not json",
        {"id": "q3", "schema": "Person", "properties": {"name": 42}},
        {"id": "q4", "schema": "Vessel", "properties": {"name": ["Nobody At All Zzyzx"]}},
        {"id": "q5", "properties": {"name": ["Moammar Qadhafi"]}},
    ]
    path = tmp_path / "queries.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n\n", "utf-8")
    result = run(match_dir, "match-batch", str(path), "--limit", "3")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["q1", None, "q3", "q4", "q5"]
    q1 = out[0]
    assert q1["total"] == len(q1["results"]) <= 3
    assert q1["results"][0]["score"] == 1.0
    assert set(q1["results"][0]) == {
        "id",
        "caption",
        "schema",
        "datasets",
        "properties",
        "score",
        "match",
        "explanation",
    }
    assert "name" in q1["results"][0]["properties"]
    assert out[1]["line"] == 2 and "invalid JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "properties.name" in out[2]["error"]
    assert out[3] == {"id": "q4", "results": [], "total": 0}
    assert any(r["id"] == "ofac-12606" and r["match"] for r in out[4]["results"])


def test_match_batch_reads_stdin_and_runs_in_parallel(match_dir):
    body = "".join(
        json.dumps({"id": f"q{i}", "schema": "Person", "properties": {"name": ["Vladimir Putin"]}}) + "\n"
        for i in range(600)
    )
    result = run(match_dir, "match-batch", "-", "--workers", "2", "--threshold", "0.95", stdin=body)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [f"q{i}" for i in range(600)]
    first = out[0]["results"]
    assert all(r["match"] == (r["score"] >= 0.95) for r in first)


def test_match_batch_missing_file_fails_cleanly(match_dir, tmp_path):
    result = run(match_dir, "match-batch", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 1
    assert "nope.jsonl" in result.stderr and "Traceback" not in result.stderr
