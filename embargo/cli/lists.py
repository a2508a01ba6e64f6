"""List management commands: load, lists, versions, activate, entity, diff, update.

Exit codes (as for every embargo command):

* 0 — success (an unchanged list counts as success);
* 1 — the command failed for a reason printed as one line on stderr: an
  unreadable or hostile list file (the line names the file and position), a
  failed or refused update, an unknown entity or version. The store is left
  as it was;
* 2 — wrong usage (unknown option, missing argument), reported by typer.

With ``--json`` only JSON is written to stdout; progress and errors always
go to stderr, so output can be piped.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from embargo.cli import app, settings
from embargo.sources.base import SourceError
from embargo.store import Store, StoreError, VersionInfo, files_sha256, open_store

P = ParamSpec("P")
R = TypeVar("R")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

# Members of OFAC's legacy CSV publications: given side by side, they are one list.
_OFAC_SETS = {
    "sdn": {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"},
    "cons": {"cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"},
}
_PLAIN_PROGRESS_EVERY = 5000


def fail(message: str) -> typer.Exit:
    """Print one error line to stderr; the caller raises the returned Exit(1)."""
    print(f"embargo: {message}", file=sys.stderr)
    return typer.Exit(1)


def explained(command: Callable[P, R]) -> Callable[P, R]:
    """Turn every failure of a command into one stderr line and exit code 1."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter, SystemExit):
            raise
        except BrokenPipeError:
            # The reader (e.g. `| head`) stopped reading: not a failure of ours.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            raise fail("interrupted; the store is unchanged") from None
        except SourceError as exc:
            raise fail(str(exc)) from None
        except StoreError as exc:
            raise fail(str(exc)) from None
        except sqlite3.Error as exc:
            raise fail(f"store {settings().store_path}: {exc}") from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise fail(f"{where}{exc.strerror or exc}") from None
        except Exception as exc:  # a bug: still one line, never a traceback
            raise fail(f"unexpected error: {type(exc).__name__}: {exc}") from None

    return run


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _store() -> Store:
    """The store, opened for one command (use as a context manager)."""
    return open_store(settings())


# -- load ---------------------------------------------------------------------


def group_sources(paths: list[Path], format: str | None) -> list[list[Path]]:
    """Split command-line paths into lists to load.

    A folder is one list. Files are one list each, except members of one
    OFAC legacy CSV set in the same folder (sdn.csv with alt.csv, ...),
    which form one list; with ``--format ofac_csv`` all files are one set.
    """
    if format == "ofac_csv":
        return [paths]
    groups: list[list[Path]] = []
    sets: dict[tuple[Path, str], list[Path]] = {}
    for path in paths:
        family = next((name for name, members in _OFAC_SETS.items() if path.name.lower() in members), None)
        if path.is_dir() or family is None:
            groups.append([path])
            continue
        key = (path.resolve().parent, family)
        if key not in sets:
            sets[key] = []
            groups.append(sets[key])
        sets[key].append(path)
    return groups


@contextmanager
def load_progress(label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on an interactive stderr, else a line every few thousand entities."""
    if err.is_terminal:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(
            SpinnerColumn(),
            TextColumn(f"loading {label}"),
            TextColumn("{task.completed:,} entities"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task(label, total=None)
            yield lambda count: bar.update(task, completed=count)
        return
    shown = 0

    def step(count: int) -> None:
        nonlocal shown
        if count - shown >= _PLAIN_PROGRESS_EVERY:
            shown = count
            print(f"embargo: {label}: {count:,} entities written", file=sys.stderr, flush=True)

    yield step


class UpdateDisplay:
    """Shows ``embargo update`` on stderr: a rich bar per dataset on a
    terminal (bytes while downloading, entities while loading), else one line
    per step so a log says where a slow or stuck update is."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None
        self._unit = ""
        self._total: int | None = None

    def __enter__(self) -> UpdateDisplay:
        if err.is_terminal:
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[amount]}"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def phase(self, dataset: str, phase: str, total: int | None = None) -> None:
        self._unit = "bytes" if phase == "downloading" else "entities"
        self._total = total
        if self._bar is None:
            print(f"embargo: {dataset}: {phase}", file=sys.stderr, flush=True)
            return
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(f"{dataset}: {phase}", total=total, amount="")

    def advance(self, done: int) -> None:
        if self._bar is None or self._task is None:
            return
        self._bar.update(self._task, completed=done, amount=_amount(done, self._total, self._unit))

    def finished(self, dataset: str) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.remove_task(self._task)
            self._task = None


