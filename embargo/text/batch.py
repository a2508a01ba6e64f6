"""Screen many documents: a folder of files or a JSON-lines file, in parallel.

Each input becomes one JSON line on output, in input order: the document's
report (:mod:`embargo.text.report` shape) with an ``id`` added, or
``{"id", "error"}`` when that one document could not be read, so one bad
file never stops a batch or loses the others' results.

Workers are forked from a process that has already loaded the scanner, so
the lists, the name index and the NER pipeline are loaded once and shared
copy-on-write instead of once per worker. :func:`scan_path_blocks` (what
``embargo scan`` uses) has the workers read the documents and encode each
record's JSON line too, and send back one block of lines per chunk, so that
with many small documents (payments) the process writing the output is not
the bottleneck.
"""

from __future__ import annotations

import gc
import io
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from embargo.text.forkpool import map_ordered
from embargo.text.formats import ScanInputError, detect_format, read_document
from embargo.text.report import ScanReport
from embargo.text.scan import Scanner

JSONL_SUFFIXES = (".jsonl", ".ndjson")
PAYMENT_FORMATS = frozenset({"mt103", "pacs008"})


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One document of a batch: a file to read, or text/HTML given inline."""

    id: str
    path: str | None = None
    data: bytes | None = None
    format: str | None = None
    error: str | None = None


def is_batch_input(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in JSONL_SUFFIXES


def iter_items(path: Path) -> Iterator[BatchItem]:
    """The documents of a folder (recursively, hidden files skipped) or a JSON-lines file.

    JSON lines look like ``{"id": "a1", "text": "..."}`` or ``{"id": "a1",
    "html": "..."}``, optionally with ``"format"`` (without it, a ``"text"``
    holding an MT103 or pacs.008 message is read as that payment); a line that is not such
    an object yields an item carrying an error naming the file and line.
    """
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            rel = file.relative_to(path)
            if any(part.startswith(".") for part in rel.parts):
                continue
            yield BatchItem(str(rel), path=str(file))
        return
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            item = item_of_line(raw, number, str(path))
            if item is not None:
                yield item


def item_of_line(raw: bytes, number: int, where: str) -> BatchItem | None:
    """The document on line ``number`` of JSON-lines file ``where`` (None for a blank line)."""
    if not raw.strip():
        return None
    at = f"{where}:line {number}"
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return BatchItem(f"line {number}", error=f"{at}: not JSON ({exc})")
    if not isinstance(obj, dict):
        return BatchItem(f"line {number}", error=f"{at}: expected a JSON object")
    ident = str(obj.get("id", f"line {number}"))
    fmt = obj.get("format")
    for key in ("text", "html"):
        value = obj.get(key)
        if isinstance(value, str):
            try:
                data = value.encode("utf-8")
            except UnicodeEncodeError as exc:  # a lone surrogate written as an escape
                return BatchItem(
                    ident, error=f"{at}: '{key}' is not valid Unicode ({exc.reason} at {exc.start})"
                )
            if key == "html":
                return BatchItem(ident, data=data, format=fmt or "html")
            return BatchItem(ident, data=data, format=fmt or _text_format(data))
    return BatchItem(ident, error=f"{at}: object has neither a 'text' nor an 'html' string")


def _text_format(data: bytes) -> str:
    """A ``"text"`` line holding an MT103 or pacs.008 message is screened as that payment."""
    detected = detect_format(data)
    return detected if detected in PAYMENT_FORMATS else "text"


def survey(path: Path) -> tuple[int, bool]:
    """How many documents the batch holds, and whether any is prose (which NER reads).

    A batch of payment messages never uses NER, so the caller can skip
    loading the pipeline (a second or two and a few hundred MB). A folder's
    files are not read ahead, so a folder counts as prose.
    """
    count = 0
    prose = path.is_dir()
    for item in iter_items(path):
        count += 1
        prose = prose or (item.error is None and item.format not in PAYMENT_FORMATS)
    return count, prose


# The scanner used by worker processes and the size limit; set in the
# parent before forking.
_SCANNER: Scanner | None = None
_MAX_CHARS = 1_000_000
# Items go to the workers in chunks of at most this many documents or
# bytes: payments are small and many (one message per task would spend more
# on inter-process traffic than on screening), articles are large and slow.
_CHUNK_ITEMS = 512
_CHUNK_BYTES = 256 * 1024
_PATH_BYTES = 16 * 1024  # what a file item is assumed to weigh (read by the worker)

ItemFields = tuple[str, str | None, bytes | None, str | None, str | None]


def scan_item(item: BatchItem, scanner: Scanner | None = None) -> dict[str, Any]:
    """Screen one batch item; any input problem becomes an ``error`` record."""
    outcome = _screen(item, scanner)
    if isinstance(outcome, str):
        return {"id": item.id, "error": outcome}
    return {"id": item.id, **outcome.to_dict()}


def scan_item_line(item: BatchItem, scanner: Scanner | None = None) -> tuple[str, str | None]:
    """One item's record as its JSON line (no newline), and its error message if it has one.

    The line is ``json.dumps(scan_item(item), ensure_ascii=False)``.
    """
    outcome = _screen(item, scanner)
    if isinstance(outcome, str):
        return json.dumps({"id": item.id, "error": outcome}, ensure_ascii=False), outcome
    return outcome.to_json(item.id), None


def _screen(item: BatchItem, scanner: Scanner | None) -> ScanReport | str:
    """The item's report, or the message saying why it could not be screened."""
    scanner = scanner or _SCANNER
    assert scanner is not None, "scan_item needs a scanner"
    if item.error:
        return item.error
    try:
        if item.path is not None:
            data = Path(item.path).read_bytes()
            source = item.path
        else:
            data = item.data or b""
            source = item.id
        if len(data) > _MAX_CHARS * 4:  # a UTF-8 character is at most 4 bytes
            return f"{source}: larger than the text limit ({_MAX_CHARS:,} characters)"
        doc = read_document(data, source, item.format)
        if len(doc.text) > _MAX_CHARS:
            return f"{source}: {len(doc.text):,} characters, over the limit of {_MAX_CHARS:,}"
        return scanner.scan(doc)
    except ScanInputError as exc:
        return str(exc)
    except OSError as exc:
        return f"{item.path}: {exc.strerror or exc}"


