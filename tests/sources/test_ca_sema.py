from __future__ import annotations

import re

import pytest

from embargo.sources import SourceError, parse

from .conftest import real_path


def test_every_record_gets_a_unique_readable_id(real):
    parsed = real("ca")
    assert len(parsed.entities) == 1369
    assert all(re.fullmatch(r"ca-sema-[a-z0-9]+(-[a-z0-9]+)*", key) for key in parsed.entities)
    assert parsed.result.dataset == "ca_dfatd_sema_sanctions"
    assert parsed.result.published is None


def test_ids_are_stable_between_parses(real):
    again = [e.id for e in parse(real_path("ca")).entities]
    assert again == list(real("ca").entities)


def test_asma_al_assad_with_alias(real):
    asma = real("ca").entities["ca-sema-syria-2-121"]
    assert asma.schema == "Person"
    assert asma.get("name") == ["Asma Al Assad"]
    assert asma.get("alias") == ["Asma Fawaz Al Akhras"]
    assert asma.get("program") == ["Syria"]


def test_entities_split_comma_separated_aliases(real):
    air_bagan = real("ca").entities["ca-sema-burma-1-1"]
    assert air_bagan.schema == "Organization"
    assert air_bagan.get("alias") == ["Air Bagan Holdings Pte. Ltd.", "Air Bagan Limited"]


def test_record_without_item_is_reported(tmp_path):
    path = tmp_path / "sema-lmes.xml"
    path.write_text("<data-set><record><Country>Iran</Country><Entity>X</Entity></record></data-set>")
    with pytest.raises(SourceError, match=r"sema-lmes\.xml:line 1: record without Country or Item"):
        list(parse(path).entities)
