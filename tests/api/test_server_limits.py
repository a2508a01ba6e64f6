"""Every exceeded limit and every malformed request answers 4xx with a clear message, never 5xx.

The main test server runs with small limits (see conftest.MAIN_SERVER_ENV).
"""

from __future__ import annotations

import httpx
import pytest


def _person(name: str) -> dict[str, object]:
    return {"schema": "Person", "properties": {"name": [name]}}


def test_body_over_the_byte_limit_is_413(screen_client: httpx.Client) -> None:
    big = {"queries": {"q": {"schema": "Person", "properties": {"notes": ["x" * 250_000], "name": ["A"]}}}}
    response = screen_client.post("/match/default", json=big)
    assert response.status_code == 413
    assert "EMBARGO_MAX_REQUEST_BYTES" in response.json()["detail"]


def test_chunked_body_over_the_byte_limit_is_413(screen_client: httpx.Client) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["'
        for _ in range(30):
            yield b"y" * 10_000
        yield b'"]}}}}'

    response = screen_client.post(
        "/match/default", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_too_many_queries_in_a_batch_is_422_naming_the_limit(screen_client: httpx.Client) -> None:
    body = {"queries": {f"q{i}": _person(f"Name {i}") for i in range(21)}}
    response = screen_client.post("/match/default", json=body)
    assert response.status_code == 422
    assert "21 > 20" in response.json()["detail"]
    assert "EMBARGO_MAX_QUERIES_PER_BATCH" in response.json()["detail"]


def test_a_full_batch_at_the_limit_is_answered(screen_client: httpx.Client) -> None:
    body = {"queries": {f"q{i}": _person(name) for i, name in enumerate(["Bashar al-Assad"] * 20)}}
    response = screen_client.post("/match/default", json=body)
    assert response.status_code == 200
    assert len(response.json()["responses"]) == 20


def test_text_over_the_length_limit_is_422(screen_client: httpx.Client) -> None:
    response = screen_client.post("/scan", json={"text": "a" * 5001})
    assert response.status_code == 422
    assert "EMBARGO_MAX_TEXT_CHARS" in str(response.json()["detail"])


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["x"]}}}',  # truncated
        b"",
        b"[]",
        b"null",
        b'"queries"',
    ],
)
def test_malformed_json_is_422(screen_client: httpx.Client, content: bytes) -> None:
    response = screen_client.post(
        "/match/default", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"queries": []},
        {"queries": {"q": "Bashar"}},
        {"queries": {"q": {"properties": {"name": ["x"]}}}},  # no schema
        {"queries": {"q": {"schema": "Spaceship", "properties": {"name": ["x"]}}}},
        {"queries": {"q": {"schema": "Person", "properties": {"name": [1, 2]}}}},
        {"queries": {"q": {"schema": "Person", "properties": {"name": {"first": "x"}}}}},
        {"queries": {"q": {"schema": "Person", "properties": ["name"]}}},
        {"queries": {"q": {"schema": 5, "properties": {}}}},
    ],
)
def test_wrong_types_are_422_with_the_location(screen_client: httpx.Client, body: object) -> None:
    response = screen_client.post("/match/default", json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and all("loc" in item and "msg" in item for item in detail)


@pytest.mark.parametrize(
    "params",
    [{"threshold": "high"}, {"threshold": "1.5"}, {"cutoff": "-0.1"}, {"limit": "0"}, {"limit": "100000"}],
)
def test_out_of_range_parameters_are_422(screen_client: httpx.Client, params: dict[str, str]) -> None:
    body = {"queries": {"q": _person("Bashar al-Assad")}}
    assert screen_client.post("/match/default", json=body, params=params).status_code == 422


def test_unknown_dataset_is_404_listing_the_known_ones(screen_client: httpx.Client) -> None:
    response = screen_client.post("/match/no_such_list", json={"queries": {"q": _person("x")}})
    assert response.status_code == 404
    assert "un_sc_sanctions" in response.json()["detail"]


def test_unknown_entity_is_404(screen_client: httpx.Client) -> None:
    assert screen_client.get("/entities/no-such-entity").status_code == 404


def test_query_without_a_name_is_answered_empty_with_a_reason(screen_client: httpx.Client) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1965"]}}}}
    response = screen_client.post("/match/default", json=body)
    assert response.status_code == 200
    answer = response.json()["responses"]["q"]
    assert answer["results"] == [] and "name" in answer["detail"]


@pytest.mark.parametrize(
    "content",
    [
        rb'{"queries": {"q": {"schema": "Person", "properties": {"name": ["\ud800"]}}}}',
        rb'{"queries": {"q": {"schema": "Person", "properties": {"\udc00": ["x"]}}}}',
        rb'{"queries": {"\udc00": {"schema": "Person", "properties": {"name": ["x"]}}}}',
    ],
)
def test_unpaired_surrogates_are_422_not_500(screen_client: httpx.Client, content: bytes) -> None:
    response = screen_client.post(
        "/match/default", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "surrogate" in str(response.json()["detail"])


def test_scan_text_with_an_unpaired_surrogate_is_422(screen_client: httpx.Client) -> None:
    content = rb'{"text": "Putin \ud800 met Assad"}'
    response = screen_client.post("/scan", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 422
