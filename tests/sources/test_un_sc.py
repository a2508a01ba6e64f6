from __future__ import annotations

import pytest

from embargo.sources import SourceError, parse

from .conftest import real_path


def test_every_individual_and_entity_is_read(real):
    parsed = real("un")
    assert len(parsed.entities) == 1004
    schemas = [e.schema for e in parsed.entities.values()]
    assert (schemas.count("Person"), schemas.count("Organization")) == (732, 272)
    assert parsed.result.published == "2026-03-28"
    assert parsed.result.dataset == "un_sc_sanctions"


def test_original_script_name_reference_number_and_weak_alias(real):
    saddam = real("un").entities["unsc-6908048"]
    assert saddam.caption == "SADDAM HUSSEIN AL-TIKRITI"
    assert [(s.value, s.lang) for s in saddam.statements if s.lang] == [("صدام حسين التكريتي", "ara")]
    assert saddam.get("weakAlias") == ["Abu Ali"]
    assert saddam.get("unscId") == ["IQi.001"]
    assert saddam.get("program") == ["Iraq"]
    assert saddam.get("birthDate") == ["1937-04-28"]
    assert saddam.get("nationality") == ["iq"]
    assert saddam.statements[0].source == "consolidated.xml:INDIVIDUAL 6908048"


def test_approximate_and_between_birth_dates_keep_their_qualifier(real):
    entities = real("un").entities.values()
    qualifiers = [s.qualifier for e in entities for s in e.statements if s.prop == "birthDate"]
    assert qualifiers.count("circa") > 100
    assert qualifiers.count("range") > 60
    ranged = next(
        e for e in entities for s in e.statements if s.prop == "birthDate" and s.original == "1973 to 1974"
    )
    assert {"1973", "1974"} <= set(ranged.get("birthDate"))


def test_truncated_list_fails_with_line(tmp_path):
    data = real_path("un").read_bytes()
    cut = tmp_path / "consolidated.xml"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    result = parse(cut)
    with pytest.raises(SourceError) as err:
        list(result.entities)
    assert err.value.path.endswith("consolidated.xml")
    assert err.value.position and err.value.position.startswith("line ")


def test_oversized_element_text_is_refused(tmp_path):
    text = real_path("un").read_text(encoding="utf-8")
    path = tmp_path / "consolidated.xml"
    path.write_text(
        text.replace("<FIRST_NAME>ERIC</FIRST_NAME>", "<FIRST_NAME>" + "E" * 200_000 + "</FIRST_NAME>", 1)
    )
    with pytest.raises(SourceError, match=r"consolidated\.xml:line \d+: field <FIRST_NAME> longer than"):
        list(parse(path).entities)


def test_utf16_copy_of_the_list_reads_the_same(tmp_path):
    text = real_path("un").read_text(encoding="utf-8")
    path = tmp_path / "consolidated.xml"
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    assert sum(1 for _ in parse(path).entities) == 1004


def test_bytes_that_are_not_utf8_are_reported_with_line(tmp_path):
    data = real_path("un").read_bytes().replace(b"<FIRST_NAME>ERIC", b"<FIRST_NAME>\xff\xfeERIC", 1)
    path = tmp_path / "consolidated.xml"
    path.write_bytes(data)
    with pytest.raises(SourceError, match=r"consolidated\.xml:line \d+"):
        list(parse(path).entities)
