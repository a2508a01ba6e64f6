"""Existing yente clients work unchanged: the yente-client package and raw yente JSON."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yente_client
from yente_client import Client, Company, Person

from embargo.settings import Settings
from embargo.store import open_store

from .conftest import Keys
from .server import Server


@pytest.fixture
def yente(server: Server, keys: Keys):  # type: ignore[no-untyped-def]
    with Client(api_key=keys.screen, base_url=server.url) as client:
        yield client


def test_client_match_finds_a_listed_person_with_features(yente: Client) -> None:
    response = yente.match(Person(name=["Vladimir Putin"], birthDate=["1952-10-07"]))
    assert response.top is not None and response.top.match
    assert "PUTIN" in response.top.caption.upper()
    assert response.top.schema_ == "Person"
    assert response.top.explanations["name_match"].score == pytest.approx(1.0)
    assert response.top.explanations["birth_date_match"].score > 0
    scores = [r.score for r in response.results]
    assert scores == sorted(scores, reverse=True)
    assert response.total.value == len(response.results)


def test_client_match_honours_threshold_cutoff_and_limit(yente: Client) -> None:
    loose = yente.match(Person(name=["Asma al-Assad"]), cutoff=0.3, limit=25)
    assert len(loose.results) <= 25
    assert all(r.score >= 0.3 for r in loose.results)
    strict = yente.match(Person(name=["Asma al-Assad"]), threshold=0.99, cutoff=0.3, limit=25)
    assert [r.id for r in strict.results] == [r.id for r in loose.results]  # threshold marks, never removes
    assert all(r.match == (r.score >= 0.99) for r in strict.results)
    assert len(yente.match(Person(name=["Asma al-Assad"]), limit=1).results) == 1


def test_client_match_on_one_dataset_only_returns_that_dataset(yente: Client) -> None:
    response = yente.match(Person(name=["Bashar al-Assad"]), datasets=["gb_hmt_sanctions"])
    assert response.results
    assert all(r.datasets == ["gb_hmt_sanctions"] for r in response.results)


def test_client_match_iter_streams_a_batch(yente: Client) -> None:
    pairs = [("a", Person(name=["Dmitry Peskov"])), ("b", Company(name=["Banco Nacional de Cuba"]))]
    answers = dict(yente.match_iter(pairs, workers=2))
    assert set(answers) == {"a", "b"}
    assert all(isinstance(a, yente_client.MatchResponse) for a in answers.values())


def test_client_search_fetch_and_catalog_parse(yente: Client) -> None:
    found = yente.search("Bashar al-Assad", limit=5)
    assert found.results and len(found.results) <= 5
    assert found.limit == 5 and found.offset == 0
    fetched = yente.fetch(found.results[0].id)
    assert fetched.id == found.results[0].id
    catalog = yente.datasets()
    loaded = {d.name for d in catalog.datasets if d.load}
    assert {"us_ofac_sdn", "gb_hmt_sanctions", "un_sc_sanctions", "default"} <= loaded
    un = next(d for d in catalog.datasets if d.name == "un_sc_sanctions")
    assert un.entity_count and un.entity_count > 900 and un.version
    assert yente.healthz().status == "ok" and yente.readyz().status == "ok"
    assert yente.algorithms().best


def test_client_without_key_gets_its_authentication_error(server: Server) -> None:
    with Client(base_url=server.url) as client, pytest.raises(yente_client.AuthenticationError):
        client.match(Person(name=["Vladimir Putin"]))


def test_client_unknown_dataset_is_its_not_found_error(yente: Client) -> None:
    with pytest.raises(yente_client.NotFoundError):
        yente.match(Person(name=["Vladimir Putin"]), datasets=["no_such_list"])


def test_raw_yente_batch_is_keyed_like_the_request(screen_client: httpx.Client) -> None:
    body = {
        "queries": {
            "first": {"schema": "Person", "properties": {"name": ["Bashar al-Assad"], "nationality": ["sy"]}},
            "second": {"schema": "Company", "properties": {"name": "Banco Nacional de Cuba"}},  # bare string
            "third": {"schema": "BankAccount", "properties": {"accountNumber": ["123"]}},
        },
        "weights": {"name_literal_match": 0.5},
        "config": {},
    }
    response = screen_client.post("/match/default", json=body, params={"algorithm": "logic-v2"})
    assert response.status_code == 200
    data = response.json()
    assert set(data["responses"]) == {"first", "second", "third"}
    first = data["responses"]["first"]
    assert first["status"] == 200 and first["results"][0]["match"] is True
    assert first["query"]["properties"]["nationality"] == ["sy"]
    assert first["total"] == {"value": len(first["results"]), "relation": "eq"}
    assert data["responses"]["second"]["results"], "a bare-string property value is accepted as yente does"
    assert data["responses"]["third"]["results"] == []
    assert data["limit"] == 10
    result = first["results"][0]
    assert {"id", "caption", "schema", "properties", "datasets", "score", "match", "features"} <= set(result)
    assert result["explanation"]["matched_name"]


def test_entity_relations_are_nested_as_yente_nests_them(
    screen_client: httpx.Client, bundled_dir: Path
) -> None:
    with open_store(Settings(data_dir=bundled_dir)) as store:
        snapshot = store.snapshot()
        related = next(e for e in snapshot.iter_entities() if e.relations)
        resolvable = next(
            (
                e
                for e in snapshot.iter_entities()
                if any(r.target_id and snapshot.get(r.target_id) for r in e.relations)
            ),
            None,
        )
    data = screen_client.get(f"/entities/{related.id}").json()
    entity = yente_client.Entity.model_validate(data)
    nested = [
        v for values in entity.properties.values() for v in values if isinstance(v, yente_client.Entity)
    ]
    assert len(nested) == len(related.relations)
    others = [x for link in nested for values in link.properties.values() for x in values]
    names = {x for x in others if isinstance(x, str)}
    ids = {x.id for x in others if isinstance(x, yente_client.Entity)}
    for relation in related.relations:  # the other party: the listed entity when known, else its name
        assert relation.target_name in names or relation.target_id in ids, relation
    if resolvable is not None:  # a relation naming a listed id nests that entity whole
        target_id = next(
            r.target_id
            for r in resolvable.relations
            if r.target_id and snapshot_has(bundled_dir, r.target_id)
        )
        data = screen_client.get(f"/entities/{resolvable.id}").json()
        nested_ids = {
            x["id"]
            for values in data["properties"].values()
            for link in values
            if isinstance(link, dict)
            for others in link["properties"].values()
            for x in others
            if isinstance(x, dict)
        }
        assert target_id in nested_ids
    flat = screen_client.get(f"/entities/{related.id}", params={"nested": "false"}).json()
    assert all(isinstance(v, str) for values in flat["properties"].values() for v in values)


def snapshot_has(data_dir: Path, entity_id: str) -> bool:
    with open_store(Settings(data_dir=data_dir)) as store:
        return store.snapshot().get(entity_id) is not None


def test_client_topic_filter_keeps_sanctioned_parties(yente: Client) -> None:
    assert yente.match(Person(name=["Vladimir Putin"]), topics=["sanction"]).results
    assert yente.match(Person(name=["Vladimir Putin"]), topics=["crime.fraud"]).results == []


def test_client_search_country_filter(yente: Client) -> None:
    syrian = yente.search("Assad", countries=["sy"], limit=10)
    assert syrian.results
    for result in syrian.results:
        linked = {
            v.lower()
            for p in ("country", "nationality", "citizenship", "jurisdiction")
            for v in result.properties.get(p, [])
        }  # type: ignore[union-attr]
        assert "sy" in linked


def test_client_adjacency_lists_relations_by_property(yente: Client, bundled_dir: Path) -> None:
    with open_store(Settings(data_dir=bundled_dir)) as store:
        related = next(e for e in store.snapshot().iter_entities() if len(e.relations) >= 2)
    full = yente.adjacent(related.id, limit=1)
    assert full.entity.id == related.id
    assert sum(page.total.value for page in full.adjacent.values()) == len(related.relations)
    assert all(len(page.results) <= 1 for page in full.adjacent.values())
    prop = next(iter(full.adjacent))
    one = yente.adjacent(related.id, prop=prop, limit=50)
    assert one.total.value == full.adjacent[prop].total.value == len(one.results)
    with pytest.raises(yente_client.NotFoundError):
        yente.adjacent("no-such-entity")