def _amount(done: int, total: int | None, unit: str) -> str:
    if unit == "bytes":
        of = f" of {total / 1e6:,.1f}" if total else ""
        return f"{done / 1e6:,.1f}{of} MB"
    of = f" of {total:,}" if total else ""
    return f"{done:,}{of} entities"


def _load_one(store: Store, paths: list[Path], format: str | None, dataset: str | None) -> dict[str, Any]:
    from embargo.sources import parse

    result = parse(paths, format=format, dataset=dataset, settings=settings())
    files = [Path(f) for f in result.files] or paths
    sha256 = files_sha256(files)
    source = ", ".join(str(Path(f).resolve()) for f in files)
    with load_progress(result.dataset) as step:
        info = store.load(result, sha256=sha256, source=source, progress=step)
    return {"status": "unchanged" if info.unchanged else "loaded", **info.to_dict()}


@app.command()
@explained
def load(
    paths: list[Path] = typer.Argument(..., help="List file(s) or folder(s); one folder = one list."),
    format: str | None = typer.Option(None, "--format", "-f", help="Skip detection: ofac_csv, un_sc, ..."),
    dataset: str | None = typer.Option(None, "--dataset", "-d", help="Dataset name to load as."),
    as_json: bool = typer.Option(False, "--json", help="Print the new versions as JSON."),
) -> None:
    """Load official list files as new versions (the previous ones stay available)."""
    reports: list[dict[str, Any]] = []
    failed = False
    with _store() as store:
        for group in group_sources(paths, format):
            try:
                report = _load_one(store, group, format, dataset)
            except (SourceError, StoreError) as exc:
                print(f"embargo: {exc}", file=sys.stderr)
                reports.append({"status": "failed", "paths": [str(p) for p in group], "error": str(exc)})
                failed = True
                continue
            reports.append(report)
            if not as_json:
                _print_loaded(report)
    if as_json:
        emit_json(reports)
    if failed:
        raise typer.Exit(1)


def _print_loaded(report: dict[str, Any]) -> None:
    if report["status"] == "unchanged":
        out.print(f"{report['dataset']}: unchanged (same file as active version {report['version']})")
        return
    published = report["published"] or "no date in file"
    out.print(
        f"{report['dataset']}: version {report['version']} active, {report['entities']:,} entities, "
        f"published {published}, {report['warning_count']:,} warnings"
    )
    for warning in report["warnings"][:5]:
        out.print(f"  warning: {warning}", markup=False)
    if report["warning_count"] > 5:
        out.print(f"  ... and {report['warning_count'] - 5:,} more (see --json)")


# -- lists / versions / activate -----------------------------------------------


def _versions_table(versions: list[VersionInfo], *, show_active: bool) -> str:
    """Plain aligned columns: they survive pipes and narrow terminals unwrapped."""
    header = ["dataset", "version", "entities", "published", "loaded (UTC)", "warnings"]
    rows = [
        [
            v.dataset + (" *" if show_active and v.active else ""),
            str(v.version),
            f"{v.entities:,}",
            v.published or "-",
            v.loaded_at[:16].replace("T", " "),
            f"{len(v.warnings):,}",
        ]
        for v in versions
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    numeric = {1, 2, 5}

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)]
    if show_active:
        lines.append("* active version")
    return "\n".join(lines)


@app.command("lists")
@explained
def lists_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the active version of each dataset."""
    with _store() as store:
        active = store.active()
    if as_json:
        emit_json([v.to_dict(warnings=False) for v in active])
        return
    if not active:
        out.print("no lists loaded; run `embargo load PATH` or `embargo update`")
        return
    print(_versions_table(active, show_active=False))


@app.command()
@explained
def versions(
    dataset: str | None = typer.Option(None, "--dataset", "-d"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show every retained version (for diff and rollback)."""
    with _store() as store:
        found = store.versions(dataset)
    if dataset and not found:
        raise fail(f"no versions of dataset {dataset!r}")
    if as_json:
        emit_json([v.to_dict(warnings=False) for v in found])
        return
    print(_versions_table(found, show_active=True))


