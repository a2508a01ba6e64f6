"""load / lists / entity / diff / update / versions / activate from the command line."""

from __future__ import annotations

import http.server
import io
import json
import os
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

import pytest
from rich.console import Console

from embargo.cli import lists
from embargo.store.bundle import read_manifest
from tests.shared_data import LISTS

from .conftest import Cli, copy_store

pytestmark = pytest.mark.skipif(not LISTS.is_dir(), reason="list data not available")
UN = LISTS / "un" / "consolidated.xml"


def counts(cli: Cli, data_dir: Path) -> dict[str, int]:
    return {row["dataset"]: row["entities"] for row in cli.json(data_dir, "lists")}


def test_first_use_loads_the_bundled_snapshot(cli: Cli, bundled_dir: Path) -> None:
    rows = {row["dataset"]: row for row in cli.json(bundled_dir, "lists")}
    manifest = {entry["dataset"]: entry for entry in read_manifest()}
    assert set(rows) == set(manifest)
    assert rows["us_ofac_sdn"]["entities"] == 14_965
    assert rows["gb_hmt_sanctions"]["entities"] == 4_688
    assert rows["un_sc_sanctions"]["entities"] == 1_004
    for name, row in rows.items():
        assert row["version"] == 1 and row["active"] is True
        assert row["sha256"] == manifest[name]["sha256"]
        assert row["published"] and row["loaded_at"] and row["title"]
    assert rows["gb_hmt_sanctions"]["published"] == "2025-04-14"


def test_entity_json_is_the_ftm_form_with_its_list_version(cli: Cli, bundled_dir: Path) -> None:
    data = cli.json(bundled_dir, "entity", "ofac-29068")
    assert data["id"] == "ofac-29068" and data["schema"] == "Person"
    assert data["datasets"] == ["us_ofac_sdn"]
    props = data["properties"]
    assert "AKHRAS, Emma" in props["alias"]
    assert props["birthDate"] == ["1975-08-11"]
    assert props["nationality"]
    assert data["list_version"]["dataset"] == "us_ofac_sdn" and data["list_version"]["version"] == 1


def test_entity_without_json_is_a_readable_table(cli: Cli, bundled_dir: Path) -> None:
    result = cli(bundled_dir, "entity", "ofac-29068")
    assert result.exit_code == 0
    assert "AKHRAS, Emma" in result.stdout and "1975-08-11" in result.stdout
    assert "version 1" in result.stdout


