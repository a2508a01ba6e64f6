from __future__ import annotations

import json
from pathlib import Path

import pytest

from embargo.text.batch import iter_items, scan_batch, survey
from embargo.text.scan import Scanner

from .conftest import FIXTURES

pytestmark = pytest.mark.slow


def test_folder_batch_keeps_input_order_and_reports_bad_files(scanner: Scanner, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Bashar al-Assad arrived in Moscow.", "utf-8")
    (folder / "b.bin").write_bytes(b"\x00\x01\x02binary")
    (folder / "c.xml").write_bytes((FIXTURES / "pacs008.xml").read_bytes())
    (folder / ".hidden").write_text("Vladimir Putin", "utf-8")
    records = list(scan_batch(scanner, iter_items(folder), workers=2))
    assert [r["id"] for r in records] == ["a.txt", "b.bin", "c.xml"]
    assert records[0]["entities"][0]["id"] == "ofac-12735"
    assert "binary" in records[1]["error"] and "b.bin" in records[1]["error"]
    assert records[2]["document"]["format"] == "pacs008"


def test_jsonl_batch_reads_text_and_html_and_names_bad_lines(scanner: Scanner, tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "t1", "text": "Dmitry Peskov, the Kremlin spokesman, said nothing."}),
        "{not json",
        json.dumps({"id": "h1", "html": "<html><body><p>Asma al-Assad was seen in Paris.</p></body></html>"}),
        json.dumps({"id": "x"}),
        "",
    ]
    path.write_text("\n".join(lines), "utf-8")
    records = list(scan_batch(scanner, iter_items(path), workers=1))
    assert [r["id"] for r in records] == ["t1", "line 2", "h1", "x"]
    assert records[0]["entities"][0]["id"] == "ofac-35320"
    assert records[1]["error"].startswith(f"{path}:line 2: not JSON")
    assert records[2]["document"]["format"] == "html"
    assert records[2]["entities"][0]["id"] == "ofac-29068"
    assert "neither" in records[3]["error"]


def test_oversized_document_is_an_error_record_not_a_stop(scanner: Scanner, tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        json.dumps({"id": "big", "text": "word " * 300})
        + "\n"
        + json.dumps({"id": "ok", "text": "Hello."})
        + "\n",
        "utf-8",
    )
    records = list(scan_batch(scanner, iter_items(path), workers=1, max_chars=1000))
    assert "over the limit" in records[0]["error"] or "larger than" in records[0]["error"]
    assert records[1]["id"] == "ok" and "error" not in records[1]


def test_jsonl_payment_messages_are_screened_as_payments_by_two_processes(
    scanner: Scanner, tmp_path: Path
) -> None:
    mt103 = ":20:X1\n:32A:240101USD1,00\n:50K:ACME LTD\n:59:/DE89370400440532013000\nVLADIMIR PUTIN\nMOSCOW\n"
    pacs = (FIXTURES / "pacs008.xml").read_text("utf-8")
    lines = [json.dumps({"id": f"m{i}", "text": mt103 if i % 2 else pacs}) for i in range(150)]
    path = tmp_path / "payments.jsonl"
    path.write_text("\n".join(lines), "utf-8")
    records = list(scan_batch(scanner, iter_items(path), workers=2))
    assert [r["id"] for r in records] == [f"m{i}" for i in range(150)]
    assert {r["document"]["format"] for r in records[1::2]} == {"mt103"}
    assert {r["document"]["format"] for r in records[::2]} == {"pacs008"}
    assert all(r["entities"][0]["mentions"][0]["field"] == "59" for r in records[1::2])


