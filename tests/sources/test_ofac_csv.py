from __future__ import annotations

import re
from pathlib import Path

import pytest

from embargo.settings import Settings
from embargo.sources import SourceError, parse

from .conftest import real_path

ROW = '{num},"{name}","{kind}","{program}",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"{remarks}"\r\n'


def _write_set(folder: Path, primary: str, alt: str = "", add: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sdn.csv").write_bytes((primary + "\x1a").encode("cp1252"))
    if alt:
        (folder / "alt.csv").write_bytes((alt + "\x1a").encode("cp1252"))
    if add:
        (folder / "add.csv").write_bytes((add + "\x1a").encode("cp1252"))
    return folder


def test_sdn_primary_file_yields_every_record(real):
    parsed = real("ofac_sdn_primary")
    assert len(parsed.entities) == 14965
    schemas = [e.schema for e in parsed.entities.values()]
    assert schemas.count("Person") == 6854
    assert schemas.count("Organization") == 6884
    assert schemas.count("Vessel") == 851
    assert schemas.count("Aircraft") == 376
    assert parsed.result.dataset == "us_ofac_sdn"


def test_asma_al_assad_has_all_aliases_birth_date_and_nationality(real):
    asma = real("ofac_sdn").entities["ofac-29068"]
    assert asma.schema == "Person"
    assert asma.get("name") == ["AL-ASSAD, Asma"]
    assert asma.get("lastName") == ["AL-ASSAD"]
    assert asma.get("firstName") == ["Asma"]
    assert set(asma.get("alias")) == {
        "AKHRAS, Asma",
        "AL-AKHRAS, Asma",
        "AKHRAS, Emma",
        "AL-ASSAD, Asmaa",
        "FAWAZ AL-AKHRAS, Asma",
    }
    assert asma.get("birthDate") == ["1975-08-11"]
    assert "sy" in asma.get("nationality")
    nationality = next(s for s in asma.statements if s.prop == "nationality" and s.value == "sy")
    assert nationality.original == "Syria"
    assert asma.get("gender") == ["female"]
    assert asma.get("program") == ["SYRIA-EO13894"]


def test_statement_sources_point_at_the_right_rows(real):
    asma = real("ofac_sdn").entities["ofac-29068"]
    folder = real_path("ofac_sdn")
    for st in asma.statements:
        file_name, row = re.fullmatch(r"(\w+\.csv):row (\d+)", st.source).groups()
        lines = (folder / file_name).read_text(encoding="cp1252").splitlines()
        assert lines[int(row) - 1].startswith("29068,"), st


def test_alias_rows_without_primary_record_give_one_counted_warning(real):
    parsed = real("ofac_sdn")
    assert len(parsed.entities) == 14965
    orphan_warnings = [w for w in parsed.result.warnings if "absent from sdn.csv" in w]
    assert len(orphan_warnings) == 1
    assert "alt.csv: 2460 alias rows for 1567 entity numbers" in orphan_warnings[0]


def test_comment_rows_only_continue_remarks_that_were_cut(real):
    parsed = real("ofac_sdn")
    # 22985's Remarks (281 characters in this sdn.csv) are complete; the newer
    # comments file continues a longer, later version of them.
    assert not any("4X3191Z8" in n for n in parsed.entities["ofac-22985"].get("notes"))
    assert any("ignored continuations for 5 entities" in w for w in parsed.result.warnings)


def test_linked_to_names_resolve_to_ids_in_the_same_file(real):
    entities = real("ofac_sdn").entities
    relations = [r for e in entities.values() for r in e.relations]
    resolved = [r for r in relations if r.target_id]
    assert len(resolved) > 0.8 * len(relations)
    assert all(entities[r.target_id].caption == r.target_name for r in resolved)


def test_programs_position_and_aliases_of_bashar_al_assad(real):
    bashar = real("ofac_sdn").entities["ofac-12735"]
    assert bashar.get("program") == ["SYRIA", "SYRIA-EO13894"]
    assert bashar.get("position") == ["President of the Syrian Arab Republic"]
    assert {"AL-ASAD, Bashar", "ASSAD, Bashar", "AL ASSAD, Bashar Hafez"} <= set(bashar.get("alias"))
    assert bashar.get("birthDate") == ["1965-09-11"]


def test_vessels_carry_imo_numbers_from_remarks(real):
    vessels = [e for e in real("ofac_sdn_primary").entities.values() if e.schema == "Vessel"]
    with_imo = [e for e in vessels if e.has("imoNumber")]
    assert len(with_imo) > 800
    assert all(re.fullmatch(r"IMO\d{7}", v) for e in with_imo for v in e.get("imoNumber"))


def test_consolidated_csv_set_appends_truncated_remarks_from_comments(real):
    parsed = real("ofac_cons_set")
    assert len(parsed.entities) == 442
    assert parsed.result.dataset == "us_ofac_cons"
    assert parsed.result.warnings == []
    gazprombank = parsed.entities["ofac-17016"]
    assert "7744001497" in gazprombank.get("taxNumber")
    assert any("Tax ID No. 7744001497" in n for n in gazprombank.get("notes"))


def test_remarks_are_read_into_properties(tmp_path):
    remarks = (
        "DOB circa 1960; alt. DOB 1962 to 1964; alt. DOB Aug 1975; POB Tehran, Iran; nationality Iran; "
        "citizen Iran; Passport A123456 (Iran) expires 01 Jan 2020; National ID No. 555-1 (Iran); "
        "Gender Male; a.k.a. 'SECOND NAME'; f.k.a. 'OLD NAME'; Linked To: SOME TRADING CO."
    )
    folder = _write_set(
        tmp_path / "set",
        ROW.format(num=7, name="DOE, John", kind="individual", program="IRAN] [SDGT", remarks=remarks),
    )
    entity = next(parse(folder).entities)
    dates = {(s.value, s.qualifier) for s in entity.statements if s.prop == "birthDate"}
    assert dates == {
        ("1960", "circa"),
        ("1962", "range"),
        ("1963", "range"),
        ("1964", "range"),
        ("1975-08", None),
    }
    assert entity.get("birthPlace") == ["Tehran, Iran"]
    assert entity.get("nationality") == ["ir"]
    assert entity.get("citizenship") == ["ir"]
    assert entity.get("passportNumber") == ["A123456"]
    assert entity.get("idNumber") == ["555-1"]
    assert entity.get("weakAlias") == ["SECOND NAME"]
    assert entity.get("alias") == []
    assert entity.get("previousName") == ["OLD NAME"]
    assert entity.get("program") == ["IRAN", "SDGT"]
    assert [(r.kind, r.target_name) for r in entity.relations] == [("linked", "SOME TRADING CO")]


def test_quoted_remarks_aka_is_weak_unless_the_alias_file_also_has_it(tmp_path):
    remarks = "a.k.a. 'THE BOSS'; a.k.a. 'ACME'; n.k.a. 'NEW ACME'"
    folder = _write_set(
        tmp_path / "set",
        ROW.format(num=5, name="ACME LTD", kind="-0- ", program="SDGT", remarks=remarks),
        alt='5,2,"aka","Acme",-0- \r\n',
    )
    entity = next(parse(folder).entities)
    assert entity.get("weakAlias") == ["THE BOSS", "NEW ACME"]
    assert entity.get("alias") == ["Acme"]


def test_ali_kony_nickname_in_remarks_is_weak_and_alias_file_names_strong(real):
    ali = real("ofac_sdn").entities["ofac-19930"]
    assert {"MOHAMMED, Ali", "Bashir", "Caesar", "One-P", "1-P"} == set(ali.get("weakAlias"))
    assert "KONY, Ali Mohammed" in ali.get("alias")
    assert not set(ali.get("alias")) & set(ali.get("weakAlias"))


def test_weak_aliases_agree_between_consolidated_csv_and_xml(real):
    csv_entities = real("ofac_cons_set").entities
    xml_entities = real("ofac_cons_xml").entities
    zahhar_csv, zahhar_xml = csv_entities["ofac-9647"], xml_entities["ofac-9647"]
    assert set(zahhar_csv.get("weakAlias")) == {"ZAHAR, Mahmoud", "AL-ZAHAR, Mahmoud"}
    assert set(zahhar_csv.get("weakAlias")) == set(zahhar_xml.get("weakAlias"))
    csv_weak = sum(len(e.get("weakAlias")) for e in csv_entities.values())
    xml_weak = sum(len(e.get("weakAlias")) for e in xml_entities.values())
    assert csv_weak > 40
    assert abs(csv_weak - xml_weak) <= csv_weak // 10


def test_alias_types_and_addresses_from_side_files(tmp_path):
    folder = _write_set(
        tmp_path / "set",
        ROW.format(num=5, name="ACME LTD", kind="-0- ", program="SDGT", remarks="-0-"),
        alt='5,1,"fka","OLD ACME",-0- \r\n5,2,"aka","ACME",-0- \r\n',
        add='5,9,"1 Main St","Damascus","Syria",-0- \r\n',
    )
    entity = next(parse(folder).entities)
    assert entity.schema == "Organization"
    assert entity.get("previousName") == ["OLD ACME"]
    assert entity.get("alias") == ["ACME"]
    assert entity.get("address") == ["1 Main St, Damascus, Syria"]
    assert entity.get("country") == ["sy"]


def test_truncated_primary_file_fails_with_file_and_row(tmp_path):
    data = real_path("ofac_sdn_primary").read_bytes()
    cut = tmp_path / "sdn.csv"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(SourceError) as err:
        list(parse(cut).entities)
    assert "sdn.csv" in str(err.value)
    assert err.value.position and err.value.position.startswith("row ")


def test_row_cut_mid_quote_fails(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "sdn.csv").write_text(
        '1,"A","individual","X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1960."\r\n2,"B, Jo'
    )
    with pytest.raises(SourceError, match=r"sdn\.csv:row 2.*truncated"):
        list(parse(folder).entities)


def test_row_with_missing_columns_fails(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "sdn.csv").write_text(
        '1,"A","individual","X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n2,"B","individual"\r\n'
    )
    with pytest.raises(SourceError, match=r"sdn\.csv:row 2: expected 12 columns"):
        list(parse(folder).entities)


def test_absurdly_long_field_is_refused(tmp_path):
    folder = _write_set(
        tmp_path / "set", ROW.format(num=1, name="X" * 5000, kind="individual", program="P", remarks="-0-")
    )
    with pytest.raises(SourceError, match=r"sdn\.csv:row 1: field longer than 1000"):
        list(parse(folder, settings=Settings(max_field_chars=1000)).entities)


def test_utf16_file_is_refused_even_when_format_is_forced(tmp_path):
    text = real_path("ofac_sdn_primary").read_bytes()[:4000].decode("cp1252")
    bad = tmp_path / "sdn.csv"
    bad.write_bytes(text.encode("utf-16"))
    with pytest.raises(SourceError, match=r"sdn\.csv.*UTF-16"):
        list(parse(bad, format="ofac_csv").entities)


def test_png_named_sdn_csv_is_refused_even_when_format_is_forced(tmp_path):
    bad = tmp_path / "sdn.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    with pytest.raises(SourceError, match=r"sdn\.csv"):
        list(parse(bad, format="ofac_csv").entities)
