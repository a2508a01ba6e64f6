"""/readyz tells a load balancer when not to send screening traffic; --no-auth stays local."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .server import Server, running_server

PERSON_X = {"queries": {"q": {"schema": "Person", "properties": {"name": ["X"]}}}}


def test_empty_store_is_alive_but_not_ready(tmp_path: Path) -> None:
    env = {"EMBARGO_LOAD_BUNDLED": "0"}
    with running_server(tmp_path, env, args=("--no-auth",)) as server, server.client() as client:
        assert client.get("/healthz").json()["status"] == "ok"
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "no lists" in ready.json()["detail"]
        catalog = client.get("/catalog").json()
        assert [d["name"] for d in catalog["datasets"]] == ["default"]
        assert catalog["versions"] == {}
        answer = client.post("/match/default", json=PERSON_X)
        assert answer.status_code == 200 and answer.json()["responses"]["q"]["results"] == []


@pytest.fixture(scope="module")
def strict_server(server: Server, bundled_dir: Path) -> Iterator[Server]:
    """A second server on the session store, started after the main one has
    cached the name index: lists may be at most a year old (the bundled
    Canadian list was published in 2020) and requests get a 1 µs budget."""
    env = {
        "EMBARGO_MAX_LIST_AGE_DAYS": "365",
        "EMBARGO_REQUEST_TIMEOUT": "0.000001",
        "EMBARGO_SCAN_WARMUP": "0",
    }
    with running_server(bundled_dir, env, args=("--no-auth",)) as running:
        yield running


def test_requests_over_their_time_budget_answer_408(strict_server: Server) -> None:
    with strict_server.client() as client:
        for queries in (1, 3):
            body = {"queries": {f"q{i}": PERSON_X["queries"]["q"] for i in range(queries)}}
            response = client.post("/match/default", json=body)
            assert response.status_code == 408
            assert "EMBARGO_REQUEST_TIMEOUT" in response.json()["detail"]
        assert client.get("/healthz").status_code == 200  # the server itself is fine
        entries = client.get("/audit", params={"limit": 5}).json()["entries"]
        assert entries[0]["action"] == "match" and entries[0]["response"]["error"] == 408
        assert entries[0]["actor"] == "local"  # --no-auth requests are recorded as the local user


def test_lists_older_than_the_maximum_age_make_the_server_not_ready(strict_server: Server) -> None:
    with strict_server.client() as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "ca_dfatd_sema_sanctions" in ready.json()["detail"]
        catalog = client.get("/catalog").json()  # --no-auth: no key needed on loopback
        assert "ca_dfatd_sema_sanctions" in catalog["outdated"]
        assert "ca_dfatd_sema_sanctions" not in catalog["current"]
        assert "un_sc_sanctions" in catalog["current"]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10"])
def test_no_auth_is_refused_off_loopback(tmp_path: Path, host: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "embargo", "serve", "--host", host, "--no-auth", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "refusing --no-auth" in result.stderr


def test_server_without_no_auth_requires_keys_even_on_loopback(server: Server) -> None:
    assert httpx.get(f"{server.url}/catalog").status_code == 401
