from __future__ import annotations

from pathlib import Path

from embargo.model import Entity
from embargo.text.mentions.dictionary import NameDictionary


def entity(eid: str, schema: str, *names: str, **props: str) -> Entity:
    e = Entity(eid, schema, datasets=["test"])
    for i, name in enumerate(names):
        e.add("name" if i == 0 else "alias", name)
    for prop, value in props.items():
        e.add(prop, value)
    return e


ENTITIES = [
    entity("asma", "Person", "AL-ASSAD, Asma"),
    entity("bashar", "Person", "AL-ASSAD, Bashar", "ASSAD, Bashar"),
    entity("peskov", "Person", "PESKOV, Dmitriy Sergeevich"),
    entity("akhras", "Person", "AL-AKHRAS, Fawaz"),
    entity("star", "Company", "Golden Star"),
    entity("hez", "Organization", "HIZBALLAH"),
    entity("bank", "Organization", "Example Trade Bank", swiftBic="EXTBAEAD"),
    entity("solo", "Person", "Kalume"),
]


def build() -> NameDictionary:
    return NameDictionary.build(ENTITIES)


def found(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.text, m.entity_ids) for m in build().scan(text)]


def test_offsets_map_back_to_the_original_text_exactly() -> None:
    text = "On Monday, “Bashar al-Assad’s” wife Asma AL-ASSAD — née Akhras — spoke."
    matches = build().scan(text)
    assert [(m.text, m.entity_ids) for m in matches] == [
        ("Bashar al-Assad", ("bashar",)),
        ("Asma AL-ASSAD", ("asma",)),
    ]
    for m in matches:
        assert text[m.start : m.end] == m.text


def test_surname_first_list_names_are_found_in_given_name_first_prose() -> None:
    assert found("Dmitriy Sergeevich Peskov said") == [("Dmitriy Sergeevich Peskov", ("peskov",))]


def test_press_forms_without_patronymic_or_particle_are_patterns() -> None:
    assert found("Dmitriy Peskov said") == [("Dmitriy Peskov", ("peskov",))]
    assert found("her father Fawaz Akhras said") == [("Fawaz Akhras", ("akhras",))]


def test_bare_surnames_and_single_person_names_are_never_patterns() -> None:
    assert found("Assad and Peskov met Kalume.") == []


def test_distinctive_single_word_organisations_are_patterns() -> None:
    assert found("Funds went to Hizballah in 2019.") == [("Hizballah", ("hez",))]


def test_lower_case_common_words_are_not_taken_for_a_listed_company() -> None:
    assert found("she saw a golden star above") == []
    assert found("shares of Golden Star fell") == [("Golden Star", ("star",))]


def test_longest_match_wins_over_overlapping_shorter_ones() -> None:
    text = "Bashar al-Assad"
    (match,) = build().scan(text)
    assert (match.start, match.end) == (0, len(text))


def test_scan_of_a_slice_reports_offsets_in_the_whole_text() -> None:
    text = "IGNORED ASMA AL-ASSAD\n:70:PAYMENT FOR ASMA AL-ASSAD"
    start = text.index(":70:") + 4
    (match,) = build().scan(text, start)
    assert text[match.start : match.end] == "ASMA AL-ASSAD" and match.start > start


def test_whole_name_lookup_and_bic_lookup() -> None:
    d = build()
    assert d.lookup("ASSAD, Bashar") == ("bashar",)
    assert d.lookup("Bashar") == ()
    assert d.lookup_bic("EXTBAEADXXX") == ("bank",)


def test_near_word_tolerates_one_edit_on_words_of_four_letters_or_more() -> None:
    d = build()
    assert d.near_words("peskow") == {"peskov"} and d.near_words("peskv") == {"peskov"}
    assert d.near_words("peskovv") == {"peskov"}
    assert not d.near_word("pesk") and not d.near_word("london")


def test_gate_needs_two_words_of_one_list_name() -> None:
    d = build()
    assert d.might_be_listed("PESKOV DMITRIY")  # any order
    assert d.might_be_listed("Dmitriy Peskow")  # a typo
    assert d.might_be_listed("Hizballah")  # a single list word
    assert not d.might_be_listed("Asma Peskov")  # two list words, never in one name
    assert not d.might_be_listed("Anna Novak")


def test_cached_dictionary_round_trips_and_rebuilds_when_damaged(tmp_path: Path) -> None:
    calls = []

    def entities() -> list[Entity]:
        calls.append(1)
        return ENTITIES

    first = NameDictionary.cached(entities, "v1", tmp_path)
    second = NameDictionary.cached(entities, "v1", tmp_path)
    assert len(calls) == 1
    assert second.lookup("Asma al-Assad") == first.lookup("Asma al-Assad") == ("asma",)
    (cache_file,) = tmp_path.glob("text-dictionary-*.pickle")
    cache_file.write_bytes(b"not a pickle")
    third = NameDictionary.cached(entities, "v1", tmp_path)
    assert len(calls) == 2 and third.lookup("Asma al-Assad") == ("asma",)


