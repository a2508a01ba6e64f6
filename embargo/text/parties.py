"""From name-matcher hits to listed parties.

One person is usually on several lists (OFAC, UK, Canada...), each with its
own id, so one mention yields several strong hits that are the same party,
next to strong hits that are not (a namesake with the same first name and
surname, a brother with the same surname). This module groups the first
kind and keeps the second apart: two hits are one party only when nothing
on the records contradicts it (gender, schema, birth date) and something
supports it (the same birth date, or the same normalised name).

Choosing which group a mention names uses the document as evidence too: a
group whose records mention other people the document names ("Press
Secretary to Putin" next to "Putin"), or words said about the person in the
text ("President"), and a party that several lists agree on, outrank a
namesake the text gives no reason to think of. This only breaks near-ties;
the matcher's score stays the score that is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from embargo.model import PERSON, schemas_compatible
from embargo.names.normalise import PARTICLES, name_tokens, normalise_name
from embargo.names.similarity import token_similarity

_WORDS = re.compile(r"[a-z]{4,}")
# When several lists score a party equally, report the entry of the list
# most screening programmes are built around first.
DATASET_PRIORITY = (
    "us_ofac_sdn",
    "gb_hmt_sanctions",
    "un_sc_sanctions",
    "us_ofac_cons",
    "au_dfat_sanctions",
    "ca_dfatd_sema_sanctions",
)
# Roles the press uses for what lists call otherwise.
ROLE_WORDS: dict[str, frozenset[str]] = {
    "spokesperson": frozenset({"press", "secretary", "spokesman", "spokesperson"}),
    "spokesman": frozenset({"press", "secretary", "spokesman", "spokesperson"}),
    "spokeswoman": frozenset({"press", "secretary", "spokeswoman", "spokesperson"}),
    "wife": frozenset({"wife", "spouse"}),
    "husband": frozenset({"husband", "spouse"}),
    "leader": frozenset({"leader", "head", "chairman", "commander"}),
    "boss": frozenset({"head", "chairman", "director", "chief"}),
    "tycoon": frozenset({"businessman", "owner", "shareholder"}),
    "oligarch": frozenset({"businessman", "owner", "shareholder"}),
}


def expand_context(words: set[str]) -> set[str]:
    """Context words plus what lists would call the same role."""
    out = set(words)
    for word in words:
        out |= ROLE_WORDS.get(word, frozenset())
    return out


def _priority(hit: HitView) -> int:
    ranks = [DATASET_PRIORITY.index(d) for d in hit.datasets if d in DATASET_PRIORITY]
    return min(ranks) if ranks else len(DATASET_PRIORITY)


_STOPWORDS = frozenset(
    [
        "been",
        "that",
        "this",
        "with",
        "from",
        "which",
        "have",
        "were",
        "their",
        "under",
        "because",
        "other",
        "than",
        "also",
        "into",
        "when",
        "they",
        "them",
        "there",
        "where",
        "while",
        "said",
        "such",
        "some",
        "more",
        "most",
        "only",
        "over",
        "after",
        "before",
        "about",
        "between",
        "being",
    ]
)
_NEAR_TIE = 0.12
_WIDE_TIE = 0.2  # score gap within which document evidence may reorder groups
_SAME_PARTY_GAP = 0.15


@dataclass(frozen=True)
class HitView:
    """The fields of a matcher hit this stage uses; also built for BIC hits from store entities."""

    id: str
    caption: str
    schema: str
    datasets: tuple[str, ...]
    properties: dict[str, list[str]]
    score: float
    match: bool
    explanation: dict[str, Any]

    @classmethod
    def of(cls, hit: Any) -> HitView:
        """From an :class:`embargo.names.Hit`."""
        return cls(
            id=hit.id,
            caption=hit.caption,
            schema=hit.schema,
            datasets=tuple(hit.datasets),
            properties={k: list(v) for k, v in hit.properties.items()},
            score=float(hit.score),
            match=bool(hit.match),
            explanation=dict(hit.explanation),
        )

    def values(self, prop: str) -> list[str]:
        return self.properties.get(prop, [])

    @property
    def gender(self) -> str | None:
        for value in self.values("gender"):
            v = value.strip().lower()
            if v.startswith("f"):
                return "female"
            if v.startswith("m"):
                return "male"
        return None

    def normalised_names(self) -> set[str]:
        names = self.values("name") + self.values("alias") + [self.caption]
        return {normalise_name(n, self.schema) for n in names} - {""}

    def context_words(self) -> set[str]:
        """Content words of the record's position and notes, minus its own names."""
        text = " ".join(self.values("position") + self.values("notes"))
        own = {t for n in self.normalised_names() for t in n.split()}
        return set(_WORDS.findall(text.lower())) - _STOPWORDS - own


@dataclass
class PartyGroup:
    """One listed party: the best hit and the same party's entries in other lists."""

    primary: HitView
    members: list[HitView] = field(default_factory=list)
    rank: float = 0.0

    @property
    def ids(self) -> frozenset[str]:
        return frozenset([self.primary.id, *(m.id for m in self.members)])

    @property
    def gender(self) -> str | None:
        return self.primary.gender or next((m.gender for m in self.members if m.gender), None)

    @property
    def datasets(self) -> list[str]:
        out: list[str] = []
        for hit in (self.primary, *self.members):
            for d in hit.datasets:
                if d not in out:
                    out.append(d)
        return out

    @property
    def programs(self) -> list[str]:
        out: list[str] = []
        for hit in (self.primary, *self.members):
            for p in hit.values("program") + hit.values("programId"):
                if p not in out:
                    out.append(p)
        return out


def _dates(hit: HitView) -> list[str]:
    return [d for d in hit.values("birthDate") if d[:4].isdigit()]


