from __future__ import annotations

import json

import pytest

from embargo.sources import SourceError, parse


def _write(path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_only_party_schemas_become_entities_with_ids_kept(real):
    parsed = real("ftm")
    schemas = [e.schema for e in parsed.entities.values()]
    assert (schemas.count("Person"), schemas.count("Company")) == (6, 11)
    assert len(parsed.entities) == 17
    assert "NK-2Tbri3s6GgNtAwsSXh4qpL" in parsed.entities
    assert parsed.result.dataset == "opensanctions"
    assert parsed.result.published == "2026-04-29"


def test_family_links_become_relations_on_both_ends(real):
    entities = real("ftm").entities
    person = entities["NK-2Tbri3s6GgNtAwsSXh4qpL"]
    relation = next(r for r in person.relations if r.kind == "relative")
    assert relation.target_id == "NK-aU5ybkbRFJucf8YMwsJvDw"
    back = [r for r in entities[relation.target_id].relations if r.target_id == person.id]
    assert back and back[0].label == "Family member of"


def test_record_datasets_are_kept_unless_overridden(tmp_path, real):
    person = real("ftm").entities["NK-2Tbri3s6GgNtAwsSXh4qpL"]
    assert "us_ofac_sdn" in person.datasets
    path = _write(
        tmp_path / "e.json",
        [{"id": "p1", "schema": "Person", "properties": {"name": ["A B"]}, "datasets": ["x"]}],
    )
    entity = next(parse(path, dataset="mine").entities)
    assert entity.datasets == ["mine"]


def test_unknown_properties_are_dropped_and_sanctions_folded_in(tmp_path):
    path = _write(
        tmp_path / "e.json",
        [
            {
                "id": "p1",
                "schema": "Person",
                "properties": {"name": ["Иван Петров"], "innCode": ["1"], "birthDate": ["1970"]},
            },
            {
                "id": "s1",
                "schema": "Sanction",
                "properties": {"entity": ["p1"], "program": ["RUS"], "listingDate": ["2022-03-01"]},
            },
            {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["missing"]}},
            {"id": "v1", "schema": "Mystery", "properties": {"foo": ["bar"]}},
        ],
    )
    entities = list(parse(path).entities)
    assert [e.id for e in entities] == ["p1"]
    person = entities[0]
    assert person.get("program") == ["RUS"] and person.get("listingDate") == ["2022-03-01"]
    assert {s.prop for s in person.statements} == {"name", "birthDate", "program", "listingDate"}
    assert person.statements[0].lang == "rus"
    assert person.relations == []  # the asset is not in the file


def test_malformed_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "e.json"
    path.write_text('{"id": "p1", "schema": "Person", "properties": {}}\n{"id": "p2", "sch\n')
    with pytest.raises(SourceError, match=r"e\.json:line 2: malformed or truncated JSON"):
        parse(path, format="ftm")


def test_our_own_ftm_export_reads_back_unchanged(tmp_path, real):
    originals = [real("uk").entities[key] for key in ("gb-hmt-14196", "gb-hmt-14704", "gb-hmt-12634")]
    path = _write(tmp_path / "export.json", [e.to_ftm() for e in originals])
    back = {e.id: e for e in parse(path).entities}
    for original in originals:
        assert back[original.id].schema == original.schema
        assert back[original.id].properties == original.properties
        assert back[original.id].datasets == ["gb_hmt_sanctions"]
