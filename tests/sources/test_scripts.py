from __future__ import annotations

from embargo.sources.scripts import dominant_script, language_code, name_language


def test_script_of_names():
    assert dominant_script("Владимир Путин") == "Cyrl"
    assert dominant_script("صدام حسين") == "Arab"
    assert dominant_script("Baššār Ḥāfiẓ") == "Latn"
    assert dominant_script("123 -") is None


def test_language_labels_win_over_script_defaults():
    assert name_language("Аляксандр Лукашэнка", "Belarusian", "Cyrillic") == "bel"
    assert name_language("محمد", "Persian/Farsi") == "fas"
    assert language_code("Ukrainian") == "ukr"


def test_unlabelled_or_misspelt_labels_fall_back_to_the_characters():
    assert name_language("Владимир Владимирович Путин", "", "Cryillic") == "rus"
    assert name_language("金正恩") == "zho"
    assert name_language("Baššār Ḥāfiẓ Al-Assad") is None