def _dates_agree(a: list[str], b: list[str]) -> bool | None:
    """True if some dates agree, False if all disagree, None if one side has none."""
    if not a or not b:
        return None
    for x in a:
        for y in b:
            n = min(len(x), len(y))
            if x[:n] == y[:n]:
                return True
    return False


def same_party(a: HitView, b: HitView) -> bool:
    if not schemas_compatible(a.schema, b.schema):
        return False
    if a.gender and b.gender and a.gender != b.gender:
        return False
    dates = _dates_agree(_dates(a), _dates(b))
    if dates is False:
        return False
    if dates is True:
        return True
    return (
        bool(a.normalised_names() & b.normalised_names())
        or abs(a.score - b.score) < 0.02
        and (a.caption.lower() == b.caption.lower())
    )


LOOSE_TOKEN_SIMILARITY = 0.85


def loose_alignment(hit: HitView, *, transpositions: bool = False) -> bool:
    """True when some word of the name only sounds vaguely like the listed one.

    The matcher credits sound-alikes such as "Haddad" / "Htet" at 0.8, which
    is fine when a birth date or nationality backs the match up. A name in
    prose or a payment comes with no such evidence, so a hit that rests on a
    word matched that loosely (a sound-alike below 0.85 or sharing under 60%
    of its letters, a fuzzy match more than one edit away) is not enough.
    Typos (one edit in a longer word), transliterations and known given-name
    equivalents stay above that line. ``transpositions`` also counts swapped
    neighbours ("Putni") as one typo: right for a name field, too loose for
    free text, where ordinary words are close ("there" / "Three").
    """
    for token in hit.explanation.get("tokens", []):
        method = token.get("method")
        query, candidate = str(token.get("query")), str(token.get("candidate"))
        similarity = float(token.get("similarity", 1.0))
        edits = (OSA if transpositions else Levenshtein).distance(query, candidate)
        if method == "fuzzy" and similarity < LOOSE_TOKEN_SIMILARITY and edits > 1:
            return True  # one typo ("Putn") is fine, more is a different word
        if method == "phonetic" and similarity < LOOSE_TOKEN_SIMILARITY:
            return True
        # Sound keys also pair words that share little but consonant shapes
        # ("Haddad" / "Houdoud"); real transliteration variants keep most
        # letters ("Qadhafi" / "Gaddafi" 0.71).
        if method == "phonetic" and fuzz.ratio(query, candidate) < 60:
            return True
    return False


def weak_alias_only(hit: HitView) -> bool:
    """True when the hit rests on a weak alias ("a.k.a. 'MOHAMMED, Ali'").

    Lists mark such aliases as too broad to screen on alone; a bare name in
    prose or a payment has nothing else to corroborate them.
    """
    return hit.explanation.get("name_type") == "weakAlias"


def given_name_agrees(query_tokens: tuple[str, ...], hit: HitView) -> bool:
    """True when the query's given name lines up with the given name of some list name.

    "Fawaz Akhras" matches the alias "Asma Fawaz Al Akhras" well on tokens,
    but the text's given name is the list name's middle name: that is a
    relative, not the person. Such hits keep their score but get no help
    from document context. Non-persons always agree.
    """
    if hit.schema != PERSON:
        return True
    content = [t for t in query_tokens if t not in PARTICLES]
    if len(content) < 2:
        return True
    first = content[0]
    names = hit.values("name") + hit.values("alias") + [hit.caption]
    for name in names:
        listed = [t for t in name_tokens(name, PERSON) if t not in PARTICLES]
        if listed and token_similarity(first, listed[0])[0] >= 0.8:
            return True
    return False


def group_hits(
    hits: Iterable[HitView],
    threshold: float,
    *,
    context: set[str] | None = None,
    gender: str | None = None,
    query_tokens: tuple[str, ...] = (),
    transpositions: bool = False,
) -> list[PartyGroup]:
    """Hits at or above ``threshold`` grouped into parties, most likely first.

    ``context`` holds lower-case words the document says around or about
    the mention and names of other people it mentions; ``gender`` is what
    the text says about the person (title, pronouns); ``transpositions`` as in
    :func:`loose_alignment`, for names read from a structured field.
    """
    # Scores within a hair are a tie, broken by list priority.
    strong = sorted(
        (
            h
            for h in hits
            if h.score >= threshold
            and not loose_alignment(h, transpositions=transpositions)
            and not weak_alias_only(h)
        ),
        key=lambda h: (-round(h.score, 2), _priority(h)),
    )
    groups: list[PartyGroup] = []
    for hit in strong:
        for group in groups:
            if hit.score >= group.primary.score - _SAME_PARTY_GAP and same_party(group.primary, hit):
                group.members.append(hit)
                break
        else:
            groups.append(PartyGroup(hit))
    if gender:
        fitting = [g for g in groups if g.gender in (None, gender)]
        groups = fitting or groups
    best = groups[0].primary.score if groups else 0.0
    context = expand_context(context or set())
    for group in groups:
        support = min(len({d for m in (group.primary, *group.members) for d in m.datasets}) - 1, 2) * 0.04
        coherence = 0.0
        if context:
            words: set[str] = set()
            for member in (group.primary, *group.members):
                words |= member.context_words()
            coherence = min(len(words & context), 2) * 0.06
        # Two pieces of document evidence (a role, another person the
        # record names) may overturn a wider gap than one or none.
        near = best - group.primary.score <= (_WIDE_TIE if coherence >= 0.12 else _NEAR_TIE)
        aligned = not query_tokens or given_name_agrees(query_tokens, group.primary)
        group.rank = group.primary.score + (support + coherence if near and aligned else 0.0)
    groups.sort(key=lambda g: -g.rank)
    return groups