def scan_batch(
    scanner: Scanner,
    items: Iterator[BatchItem],
    *,
    workers: int = 0,
    on_done: Callable[[], None] | None = None,
    max_chars: int = 1_000_000,
) -> Iterator[dict[str, Any]]:
    """Reports for ``items`` in input order, screened by ``workers`` processes.

    ``workers`` 0 means one per CPU; 1 (or a platform without ``fork``)
    screens in this process.
    """
    return _run(scan_item, scanner, items, workers=workers, on_done=on_done, max_chars=max_chars)


def scan_batch_lines(
    scanner: Scanner,
    items: Iterator[BatchItem],
    *,
    workers: int = 0,
    on_done: Callable[[], None] | None = None,
    max_chars: int = 1_000_000,
) -> Iterator[tuple[str, str | None]]:
    """:func:`scan_batch` as JSON lines ready to write, each with its error message or None.

    The workers encode the JSON, so the process writing the output does
    little more than copy lines: with many small documents (payments)
    encoding in one process would be the bottleneck.
    """
    return _run(scan_item_line, scanner, items, workers=workers, on_done=on_done, max_chars=max_chars)


def scan_path_blocks(
    scanner: Scanner,
    path: Path,
    *,
    workers: int = 0,
    on_progress: Callable[[int], None] | None = None,
    max_chars: int = 1_000_000,
) -> Iterator[tuple[str, list[str]]]:
    """What ``embargo scan FOLDER|FILE.jsonl`` writes, a block of lines at a time.

    The JSON lines of the documents :func:`iter_items` reads, in input order;
    each block comes with the error messages of its records.

    A block is the text of one or more lines, each ending in a newline; the
    lines are those of :func:`scan_batch_lines`. The work per document is
    done in the workers, down to reading a JSON-lines file's lines: this
    process only reads the file in chunks of lines and writes the blocks, so
    with many small documents (payments) it is not the bottleneck.
    ``on_progress`` is called with the number of documents each block holds.
    """
    chunks: Iterator[_Chunk]
    if path.is_dir():
        chunks = (("items", None, 0, chunk) for chunk in _chunks(iter_items(path)))
    else:
        chunks = _line_chunks(path)
    for block, count, errors in _run_chunks(scanner, chunks, workers=workers, max_chars=max_chars):
        yield block, errors
        if on_progress:
            on_progress(count)


_T = TypeVar("_T")
# A unit of work for a worker: ("items", None, 0, item fields), or part of a
# JSON-lines file: ("range", file name, number of its first line, [offset,
# length]) or ("lines", file name, number of the first line, the raw lines).
_Chunk = tuple[str, str | None, int, list[Any]]


def _forked(scanner: Scanner, workers: int, max_chars: int) -> bool:
    """Set up the workers' shared state; True when ``workers`` processes are to be forked."""
    global _SCANNER, _MAX_CHARS
    _MAX_CHARS = max_chars
    _SCANNER = scanner
    return workers > 1 and "fork" in multiprocessing.get_all_start_methods()


def _map_forked(function: Callable[[Any], _T], chunks: Iterator[Any], workers: int) -> Iterator[_T]:
    # The loaded lists are shared with the workers copy-on-write; a garbage
    # collection in a worker would visit (and so copy) every one of their
    # objects. Frozen objects are left alone by the collector. (Whoever
    # froze objects before us keeps them frozen.)
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    sys.stdout.flush()  # a worker must not inherit (and write again) buffered output
    sys.stderr.flush()
    try:
        yield from map_ordered(function, chunks, workers)
    finally:
        if freeze:
            gc.unfreeze()