def test_plain_word_shortcut_agrees_with_the_shared_normalisation(scanner) -> None:
    from embargo.names.normalise import normalise_name
    from embargo.text.mentions.dictionary import TokenNormaliser

    words = sorted(w for w in scanner.dictionary.vocabulary if w.isascii() and w.isalpha())[::7]
    words += ["Mr", "Ms", "El", "Ben", "Ibn", "Ltd", "OOO", "Abdullah", "Abdulrahman", "ASSAD", "al"]
    words += ["INV4711", "2024", "No10", "G7", "REF00000123"]
    shortcut = TokenNormaliser()
    for word in words:
        for form in (word, word.upper(), word.capitalize()):
            assert shortcut(form) == " ".join(normalise_name(form).split()), form


def test_party_gate_answers_like_the_lookup_and_the_whole_name_gate() -> None:
    names = ["Asma AL-ASSAD", "ASSAD BASHAR", "DMITRIY PESKOW", "Peskov Dmitriy Sergeevich", "ANNA NOVAK"]
    names += ["HIZBALLAH", "Hizballah Trading Ltd", "Golden Star", "GOLDEN STARR LTD", "", "1234", "KALUME"]
    fresh = build()
    for name in names:
        exact, screen = build().screen_party_name(name)
        assert exact == fresh.lookup(name), name
        assert screen == (bool(exact) or fresh.might_be_listed_whole(name)), name
    assert build().screen_party_name("Asma AL-ASSAD") == (("asma",), True)
    assert build().screen_party_name("ANNA NOVAK") == ((), False)


def test_near_word_flags_remember_raw_tokens_and_agree_with_the_word_test() -> None:
    d = build()
    tokens = ["PESKOW", "Peskov", "peskv", "LONDON", "INV", "4711", "al", "Hizbalah"]
    flags = d.near_list_word_flags(tokens)
    assert flags == [d.is_near_list_word(d.normaliser(t)) for t in tokens]
    assert flags[:3] == [True, True, True] and not flags[3]


def test_whole_name_gate_needs_every_distinctive_word_of_one_list_name() -> None:
    d = build()
    # In any order, with one typo, with company words around it.
    for name in [
        "AL-ASSAD ASMA TRADING",
        "DMITRIY PESKOW",
        "GOLDEN STARS LTD",
        "HIZBALAH",
        "FAWAZ AL AKHRAS",
    ]:
        assert d.might_be_listed_whole(name), name
        assert d.might_be_listed_whole(name.title()), name  # the answer is per word set, not per spelling
    # Part of a list name, or words of two different list names, are not enough.
    for name in ["SERGEEVICH PESKOV", "PESKOV", "ASMA PESKOV", "BASHAR", "ANNA NOVAK", "STAR TRADING LTD"]:
        assert not d.might_be_listed_whole(name), name


def test_a_used_dictionary_is_freed_as_soon_as_it_is_dropped() -> None:
    """No reference cycles: a replaced dictionary must not wait for the cycle collector."""
    import gc
    import weakref

    d = build()
    d.near_list_word_flags(["PESKOW", "4711"])
    d.screen_party_name("ASMA AL-ASSAD")
    d.might_be_listed("Dmitriy Peskow")
    ref = weakref.ref(d)
    gc.disable()
    try:
        del d
        assert ref() is None
    finally:
        gc.enable()


LEGAL_FORM_ENTITIES = [
    entity("potash", "Company", 'OPEN JOINT STOCK COMPANY "BELARUSKALI"'),
    entity("oil", "Company", "OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY"),
    entity("integral", "Company", "LIMITED LIABILITY COMPANY INTEGRALIS"),
    entity("generic", "Company", "GLOBAL TRADING COMPANY LIMITED"),
    entity("month", "Company", "LIMITED LIABILITY COMPANY SEPTEMBER"),
    entity("tanker", "Vessel", "ARTAVIL", imoNumber="IMO9187629"),
]


def legal_found(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.text, m.entity_ids) for m in NameDictionary.build(LEGAL_FORM_ENTITIES).scan(text)]


def test_company_names_are_found_without_their_legal_forms() -> None:
    assert legal_found("The state producer Belaruskali said") == [("Belaruskali", ("potash",))]
    assert legal_found("shares of Rosneft Oil fell") == [("Rosneft Oil", ("oil",))]


def test_what_is_left_of_a_name_must_say_which_company_it_is() -> None:
    assert legal_found("the Global Trading unit of the group") == []
    assert legal_found("Global Trading Company Limited sued") == [
        ("Global Trading Company Limited", ("generic",))
    ]


def test_one_word_left_without_legal_form_counts_only_where_it_cannot_be_an_ordinary_word() -> None:
    assert legal_found("The deal with Integralis closed.") == [("Integralis", ("integral",))]
    assert legal_found("Integralis shares fell.") == []  # opens a sentence
    assert legal_found("The Integralis plan was integralis to the bid.") == []  # also a lower-case word
    assert legal_found("He was killed in September.") == []  # month names are always capitalised
    assert legal_found("Limited Liability Company September sued") == [
        ("Limited Liability Company September", ("month",))
    ]


def test_vessels_are_found_by_checked_imo_number() -> None:
    dictionary = NameDictionary.build(LEGAL_FORM_ENTITIES)
    text = "The tanker (IMO 9187629) and a ship with IMO No. 9187628 met."
    found = dictionary.imo_numbers(text)
    assert [(m.text, m.entity_ids) for m in found] == [("IMO 9187629", ("tanker",))]
    assert text[found[0].start : found[0].end] == "IMO 9187629"
