"""The canonical article, screened against every bundled list."""

from __future__ import annotations

from typing import Any

import pytest

from embargo.text.scan import Scanner

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(scanner: Scanner, article: str) -> dict[str, Any]:
    return scanner.scan_text(article, "assad-moscow.txt").to_dict()


def entity_with(report: dict[str, Any], entity_id: str) -> dict[str, Any]:
    for ent in report["entities"]:
        if ent["id"] == entity_id or entity_id in ent["other_ids"]:
            return ent
    raise AssertionError(f"{entity_id} not reported; got {[e['id'] for e in report['entities']]}")


def all_ids(report: dict[str, Any]) -> set[str]:
    return {i for e in report["entities"] for i in [e["id"], *e["other_ids"]]}


def test_asma_is_found_with_her_short_forms_linked(report: dict[str, Any], article: str) -> None:
    asma = entity_with(report, "ofac-29068")
    assert asma["id"] == "ofac-29068"
    assert "gb-hmt-12634" in asma["other_ids"]
    texts = {m["text"] for m in asma["mentions"]}
    assert {"Asma al-Assad", "Asma Assad"} <= texts
    ms_assad = [m for m in asma["mentions"] if m["text"] == "Ms Assad"]
    assert len(ms_assad) >= 8
    for m in ms_assad:
        assert m["method"] == "link"
        assert m["chain"][-1].startswith("Asma")
        assert asma["mentions"][m["linked_to"]]["method"] != "link"


def test_bashar_is_found_and_not_confused_with_asma(report: dict[str, Any], article: str) -> None:
    bashar = entity_with(report, "ofac-12735")
    asma = entity_with(report, "ofac-29068")
    assert bashar is not asma
    assert "ofac-29068" not in bashar["other_ids"] and "ofac-12735" not in asma["other_ids"]
    bashar_spans = {(m["start"], m["end"]) for m in bashar["mentions"]}
    asma_spans = {(m["start"], m["end"]) for m in asma["mentions"]}
    assert not bashar_spans & asma_spans
    # "Assad himself" is him; every "Ms Assad" is her.
    himself = article.index("Assad himself")
    assert (himself, himself + 5) in bashar_spans
    for m in bashar["mentions"]:
        assert not m["text"].startswith("Ms ") and article[m["start"] - 3 : m["start"]] != "Ms "


def test_putin_and_peskov_are_found_and_peskov_is_not_his_namesake(report: dict[str, Any]) -> None:
    putin = entity_with(report, "ofac-35096")
    assert any(m["text"] == "Vladimir Putin" for m in putin["mentions"])
    peskov = entity_with(report, "ofac-35320")
    assert "gb-hmt-14704" in [peskov["id"], *peskov["other_ids"]]
    assert "gb-hmt-15805" not in all_ids(report)  # Dmitry Nikolaevich Peskov
    assert any(m["text"] == "Peskov" and m["method"] == "link" for m in peskov["mentions"])


def test_relatives_with_other_first_names_are_not_reported(report: dict[str, Any]) -> None:
    ids = all_ids(report)
    for relative in ("ofac-30746", "ofac-30745", "ofac-30747", "ofac-29279", "ofac-12725"):
        assert relative not in ids
    akhras = entity_with(report, "ofac-30744")  # her father is listed himself
    assert {m["text"] for m in akhras["mentions"]} >= {"Fawaz Akhras"}


def test_unlisted_people_are_reported_as_unlisted(report: dict[str, Any]) -> None:
    unlisted = {u["text"] for u in report["unlisted"] if u["label"] == "PERSON"}
    assert {"David Lammy", "Tony Blair", "Stanislav Belkovsky"} <= unlisted
    assert any("Elizabeth" in name for name in unlisted)
    listed_texts = {m["text"] for e in report["entities"] for m in e["mentions"]}
    assert not unlisted & listed_texts


def test_sanctions_and_asset_freeze_sentences_are_risks(report: dict[str, Any], article: str) -> None:
    by_category: dict[str, list[dict[str, Any]]] = {}
    for risk in report["risks"]:
        by_category.setdefault(risk["category"], []).append(risk)
        assert article[risk["start"] : risk["end"]] == risk["sentence"]
    sanctions = by_category["sanctions"]
    bound = next(r for r in sanctions if "remains bound by sanctions" in r["sentence"])
    assert bound["entity"] == "ofac-29068"
    (frozen,) = by_category["asset_freeze"]
    assert "frozen" in frozen["sentence"]
    assert frozen["entity"] == "ofac-12735"  # "his assets": Bashar


def test_every_offset_points_at_its_text(report: dict[str, Any], article: str) -> None:
    groups = report["entities"] + report["unlisted"] + report["ambiguous"]
    mentions = [m for g in groups for m in g["mentions"]]
    assert len(mentions) > 60
    for m in mentions:
        assert article[m["start"] : m["end"]] == m["text"]


def test_report_names_list_versions_and_engine(report: dict[str, Any]) -> None:
    assert {"us_ofac_sdn", "gb_hmt_sanctions"} <= set(report["list_versions"])
    assert report["engine"]["ner"] is True
    assert report["document"] == {"source": "assad-moscow.txt", "format": "text", "chars": 6816}


def test_explanation_comes_from_the_name_matcher(report: dict[str, Any]) -> None:
    asma = entity_with(report, "ofac-29068")
    assert asma["explanation"]["name_score"] >= 0.9
    assert asma["explanation"]["matched_name"]


def test_without_ner_the_dictionary_still_finds_the_listed_people(scanner: Scanner, article: str) -> None:
    report = scanner.without_ner().scan_text(article).to_dict()
    assert report["engine"]["ner"] is False and report["engine"]["notes"]
    ids = all_ids(report)
    assert {"ofac-29068", "ofac-12735", "ofac-35096", "ofac-35320"} <= ids
    assert "gb-hmt-15805" not in ids
