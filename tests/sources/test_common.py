"""Properties every parser must keep, checked on every real list."""

from __future__ import annotations

import re

import pytest

from embargo.model import PROPERTIES, SCHEMAS
from embargo.sources import SourceError, parse, un_sc

from .conftest import real_path

ID_PATTERNS = {
    "ofac_sdn": r"ofac-\d+",
    "ofac_cons_xml": r"ofac-\d+",
    "ofac_enhanced": r"ofac-\d+",
    "ofac_cons_set": r"ofac-\d+",
    "uk": r"gb-hmt-\d+",
    "un": r"unsc-\d+",
    "au": r"au-dfat-\d+",
    "ca": r"ca-sema-[a-z0-9-]+",
    "ftm": r"[\w-]+",
}


@pytest.mark.parametrize("key", sorted(ID_PATTERNS))
def test_every_entity_is_named_sourced_and_well_formed(real, key):
    parsed = real(key)
    file_names = {path.name for path in parsed.result.files}
    assert parsed.entities
    for entity in parsed.entities.values():
        assert re.fullmatch(ID_PATTERNS[key], entity.id), entity.id
        assert entity.schema in SCHEMAS
        assert entity.has("name"), entity.id
        if key != "ftm":
            assert entity.datasets == [parsed.result.dataset]
        for st in entity.statements:
            assert st.prop in PROPERTIES
            assert st.value == " ".join(st.value.split()) and st.value
            assert st.source.split(":", 1)[0] in file_names, st.source
        for relation in entity.relations:
            assert relation.source.split(":", 1)[0] in file_names


def test_unexpected_failure_inside_a_parser_is_reported_with_position(monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(un_sc, "_entity", broken)
    with pytest.raises(SourceError) as err:
        list(parse(real_path("un")).entities)
    assert err.value.path.endswith("consolidated.xml")
    assert err.value.position and err.value.position.startswith("line ")
    assert "KeyError" in err.value.reason
