from __future__ import annotations

import pytest

from embargo.sources import SourceError, parse

from .conftest import real_path

ENTRY = """<?xml version="1.0"?>
<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation><Publish_Date>01/02/2025</Publish_Date><Record_Count>1</Record_Count></publshInformation>
  <sdnEntry>
    <uid>77</uid><firstName>John</firstName><lastName>DOE</lastName><sdnType>Individual</sdnType>
    <programList><program>SDGT</program></programList>
    <akaList>
      <aka><uid>1</uid><type>a.k.a.</type><category>strong</category><lastName>DOUGH</lastName><firstName>Jon</firstName></aka>
      <aka><uid>2</uid><type>a.k.a.</type><category>weak</category><lastName>ABU JOHN</lastName></aka>
      <aka><uid>3</uid><type>f.k.a.</type><category>strong</category><lastName>SMITH</lastName><firstName>John</firstName></aka>
    </akaList>
    <idList><id><uid>4</uid><idType>Passport</idType><idNumber>X123</idNumber><idCountry>Iran</idCountry></id></idList>
    <dateOfBirthList><dateOfBirthItem><uid>5</uid><dateOfBirth>circa 1970</dateOfBirth></dateOfBirthItem></dateOfBirthList>
    <nationalityList><nationality><uid>6</uid><country>Iran</country></nationality></nationalityList>
  </sdnEntry>
</sdnList>
"""


def test_consolidated_xml_has_every_entry_and_its_publish_date(real):
    parsed = real("ofac_cons_xml")
    assert len(parsed.entities) == 443
    assert parsed.result.published == "2025-06-30"
    assert parsed.result.dataset == "us_ofac_cons"
    assert parsed.result.format == "ofac_xml"


def test_xml_and_csv_publications_agree_on_ids_and_names(real):
    xml = real("ofac_cons_xml").entities
    csv = real("ofac_cons_set").entities
    shared = set(xml) & set(csv)
    assert len(shared) == 442
    same = sum(1 for key in shared if xml[key].get("name") == csv[key].get("name"))
    assert same >= 0.99 * len(shared)


def test_aka_categories_map_to_alias_weak_alias_and_previous_name(tmp_path):
    path = tmp_path / "sdn.xml"
    path.write_text(ENTRY)
    result = parse(path)
    assert result.published == "2025-01-02"
    assert result.dataset == "us_ofac_sdn"
    entity = next(result.entities)
    assert entity.id == "ofac-77"
    assert entity.get("name") == ["DOE, John"]
    assert entity.get("alias") == ["DOUGH, Jon"]
    assert entity.get("weakAlias") == ["ABU JOHN"]
    assert entity.get("previousName") == ["SMITH, John"]
    assert entity.get("passportNumber") == ["X123"]
    assert entity.get("nationality") == ["ir"]
    birth = next(s for s in entity.statements if s.prop == "birthDate")
    assert (birth.value, birth.qualifier) == ("1970", "circa")
    assert entity.statements[0].source == "sdn.xml:sdnEntry 77"


def test_truncated_xml_fails_with_line(tmp_path):
    data = real_path("ofac_cons_xml").read_bytes()
    cut = tmp_path / "consolidated.xml"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(SourceError) as err:
        list(parse(cut).entities)
    assert "consolidated.xml" in str(err.value)
    assert err.value.position and err.value.position.startswith("line ")


def test_a_repeated_entry_is_refused_naming_its_line(tmp_path):
    entry = ENTRY[ENTRY.index("  <sdnEntry>") : ENTRY.index("</sdnList>")]
    path = tmp_path / "sdn.xml"
    path.write_text(ENTRY.replace("</sdnList>", entry + "</sdnList>"), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        list(parse(path).entities)
    assert "ofac-77 appears twice" in str(caught.value)
    second_entry_line = ENTRY.count("\n", 0, ENTRY.index("</sdnList>")) + 1
    assert caught.value.position == f"line {second_entry_line}"
