from __future__ import annotations

import csv
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from embargo.sources import SourceError, parse

from .conftest import real_path

HEADER = [
    "Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "Name Non-Latin Script",
    "Non-Latin Script Type", "Non-Latin Script Language", "DOB", "Town of Birth", "Country of Birth",
    "Nationality", "Passport Number", "Passport Details", "National Identification Number",
    "National Identification Details", "Position", "Address 1", "Address 2", "Address 3", "Address 4",
    "Address 5", "Address 6", "Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type",
    "Alias Quality", "Regime", "Listed On", "UK Sanctions List Date Designated", "Last Updated", "Group ID",
]  # fmt: skip


def _row(**values: str) -> list[str]:
    return [values.get(col, "") for col in HEADER]


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Last Updated", "02/03/2025"])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_workbook_yields_one_entity_per_group(real):
    parsed = real("uk")
    assert len(parsed.entities) == 4688
    schemas = [e.schema for e in parsed.entities.values()]
    assert (schemas.count("Person"), schemas.count("Organization"), schemas.count("Vessel")) == (
        3663,
        1010,
        15,
    )
    assert parsed.result.published == "2025-04-14"
    assert parsed.result.dataset == "gb_hmt_sanctions"


def test_putin_has_cyrillic_alias_tagged_russian(real):
    putin = real("uk").entities["gb-hmt-14196"]
    assert putin.caption == "Vladimir Vladimirovich PUTIN"
    cyrillic = [s for s in putin.statements if s.value == "Владимир Владимирович Путин"]
    assert [(s.prop, s.lang) for s in cyrillic] == [("alias", "rus")]
    assert "Vladimir PUTIN" in putin.get("alias")
    assert putin.get("birthDate") == ["1952-10-07"]
    assert putin.get("nationality") == ["ru"]
    assert putin.get("programId") == ["RUS0251"]
    assert putin.get("gender") == ["male"]


def test_the_two_dmitry_peskovs_stay_distinct(real):
    entities = real("uk").entities
    spokesman, other = entities["gb-hmt-14704"], entities["gb-hmt-15805"]
    assert spokesman.caption == "Dmitry Sergeyvich PESKOV"
    assert "ПЕСКОВ Дмитрий Сергеевич" in spokesman.get("alias")
    assert "Песков Дмитрий Николаевич" in other.get("alias")
    assert set(spokesman.get("birthDate")).isdisjoint(other.get("birthDate"))


def test_low_quality_akas_are_weak_and_fkas_previous_names(real):
    entities = real("uk").entities.values()
    assert sum(1 for e in entities for s in e.statements if s.prop == "weakAlias") > 500
    assert sum(1 for e in entities for s in e.statements if s.prop == "previousName") > 10


def test_csv_publication_gives_the_same_entities_as_the_workbook(tmp_path, real):
    rows = CalamineWorkbook.from_path(str(real_path("uk"))).get_sheet_by_name("Data").to_python()
    path = tmp_path / "ConList.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[str(c) for c in row] for row in rows])
    result = parse(path)
    assert result.format == "uk_hmt"
    assert result.published == "2025-04-14"
    from_csv = {e.id: e for e in result.entities}
    workbook = real("uk").entities
    assert set(from_csv) == set(workbook)
    for key in ("gb-hmt-14196", "gb-hmt-14704", "gb-hmt-12634"):
        assert from_csv[key].properties == workbook[key].properties


