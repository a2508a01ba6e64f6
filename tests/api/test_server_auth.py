"""Authentication and roles on a running server."""

from __future__ import annotations

import time

import httpx

from embargo.settings import Settings
from embargo.store import open_store

from .conftest import Keys
from .server import Server

MATCH_BODY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Bashar al-Assad"]}}}}


def test_screening_without_a_key_is_401_and_says_which_header(server: Server) -> None:
    with server.client() as client:
        response = client.post("/match/default", json=MATCH_BODY)
    assert response.status_code == 401
    assert "Authorization: ApiKey" in response.json()["detail"]
    assert response.headers["WWW-Authenticate"] == "ApiKey"


def test_unknown_or_malformed_key_is_401(server: Server, keys: Keys) -> None:
    forged = keys.screen[:-4] + "AAAA"
    for header in (f"ApiKey {forged}", "ApiKey not-a-key", "Basic dXNlcjpwYXNz", "ApiKey"):
        with server.client(headers={"Authorization": header}) as client:
            assert client.post("/match/default", json=MATCH_BODY).status_code == 401, header


def test_screen_key_may_screen_but_not_update_lists(screen_client: httpx.Client) -> None:
    assert screen_client.post("/match/default", json=MATCH_BODY).status_code == 200
    assert screen_client.get("/catalog").status_code == 200
    denied = screen_client.post("/updatez", json={"datasets": ["un_sc_sanctions"]})
    assert denied.status_code == 403
    assert "admin" in denied.json()["detail"]
    assert screen_client.get("/audit").status_code == 403


def test_admin_key_may_screen_and_read_the_audit_log(admin_client: httpx.Client) -> None:
    assert admin_client.post("/match/default", json=MATCH_BODY).status_code == 200
    assert admin_client.get("/audit", params={"limit": 1}).status_code == 200


def test_updatez_without_a_key_is_401(server: Server) -> None:
    with server.client() as client:
        assert client.post("/updatez").status_code == 401


def test_health_and_metrics_need_no_key(server: Server) -> None:
    with server.client() as client:
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/readyz").status_code == 200
        assert client.get("/metrics").status_code == 200


def test_revoked_key_stops_working_without_a_restart(server: Server, bundled_dir) -> None:  # type: ignore[no-untyped-def]
    with open_store(Settings(data_dir=bundled_dir)) as store:
        key = store.create_api_key("screen")
    with server.client(key) as client:
        assert client.post("/match/default", json=MATCH_BODY).status_code == 200
        with open_store(Settings(data_dir=bundled_dir)) as store:
            assert store.revoke_api_key(key)
        time.sleep(0.5)  # the server caches verdicts for EMBARGO_API_KEY_CACHE_SECONDS=0.3
        assert client.post("/match/default", json=MATCH_BODY).status_code == 401
