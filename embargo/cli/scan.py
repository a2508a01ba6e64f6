"""``embargo scan``: screen an article, a saved web page or a payment message.

    embargo scan article.txt                  # readable report
    embargo scan page.html --json             # JSON report (shape in embargo.text.report)
    embargo scan msg.fin --format mt103       # SWIFT MT103 (auto-detected too)
    embargo scan pacs008.xml --html-report r.html
    cat article.txt | embargo scan -          # standard input
    embargo scan folder/ > reports.jsonl      # batch: one JSON line per document
    embargo scan docs.jsonl > reports.jsonl   # batch: lines {"id", "text"|"html"}

Exit codes: 0 screened (whether or not anything was found); 1 the input
could not be read (one line on stderr naming the file and position); 2
wrong usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

from embargo.cli import app, settings
from embargo.text.formats import FORMATS, ScanInputError, read_document

_MAX_STDIN = 64 * 1024 * 1024


def _fail(message: str) -> typer.Exit:
    print(f"embargo: {message}", file=sys.stderr)
    return typer.Exit(1)


@app.command("scan")
def scan_command(
    target: str = typer.Argument(..., help="File, saved HTML page, folder, .jsonl file, or - for stdin."),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help=f"Input format ({', '.join(FORMATS)}); detected when omitted."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON report instead of the summary."),
    html_report: Path | None = typer.Option(
        None, "--html-report", help="Also write a self-contained HTML report."
    ),
    ner: bool = typer.Option(True, "--ner/--no-ner", help="Use named-entity recognition when installed."),
    workers: int = typer.Option(0, "--workers", help="Batch processes (0 = one per CPU)."),
) -> None:
    """Screen a document: listed parties named, unlisted names, risk signals."""
    if fmt is not None and fmt not in FORMATS:
        raise _fail(f"unknown --format {fmt!r}; expected one of {', '.join(FORMATS)}")
    cfg = settings()
    path = Path(target)
    if target != "-" and not path.exists():
        raise _fail(f"{target}: no such file or folder")

    from embargo.text.batch import is_batch_input

    if target != "-" and is_batch_input(path):
        if html_report is not None:
            raise _fail("--html-report needs a single document, not a folder or JSON-lines file")
        _run_batch(path, ner=ner, workers=workers or cfg.scan_workers, max_chars=cfg.max_text_chars)
        return

    try:
        if target == "-":
            data = sys.stdin.buffer.read(_MAX_STDIN + 1)
            if len(data) > _MAX_STDIN:
                raise _fail(f"<stdin>: more than {_MAX_STDIN:,} bytes")
            source = "<stdin>"
        else:
            data = path.read_bytes()
            source = target
        if len(data) > cfg.max_text_chars * 4:  # a UTF-8 character is at most 4 bytes
            raise _fail(f"{source}: larger than the text limit ({cfg.max_text_chars:,} characters)")
        doc = read_document(data, source, fmt)
    except ScanInputError as exc:
        raise _fail(str(exc)) from None
    except IsADirectoryError:
        raise _fail(f"{target}: is a folder") from None
    except OSError as exc:
        raise _fail(f"{target}: {exc.strerror or exc}") from None
    if len(doc.text) > cfg.max_text_chars:
        raise _fail(f"{source}: {len(doc.text):,} characters, over the limit of {cfg.max_text_chars:,}")

    from embargo.text.scan import Scanner

    scanner = Scanner.load(cfg, ner=ner and not doc.is_payment)
    report = scanner.scan(doc)
    if html_report is not None:
        from embargo.text.html_report import write_html

        try:
            write_html(report, html_report)
        except OSError as exc:
            raise _fail(f"{html_report}: cannot write HTML report: {exc.strerror or exc}") from None
    if as_json:
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        from embargo.text.report import render_terminal

        render_terminal(report, Console(soft_wrap=True))
        if html_report is not None:
            print(f"HTML report written to {html_report}")


def _run_batch(path: Path, *, ner: bool, workers: int, max_chars: int) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from embargo.text.batch import scan_path_blocks, survey
    from embargo.text.scan import Scanner

    console = Console(stderr=True)
    total: int | None = None
    if ner or console.is_terminal:
        # Whether NER is needed, and the size of the progress bar: a pass over
        # the input that an explicit --no-ner without a terminal can skip.
        try:
            total, prose = survey(path)
            ner = ner and prose  # payments never use NER: a batch of them starts without loading it
        except OSError as exc:
            raise _fail(f"{path}: {exc.strerror or exc}") from None
    elif not path.is_dir():
        try:
            path.open("rb").close()
        except OSError as exc:
            raise _fail(f"{path}: {exc.strerror or exc}") from None
    scanner = Scanner.load(settings(), ner=ner)
    errors = 0
    done = 0
    with Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("scan", total=total)

        def progress(count: int) -> None:
            nonlocal done
            done += count
            if console.is_terminal:
                bar.advance(task, count)

        write = sys.stdout.write
        for block, block_errors in scan_path_blocks(
            scanner, path, workers=workers, on_progress=progress, max_chars=max_chars
        ):
            for error in block_errors:
                errors += 1
                print(f"embargo: {error}", file=sys.stderr)
            write(block)
    total = done if total is None else total
    if errors:
        print(f"embargo: {errors} of {total} documents could not be read", file=sys.stderr)
