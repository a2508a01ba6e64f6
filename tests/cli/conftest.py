"""A store filled from the bundled snapshot once per session, copied per test that changes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from embargo.cli import app


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, data_dir: Path, *args: str, bundled: bool = False) -> Any:
        env = {"EMBARGO_LOAD_BUNDLED": "1" if bundled else "0"}
        return self.runner.invoke(app, ["--data-dir", str(data_dir), *args], env=env)

    def json(self, data_dir: Path, *args: str) -> Any:
        result = self(data_dir, *args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli()


@pytest.fixture(scope="session")
def bundled_dir(tmp_path_factory: pytest.TempPathFactory, cli: Cli) -> Path:
    """A data dir whose first command loaded the whole bundled snapshot."""
    data_dir = tmp_path_factory.mktemp("bundled")
    result = cli(data_dir, "lists", "--json", bundled=True)
    assert result.exit_code == 0, result.stderr
    return data_dir


def copy_store(source: Path, target: Path) -> Path:
    """Copy only the store database (not caches other commands keep next to it)."""
    target.mkdir(parents=True)
    for path in source.glob("embargo.sqlite3*"):
        shutil.copyfile(path, target / path.name)
    return target


@pytest.fixture
def scratch_dir(bundled_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the bundled store, for tests that change it."""
    return copy_store(bundled_dir, tmp_path / "data")
