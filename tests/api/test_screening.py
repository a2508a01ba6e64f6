"""Turning matcher output into yente shapes, and which lists a request addresses."""

from __future__ import annotations

import pytest

from embargo.api.engine import Engine
from embargo.api.screening import UnknownDataset, features_of, resolve_datasets

from .conftest import version_info

ENGINE = Engine(
    versions=(version_info("a"), version_info("b"), version_info("c")), snapshot=None, matcher=None
)


def test_default_means_every_active_list() -> None:
    assert resolve_datasets(ENGINE, "default") is None


def test_named_list_and_yente_include_exclude_parameters() -> None:
    assert resolve_datasets(ENGINE, "b") == ("b",)
    assert resolve_datasets(ENGINE, "b", include=["c"]) == ("b", "c")
    assert resolve_datasets(ENGINE, "default", exclude=["a"]) == ("b", "c")


@pytest.mark.parametrize(("dataset", "include"), [("zz", []), ("a", ["zz"])])
def test_unknown_lists_are_refused_with_the_known_ones(dataset: str, include: list[str]) -> None:
    with pytest.raises(UnknownDataset, match="zz"):
        resolve_datasets(ENGINE, dataset, include=include)


def test_features_come_from_the_name_score_and_the_secondary_verdicts() -> None:
    explanation = {
        "query_name": "Asma al-Assad",
        "matched_name": "AL-ASSAD, Asma",
        "name_type": "name",
        "name_score": 0.93,
        "secondary": {
            "birthDate": {"status": "year", "query": ["1975"], "candidate": ["1975-08-11"]},
            "nationality": {"status": "conflict", "query": ["gb"], "candidate": ["sy"]},
            "gender": {"status": "missing", "query": [], "candidate": []},
            "identifiers": {"status": "match", "matched": ["X1"]},
        },
    }
    features, explanations = features_of(explanation)
    assert features == {
        "name_match": 0.93,
        "birth_date_match": 0.75,
        "country_match": -1.0,
        "gender_match": 0.0,
        "identifier_match": 1.0,
    }
    assert explanations["name_match"]["detail"] == "Asma al-Assad ~ AL-ASSAD, Asma (name)"
    assert explanations["country_match"]["detail"] == "conflict: query gb; candidate sy"
    assert explanations["gender_match"]["detail"] == "missing"


def test_explanations_without_scores_give_no_features() -> None:
    assert features_of(None) == ({}, {})
    assert features_of({"secondary": "odd"}) == ({}, {})


def test_listed_parties_count_as_sanctioned_for_topic_filters() -> None:
    from embargo.api.screening import topics_of

    assert topics_of({"properties": {}}) == {"sanction"}
    assert topics_of({"properties": {"topics": ["crime"]}}) == {"crime"}
