"""Linking rules, with a resolver that stands in for the matcher."""

from __future__ import annotations

import re

from embargo.names.normalise import name_tokens
from embargo.text.linking import Referent, Resolution, Span, link_mentions, title_gender
from embargo.text.sentences import split_sentences

# Full names the fake resolver knows: text -> (key, listed, gender)
KNOWN = {
    "Nadia Haddad": ("list-nadia", True, "female"),
    "Karim Haddad": ("list-karim", True, "male"),
    "Pavel Orlov": ("list-orlov", True, "male"),
    "Julia Brandt": (None, False, None),
    "Ivan Orlov": ("list-ivan-orlov", True, "male"),
    "Sora Lee": ("list-sora", True, None),
    "Jun Lee": ("list-jun", True, "male"),
    "Delia Ruiz": ("list-delia", True, "female"),
    "Marco Ruiz": (None, False, None),
    "Kim Jong Un": ("list-kju", True, None),
    "Gulf Star Shipping Company": ("list-gulf", True, None),
}


def spans_for(text: str, names: list[str]) -> list[Span]:
    spans = []
    for name in names:
        for m in re.finditer(rf"(?:(Ms|Mr|Mrs) )?\b{re.escape(name)}\b", text):
            title = m.group(1)
            start = m.start() + (len(title) + 1 if title else 0)
            spans.append(
                Span(
                    start,
                    m.end(),
                    name,
                    "PERSON",
                    "ner",
                    tuple(name_tokens(name)),
                    title,
                    title_gender(title),
                )
            )
    # Drop short spans inside longer ones ("Haddad" inside "Nadia Haddad").
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for span in spans:
        if not out or span.start >= out[-1].end:
            out.append(span)
    return out


def resolve(span: Span) -> Resolution | None:
    key, listed, gender = KNOWN[span.text]
    if not listed:
        return Resolution("unlisted:" + span.text, False)
    return Resolution(key, True, frozenset({key}), gender)


def run(text: str, names: list[str]):
    return link_mentions(text, split_sentences(text), spans_for(text, names), resolve)


def referent(result, key: str):
    return next(r for r in result.referents if r.key == key)


def test_title_picks_between_relatives_sharing_a_surname() -> None:
    text = "Nadia Haddad and Karim Haddad arrived. Later Ms Haddad spoke. Then Mr Haddad left."
    result = run(text, ["Nadia Haddad", "Karim Haddad", "Haddad"])
    nadia, karim = referent(result, "list-nadia"), referent(result, "list-karim")
    nadia_short = [m for m in nadia.mentions if m.text == "Haddad"]
    karim_short = [m for m in karim.mentions if m.text == "Haddad"]
    assert [text[m.start - 3 : m.end] for m in nadia_short] == ["Ms Haddad"]
    assert [text[m.start - 3 : m.end] for m in karim_short] == ["Mr Haddad"]
    assert nadia.chain(nadia.mentions.index(nadia_short[0])) == ["Haddad", "Nadia Haddad"]


def test_bare_shared_surname_without_a_cue_stays_unresolved() -> None:
    text = "Nadia Haddad and Karim Haddad arrived. Haddad was not available for comment."
    result = run(text, ["Nadia Haddad", "Karim Haddad", "Haddad"])
    (item,) = result.unresolved
    assert item.span.text == "Haddad"
    assert set(item.candidates) == {"list-nadia", "list-karim"}
    assert all(m.text != "Haddad" for r in result.referents for m in r.mentions)


def test_pronoun_after_the_surname_decides() -> None:
    text = "Nadia Haddad and Karim Haddad arrived. Haddad himself said nothing."
    result = run(text, ["Nadia Haddad", "Karim Haddad", "Haddad"])
    assert any(m.text == "Haddad" for m in referent(result, "list-karim").mentions)
    assert not result.unresolved


def test_single_full_name_explains_its_bare_surname() -> None:
    text = "Pavel Orlov owns the yard. Orlov declined to comment."
    result = run(text, ["Pavel Orlov", "Orlov"])
    orlov = referent(result, "list-orlov")
    assert [m.method for m in orlov.mentions if m.text == "Orlov"] == ["link"]


def test_gender_conflict_blocks_a_link() -> None:
    text = "Pavel Orlov owns the yard. Ms Orlov declined to comment."
    result = run(text, ["Pavel Orlov", "Orlov"])
    assert [u.span.text for u in result.unresolved] == ["Orlov"]