def _run(
    task: Callable[[BatchItem, Scanner | None], _T],
    scanner: Scanner,
    items: Iterator[BatchItem],
    *,
    workers: int,
    on_done: Callable[[], None] | None,
    max_chars: int,
) -> Iterator[_T]:
    workers = workers or os.cpu_count() or 1
    if not _forked(scanner, workers, max_chars):
        for item in items:
            yield task(item, scanner)
            if on_done:
                on_done()
        return
    for results in _map_forked(partial(_scan_chunk, task), _chunks(items), workers):
        for result in results:
            yield result
            if on_done:
                on_done()


def _run_chunks(
    scanner: Scanner, chunks: Iterator[_Chunk], *, workers: int, max_chars: int
) -> Iterator[tuple[str, int, list[str]]]:
    workers = workers or os.cpu_count() or 1
    if _forked(scanner, workers, max_chars):
        yield from _map_forked(_block, chunks, workers)
    else:
        yield from map(_block, chunks)


def _chunks(items: Iterator[BatchItem]) -> Iterator[list[ItemFields]]:
    """Items as plain tuples (cheaper to send than dataclasses), a chunk at a time."""
    chunk: list[ItemFields] = []
    size = 0
    for item in items:
        chunk.append((item.id, item.path, item.data, item.format, item.error))
        size += len(item.data) if item.data is not None else _PATH_BYTES
        if len(chunk) >= _CHUNK_ITEMS or size >= _CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _line_chunks(path: Path) -> Iterator[_Chunk]:
    """A JSON-lines file in chunks of whole lines, like :func:`_chunks`; workers decode them.

    A regular file is handed out as byte ranges that the workers read
    themselves, so its contents do not travel through this process;
    anything else (a pipe) as the lines read here.
    """
    where = str(path)
    with path.open("rb") as fh:
        if not path.is_file():
            chunk: list[bytes] = []
            first = 1
            size = 0
            for number, raw in enumerate(fh, 1):
                chunk.append(raw)
                size += len(raw)
                if len(chunk) >= _CHUNK_ITEMS or size >= _CHUNK_BYTES:
                    yield ("lines", where, first, chunk)
                    chunk, first, size = [], number + 1, 0
            if chunk:
                yield ("lines", where, first, chunk)
            return
        start = 0  # file offset of the next chunk
        first = 1  # its first line number
        carry = b""  # what was read past the end of the last chunk
        while True:
            data = fh.read(_CHUNK_BYTES)
            buf = carry + data if carry else data
            if not data:
                if buf:
                    yield ("range", where, first, [start, len(buf)])
                return
            cut = _cut(buf)
            if cut == 0:
                carry = buf  # a line longer than a chunk: read on to its end
                continue
            yield ("range", where, first, [start, cut])
            start += cut
            first += buf.count(b"\n", 0, cut)
            carry = buf[cut:]


def _cut(buf: bytes) -> int:
    """Where a chunk of lines read as ``buf`` ends: after its last newline or its
    :data:`_CHUNK_ITEMS`-th one, whichever comes first (0: no newline)."""
    if buf.count(b"\n") <= _CHUNK_ITEMS:
        return buf.rfind(b"\n") + 1
    at = -1
    for _ in range(_CHUNK_ITEMS):
        at = buf.find(b"\n", at + 1)
    return at + 1


def _scan_chunk(task: Callable[[BatchItem, Scanner | None], _T], chunk: list[ItemFields]) -> list[_T]:
    return [task(BatchItem(*fields), _SCANNER) for fields in chunk]


def _block(chunk: _Chunk) -> tuple[str, int, list[str]]:
    """A chunk's JSON lines as one text (one object to send back), its item count and errors."""
    kind, where, first, entries = chunk
    items: Iterator[BatchItem | None]
    if kind == "range":
        assert where is not None
        with open(where, "rb") as fh:
            fh.seek(entries[0])
            data = fh.read(entries[1])
        # Lines as iterating over the file gives them (each with its newline).
        items = (item_of_line(raw, number, where) for number, raw in enumerate(io.BytesIO(data), first))
    elif kind == "lines":
        assert where is not None
        items = (item_of_line(raw, number, where) for number, raw in enumerate(entries, first))
    else:
        items = (BatchItem(*fields) for fields in entries)
    lines: list[str] = []
    errors: list[str] = []
    for item in items:
        if item is None:
            continue  # a blank line
        line, error = scan_item_line(item, _SCANNER)
        lines.append(line)
        if error is not None:
            errors.append(error)
    lines.append("")
    return "\n".join(lines) if len(lines) > 1 else "", len(lines) - 1, errors
