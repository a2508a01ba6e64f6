"""A load killed half-way (power cut, OOM killer) must leave the store intact."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.shared_data import LISTS

SDN = LISTS / "ofac" / "sdn"
pytestmark = pytest.mark.skipif(not SDN.is_dir(), reason="OFAC list data not available")


def embargo(data_dir: Path, *args: str, **kwargs):
    env = {**os.environ, "EMBARGO_DATA_DIR": str(data_dir), "EMBARGO_LOAD_BUNDLED": "0"}
    return subprocess.Popen([sys.executable, "-m", "embargo", *args], env=env, text=True, **kwargs)


def changed_copy(tmp_path: Path) -> Path:
    """The SDN file set with some records removed, so it is a new version."""
    target = tmp_path / "sdn-next"
    shutil.copytree(SDN, target)
    lines = (target / "sdn.csv").read_bytes().split(b"\n")
    (target / "sdn.csv").write_bytes(b"\n".join(lines[:100] + lines[300:]))
    return target


def test_sigkill_during_load_keeps_previous_version_active(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = embargo(data_dir, "load", str(SDN), "--json", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    (before,) = json.loads(stdout)
    assert before["version"] == 1 and before["entities"] > 10_000

    victim = embargo(
        data_dir, "load", str(changed_copy(tmp_path)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    assert victim.stderr is not None
    # The progress line is written from inside the load transaction.
    while "entities written" not in victim.stderr.readline():
        assert victim.poll() is None, "load ended before it could be interrupted"
        assert time.monotonic() < deadline
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    wal = Path(str(data_dir / "embargo.sqlite3") + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the killed load should have left uncommitted pages"

    db = sqlite3.connect(data_dir / "embargo.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT dataset, version FROM versions").fetchall() == [("us_ofac_sdn", 1)]
    assert db.execute("SELECT COUNT(*) FROM entities").fetchone()[0] == before["entities"]
    db.close()

    after = embargo(data_dir, "lists", "--json", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr = after.communicate(timeout=60)
    assert after.returncode == 0, stderr
    (active,) = json.loads(stdout)
    assert (active["version"], active["entities"], active["sha256"]) == (
        1,
        before["entities"],
        before["sha256"],
    )