def test_pronoun_does_not_jump_over_a_person_of_unknown_gender() -> None:
    text = "Nadia Haddad met Julia Brandt. She said the deal was off."
    result = run(text, ["Nadia Haddad", "Julia Brandt"])
    nadia = referent(result, "list-nadia")
    assert all(m.text != "She" for m in nadia.mentions)


def test_pronoun_links_to_the_most_recent_person_of_its_gender() -> None:
    text = "Nadia Haddad arrived in Paris. She met bankers there."
    result = run(text, ["Nadia Haddad"])
    nadia = referent(result, "list-nadia")
    she = next(m for m in nadia.mentions if m.text == "She")
    assert she.method == "link"
    assert nadia.mentions[she.linked_to].text == "Nadia Haddad"


def test_short_form_refers_to_the_only_person_named_in_full_before_it() -> None:
    text = "Pavel Orlov ran the port for years. Orlov's son, Ivan Orlov, ran its bank."
    result = run(text, ["Pavel Orlov", "Ivan Orlov", "Orlov"])
    father = referent(result, "list-orlov")
    assert [m.start for m in father.mentions if m.text == "Orlov"] == [text.index("Orlov's")]
    assert not result.unresolved


def test_title_does_not_rule_out_a_namesake_of_unknown_gender() -> None:
    text = "Sora Lee met Jun Lee in Seoul. Mr Lee said the talks went well."
    result = run(text, ["Sora Lee", "Jun Lee", "Lee"])
    (item,) = result.unresolved
    assert set(item.candidates) == {"list-sora", "list-jun"}
    assert all(m.text != "Lee" for m in referent(result, "list-jun").mentions)


def test_title_picks_the_only_person_it_does_not_contradict() -> None:
    text = "Delia Ruiz denied the report. Marco Ruiz, an economist, disagreed. Mr Ruiz said so twice."
    result = run(text, ["Delia Ruiz", "Marco Ruiz", "Ruiz"])
    marco = referent(result, "unlisted:Marco Ruiz")
    assert [m.method for m in marco.mentions] == ["ner", "link"]
    assert all(m.text != "Ruiz" for m in referent(result, "list-delia").mentions)


def test_short_capitals_in_mixed_case_prose_are_acronyms_not_name_parts() -> None:
    text = "Kim Jong Un watched the launch. UN experts said the launch broke rules."
    result = run(text, ["Kim Jong Un", "UN"])
    assert [m.text for m in referent(result, "list-kju").mentions] == ["Kim Jong Un"]


def test_acronym_span_is_linked_to_the_name_it_abbreviates() -> None:
    text = "Gulf Star Shipping Company said on Monday that GSSC would appeal."
    spans = spans_for(text, ["Gulf Star Shipping Company"])
    spans[0].label = "ORG"
    at = text.index("GSSC")
    spans.append(Span(at, at + 4, "GSSC", "ORG", "link", ("gssc",), stands_for=spans[0].start))
    result = link_mentions(text, split_sentences(text), spans, resolve)
    gulf = referent(result, "list-gulf")
    assert [(m.text, m.linked_to) for m in gulf.mentions] == [
        ("Gulf Star Shipping Company", None),
        ("GSSC", 0),
    ]


def test_caller_can_add_short_forms_once_full_names_are_known() -> None:
    text = "Pavel Orlov owns the yard. Orlov declined to comment."
    seen: list[list[str]] = []

    def more(referents: list[Referent], found: list[Span]) -> list[Span]:
        seen.append([r.key for r in referents])
        at = text.index("Orlov declined")
        return [Span(at, at + 5, "Orlov", "PERSON", "dictionary", ("orlov",))]

    spans = spans_for(text, ["Pavel Orlov"])
    result = link_mentions(text, split_sentences(text), spans, resolve, more_short_forms=more)
    assert seen == [["list-orlov"]]
    assert [m.method for m in referent(result, "list-orlov").mentions] == ["ner", "link"]


def test_title_that_fits_nobody_named_so_far_looks_ahead() -> None:
    text = "Karim Haddad spoke first. Ms Haddad spoke next; Nadia Haddad is his sister."
    result = run(text, ["Karim Haddad", "Nadia Haddad", "Haddad"])
    nadia = referent(result, "list-nadia")
    assert [m.method for m in nadia.mentions] == ["link", "ner"]
    assert all(m.text != "Haddad" for m in referent(result, "list-karim").mentions)
