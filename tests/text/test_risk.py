from __future__ import annotations

from embargo.text.risk import CATEGORIES, find_risks
from embargo.text.sentences import split_sentences


def categories(text: str) -> set[str]:
    return {r.category for r in find_risks(text)}


def test_titles_with_full_stops_do_not_end_a_sentence() -> None:
    text = "Mr. Haddad met Dr. Osei in St. Albans. They discussed the U.S. market.\nA caption without a stop"
    sentences = [s.text(text) for s in split_sentences(text)]
    assert sentences == [
        "Mr. Haddad met Dr. Osei in St. Albans.",
        "They discussed the U.S. market.",
        "A caption without a stop",
    ]


def test_each_category_is_raised_by_its_own_wording() -> None:
    examples = {
        "sanctions": "The firm was placed under sanctions last year.",
        "asset_freeze": "His bank accounts were frozen in March.",
        "travel_ban": "She is subject to a travel ban.",
        "sanctions_evasion": "Prosecutors say he tried to evade sanctions through a front company.",
        "corruption": "The minister was convicted of bribery.",
        "fraud": "The founder was charged with securities fraud.",
        "money_laundering": "The bank admitted laundering cartel cash.",
        "terrorism": "The group financed terrorist attacks.",
        "organised_crime": "Police linked the port to drug trafficking.",
        "human_rights_abuse": "Activists documented torture in the prison.",
        "war_crimes": "The commander is accused of war crimes.",
    }
    assert set(examples) == set(CATEGORIES)
    for category, sentence in examples.items():
        assert category in categories(sentence), sentence


def test_negated_keyword_raises_nothing() -> None:
    assert "fraud" not in categories("The auditor was never accused of fraud.")
    assert "corruption" not in categories("He was cleared of corruption in 2019.")
    assert "fraud" in categories("The auditor was accused of fraud.")


def test_signal_quotes_its_sentence_with_offsets() -> None:
    text = "Nothing here. Her assets were frozen by the court. Nothing there."
    (signal,) = find_risks(text)
    assert signal.category == "asset_freeze"
    assert text[signal.start : signal.end] == "Her assets were frozen by the court."
    (keyword,) = signal.keywords
    assert text[keyword.start : keyword.end] == "frozen"


def test_ordinary_prose_raises_nothing() -> None:
    assert find_risks("The garden party was held in June. Guests enjoyed the weather.") == []


def test_ascii_shortcut_finds_exactly_what_the_case_insensitive_search_finds() -> None:
    import random
    import re

    from embargo.text.risk import _ANY, _may_hold_signal

    # Lower-casing the pattern is only safe while every escape in it is lower-case.
    assert not re.search(r"\\[A-Z]", _ANY.pattern)
    rng = random.Random(7)
    words = [
        "the",
        "payment",
        "for",
        "ofac",
        "sdn",
        "list",
        "Daesh",
        "ISIS",
        "frozen",
        "free",
        "zed",
        "sanction",
        "sanctionsx",
        "cartel",
    ]
    words += ["money-laundering", "war crime", "ship-to-ship transfer", "evade the sanctions", "INV/4711"]
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        text = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in text)
        assert _may_hold_signal(text) == bool(_ANY.search(text)), text


def test_sanctions_as_policy_rather_than_conduct_raise_nothing() -> None:
    for sentence in (
        "The ministry said sanctions relief talks would resume in May.",
        "Tehran said it was open to talks on sanctions relief.",
        "She chairs the UN sanctions committee.",
        "A US official said sanctions were not on the agenda.",
        "The government had no plans to discuss sanctions with Moscow.",
        "Sanctions relief is off the table for now.",
        "MARCH RENT FLAT 2 SANCTIONS CHECK NOT APPLICABLE",
    ):
        assert "sanctions" not in categories(sentence), sentence


def test_sanctions_on_someone_stay_a_risk_next_to_policy_wording() -> None:
    assert "sanctions" in categories("Sanctions on the bank were not lifted.")
    assert "sanctions" in categories("Relief is off the table, but the EU sanctioned three more banks.")
    (signal,) = [r for r in find_risks("Sanctions relief talks stalled after the EU sanctioned a bank.")]
    assert [k.text for k in signal.keywords] == ["sanctioned"]


def test_seizing_power_is_not_seizing_assets() -> None:
    assert "asset_freeze" not in categories("The general seized power in a coup in 2021.")
    assert "asset_freeze" not in categories("A wage freeze was announced for civil servants.")
    assert "asset_freeze" in categories("Police seized assets worth $2m from the firm.")


def test_fighting_a_category_is_no_sign_of_it() -> None:
    assert categories("Banks tightened their anti-money laundering checks.") == set()
    assert categories("An anti-corruption campaign led to three arrests.") == set()
    assert categories("Officials at a counter-terrorism conference met in Doha.") == set()
    assert categories("Counter terrorism police arrested a man on terrorism charges.") == {"terrorism"}


def test_frozen_talks_are_not_frozen_assets() -> None:
    assert categories("The deputy minister said talks with Washington were frozen.") == set()
    assert categories("Moldova fears a frozen conflict on its border.") == set()
    (signal,) = find_risks("Relations between the two were frozen, and his accounts were frozen too.")
    assert [k.start for k in signal.keywords] == [61]  # the accounts, not the relations
