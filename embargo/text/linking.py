"""Tie short forms and pronouns to the full name they stand for.

Articles name a person once in full ("Asma al-Assad") and then as "Ms
Assad", "Assad", "Asma" or "she". Only the full name can be screened with
confidence; a bare surname is shared by a whole family on the lists. So a
short form is credited to a person only through a link to a full-name
mention in the same document, and the link must be unambiguous: when two
people share the surname, the title ("Ms", "Mr", "Queen") or a pronoun
right after the mention ("Assad himself", "... and he moved") must pick
one by gender, otherwise the mention is reported as ambiguous (being the
person named most recently is not enough: "their daughter, Assad and
grandchildren" follows a mention of the daughter, not of the one meant).

A short form refers to someone already introduced: when some of the
people it could be were named in full before it, only those are
considered ("Lukashenko's eldest son, Viktor Lukashenko" is the father,
the only Lukashenko named so far). A person whose gender nobody knows is
never ruled out by a title or pronoun, so "Mr Kim" is not pinned on the one
Kim the lists call male while another Kim of unknown gender was named too.
A short all-capital word of three letters or fewer in mixed-case prose is
an acronym ("UN", "EU"), not a name part ("Kim Jong Un").

Pronouns link to the most recent person of that gender in the same or
previous sentence, and only when no person of unknown gender was named in
between (that person might be the one meant).

This module is pure logic over spans; :mod:`embargo.text.scan` decides
what the full names resolve to and passes a resolver in.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from embargo.names.normalise import PARTICLES, TITLES
from embargo.text.sentences import Sentence, sentence_at

FEMALE_TITLES = frozenset(
    [
        "ms",
        "mrs",
        "miss",
        "madam",
        "madame",
        "mme",
        "mlle",
        "lady",
        "dame",
        "queen",
        "princess",
        "duchess",
        "countess",
        "baroness",
        "empress",
        "sheikha",
        "begum",
        "frau",
        "senora",
        "signora",
        "gospozha",
        "sister",
        "wife",
        "widow",
        "daughter",
        "mother",
        "girlfriend",
    ]
)
MALE_TITLES = frozenset(
    [
        "mr",
        "sir",
        "lord",
        "king",
        "prince",
        "duke",
        "count",
        "baron",
        "emperor",
        "sheikh",
        "herr",
        "senor",
        "signor",
        "monsieur",
        "gospodin",
        "brother",
        "husband",
        "widower",
        "son",
        "father",
    ]
)
# Roles that sit before a name like a title but say nothing about gender.
ROLE_TITLES = frozenset(
    [
        "dr",
        "prof",
        "professor",
        "president",
        "minister",
        "senator",
        "ambassador",
        "general",
        "colonel",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "secretary",
        "chancellor",
        "governor",
        "mayor",
        "judge",
        "justice",
        "pope",
        "cardinal",
        "bishop",
        "imam",
        "rev",
    ]
)
_FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
_MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
_PRONOUNS = _FEMALE_PRONOUNS | _MALE_PRONOUNS
PRONOUN = re.compile(r"\b(?:[Ss]he|[Hh]e|[Hh]im|[Hh]is|[Hh]er|[Hh]ers|[Hh]erself|[Hh]imself)\b")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?")


def title_gender(title: str | None) -> str | None:
    if not title:
        return None
    word = title.lower().rstrip(".")
    if word in FEMALE_TITLES or word in ("spokeswoman",):
        return "female"
    if word in MALE_TITLES or word in ("spokesman",):
        return "male"
    return None


def is_title(word: str) -> bool:
    w = word.lower().rstrip(".")
    return w in TITLES or w in FEMALE_TITLES or w in MALE_TITLES or w in ROLE_TITLES


def pronoun_gender(word: str) -> str | None:
    w = word.lower()
    if w in _FEMALE_PRONOUNS:
        return "female"
    if w in _MALE_PRONOUNS:
        return "male"
    return None


@dataclass
class Span:
    """A candidate name in the text, title already separated from the name.

    ``tokens`` are the normalised name tokens (particles included); a span
    with two or more non-particle tokens is a full name, one token a short form.
    """

    start: int
    end: int
    text: str
    label: str  # PERSON or ORG
    method: str  # dictionary, fuzzy, ner
    tokens: tuple[str, ...]
    title: str | None = None
    gender: str | None = None  # what the text says (title, then pronoun nearby)
    field: str | None = None
    tentative: bool = False  # only worth reporting if it turns out to be listed
    identified: tuple[str, ...] = ()  # entities named by an identifier (IMO number), not a name
    stands_for: int | None = None  # an acronym or alias: start of the full name it stands for
    whole: bool = False  # verbatim a whole list name ("Abu Ubaidah"), however few its content words

    @property
    def content(self) -> tuple[str, ...]:
        return tuple(t for t in self.tokens if t not in PARTICLES)

    @property
    def is_full(self) -> bool:
        # One word is a whole name for an organisation ("Hezbollah",
        # "Rosneft"), only a short form for a person, unless a list holds
        # it as a whole name with a particle ("Abu Ubaidah", "The Houthis").
        return self.whole or len(self.content) >= (1 if self.label == "ORG" else 2)


@dataclass(frozen=True)
class Resolution:
    """What a full name resolved to: a listed party (``ids``) or an unlisted person."""

    key: str
    listed: bool
    ids: frozenset[str] = frozenset()
    gender: str | None = None


@dataclass
class LinkedMention:
    start: int
    end: int
    text: str
    method: str  # dictionary, fuzzy, ner, link
    title: str | None = None
    field: str | None = None
    linked_to: int | None = None  # index into the referent's mentions
    reason: str | None = None


@dataclass
class Referent:
    """One person or organisation the document talks about."""

    key: str
    listed: bool
    label: str
    ids: set[str] = field(default_factory=set)
    gender: str | None = None
    given: set[str] = field(default_factory=set)
    surnames: set[str] = field(default_factory=set)
    mentions: list[LinkedMention] = field(default_factory=list)
    full_names: list[str] = field(default_factory=list)

    def chain(self, index: int) -> list[str]:
        """Texts from mention ``index`` back to the full name it rests on."""
        out: list[str] = []
        seen: set[int] = set()
        i: int | None = index
        while i is not None and i not in seen:
            seen.add(i)
            out.append(self.mentions[i].text)
            i = self.mentions[i].linked_to
        return out


@dataclass
class Unresolved:
    """A short form no full name in the document explains (or explains twice)."""

    span: Span
    candidates: list[str]  # referent keys it could be, when ambiguous


@dataclass
class LinkResult:
    referents: list[Referent]
    unresolved: list[Unresolved]


def gender_near(text: str, sentence: Sentence, end: int) -> str | None:
    """Gender of the first personal pronoun after ``end`` in the sentence.

    "Assad himself", "Assad's wider family ... and he moved" tell which
    Assad is meant; a pronoun before the mention would not.
    """
    tail = text[end : sentence.end]
    m = PRONOUN.search(tail)
    return pronoun_gender(m.group()) if m else None


def link_mentions(
    text: str,
    sentences: list[Sentence],
    spans: list[Span],
    resolve: Callable[[Span], Resolution | None],
    *,
    pronouns: bool = True,
    more_short_forms: Callable[[list[Referent], list[Span]], list[Span]] | None = None,
) -> LinkResult:
    """Group spans into referents, linking short forms and pronouns to full names.

    ``more_short_forms`` is asked, once the full names are resolved, for
    further short-form spans (the caller finds the referents' name words
    where no recogniser saw a name: "Sechin did not respond").
    """
    spans = sorted(spans, key=lambda s: s.start)
    referents: list[Referent] = []
    by_key: dict[str, Referent] = {}
    # (position, referent, mention index) of every mention, for recency.
    timeline: list[tuple[int, Referent, int]] = []

    def referent_for(res: Resolution, span: Span) -> Referent:
        ref = by_key.get(res.key)
        if ref is None and res.ids:
            ref = next((r for r in referents if r.ids & res.ids), None)
        if ref is None:
            ref = Referent(res.key, res.listed, span.label, set(res.ids), res.gender)
            referents.append(ref)
        by_key[res.key] = ref
        ref.ids |= res.ids
        ref.gender = ref.gender or res.gender or span.gender
        return ref

    # Pass 1: full names.
    for span in spans:
        if not span.is_full or span.stands_for is not None:
            continue
        res = resolve(span)
        if res is None:
            continue
        ref = referent_for(res, span)
        content = span.content
        ref.given.add(content[0])
        ref.surnames.add(content[-1])
        if span.text not in ref.full_names:
            ref.full_names.append(span.text)
        ref.mentions.append(
            LinkedMention(span.start, span.end, span.text, span.method, span.title, span.field)
        )
    for ref in referents:
        ref.mentions.sort(key=lambda m: m.start)
        for i, m in enumerate(ref.mentions):
            timeline.append((m.start, ref, i))
    if more_short_forms is not None:
        spans = sorted(spans + more_short_forms(referents, spans), key=lambda s: s.start)

    # Pass 2: short forms, in document order, against the full names.
    unresolved: list[Unresolved] = []
    for span in spans:
        if span.stands_for is not None:
            _link_acronym(span, referents)
            continue
        if span.is_full or not span.content:
            continue
        token = span.content[0]
        sent_index = sentence_at(sentences, span.start)
        if _is_acronym(text, span, sentences[sent_index] if sentences else None):
            continue
        gender = span.gender or (gender_near(text, sentences[sent_index], span.end) if sentences else None)
        candidates = [r for r in referents if token in r.surnames or token in r.given]
        if not candidates:
            unresolved.append(Unresolved(span, []))
            continue
        introduced = [r for r in candidates if _named_before(r, span.start)]
        chosen, reason = _choose(introduced or candidates, gender, span, timeline, sentences, sent_index)
        if chosen is None and introduced and len(introduced) < len(candidates) and gender:
            # The title or pronoun fits none of those named so far: "Ms Assad's
            # husband, Bashar al-Assad" after only he was named.
            plausible = [r for r in introduced if r.gender in (gender, None)]
            if not plausible:
                chosen, reason = _choose(candidates, gender, span, timeline, sentences, sent_index)
        if chosen is None:
            unresolved.append(Unresolved(span, [r.key for r in candidates]))
            continue
        target = _latest_full_before(chosen, span.start)
        chosen.mentions.append(
            LinkedMention(span.start, span.end, span.text, "link", span.title, span.field, target, reason)
        )
        if chosen.gender is None and gender is not None:
            chosen.gender = gender
        timeline.append((span.start, chosen, len(chosen.mentions) - 1))

    if pronouns and sentences:
        _link_pronouns(text, sentences, referents, timeline)
    for ref in referents:
        _sort_mentions(ref)
    return LinkResult(referents, unresolved)


def _choose(
    candidates: list[Referent],
    gender: str | None,
    span: Span,
    timeline: list[tuple[int, Referent, int]],
    sentences: list[Sentence],
    sent_index: int,
) -> tuple[Referent | None, str | None]:
    token = span.content[0]
    how = "surname" if any(token in r.surnames for r in candidates) else "given name"
    cue = f"title {span.title!r}" if span.title and span.gender else ("pronoun nearby" if gender else None)
    if len(candidates) == 1:
        only = candidates[0]
        if gender and only.gender and gender != only.gender:
            return None, None
        return only, f"same {how} as the full name" + (f"; {cue} agrees ({gender})" if cue else "")
    if gender:
        # Someone of unknown gender may be the one meant as much as someone
        # the lists say is of the cue's gender.
        plausible = [r for r in candidates if r.gender in (gender, None)]
        if len(plausible) == 1:
            only = plausible[0]
            if only.gender == gender:
                return only, f"same {how}; {cue} says {gender}, which only one of them is"
            return only, f"same {how}; {cue} says {gender}, which rules out the others"
    return None, None


def _link_acronym(span: Span, referents: list[Referent]) -> None:
    """Tie an acronym or alias to the full name it stands for ("IRGC", "Abu Ubaidah"), if that name was resolved."""
    for ref in referents:
        for i, m in enumerate(ref.mentions):
            if m.start == span.stands_for and m.method != "link":
                reason = f"the text's own short name for {m.text!r}"
                ref.mentions.append(
                    LinkedMention(span.start, span.end, span.text, "link", None, span.field, i, reason)
                )
                return


def _named_before(ref: Referent, position: int) -> bool:
    """Whether the referent's full name occurs before ``position``."""
    return any(m.method != "link" and m.start < position for m in ref.mentions)


