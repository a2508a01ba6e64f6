"""Schema-driven fuzzing: no request the schema allows (or forbids) gets a 5xx or an off-schema answer."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Keys
from .server import Server

CONFIG = Path(__file__).with_name("schemathesis.toml")


def _schemathesis() -> list[str]:
    found = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    if not Path(found).exists():
        pytest.skip("schemathesis is not installed")
    return [found]


def test_openapi_schema_holds_under_fuzzing(server: Server, keys: Keys, tmp_path: Path) -> None:
    command = [
        *_schemathesis(),
        "--config-file",
        str(CONFIG),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        "20",
        "--seed",
        "20261125",
        "--workers",
        "2",
        "--max-time",
        "50",
        "-H",
        f"Authorization: ApiKey {keys.screen}",
        "--no-color",
        "--output-truncate",
        "true",
        "--report-dir",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    summary = result.stdout[-6000:]
    assert result.returncode == 0, summary
