from __future__ import annotations

import re

from python_calamine import CalamineWorkbook

from .conftest import real_path


def test_rows_are_grouped_by_base_reference(real):
    rows = CalamineWorkbook.from_path(str(real_path("au"))).get_sheet_by_name("Sheet1").to_python()
    references = {re.match(r"\d+", str(row[0]))[0] for row in rows[1:] if re.match(r"\d+", str(row[0]))}
    parsed = real("au")
    assert set(parsed.entities) == {f"au-dfat-{ref}" for ref in references}
    assert parsed.result.dataset == "au_dfat_sanctions"


def test_published_is_the_latest_control_date(real):
    assert real("au").result.published == "2024-11-11"


def test_type_cells_are_normalised(real):
    schemas = {e.schema for e in real("au").entities.values()}
    assert schemas == {"Person", "Organization"}


def test_bashar_al_assad_aliases_birth_date_and_citizenship(real):
    bashar = real("au").entities["au-dfat-2241"]
    assert bashar.get("name") == ["Bashar AL-ASSAD"]
    assert {"Bashar Hafez AL ASSAD", "Bashar ASSAD", "Bashar Hafiz AL ASSAD"} <= set(bashar.get("alias"))
    assert bashar.get("birthDate") == ["1965-09-11"]
    citizenship = next(s for s in bashar.statements if s.prop == "citizenship")
    assert (citizenship.value, citizenship.original) == ("sy", "Syrian")
    assert bashar.get("listingDate") == ["2012-03-02"]
    assert bashar.get("program") == ["Autonomous (Syria)"]


def test_original_script_rows_become_tagged_aliases(real):
    akhund = real("au").entities["au-dfat-2"]
    assert [(s.value, s.lang) for s in akhund.statements if s.prop == "alias"] == [("محمد حسن أخوند", "ara")]
    assert {"1955", "1958", "1945", "1950"} <= set(akhund.get("birthDate"))
    assert {s.qualifier for s in akhund.statements if s.prop == "birthDate"} == {"circa"}


def test_putin_and_peskov_are_listed(real):
    entities = real("au").entities
    assert entities["au-dfat-6678"].caption == "Vladimir Vladimirovich PUTIN"
    assert entities["au-dfat-6733"].caption == "Dmitry Sergeyvich PESKOV"
