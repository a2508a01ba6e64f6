"""Scoring one query name against one list name, then the secondary fields.

Name score
----------
Query tokens are aligned to list tokens in any order (best pairs first, one
to one). Every token carries a rarity weight (inverse document frequency over
all indexed names; particles, legal forms and initials weigh little), so that
agreeing on ``Peskov`` counts far more than agreeing on ``Mohammed``. With
``cq`` the similarity-weighted share of the query explained by the list name
and ``cc`` the weighted share of list tokens paired with a query token::

    name_score = cq * cc ** 0.3 * (1 - 0.5 * min(unexplained query, unexplained list))

so an extra middle name or patronymic on the list costs little, an extra
query token costs a lot (the query describes someone the list does not),
and tokens unexplained on *both* sides (``Sergeyevich`` vs ``Nikolaevich``)
are treated as a conflict. A one-word person query against a longer list
name is capped below the default threshold (0.65), or at 0.75 when it is a
rare name matched exactly; against a one-word list name it needs an exact or
near-exact (>= 0.9) token to pass 0.69. Only an exact normalised full name (same tokens, any order) scores 1.0;
everything else is capped at 0.99.

Unmatched middle names and patronymics of the query (tokens between the
first and last of a name of three or more, or ending like a patronymic)
count for only :data:`SOFT_SHARE` of their weight.

Secondary fields
----------------
``birthDate``: ``exact`` +0.04, ``year`` +0.02, ``near`` (one year apart)
-0.05, ``conflict`` (two or more years apart) x0.65, so that an exact name
with another birth date falls below the default threshold. Nationality/country: agree +0.02, conflict -0.04.
Gender conflict -0.1. An identical identifier (passport, IMO, registration
number...) is decisive: the score becomes at least 0.98. Missing fields on
either side change nothing. Bands: ``exact`` 1.0, ``strong`` >= 0.85,
``possible`` >= 0.70, ``weak`` below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from embargo.names.normalise import LEGAL_FORM_TOKENS, PARTICLES
from embargo.names.similarity import EXACT, FUZZY, INITIAL, INITIAL_SIMILARITY

CANDIDATE_EXPONENT = 0.3
CONFLICT_PENALTY = 0.8
SINGLE_TOKEN_CAP = 0.65
SINGLE_RARE_TOKEN_CAP = 0.75
SINGLE_INEXACT_CAP = 0.69
NON_EXACT_CAP = 0.99
PARTICLE_WEIGHT = 0.5
LEGAL_FORM_WEIGHT = 0.25
INITIAL_WEIGHT = 1.0
INITIAL_CREDIT_CAP = 2.5 * INITIAL_WEIGHT
# Share of its weight an unmatched middle name or patronymic of the query
# still counts: lists often leave them out (Oleg Dorianovich Valenchuk is
# listed as Oleg Valenchuk), unlike an extra first name or surname.
SOFT_SHARE = 0.35
_PATRONYMIC = re.compile(r"(?:vich|vych|vna|ogly|oglu|kyzy|qizi)$")

STRONG = 0.85
POSSIBLE = 0.70

DOB_BONUS = {"exact": 0.04, "year": 0.02, "near": -0.05}
DOB_CONFLICT_FACTOR = 0.65
COUNTRY_AGREE = 0.02
COUNTRY_CONFLICT = -0.04
GENDER_CONFLICT = -0.1
IDENTIFIER_SCORE = 0.98
MAX_BONUS = DOB_BONUS["exact"] + COUNTRY_AGREE


def is_minor_token(token: str) -> bool:
    """Particles and legal forms: they say little about who someone is."""
    return token in PARTICLES or token in LEGAL_FORM_TOKENS


def fixed_weight(token: str) -> float | None:
    """The weight of tokens whose weight does not depend on rarity, else None."""
    if len(token) == 1:
        return INITIAL_WEIGHT
    if token in LEGAL_FORM_TOKENS:
        return LEGAL_FORM_WEIGHT
    if token in PARTICLES:
        return PARTICLE_WEIGHT
    return None


def is_patronymic(token: str) -> bool:
    return len(token) >= 6 and _PATRONYMIC.search(token) is not None


def soft_tokens(tokens: Sequence[str]) -> tuple[bool, ...]:
    """Which query tokens are middle names or patronymics (cheap to leave unmatched)."""
    return _soft_tokens(tuple(tokens))


@lru_cache(maxsize=20_000)
def _soft_tokens(tokens: tuple[str, ...]) -> tuple[bool, ...]:
    n = len(tokens)
    return tuple((n >= 3 and 0 < i < n - 1) or is_patronymic(t) for i, t in enumerate(tokens))


@dataclass(slots=True)
class TokenMatch:
    query: str
    candidate: str
    method: str
    similarity: float
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "candidate": self.candidate,
            "method": self.method,
            "similarity": round(self.similarity, 3),
            "weight": round(self.weight, 3),
        }


@dataclass(slots=True)
class NameMatch:
    score: float
    exact: bool
    pairs: list[TokenMatch] = field(default_factory=list)
    unmatched_query: list[str] = field(default_factory=list)
    unmatched_candidate: list[str] = field(default_factory=list)


SimilarityFn = Callable[[int, int], tuple[float, str]]
# A similar pair of tokens: (similarity, query token weight, query index, list index, method).
Option = tuple[float, float, int, int, str]
# A pair taken by the alignment: (query index, list index, method, similarity, weight credited).
Paired = tuple[int, int, str, float, float]
# What an alignment gives: the name score, the pairs taken, the query and list indices left unpaired.
Alignment = tuple[float, list[Paired], list[int], list[int]]


def score_name(
    query: Sequence[str],
    query_weights: Sequence[float],
    candidate: Sequence[str],
    candidate_weights: Sequence[float],
    similarity: SimilarityFn,
    person: bool = True,
    soften: bool = True,
    rare_weight: float = float("inf"),
    syllabic: bool = False,
) -> NameMatch:
    """Align ``query`` to ``candidate`` tokens and score the name pair.

    ``similarity(i, j)`` gives (similarity, method) of query token ``i`` and
    candidate token ``j``; the caller supplies it so that the fast path can
    use precomputed similarities and the brute-force path can compute them
    (the matcher's fast path is :func:`score_spelling`).
    ``syllabic`` is set when either name was written in Chinese or Korean
    script and is therefore split into syllables: a syllable left over on
    either side is then a different name, not an omitted middle name.
    """
    n_q = len(query)
    n_c = len(candidate)
    if n_q == n_c and sorted(query) == sorted(candidate):
        return _exact_name(query, query_weights)
    options: list[Option] = []
    for i in range(n_q):
        for j in range(n_c):
            sim, method = similarity(i, j)
            if sim > 0.0:
                options.append((sim, query_weights[i], i, j, method))
    alignment = _aligner()(
        options, query, query_weights, candidate, candidate_weights, person, soften, rare_weight, syllabic
    )
    return _aligned_name(query, candidate, alignment)


def _exact_name(query: Sequence[str], query_weights: Sequence[float]) -> NameMatch:
    pairs = [TokenMatch(q, q, "exact", 1.0, w) for q, w in zip(query, query_weights, strict=True)]
    return NameMatch(1.0, True, pairs)


def _aligned_name(query: Sequence[str], candidate: Sequence[str], alignment: Alignment) -> NameMatch:
    score, paired, unmatched_q, unmatched_c = alignment
    return NameMatch(
        score,
        False,
        [TokenMatch(query[i], candidate[j], method, sim, weight) for i, j, method, sim, weight in paired],
        [query[i] for i in unmatched_q],
        [candidate[j] for j in unmatched_c],
    )


def score_spelling_py(
    query: Sequence[str],
    query_weights: Sequence[float],
    similar: Sequence[Mapping[int, tuple[float, str]]],
    candidate_ids: Sequence[int],
    tokens: Sequence[str],
    weights: Sequence[float],
    typo_blind: bool,
    person: bool,
    soften: bool,
    rare_weight: float,
    syllabic: bool,
) -> NameMatch:
    """:func:`score_name` of the list name made of the token ids ``candidate_ids``.

    ``tokens`` and ``weights`` are the index's, by token id; the similar
    pairs come from ``similar`` as :func:`similar_pairs_py` lists them. This
    is the whole per-spelling work of a matcher, compiled in ``_align.pyx``
    (the bookkeeping of a few tokens costs more in Python than the scoring).
    """
    candidate = [tokens[t] for t in candidate_ids]
    if len(query) == len(candidate) and sorted(query) == sorted(candidate):
        return _exact_name(query, query_weights)
    options = similar_pairs_py(query, query_weights, similar, candidate_ids, candidate, typo_blind)
    candidate_weights = [weights[t] for t in candidate_ids]
    alignment = align_py(
        options, query, query_weights, candidate, candidate_weights, person, soften, rare_weight, syllabic
    )
    return _aligned_name(query, candidate, alignment)


def align_py(
    options: list[Option],
    query: Sequence[str],
    query_weights: Sequence[float],
    candidate: Sequence[str],
    candidate_weights: Sequence[float],
    person: bool,
    soften: bool,
    rare_weight: float,
    syllabic: bool,
) -> Alignment:
    """The alignment and score of :func:`score_name` for a name pair that is not exact.

    Sorts ``options`` in place. ``embargo/names/_align.pyx`` compiles the
    same steps (a matcher aligns tens of name pairs per query); this is
    the reference it is tested against and what runs where it was not built.
    """
    n_q = len(query)
    n_c = len(candidate)
    options.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    paired: list[Paired] = []
    got_q = got_c = 0.0
    real = False
    # Every pair is a query token's (i) and a list token's (j) best left:
    # once either side is used up no further pair can be taken.
    most = min(n_q, n_c)
    for sim, weight, i, j, method in options:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        if method == "initial":
            # An initial says little whichever side it is on: it earns at
            # most a few initials' worth, and only half-explains the name
            # it stands for ("AHMED, A" is not "Alexander Ahmed").
            weight = min(weight, INITIAL_CREDIT_CAP)
            paired.append((i, j, method, sim, weight))
            got_q += sim * weight
            got_c += candidate_weights[j] * sim
        else:
            paired.append((i, j, method, sim, weight))
            got_q += sim * weight
            got_c += candidate_weights[j]
            real = real or not is_minor_token(query[i])
        if len(paired) == most:
            break
    if not real:
        # Initials, particles and legal forms alone identify nobody.
        got_q = got_c = 0.0
    if soften and not syllabic:
        soft = soft_tokens(query)
        effective = [
            w * SOFT_SHARE if soft[i] and i not in used_q else w for i, w in enumerate(query_weights)
        ]
    else:
        effective = list(query_weights)
    total_q = sum(effective)
    total_c = sum(candidate_weights)
    cq = min(1.0, got_q / total_q) if total_q else 0.0
    cc = got_c / total_c if total_c else 0.0
    score = cq * cc ** (1.0 if syllabic else CANDIDATE_EXPONENT)
    unmatched_q = [i for i in range(n_q) if i not in used_q]
    unmatched_c = [j for j in range(n_c) if j not in used_c]
    if score > 0.0:
        lost_q = sum([effective[i] for i in unmatched_q]) / total_q
        lost_c = sum([candidate_weights[j] for j in unmatched_c]) / total_c
        score *= 1.0 - CONFLICT_PENALTY * min(lost_q, lost_c)
        if person:
            score = min(score, _single_token_cap(query, query_weights, candidate, paired, rare_weight))
    return min(score, NON_EXACT_CAP), paired, unmatched_q, unmatched_c


def similar_pairs_py(
    query: Sequence[str],
    query_weights: Sequence[float],
    similar: Sequence[Mapping[int, tuple[float, str]]],
    candidate_ids: Sequence[int],
    candidate: Sequence[str],
    typo_blind: bool,
) -> list[Option]:
    """The ``options`` of :func:`score_name` from the similar tokens known for each query token.

    ``similar[i]`` maps the ids of the tokens query token ``i`` is similar
    to onto (similarity, method); ``candidate_ids`` are the list name's
    token ids and ``candidate`` their text. A query initial is paired with
    the list words it begins. ``typo_blind`` drops fuzzy pairs (see the
    matcher). Compiled in ``_align.pyx`` like :func:`align_py`.
    """
    options: list[Option] = []
    for i, (q, weight, found_by_id) in enumerate(zip(query, query_weights, similar, strict=True)):
        if len(q) == 1:
            for j, c in enumerate(candidate):
                if c == q:
                    options.append((1.0, weight, i, j, EXACT))
                elif c[0] == q:
                    options.append((INITIAL_SIMILARITY, weight, i, j, INITIAL))
            continue
        for j, tid in enumerate(candidate_ids):
            found = found_by_id.get(tid)
            if found is not None and not (typo_blind and found[1] == FUZZY):
                options.append((found[0], weight, i, j, found[1]))
    return options


AlignFn = Callable[
    [list[Option], Sequence[str], Sequence[float], Sequence[str], Sequence[float], bool, bool, float, bool],
    Alignment,
]


ScoreSpellingFn = Callable[
    [
        Sequence[str],
        Sequence[float],
        Sequence[Mapping[int, tuple[float, str]]],
        Sequence[int],
        Sequence[str],
        Sequence[float],
        bool,
        bool,
        bool,
        float,
        bool,
    ],
    NameMatch,
]


@cache
def _kernels() -> tuple[AlignFn, ScoreSpellingFn]:
    """The compiled :func:`align_py` and :func:`score_spelling_py` when built.

    Resolved on first use, not at import: the compiled module reads this
    module's constants.
    """
    try:
        from embargo.names._align import align, score_spelling
    except ImportError:  # built without a C compiler
        return align_py, score_spelling_py
    return align, score_spelling


def _aligner() -> AlignFn:
    return _kernels()[0]


def score_spelling(
    query: Sequence[str],
    query_weights: Sequence[float],
    similar: Sequence[Mapping[int, tuple[float, str]]],
    candidate_ids: Sequence[int],
    tokens: Sequence[str],
    weights: Sequence[float],
    typo_blind: bool,
    person: bool,
    soften: bool,
    rare_weight: float,
    syllabic: bool,
) -> NameMatch:
    """:func:`score_spelling_py`, compiled where it was built."""
    return _kernels()[1](
        query,
        query_weights,
        similar,
        candidate_ids,
        tokens,
        weights,
        typo_blind,
        person,
        soften,
        rare_weight,
        syllabic,
    )


PARTIAL_CAP = 0.95


def partial_name(name: NameMatch) -> NameMatch:
    """The match of a name cut out of a longer one: strong at most, never exact.

    Keeps "Al-Haramain Foundation" from scoring 1.0 against the listed
    "Al-Haramain Foundation (Indonesia)" when the query says Pakistan.
    """
    if not name.exact and name.score <= PARTIAL_CAP:
        return name
    return NameMatch(
        min(name.score, PARTIAL_CAP), False, name.pairs, name.unmatched_query, name.unmatched_candidate
    )


def _single_token_cap(
    query: Sequence[str],
    query_weights: Sequence[float],
    candidate: Sequence[str],
    paired: list[Paired],
    rare_weight: float,
) -> float:
    """The most a one-word person query may score against ``candidate``.

    One word says little about a person: against a longer name it is a
    near-miss unless it is a rare name matched exactly (then "possible");
    against a one-word name only an exact match is more than a near-miss.
    """
    major_q = _major_tokens(tuple(query))
    if len(major_q) != 1:
        return 1.0
    major_c = sum(1 for t in candidate if not is_minor_token(t) and len(t) > 1)
    token = query[major_q[0]]
    exact = any(query[i] == token and method == "exact" for i, _j, method, _sim, _w in paired)
    if major_c >= 2:
        rare = exact and query_weights[major_q[0]] >= rare_weight
        return SINGLE_RARE_TOKEN_CAP if rare else SINGLE_TOKEN_CAP
    strong = any(query[i] == token and sim >= 0.9 for i, _j, _method, sim, _w in paired)
    return 1.0 if strong else SINGLE_INEXACT_CAP


@lru_cache(maxsize=20_000)
def _major_tokens(query: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(i for i, t in enumerate(query) if not is_minor_token(t))


def upper_bound(cq: float, cc: float) -> float:
    """The best name score a pair with these coverage bounds could reach."""
    return min(1.0, cq) * min(1.0, cc) ** CANDIDATE_EXPONENT


# --- secondary fields -------------------------------------------------------

_YEAR = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_date(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of an ISO date prefix, or None."""
    m = _YEAR.match(value.strip())
    if not m:
        return None
    year, month, day = m.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def compare_birth_dates(query: Sequence[str], listed: Sequence[str]) -> dict[str, Any]:
    """Best agreement between any query date and any listed date."""
    return birth_date_comparison(query, parse_dates(query), listed, parse_dates(listed))


def birth_date_comparison(
    query: Sequence[str],
    q_dates: Sequence[DateParts],
    listed: Sequence[str],
    l_dates: Sequence[DateParts],
) -> dict[str, Any]:
    """:func:`compare_birth_dates` of dates already parsed (a matcher parses each once)."""
    best = birth_date_status(q_dates, l_dates)
    result: dict[str, Any] = {"status": best, "query": list(query), "candidate": list(listed)}
    if best == "conflict":
        result["years_apart"] = min(abs(qd[0] - ld[0]) for qd in q_dates for ld in l_dates)
    return result


DateParts = tuple[int, int | None, int | None]


def parse_dates(values: Sequence[str]) -> tuple[DateParts, ...]:
    """The values that are dates, parsed; the rest dropped."""
    return tuple(d for d in (parse_date(v) for v in values) if d)


_DATE_RANK = {"exact": 4, "year": 3, "near": 2, "conflict": 1}


def birth_date_status(q_dates: Sequence[DateParts], l_dates: Sequence[DateParts]) -> str:
    """The ``birthDate`` status of two lists of parsed dates (see :func:`compare_birth_dates`).

    Kept apart so that a matcher can compare dates it parsed once per
    query and once per entity, and build the full comparison only for hits.
    """
    if not q_dates or not l_dates:
        return "missing"
    best = "conflict"
    for qd in q_dates:
        for ld in l_dates:
            status = _date_status(qd, ld)
            if _DATE_RANK[status] > _DATE_RANK[best]:
                best = status
    return best


def _date_status(a: tuple[int, int | None, int | None], b: tuple[int, int | None, int | None]) -> str:
    if a[0] != b[0]:
        return "near" if abs(a[0] - b[0]) == 1 else "conflict"
    if a[1] is None or b[1] is None:
        return "year"
    if a[1] != b[1]:
        return "year"
    if a[2] is None or b[2] is None:
        return "exact" if a[2] == b[2] else "year"
    return "exact" if a[2] == b[2] else "year"


def compare_sets(query: Sequence[str], listed: Sequence[str], name: str) -> dict[str, Any]:
    """``agree`` when the value sets overlap, ``conflict`` when both known and disjoint."""
    return set_comparison(folded_set(query), folded_set(listed))


def set_comparison(query: AbstractSet[str], listed: AbstractSet[str]) -> dict[str, Any]:
    """:func:`compare_sets` of sets already folded."""
    return {"status": set_status(query, listed), "query": sorted(query), "candidate": sorted(listed)}


def folded_set(values: Iterable[str | None]) -> frozenset[str]:
    """The non-empty values, lower-cased, as :func:`compare_sets` compares them."""
    return frozenset(v.lower() for v in values if v)


def set_status(query: AbstractSet[str], listed: AbstractSet[str]) -> str:
    """The status :func:`compare_sets` gives two folded sets."""
    if not query or not listed:
        return "missing"
    if query & listed:
        return "agree"
    return "conflict"


_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")


def normalise_identifier(value: str) -> str:
    """Identifiers compared on letters and digits only, upper case (``AB-12 34`` = ``ab1234``).

    A leading ``IMO`` is dropped, since lists write IMO numbers both ways.
    """
    ident = _NOT_ALPHANUMERIC.sub("", value).upper()
    if ident.startswith("IMO") and ident[3:].isdigit():
        ident = ident[3:]
    return ident


def compare_identifiers(query: Sequence[str], listed: Sequence[str]) -> dict[str, Any]:
    return identifier_comparison(identifier_set(query), identifier_set(listed))


def identifier_comparison(q: AbstractSet[str], c: AbstractSet[str]) -> dict[str, Any]:
    """:func:`compare_identifiers` of sets already normalised."""
    common = sorted(q & c)
    if common:
        return {"status": "match", "matched": common}
    return {"status": identifier_status(q, c), "matched": []}


def identifier_set(values: Iterable[str]) -> frozenset[str]:
    """The values normalised as :func:`compare_identifiers` compares them, empty ones dropped."""
    return frozenset(normalise_identifier(v) for v in values) - {""}


def identifier_status(query: AbstractSet[str], listed: AbstractSet[str]) -> str:
    """The status :func:`compare_identifiers` gives two normalised sets."""
    if query & listed:
        return "match"
    return "missing" if not query or not listed else "no_match"


def combine(name_score: float, exact: bool, secondary: dict[str, dict[str, Any]]) -> float:
    """The final score from the name score and the secondary comparisons."""
    return combine_statuses(
        name_score,
        exact,
        secondary.get("birthDate", {}).get("status"),
        secondary.get("nationality", {}).get("status"),
        secondary.get("gender", {}).get("status"),
        secondary.get("identifiers", {}).get("status"),
    )


def combine_statuses(
    name_score: float,
    exact: bool,
    birth_date: str | None,
    nationality: str | None,
    gender: str | None,
    identifiers: str | None,
) -> float:
    """:func:`combine` from the four statuses alone, which is all it reads.

    A matcher scores many entities per query but explains only the few it
    returns, so it can settle the scores from statuses and build the full
    comparisons for the hits.
    """
    score = name_score
    if birth_date == "conflict":
        score *= DOB_CONFLICT_FACTOR
    elif birth_date in DOB_BONUS:
        score += DOB_BONUS[birth_date]
    if nationality == "agree":
        score += COUNTRY_AGREE
    elif nationality == "conflict":
        score += COUNTRY_CONFLICT
    if gender == "conflict":
        score += GENDER_CONFLICT
    if identifiers == "match":
        score = max(score, IDENTIFIER_SCORE)
    if not exact:
        score = min(score, NON_EXACT_CAP)
    return max(0.0, min(1.0, round(score, 3)))


def band(score: float, exact: bool) -> str:
    if exact and score >= 1.0:
        return "exact"
    if score >= STRONG:
        return "strong"
    if score >= POSSIBLE:
        return "possible"
    return "weak"
