"""Name screening commands: ``match`` for people, ``match-batch`` for machines.

``embargo match NAME`` prints a table of hits (``--json``: a JSON list of
hit objects). ``embargo match-batch FILE|-`` reads JSON lines, each the body
of a yente ``/match`` query plus an ``id``::

    {"id": "q1", "schema": "Person", "properties": {"name": ["Asma al-Assad"], "birthDate": ["1975"]}}

and writes one JSON line per input line, in input order::

    {"id": "q1", "results": [{"id", "caption", "schema", "datasets", "properties",
                              "score", "match", "explanation"}, ...], "total": 2}

``results`` are best first, matches and then near-misses down to the floor;
``total`` is the number of results. ``properties`` holds every name of the
entity and the fields the score used (birth dates, countries, gender,
identifiers). A line that is not valid JSON or not a valid query gives
``{"id": ..., "line": N, "error": "..."}`` and the batch goes on.

Exit codes: 0 success (also when some batch lines were bad), 1 the store or
input file could not be read, 2 wrong usage.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import orjson
import typer
from rich.console import Console
from rich.table import Table

from embargo.cli import app, settings
from embargo.model import NAME_PROPS

# Piped tables keep whole ids and names on one line rather than 80 columns.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
# The properties a batch result carries: names and what the score used.
_BATCH_PROPS = frozenset(
    {
        *NAME_PROPS,
        "birthDate",
        "nationality",
        "citizenship",
        "country",
        "gender",
        "idNumber",
        "passportNumber",
        "imoNumber",
        "registrationNumber",
        "taxNumber",
    }
)
_CHUNK = 64
# Allocations between young collections, and collections between sweeps of
# the older generations (the defaults are 700, 10, 10).
_BATCH_GC_THRESHOLDS = (50_000, 20, 10)
_PROGRESS_EVERY = 5000


def _fail(message: str) -> typer.Exit:
    print(f"embargo: {message}", file=sys.stderr)
    return typer.Exit(1)


def _load_matcher() -> Any:
    from embargo.names import load_matcher

    try:
        return load_matcher(settings())
    except Exception as exc:  # store unreadable, disk full, ...
        raise _fail(f"cannot open the lists in {settings().data_dir}: {exc}") from exc


@app.command()
def match(
    name: str = typer.Argument(..., help="The name to screen, in any script."),
    schema: str | None = typer.Option(
        None, "--schema", "-s", help="Person, Organization, Company, Vessel, ..."
    ),
    birth_date: list[str] = typer.Option([], "--birth-date", "-b", help="YYYY, YYYY-MM or YYYY-MM-DD."),
    country: list[str] = typer.Option([], "--country", "-c", help="Nationality/country: code or name."),
    gender: str | None = typer.Option(None, "--gender", help="male or female."),
    identifier: list[str] = typer.Option([], "--id", help="Passport, IMO, registration number ..."),
    dataset: list[str] = typer.Option([], "--dataset", "-d", help="Only these datasets (repeatable)."),
    threshold: float | None = typer.Option(None, "--threshold", "-t", help="Override the match threshold."),
    limit: int | None = typer.Option(None, "--limit", "-n", help="Most hits to show."),
    as_json: bool = typer.Option(False, "--json", help="Print the hits as JSON."),
) -> None:
    """Screen one name against the active lists."""
    from embargo.names import Query, QueryError

    try:
        query = Query(
            names=[name],
            schema=schema,
            birth_dates=birth_date,
            countries=country,
            gender=gender,
            identifiers=identifier,
        )
    except QueryError as exc:
        raise _fail(str(exc)) from exc
    matcher = _load_matcher()
    hits = matcher.match(query, threshold=threshold, limit=limit, datasets=dataset or None)
    if as_json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        out.print(f"no hits for {name!r} (floor {settings().match_floor})")
        return
    table = Table(show_edge=False, pad_edge=False)
    for column in ("score", "match", "band", "id"):
        table.add_column(column, no_wrap=True)
    for column in ("caption", "matched name", "secondary", "datasets"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        exp = hit.explanation
        secondary = ", ".join(
            f"{key}:{value['status']}"
            for key, value in exp["secondary"].items()
            if value["status"] != "missing"
        )
        table.add_row(
            f"{hit.score:.3f}",
            "yes" if hit.match else "no",
            exp["band"],
            hit.id,
            hit.caption,
            f"{exp['matched_name']} ({exp['name_type']})",
            secondary or "-",
            ", ".join(f"{ds} v{exp['dataset_versions'].get(ds, '?')}" for ds in hit.datasets),
        )
    out.print(table)


@app.command("match-batch")
def match_batch(
    source: str = typer.Argument(..., metavar="FILE|-", help="JSON lines file, or - for stdin."),
    dataset: list[str] = typer.Option([], "--dataset", "-d", help="Only these datasets (repeatable)."),
    threshold: float | None = typer.Option(None, "--threshold", "-t", help="Override the match threshold."),
    limit: int | None = typer.Option(None, "--limit", "-n", help="Most results per query."),
    workers: int = typer.Option(0, "--workers", "-w", help="Processes (0: one per core)."),
) -> None:
    """Screen JSON-lines queries (yente /match bodies with an id); one JSON line out per line in."""
    if source == "-":
        stream: TextIO = sys.stdin
    else:
        try:
            stream = Path(source).open(encoding="utf-8", errors="replace")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            raise _fail(f"{source}: {exc.strerror or exc}") from exc
    matcher = _load_matcher()
    options = {"threshold": threshold, "limit": limit, "datasets": dataset or None}
    workers = workers or (os.cpu_count() or 1)
    show_progress = not sys.stdout.isatty() and sys.stderr.isatty()
    try:
        with stream, _rare_collections():
            lines = enumerate(stream, start=1)
            done = 0
            for block in _screen(matcher, options, _chunks(lines), workers):
                sys.stdout.write(block)
                done += block.count("\n")
                if show_progress and done % _PROGRESS_EVERY < block.count("\n"):
                    print(f"embargo: {done} queries screened", file=sys.stderr)
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except UnicodeDecodeError as exc:
        raise _fail(f"{source}: not UTF-8 text: {exc}") from exc


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Run the garbage collector rarely while a batch is screened.

    The loaded index and the caches that fill during a batch are hundreds
    of thousands of long-lived objects, which the default thresholds have
    the collector sweep again and again: about a tenth of a batch's time,
    while matching leaves few reference cycles to reclaim. Freezing what is
    loaded before the workers fork also keeps the collector off its pages.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*_BATCH_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _chunks(lines: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# The matcher and options of the running batch. Worker processes are forked
# after these are set, so they share the index memory copy-on-write.
_BATCH: dict[str, Any] = {}


def _screen(
    matcher: Any, options: dict[str, Any], chunks: Iterator[list[tuple[int, str]]], workers: int
) -> Iterator[str]:
    _BATCH["matcher"] = matcher
    _BATCH["options"] = options
    first = next(chunks, None)
    if first is None:
        return
    if workers <= 1 or len(first) < _CHUNK:
        yield _screen_chunk(first)
        for chunk in chunks:
            yield _screen_chunk(chunk)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(_screen_chunk, _prepend(first, chunks))


def _prepend(
    first: list[tuple[int, str]], rest: Iterator[list[tuple[int, str]]]
) -> Iterator[list[tuple[int, str]]]:
    yield first
    yield from rest


def _screen_chunk(chunk: list[tuple[int, str]]) -> str:
    return "".join(_dumps(screen_line(n, line)) + "\n" for n, line in chunk if line.strip())


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")  # several times faster than json


def screen_line(number: int, line: str) -> dict[str, Any]:
    """The output object for one input line: results, or an error naming the line."""
    from embargo.names import Query, QueryError

    matcher = _BATCH["matcher"]
    options = _BATCH["options"]
    ident: Any = None
    try:
        body = orjson.loads(line)
        if isinstance(body, dict):
            ident = body.get("id")
        query = Query.from_yente(body)
        hits = matcher.match(
            query,
            threshold=options["threshold"],
            limit=options["limit"],
            datasets=options["datasets"],
        )
    except json.JSONDecodeError as exc:
        return {
            "id": ident,
            "line": number,
            "error": f"line {number}: invalid JSON: {exc.msg} at column {exc.colno}",
        }
    except (QueryError, ValueError, TypeError) as exc:
        return {"id": ident, "line": number, "error": f"line {number}: {exc}"}
    results = []
    for hit in hits:
        data = hit.to_dict()
        data["properties"] = {k: v for k, v in hit.properties.items() if k in _BATCH_PROPS}
        results.append(data)
    return {"id": ident, "results": results, "total": len(results)}