def test_rows_of_a_group_are_merged_even_when_apart(tmp_path):
    path = _write_csv(
        tmp_path / "ConList.csv",
        [
            _row(**{"Name 6": "DOE", "Name 1": "John", "Group Type": "Individual", "Alias Type": "Primary name",
                    "DOB": "00/05/1970", "Group ID": "1", "Regime": "Russia", "Listed On": "01/02/2020"}),
            _row(**{"Name 6": "ACME", "Group Type": "Entity", "Alias Type": "Primary name", "Group ID": "2"}),
            _row(**{"Name 6": "DOUGH", "Name 1": "Jon", "Group Type": "Individual", "Alias Type": "AKA",
                    "Alias Quality": "Low quality", "Group ID": "1", "Name Non-Latin Script": "جون دو"}),
        ],
    )  # fmt: skip
    entities = {e.id: e for e in parse(path).entities}
    assert set(entities) == {"gb-hmt-1", "gb-hmt-2"}
    john = entities["gb-hmt-1"]
    assert john.get("name") == ["John DOE"]
    assert john.get("weakAlias") == ["Jon DOUGH"]
    assert [(s.value, s.lang) for s in john.statements if s.prop == "alias"] == [("جون دو", "ara")]
    birth = next(s for s in john.statements if s.prop == "birthDate")
    assert (birth.value, birth.original) == ("1970-05", "00/05/1970")
    assert john.get("listingDate") == ["2020-02-01"]
    assert john.get("firstName") == ["John"] and john.get("lastName") == ["DOE"]
    assert entities["gb-hmt-2"].schema == "Organization"
    assert john.statements[0].source == "ConList.csv:row 3"


def test_caption_is_the_primary_spelling_on_most_rows_then_file_order(tmp_path):
    def person(group: str, first: str, alias_type: str) -> list[str]:
        return _row(**{"Name 6": "LUKASHENKO", "Name 1": "Alexander", "Name 2": first, "Group ID": group,
                       "Group Type": "Individual", "Alias Type": alias_type})  # fmt: skip

    path = _write_csv(
        tmp_path / "ConList.csv",
        [
            person("1", "Aliaksandr", "Primary name variation"),
            person("1", "Grigorievich", "Primary name"),
            person("1", "Ryhorovich", "Primary name"),
            person("1", "Ryhorovich", "Primary name"),
            person("2", "Grigorievich", "Primary name"),
            person("2", "Ryhorovich", "Primary name"),
            person("3", "Lukas", "AKA"),
            person("3", "Aliaksandr", "Primary name variation"),
        ],
    )
    entities = {e.id: e for e in parse(path).entities}
    assert entities["gb-hmt-1"].caption == "Alexander Ryhorovich LUKASHENKO"
    assert entities["gb-hmt-1"].get("alias") == ["Alexander Aliaksandr LUKASHENKO"]
    assert entities["gb-hmt-2"].caption == "Alexander Grigorievich LUKASHENKO"
    assert entities["gb-hmt-3"].caption == "Alexander Aliaksandr LUKASHENKO"


def test_asma_al_assad_caption_is_the_lists_primary_name_row(real):
    asma = real("uk").entities["gb-hmt-12634"]
    assert asma.caption == "Asma AL ASAD"
    assert asma.get("name") == ["Asma AL ASAD"]
    assert {"Asma AL-ASSAD", "Asma Fawaz AL-ASSAD", "Asma Fawaz AL AKHRAS"} <= set(asma.get("alias"))


def test_missing_header_row_is_reported(tmp_path):
    path = tmp_path / "ConList.csv"
    path.write_text("Last Updated,02/03/2025\nfoo,bar\n")
    with pytest.raises(SourceError, match=r"ConList\.csv.*no header row"):
        parse(path, format="uk_hmt")


def test_truncated_workbook_is_refused(tmp_path):
    data = real_path("uk").read_bytes()
    cut = tmp_path / "ConList.xlsx"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(SourceError, match=r"ConList\.xlsx"):
        parse(cut, format="uk_hmt")


def test_workbook_with_typed_date_and_number_cells(tmp_path):
    import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(["Last Updated", datetime.datetime(2025, 3, 2)])
    sheet.append(HEADER)
    values = {"Name 6": "DOE", "Name 1": "John", "Group Type": "Individual", "Alias Type": "Primary name"}
    row: list[object] = _row(**values)
    row[HEADER.index("DOB")] = datetime.datetime(1970, 5, 17)
    row[HEADER.index("Group ID")] = 77
    sheet.append(row)
    path = tmp_path / "ConList.xlsx"
    workbook.save(path)
    result = parse(path)
    assert result.published == "2025-03-02"
    (entity,) = list(result.entities)
    assert entity.id == "gb-hmt-77"
    assert entity.get("birthDate") == ["1970-05-17"]
