"""`embargo serve --workers N`: several processes, each with its own engine, one socket."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .conftest import Keys
from .server import Server, running_server

BODY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Bashar al-Assad"]}}}}


def test_two_workers_answer_concurrent_requests_alike(server: Server, bundled_dir: Path, keys: Keys) -> None:
    # Started after the main server, so both workers load its cached name index.
    with running_server(bundled_dir, {"EMBARGO_SCAN_WARMUP": "0"}, args=("--workers", "2")) as pair:

        def ask(_: int) -> tuple[int, str, str]:
            with pair.client(keys.screen) as client:
                response = client.post("/match/default", json=BODY)
                top = (
                    response.json()["responses"]["q"]["results"][0]["id"]
                    if response.status_code == 200
                    else ""
                )
                return response.status_code, response.headers.get("X-Embargo-Lists", ""), top

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(24)))
    assert {status for status, _, _ in answers} == {200}
    assert len({(lists, top) for _, lists, top in answers}) == 1  # every worker serves the same lists