def _is_acronym(text: str, span: Span, sentence: Sentence | None) -> bool:
    """A short all-capital word in a sentence that is not itself all capitals."""
    words = _WORD.findall(span.text)
    word = words[-1].rstrip(".") if words else ""
    if not (word.isupper() and len(word) <= 3):
        return False
    around = text[sentence.start : sentence.end] if sentence else text
    return any(ch.islower() for ch in around)


def _latest_full_before(ref: Referent, position: int) -> int:
    best = 0
    best_start = -1
    for i, m in enumerate(ref.mentions):
        if m.method != "link" and m.start < position and m.start > best_start:
            best, best_start = i, m.start
    if best_start < 0:  # the full name only comes later (headline short forms)
        for i, m in enumerate(ref.mentions):
            if m.method != "link":
                return i
    return best


def _link_pronouns(
    text: str,
    sentences: list[Sentence],
    referents: list[Referent],
    timeline: list[tuple[int, Referent, int]],
) -> None:
    timeline.sort(key=lambda t: t[0])
    positions = [t[0] for t in timeline]
    for m in PRONOUN.finditer(text):
        gender = pronoun_gender(m.group())
        if gender is None:
            continue
        sent_index = sentence_at(sentences, m.start())
        window_start = sentences[max(sent_index - 1, 0)].start
        i = bisect_left(positions, m.start()) - 1
        while i >= 0 and positions[i] >= window_start:
            _, ref, mention_index = timeline[i]
            if ref.label != "PERSON":
                i -= 1
                continue
            if ref.gender is None:
                break  # an unknown-gender person was named more recently
            if ref.gender == gender:
                new_index = -1
                if ref.listed:
                    reason = f"pronoun {m.group()!r} after the most recent {gender} person named"
                    antecedent = ref.mentions[mention_index]
                    if antecedent.method == "link" and antecedent.text.lower() in _PRONOUNS:
                        # Point at the name the earlier pronoun rests on, so
                        # chains stay short: "she" -> "Ms Assad" -> full name.
                        reason += f" (continuing {antecedent.text!r} at {antecedent.start})"
                        mention_index = (
                            antecedent.linked_to if antecedent.linked_to is not None else mention_index
                        )
                    ref.mentions.append(
                        LinkedMention(
                            m.start(), m.end(), m.group(), "link", linked_to=mention_index, reason=reason
                        )
                    )
                    new_index = len(ref.mentions) - 1
                # Later pronouns may rest on this one ("She ... She ..."),
                # one sentence at a time.
                at = bisect_left(positions, m.start())
                positions.insert(at, m.start())
                timeline.insert(at, (m.start(), ref, new_index if ref.listed else mention_index))
                break
            i -= 1


def _sort_mentions(ref: Referent) -> None:
    """Order mentions by position, rewriting ``linked_to`` indices to match."""
    order = sorted(range(len(ref.mentions)), key=lambda i: ref.mentions[i].start)
    new_index = {old: new for new, old in enumerate(order)}
    mentions = [ref.mentions[i] for i in order]
    for m in mentions:
        if m.linked_to is not None:
            m.linked_to = new_index[m.linked_to]
    ref.mentions = mentions
