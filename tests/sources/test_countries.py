from __future__ import annotations

import pytest

from embargo.sources.countries import country_code, split_countries


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Syria", "sy"), ("Syrian Arab Republic", "sy"), ("Syrian", "sy"), ("Syria / Syrie", "sy"),
        ("Russia", "ru"), ("Russian Federation", "ru"), ("Russian", "ru"),
        ("Iran", "ir"), ("Iran (Islamic Republic of)", "ir"), ("Iranian", "ir"),
        ("North Korea", "kp"), ("Korea, North", "kp"), ("Democratic People's Republic of Korea", "kp"),
        ("Burma", "mm"), ("Myanmar", "mm"), ("Côte d'Ivoire", "ci"), ("Bosnia and Herzegovina", "ba"),
        ("United Kingdom", "gb"), ("Congo, Democratic Republic of the", "cd"), ("Tehran, Iran", "ir"),
        ("Allemagne", "de"), ("RU", "ru"),
    ],
)  # fmt: skip
def test_names_demonyms_and_list_spellings(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["", "Atlantis", "former Soviet Union Republic of Nowhere"])
def test_unknown_text_is_not_guessed(text):
    assert country_code(text) is None


def test_split_enumerations_but_not_names_with_commas():
    assert split_countries("a) Syrian b) Lebanese") == ["Syrian", "Lebanese"]
    assert split_countries("Russian and Ukrainian") == ["Russian", "Ukrainian"]
    assert split_countries("Korea, North") == ["Korea, North"]
    assert split_countries("Trinidad and Tobago") == ["Trinidad and Tobago"]