def test_json_lines_are_the_records_encoded_in_input_order_across_many_chunks(
    scanner: Scanner, tmp_path: Path
) -> None:
    from embargo.text.batch import _CHUNK_ITEMS, scan_batch_lines

    mt103 = ":20:X{i}\n:32A:240101USD1,00\n:50K:ACME {i} LTD\n:59:/DE89\n{name}\nMOSCOW\n"
    lines = []
    count = _CHUNK_ITEMS * 2 + 7
    for i in range(count):
        name = "VLADIMIR PUTIN" if i % 97 == 0 else f"JOHN SMITH {i}"
        lines.append(json.dumps({"id": f"m{i}", "text": mt103.format(i=i, name=name)}))
    lines.insert(300, "{broken")
    path = tmp_path / "payments.jsonl"
    path.write_text("\n".join(lines), "utf-8")
    records = list(scan_batch(scanner, iter_items(path), workers=1))
    encoded = list(scan_batch_lines(scanner, iter_items(path), workers=2))
    assert [line for line, _ in encoded] == [json.dumps(r, ensure_ascii=False) for r in records]
    assert [error for _, error in encoded] == [r.get("error") for r in records]
    assert sum(1 for r in records if r.get("entities")) == len(range(0, count, 97))
    assert records[300]["error"].startswith(f"{path}:line 301: not JSON")


@pytest.mark.parametrize("workers", [1, 2])
def test_blocks_written_for_a_file_or_folder_are_its_json_lines_in_order(
    scanner: Scanner, tmp_path: Path, workers: int
) -> None:
    from embargo.text.batch import _CHUNK_ITEMS, scan_batch_lines, scan_path_blocks

    mt103 = ":20:X{i}\n:32A:240101USD1,00\n:50K:ACME {i} LTD\n:59:/DE89\n{name}\nMOSCOW\n"
    lines = []
    for i in range(_CHUNK_ITEMS + 40):
        name = "VLADIMIR PUTIN" if i % 50 == 0 else f"JOHN SMITH {i}"
        lines.append(json.dumps({"id": f"m{i}", "text": mt103.format(i=i, name=name)}))
    lines[3:3] = ["", "{broken", "   ", json.dumps({"id": "e", "text": ""}), "[1]"]
    lines.append(json.dumps({"id": "prose", "text": "Asma al-Assad met bankers."}))
    lines.insert(600, json.dumps({"id": "long", "text": "x" * 300_000, "format": "mt103"}))  # > a chunk
    surrogate = '{"id": "surrogate", "text": "VLADIMIR PUTIN \\ud800"}'
    lines.insert(601, surrogate)
    path = tmp_path / "payments.jsonl"
    path.write_text("\n".join(lines) + "\n\n", "utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.txt").write_text(mt103.format(i=i, name="BASHAR AL-ASSAD"), "utf-8")
    (folder / "bad.bin").write_bytes(b"\x00 binary")
    for source in (path, folder):
        expected = list(scan_batch_lines(scanner, iter_items(source), workers=1))
        progress: list[int] = []
        blocks = list(scan_path_blocks(scanner, source, workers=workers, on_progress=progress.append))
        assert "".join(block for block, _ in blocks) == "".join(line + "\n" for line, _ in expected)
        assert [e for _, errors in blocks for e in errors] == [e for _, e in expected if e is not None]
        assert sum(progress) == len(expected)
        if source == path:
            assert len(blocks) > 1  # more than one chunk of lines
            # the broken line, the empty text, the array, the long line, the lone surrogate
            assert sum(1 for _, e in expected if e) == 5
            number = lines.index(surrogate) + 1
            assert any(e and f"line {number}: 'text' is not valid Unicode" in e for _, e in expected)


def test_only_a_batch_holding_prose_needs_named_entity_recognition(tmp_path: Path) -> None:
    mt103 = (FIXTURES / "mt103.txt").read_text(encoding="utf-8")
    payments = tmp_path / "payments.jsonl"
    payments.write_text(
        "\n".join(json.dumps({"id": f"p{i}", "text": mt103}) for i in range(3)) + "\nnot json\n",
        encoding="utf-8",
    )
    assert survey(payments) == (4, False)  # three payments and a bad line
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        payments.read_text(encoding="utf-8")
        + json.dumps({"id": "a", "text": "Asma al-Assad met bankers."})
        + "\n",
        encoding="utf-8",
    )
    assert survey(mixed) == (5, True)
    assert survey(tmp_path)[1]  # a folder's files are not read ahead
