"""Version stamps on every response, the audit trail, and the metrics endpoint."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx

from embargo import __version__
from embargo.settings import Settings
from embargo.store import open_store

from .server import Server


def _lists(response: httpx.Response) -> dict[str, int]:
    header = response.headers["X-Embargo-Lists"]
    return {d: int(v) for d, v in (pair.split("=") for pair in header.split(","))}


def test_screening_responses_carry_matching_header_and_body_stamps(
    screen_client: httpx.Client, bundled_dir: Path
) -> None:
    with open_store(Settings(data_dir=bundled_dir)) as store:
        expected = {v.dataset: v.version for v in store.active()}
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Bashar al-Assad"]}}}}
    for response in (
        screen_client.post("/match/default", json=body),
        screen_client.get("/search/default", params={"q": "Assad"}),
        screen_client.get("/catalog"),
    ):
        assert response.status_code == 200
        assert response.headers["X-Embargo-Version"] == __version__
        assert _lists(response) == expected
        assert response.json()["versions"] == expected
        assert response.json()["engine_version"] == __version__


def test_match_explanations_cite_the_stamped_versions(screen_client: httpx.Client) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Vladimir Putin"]}}}}
    response = screen_client.post("/match/default", json=body)
    stamped = _lists(response)
    for result in response.json()["responses"]["q"]["results"]:
        for dataset, version in result["explanation"]["dataset_versions"].items():
            assert stamped[dataset] == version


def test_errors_are_stamped_too(server: Server) -> None:
    with server.client() as client:
        response = client.post("/match/default", json={})
    assert response.status_code == 401
    assert response.headers["X-Embargo-Version"] == __version__
    assert "un_sc_sanctions=" in response.headers["X-Embargo-Lists"]


def test_each_screening_request_is_audited_with_who_what_and_versions(
    screen_client: httpx.Client, admin_client: httpx.Client, bundled_dir: Path, keys
) -> None:  # type: ignore[no-untyped-def]
    marker = f"Auditname {uuid.uuid4().hex[:8]}"
    body = {"queries": {"asked": {"schema": "Person", "properties": {"name": [marker, "Bashar al-Assad"]}}}}
    response = screen_client.post("/match/default", json=body)
    assert response.status_code == 200
    entries = admin_client.get("/audit", params={"limit": 50}).json()["entries"]
    entry = next(e for e in entries if marker in str(e["request"]))
    assert entry["action"] == "match"
    assert entry["actor"] == keys.screen.split("_")[1]  # the key id, never the key
    assert keys.screen not in str(entry)
    assert entry["request"]["queries"]["asked"]["properties"]["name"][0] == marker
    answered = entry["response"]["asked"]
    assert answered["total"] == len(response.json()["responses"]["asked"]["results"])
    assert answered["matches"] == [
        r["id"] for r in response.json()["responses"]["asked"]["results"] if r["match"]
    ]
    assert entry["versions"] == response.json()["versions"]
    assert entry["at"]
    # The row is in the store itself, not only in the server's memory.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with open_store(Settings(data_dir=bundled_dir)) as store:
            if any(marker in str(e["request"]) for e in store.audit_log(200)):
                break
        time.sleep(0.1)
    else:
        raise AssertionError("audit row not found in the store")


def test_searches_are_audited(screen_client: httpx.Client, admin_client: httpx.Client) -> None:
    marker = f"Searchname{uuid.uuid4().hex[:8]}"
    assert screen_client.get("/search/default", params={"q": marker}).status_code == 200
    entries = admin_client.get("/audit", params={"limit": 50}).json()["entries"]
    entry = next(e for e in entries if e["request"].get("q") == marker)
    assert entry["action"] == "search"


def test_metrics_count_requests_by_route_and_report_lists(
    screen_client: httpx.Client, server: Server, bundled_dir: Path
) -> None:
    with open_store(Settings(data_dir=bundled_dir)) as store:
        un = next(v for v in store.active() if v.dataset == "un_sc_sanctions")
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Bashar al-Assad"]}}}}
    with server.client() as anonymous:

        def matched_ok() -> float:
            text = anonymous.get("/metrics").text
            for line in text.splitlines():
                if line.startswith(
                    'embargo_http_requests_total{method="POST",route="/match/{dataset}",status="200"}'
                ):
                    return float(line.rsplit(" ", 1)[1])
            return 0.0

        before = matched_ok()
        for _ in range(3):
            screen_client.post("/match/default", json=body)
        assert matched_ok() == before + 3
        metrics = anonymous.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert (
        f'embargo_list_entities{{dataset="un_sc_sanctions",version="{un.version}"}} {un.entities}'
        in metrics.text
    )
    assert 'embargo_http_request_duration_seconds_bucket{route="/match/{dataset}",le="+Inf"}' in metrics.text
    assert "embargo_list_age_days" in metrics.text


def test_failed_screening_is_audited_with_its_error(
    screen_client: httpx.Client, admin_client: httpx.Client
) -> None:
    marker = f"Failname {uuid.uuid4().hex[:8]}"
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": [marker]}}}}
    assert screen_client.post("/match/no_such_list", json=body).status_code == 404
    entries = admin_client.get("/audit", params={"limit": 50}).json()["entries"]
    entry = next(e for e in entries if marker in str(e["request"]))
    assert entry["response"]["error"] == 404 and "no_such_list" in entry["response"]["detail"]
