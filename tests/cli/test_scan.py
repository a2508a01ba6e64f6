"""``embargo scan`` end to end through the CLI, on the bundled lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embargo.cli import app
from tests.shared_data import ARTICLE

from .conftest import Cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"

pytestmark = pytest.mark.slow


def test_scan_json_has_the_documented_top_level_keys(cli: Cli, bundled_dir: Path) -> None:
    result = cli(bundled_dir, "scan", str(FIXTURES / "story.txt"), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"document", "entities", "unlisted", "risks", "list_versions", "engine"} <= set(report)
    assert report["entities"][0]["id"] == "ofac-35320"


def test_scan_article_prints_a_readable_report(cli: Cli, bundled_dir: Path) -> None:
    if not ARTICLE.exists():
        pytest.skip(f"canonical article not present at {ARTICLE}")
    result = cli(bundled_dir, "scan", str(ARTICLE))
    assert result.exit_code == 0, result.stderr
    assert "AL-ASSAD, Asma" in result.stdout and "ofac-29068" in result.stdout
    assert "Named but not listed" in result.stdout and "David Lammy" in result.stdout
    assert "asset_freeze" in result.stdout


def test_scan_reads_stdin(cli: Cli, bundled_dir: Path) -> None:
    result = cli.runner.invoke(
        app,
        ["--data-dir", str(bundled_dir), "scan", "-", "--json"],
        input="Payment approved for Asma al-Assad.",
        env={"EMBARGO_LOAD_BUNDLED": "0"},
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["entities"][0]["id"] == "ofac-29068"


def test_scan_writes_an_html_report(cli: Cli, bundled_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = cli(bundled_dir, "scan", str(FIXTURES / "mt103.txt"), "--html-report", str(out))
    assert result.exit_code == 0, result.stderr
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<mark" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("pacs008-xxe.xml", "DTD or entities"),
        ("pacs008-broken.xml", "line 5: malformed XML"),
    ],
)
def test_bad_payment_file_is_one_error_line_and_exit_1(
    cli: Cli, bundled_dir: Path, name: str, message: str
) -> None:
    result = cli(bundled_dir, "scan", str(FIXTURES / name))
    assert result.exit_code == 1
    assert message in result.stderr and name in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_and_bad_format_are_clear_errors(cli: Cli, bundled_dir: Path, tmp_path: Path) -> None:
    result = cli(bundled_dir, "scan", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1 and "no such file" in result.stderr
    result = cli(bundled_dir, "scan", str(FIXTURES / "story.txt"), "--format", "docx")
    assert result.exit_code == 1 and "unknown --format" in result.stderr


def test_binary_file_is_refused(cli: Cli, bundled_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    result = cli(bundled_dir, "scan", str(path))
    assert result.exit_code == 1 and "binary" in result.stderr


def test_batch_over_jsonl_writes_one_json_line_per_document(
    cli: Cli, bundled_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "Vladimir Putin spoke."})
        + "\n"
        + json.dumps({"id": "b", "text": "Nothing to see."})
        + "\n",
        "utf-8",
    )
    result = cli(bundled_dir, "scan", str(path), "--workers", "1")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0]["entities"][0]["id"] == "ofac-35096" and records[1]["entities"] == []


def test_batch_without_ner_counts_unreadable_lines_in_its_summary(
    cli: Cli, bundled_dir: Path, tmp_path: Path
) -> None:
    mt103 = (FIXTURES / "mt103.txt").read_text("utf-8")
    path = tmp_path / "payments.jsonl"
    lines = [json.dumps({"id": f"p{i}", "text": mt103}) for i in range(3)]
    path.write_text("\n".join([*lines, "not json", ""]), "utf-8")
    result = cli(bundled_dir, "scan", str(path), "--no-ner", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["p0", "p1", "p2", "line 4"]
    assert "1 of 4 documents could not be read" in result.stderr
    missing = cli(bundled_dir, "scan", str(tmp_path / "gone.jsonl"), "--no-ner")
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_batch_keeps_the_configured_text_limit(cli: Cli, bundled_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    short, long = "Vladimir Putin spoke.", "Vladimir Putin spoke at length. " * 10
    path.write_text(
        json.dumps({"id": "a", "text": short}) + "\n" + json.dumps({"id": "b", "text": long}) + "\n", "utf-8"
    )
    result = cli.runner.invoke(
        app,
        ["--data-dir", str(bundled_dir), "scan", str(path), "--no-ner", "--workers", "1"],
        env={"EMBARGO_LOAD_BUNDLED": "0", "EMBARGO_MAX_TEXT_CHARS": "100"},
    )
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["entities"][0]["id"] == "ofac-35096"
    assert "over the limit of 100" in records[1]["error"]
