"""Updating lists while serving: no request fails, no response mixes versions."""

from __future__ import annotations

import functools
import http.server
import lzma
import threading
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import httpx
import pytest

from embargo.settings import Settings
from embargo.store import open_store

from .server import running_server

# The UN list as shipped in the package's bundled snapshot.
UN_XML_XZ = resources.files("embargo") / "data" / "lists" / "un_sc_sanctions" / "consolidated.xml.xz"
RENAMED = "Zorbax Quentlyfar"


@pytest.fixture
def list_host(tmp_path: Path) -> Iterator[str]:
    """A local web server publishing the UN list (v1) and a copy with one person renamed (v2)."""
    site = tmp_path / "site"
    site.mkdir()
    original = lzma.decompress(UN_XML_XZ.read_bytes()).decode("utf-8")
    renamed = original.replace("<FIRST_NAME>ERIC</FIRST_NAME>", "<FIRST_NAME>ZORBAX</FIRST_NAME>", 1).replace(
        "<SECOND_NAME>BADEGE</SECOND_NAME>", "<SECOND_NAME>QUENTLYFAR</SECOND_NAME>", 1
    )
    assert renamed != original
    (site / "v1.xml").write_text(original, encoding="utf-8")
    (site / "v2.xml").write_text(renamed, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_update_while_screening_never_fails_or_mixes_versions(tmp_path: Path, list_host: str) -> None:
    data_dir = tmp_path / "data"
    with open_store(Settings(data_dir=data_dir, load_bundled=False)) as store:
        admin = store.create_api_key("admin")
    env = {"EMBARGO_LOAD_BUNDLED": "0", "EMBARGO_SCAN_WARMUP": "0"}
    # Two worker processes: the one answering /updatez swaps at once, the
    # other through its poll of the store, and neither may mix versions.
    with running_server(data_dir, env, args=("--workers", "2")) as server, server.client(admin) as client:
        first = client.post(
            "/updatez",
            json={"datasets": ["un_sc_sanctions"], "urls": {"un_sc_sanctions": f"{list_host}/v1.xml"}},
        )
        assert first.status_code == 200, first.text
        assert first.json()["changed"] and first.json()["versions"] == {"un_sc_sanctions": 1}
        _wait_until_all_workers_serve(client, {"un_sc_sanctions": 1})

        observed: list[tuple[int, str, dict[str, int], list[dict[str, object]]]] = []
        failures: list[str] = []
        stop = threading.Event()
        query = {"queries": {"q": {"schema": "Person", "properties": {"name": [RENAMED]}}}}

        def hammer() -> None:
            with server.client(admin) as own:
                while not stop.is_set():
                    try:
                        response = own.post("/match/default", json=query)
                    except httpx.HTTPError as exc:
                        failures.append(repr(exc))
                        continue
                    body = response.json() if response.status_code == 200 else {}
                    observed.append(
                        (
                            response.status_code,
                            response.headers.get("X-Embargo-Lists", ""),
                            body.get("versions", {}),
                            body.get("responses", {}).get("q", {}).get("results", []),
                        )
                    )

        workers = [threading.Thread(target=hammer) for _ in range(3)]
        for worker in workers:
            worker.start()
        try:
            second = client.post(
                "/updatez",
                json={"datasets": ["un_sc_sanctions"], "urls": {"un_sc_sanctions": f"{list_host}/v2.xml"}},
            )
            assert second.status_code == 200, second.text
            assert second.json()["versions"] == {"un_sc_sanctions": 2}
            before = len(observed)
            while len(observed) < before + 20:  # keep screening on the new engine for a while
                stop.wait(0.05)
        finally:
            stop.set()
            for worker in workers:
                worker.join()

        # A change made to the store by anyone else (here: rolling back to
        # version 1) reaches every worker through its poll, without /updatez.
        with open_store(Settings(data_dir=data_dir, load_bundled=False)) as store:
            store.activate("un_sc_sanctions", 1)
        _wait_until_all_workers_serve(client, {"un_sc_sanctions": 1})
        rolled_back = client.post("/match/default", json=query).json()["responses"]["q"]["results"]
        assert not any(r["match"] for r in rolled_back)

    assert not failures
    assert observed and all(status == 200 for status, *_ in observed)
    seen_versions = set()
    for _, header, versions, results in observed:
        assert header == ",".join(f"{d}={v}" for d, v in versions.items())  # header and body agree
        version = versions["un_sc_sanctions"]
        seen_versions.add(version)
        for result in results:  # every hit was scored against the stamped version
            assert result["explanation"]["dataset_versions"] == {"un_sc_sanctions": version}  # type: ignore[index]
        found = any(r["match"] for r in results)
        # The renamed person exists only in version 2.
        assert found == (version == 2), (version, results[:1])
    assert seen_versions == {1, 2}


def _wait_until_all_workers_serve(
    client: httpx.Client, versions: dict[str, int], timeout: float = 15.0
) -> None:
    """Until a run of answers (spread over the workers by the kernel) all name ``versions``."""
    deadline = time.monotonic() + timeout
    streak = 0
    while streak < 12:
        assert time.monotonic() < deadline, f"workers did not all switch to {versions}"
        fresh = httpx.Client(
            base_url=str(client.base_url), headers=client.headers
        )  # new connection, any worker
        with fresh:
            streak = streak + 1 if fresh.get("/catalog").json()["versions"] == versions else 0
        if not streak:
            time.sleep(0.1)
