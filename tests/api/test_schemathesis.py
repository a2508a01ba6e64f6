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
    # The text scanner is built in the background after start (seconds): wait
    # for it here so that no fuzzed request runs into the client's timeout.
    with server.client(keys.screen) as client:
        client.post("/scan", json={"text": "warm-up"}, timeout=120).raise_for_status()
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
        "--request-timeout",
        "30",
        "--no-color",
        "--output-truncate",
        "true",
        "--report-dir",
        str(tmp_path),
    ]
    # Run in the test's own folder: schemathesis keeps a crash cache
    # (.schemathesis/) in its working directory.
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    (tmp_path / "schemathesis.out").write_text(result.stdout + result.stderr)
    start = result.stdout.find("FAILURES")
    summary = result.stdout[start : start + 5000] if start >= 0 else result.stdout[-5000:]
    assert result.returncode == 0, summary