def test_unknown_entity_exits_1_with_one_line(cli: Cli, bundled_dir: Path) -> None:
    result = cli(bundled_dir, "entity", "ofac-does-not-exist", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "embargo: no such entity: ofac-does-not-exist"


def test_every_real_list_file_loads(cli: Cli, tmp_path: Path) -> None:
    ofac = LISTS / "ofac"
    paths = [
        ofac / "sdn",
        *(ofac / "non-sdn" / f"cons_{part}.csv" for part in ("prim", "alt", "add", "comments")),
        ofac / "non-sdn" / "consolidated.xml",
        ofac / "non-sdn" / "CONS_ENHANCED.ZIP",
        LISTS / "uk" / "ConList.xlsx",
        UN,
        LISTS / "au" / "regulation8_consolidated.xlsx",
        LISTS / "ca" / "sema-lmes.xml",
    ]
    reports = cli.json(tmp_path, "load", *map(str, paths))
    assert [r["status"] for r in reports] == ["loaded"] * 8
    assert [r["dataset"] for r in reports] == [
        "us_ofac_sdn",
        "us_ofac_cons",
        "us_ofac_cons",
        "us_ofac_cons",
        "gb_hmt_sanctions",
        "un_sc_sanctions",
        "au_dfat_sanctions",
        "ca_dfatd_sema_sanctions",
    ]
    assert [r["version"] for r in reports if r["dataset"] == "us_ofac_cons"] == [1, 2, 3]
    assert all(r["entities"] > 0 for r in reports)
    loaded = counts(cli, tmp_path)
    assert loaded["us_ofac_sdn"] == 14_965 and loaded["gb_hmt_sanctions"] == 4_688
    assert loaded["un_sc_sanctions"] == 1_004


def test_loading_the_bundled_file_again_is_unchanged(cli: Cli, scratch_dir: Path) -> None:
    (report,) = cli.json(scratch_dir, "load", str(LISTS / "ofac" / "sdn"))
    assert report["status"] == "unchanged" and report["version"] == 1
    assert [v["version"] for v in cli.json(scratch_dir, "versions", "--dataset", "us_ofac_sdn")] == [1]


def _bad_files(folder: Path) -> dict[str, Path]:
    un = UN.read_bytes()
    files = {
        "empty.xml": b"",
        "truncated.xml": un[: len(un) // 2],
        "latin1.xml": un.replace(b"<FIRST_NAME>", b"<FIRST_NAME>\xe9", 1),
        "utf16.csv": (LISTS / "ofac" / "sdn" / "sdn.csv")
        .read_bytes()[:4000]
        .decode("latin-1")
        .encode("utf-16"),
        "bomb.xml": b'<?xml version="1.0"?><!DOCTYPE CONSOLIDATED_LIST [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>'
        b"<FIRST_NAME>&c;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
        "xxe.xml": b'<?xml version="1.0"?><!DOCTYPE CONSOLIDATED_LIST [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
        b'<CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>'
        b"<FIRST_NAME>&s;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
        "huge-field.xml": un.replace(b"<FIRST_NAME>", b"<FIRST_NAME>" + b"A" * 200_001, 1),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _bad_files(tmp_path_factory.mktemp("bad"))


@pytest.fixture(scope="module")
def shared_scratch(bundled_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(bundled_dir, tmp_path_factory.mktemp("bad-store") / "data")


@pytest.mark.parametrize(
    ("name", "position"),
    [
        ("empty.xml", None),
        ("truncated.xml", "line "),
        ("latin1.xml", None),
        ("utf16.csv", "byte 0"),
        ("bomb.xml", "line "),
        ("xxe.xml", "line "),
        ("huge-field.xml", "line "),
    ],
)
def test_bad_input_exits_1_naming_the_file_and_changes_nothing(
    cli: Cli, shared_scratch: Path, bad_files: dict[str, Path], name: str, position: str | None
) -> None:
    before = cli.json(shared_scratch, "versions")
    result = cli(shared_scratch, "load", str(bad_files[name]))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("embargo: ")
    assert str(bad_files[name]) in lines[0]
    if position:
        assert position in lines[0]
    assert "Traceback" not in result.stderr
    assert cli.json(shared_scratch, "versions") == before


def test_one_bad_file_among_good_ones_still_fails_the_command(
    cli: Cli, scratch_dir: Path, bad_files: dict[str, Path]
) -> None:
    result = cli(
        scratch_dir, "load", str(bad_files["truncated.xml"]), str(LISTS / "ca" / "sema-lmes.xml"), "--json"
    )
    assert result.exit_code == 1
    reports = json.loads(result.stdout)
    assert [r["status"] for r in reports] == ["failed", "unchanged"]
    assert "truncated.xml" in reports[0]["error"]


def _un_changed(target: Path) -> Path:
    """The UN list minus its first individual, with the second one renamed."""
    from lxml import etree

    tree = etree.parse(str(UN), etree.XMLParser(resolve_entities=False, no_network=True))
    individuals = tree.getroot().find("INDIVIDUALS")
    first, second = individuals.findall("INDIVIDUAL")[:2]
    individuals.remove(first)
    second.find("FIRST_NAME").text = "RENAMED"
    tree.write(str(target), xml_declaration=True, encoding="utf-8")
    return target


def test_diff_and_rollback_after_a_changed_list(cli: Cli, scratch_dir: Path, tmp_path: Path) -> None:
    changed = _un_changed(tmp_path / "consolidated.xml")
    (report,) = cli.json(scratch_dir, "load", str(changed))
    assert (report["status"], report["version"], report["entities"]) == ("loaded", 2, 1_003)

    (diff,) = cli.json(scratch_dir, "diff", "--dataset", "un_sc_sanctions")
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert diff["counts"] == {"added": 0, "removed": 1, "changed": 1}
    (change,) = diff["changed"]
    assert change["properties"]["firstName"]["added"] == ["RENAMED"]
    assert change["properties"]["firstName"]["removed"]
    text = cli(scratch_dir, "diff", "--dataset", "un_sc_sanctions")
    assert "0 added, 1 removed, 1 changed" in text.stdout and "RENAMED" in text.stdout

    everything = cli.json(scratch_dir, "diff")
    assert {d["dataset"]: d["counts"]["added"] for d in everything}["us_ofac_sdn"] == 14_965

    assert cli(scratch_dir, "activate", "un_sc_sanctions", "1").exit_code == 0
    assert counts(cli, scratch_dir)["un_sc_sanctions"] == 1_004
    missing = cli(scratch_dir, "activate", "un_sc_sanctions", "7")
    assert missing.exit_code == 1 and "no retained version 7" in missing.stderr


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_update_command_reports_each_source_and_fails_if_one_failed(cli: Cli, scratch_dir: Path) -> None:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(UN.parent)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        result = cli(
            scratch_dir,
            "update",
            "--url",
            f"un_sc_sanctions={base}/consolidated.xml",
            "--url",
            f"ca_dfatd_sema_sanctions={base}/gone.xml",
            "--json",
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.exit_code == 1
    outcomes = {o["dataset"]: o for o in json.loads(result.stdout)}
    assert outcomes["un_sc_sanctions"]["status"] == "unchanged"
    assert outcomes["ca_dfatd_sema_sanctions"]["status"] == "failed"
    assert "404" in outcomes["ca_dfatd_sema_sanctions"]["reason"]
    assert "update of ca_dfatd_sema_sanctions failed" in result.stderr
    assert counts(cli, scratch_dir)["ca_dfatd_sema_sanctions"] == 1_369
    # Not a terminal: one progress line per step, on stderr only (an
    # unchanged file is not parsed again).
    assert "embargo: un_sc_sanctions: downloading" in result.stderr
    assert "un_sc_sanctions: parsing" not in result.stderr
    assert "downloading" not in result.stdout


def test_update_progress_on_a_terminal_is_a_bar_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(lists, "err", Console(file=screen, force_terminal=True, width=120))
    with lists.UpdateDisplay() as display:
        display.phase("un_sc_sanctions", "downloading", 2_500_000)
        display.advance(1_300_000)
        display._bar.refresh()
        shown = screen.getvalue()
        display.phase("un_sc_sanctions", "loading", 1004)
        display.advance(500)
        display._bar.refresh()
        display.finished("un_sc_sanctions")
    assert "un_sc_sanctions: downloading" in shown and "1.3 of 2.5 MB" in shown
    assert "500 of 1,004 entities" in screen.getvalue()
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "args",
    [["load"], ["diff", "--from", "1"], ["update", "--url", "no-equals-sign"], ["entity"]],
)
def test_wrong_usage_exits_2(cli: Cli, bundled_dir: Path, args: list[str]) -> None:
    assert cli(bundled_dir, *args).exit_code == 2


def test_json_goes_to_stdout_and_progress_to_stderr(tmp_path: Path) -> None:
    env = {**os.environ, "EMBARGO_DATA_DIR": str(tmp_path), "EMBARGO_LOAD_BUNDLED": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "embargo", "load", str(LISTS / "ofac" / "sdn"), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)
    assert report["entities"] == 14_965 and report["warning_count"] >= 1
    assert "entities written" in done.stderr


def test_a_damaged_store_file_is_one_clear_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "embargo.sqlite3").write_bytes(b"this is not a database" * 100)
    result = cli(tmp_path, "lists", "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "embargo.sqlite3" in result.stderr and "not a database" in result.stderr
    assert "Traceback" not in result.stderr