@app.command()
@explained
def activate(
    dataset: str = typer.Argument(...),
    version: int = typer.Argument(...),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Make a retained version of a dataset the active one (e.g. to roll back)."""
    with _store() as store:
        info = store.activate(dataset, version)
    if as_json:
        emit_json(info.to_dict(warnings=False))
    else:
        out.print(f"{info.dataset}: version {info.version} active ({info.entities:,} entities)")


# -- entity ---------------------------------------------------------------------


def _origin(info: VersionInfo) -> dict[str, Any]:
    return {
        "dataset": info.dataset,
        "version": info.version,
        "published": info.published,
        "loaded_at": info.loaded_at,
        "sha256": info.sha256,
    }


@app.command()
@explained
def entity(
    entity_id: str = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help="Print the FtM JSON form."),
) -> None:
    """Show one listed entity, and which list version it comes from."""
    with _store() as store:
        found = store.snapshot().find(entity_id)
    if not found:
        raise fail(f"no such entity: {entity_id}")
    records = [{**record.to_ftm(), "list_version": _origin(info)} for record, info in found]
    if as_json:
        first = records[0]
        if len(records) > 1:
            first["other_records"] = records[1:]
        emit_json(first)
        return
    for (record, info), data in zip(found, records, strict=True):
        table = Table(title=f"{record.caption}  [{record.schema}]", title_justify="left", show_header=False)
        table.add_column("property", style="bold")
        table.add_column("values")
        table.add_row("id", record.id)
        table.add_row("list", f"{info.title} — version {info.version}, published {info.published or '-'}")
        for prop, values in data["properties"].items():
            table.add_row(prop, "\n".join(values))
        for relation in record.relations:
            table.add_row(
                f"relation ({relation.kind})",
                relation.target_name + (f" [{relation.target_id}]" if relation.target_id else ""),
            )
        out.print(table)


# -- diff -------------------------------------------------------------------------


@app.command()
@explained
def diff(
    dataset: str | None = typer.Option(None, "--dataset", "-d", help="Default: every active dataset."),
    from_version: int | None = typer.Option(None, "--from", help="Default: the version before --to."),
    to_version: int | None = typer.Option(None, "--to", help="Default: the active version."),
    limit: int = typer.Option(20, "--limit", help="Entities shown per kind of change (not with --json)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, one object per dataset."),
) -> None:
    """What changed between two versions: entities added, removed, and changed values."""
    if dataset is None and (from_version is not None or to_version is not None):
        raise typer.BadParameter("--from/--to need --dataset")
    with _store() as store:
        datasets = [dataset] if dataset else [v.dataset for v in store.active()]
        diffs = [store.diff(name, from_version, to_version) for name in datasets]
    if as_json:
        emit_json([d.to_dict() for d in diffs])
        return
    for d in diffs:
        origin = f"version {d.from_version}" if d.from_version is not None else "nothing"
        out.print(
            f"[bold]{d.dataset}[/bold]: {origin} -> version {d.to_version}: "
            f"{len(d.added):,} added, {len(d.removed):,} removed, {len(d.changed):,} changed"
        )
        for kind, items in (("+", d.added), ("-", d.removed)):
            for item in items[:limit]:
                out.print(f"  {kind} {item.id}  {item.caption}", markup=False)
        for change in d.changed[:limit]:
            out.print(f"  ~ {change.id}  {change.caption}", markup=False)
            for prop, delta in sorted(change.properties.items()):
                for value in delta.removed:
                    out.print(f"      {prop}: - {value}", markup=False)
                for value in delta.added:
                    out.print(f"      {prop}: + {value}", markup=False)


# -- update -----------------------------------------------------------------------


def _parse_url_options(values: list[str]) -> dict[str, str]:
    urls = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not name or not url:
            raise typer.BadParameter(f"expected DATASET=URL, got {value!r}", param_hint="--url")
        urls[name.strip()] = url.strip()
    return urls


@app.command()
@explained
def update(
    datasets: list[str] = typer.Option([], "--dataset", "-d", help="Only these datasets (repeatable)."),
    url: list[str] = typer.Option([], "--url", help="DATASET=URL overriding the configured source."),
    force: bool = typer.Option(False, "--force", help="Load even if the entity count collapsed."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of outcomes."),
) -> None:
    """Download the official lists and load the ones that changed."""
    from embargo.store.update import FAILED
    from embargo.store.update import update as run_update

    urls = _parse_url_options(url)
    with _store() as store, UpdateDisplay() as display:
        outcomes = run_update(store, settings(), datasets or None, urls or None, force, progress=display)
    for outcome in outcomes:
        if outcome.status == FAILED:
            print(f"embargo: update of {outcome.dataset} failed: {outcome.reason}", file=sys.stderr)
    if as_json:
        emit_json([o.to_dict() for o in outcomes])
    else:
        for outcome in outcomes:
            if outcome.status == FAILED:
                continue
            assert outcome.version is not None
            what = "unchanged" if outcome.status != "ok" else "updated"
            out.print(
                f"{outcome.dataset}: {what}, version {outcome.version.version} active, "
                f"{outcome.version.entities:,} entities"
            )
    if any(o.status == FAILED for o in outcomes):
        raise typer.Exit(1)
