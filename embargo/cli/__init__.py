"""The ``embargo`` command line.

Each stage owns one module here that registers its commands on :data:`app`
(``lists`` for load/lists/entity/diff/update, ``match`` for name screening,
``scan`` for text, ``serve`` for the HTTP service), so the CLI reads in the
same order as the data flows.

Exit codes: 0 success; 1 a command failed for a reason it explains (bad
input file, failed update, unknown entity); 2 wrong usage (typer's own).
"""

from __future__ import annotations

from pathlib import Path

import typer

from embargo.settings import Settings

app = typer.Typer(
    name="embargo",
    help="Sanctions and adverse-media screening.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class State:
    """Per-invocation state shared by commands (the resolved settings)."""

    settings: Settings = Settings()


state = State()


@app.callback()
def _global(
    data_dir: Path | None = typer.Option(
        None, "--data-dir", envvar="EMBARGO_DATA_DIR", help="Where the store lives."
    ),
) -> None:
    state.settings = Settings.from_env(data_dir=data_dir)


def settings() -> Settings:
    return state.settings


def _register() -> None:
    # Imported for their side effect of adding commands to ``app``.
    import importlib

    for name in ("lists", "match", "scan", "serve"):
        try:
            importlib.import_module(f"embargo.cli.{name}")
        except ModuleNotFoundError as exc:  # a stage not built yet
            if exc.name != f"embargo.cli.{name}":
                raise


_register()


def main() -> None:
    app()
