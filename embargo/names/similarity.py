"""How alike two name tokens are, and why.

One function, :func:`token_similarity`, decides this for the index (which
only uses it to confirm candidates its keys found) and for brute-force
scoring alike, so the two can never disagree. The kinds, strongest first:

===========  ==========  ====================================================
method       similarity  when
===========  ==========  ====================================================
exact        1.0         same token after normalisation
equivalent   0.9         known given-name equivalents (William / Bill);
                         0.8 for two different company legal forms
fuzzy        0.75-0.95   within the edit budget for the length (typos)
phonetic     0.8-0.88    same sound-alike key (Qadhafi / Gaddafi, Jong / Jeong)
initial      0.7         a single letter and a word starting with it
===========  ==========  ====================================================

The edit budget (optimal string alignment, so a swapped pair of letters is
one edit) grows with length -- none up to 3 letters, one up to 5, two beyond
-- so that short tokens (``Ali`` / ``Ola``) are never fuzzy-equal; up to 5
letters the first letter must also agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from typing import Protocol

from rapidfuzz.distance import OSA, Indel

from embargo.names.normalise import ALLAH_ABJAD, ALLAH_SPELLINGS, LEGAL_FORM_TOKENS, given_name_equivalents
from embargo.names.phonetic import abjad_keys, consonant_key, metaphone_key, vowel_key, vowel_sound_key

EXACT = "exact"
EQUIVALENT = "equivalent"
TRANSLITERATED = "transliterated"
PHONETIC = "phonetic"
FUZZY = "fuzzy"
INITIAL = "initial"

INITIAL_SIMILARITY = 0.7
EQUIVALENT_SIMILARITY = 0.9
SHORT_EQUIVALENT_SIMILARITY = 0.8
# Two different legal forms (Ltd / LLC): same kind of word, often mistranslated.
LEGAL_FORM_SIMILARITY = 0.8


def edit_budget(length: int) -> int:
    """Edits tolerated between tokens whose shorter one has ``length`` letters."""
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    return 2


def fuzzy_similarity(a: str, b: str) -> float:
    """Similarity for a pair within the edit budget, else 0."""
    return probe(a).fuzzy(b, min(len(a), len(b)))


def _past_joined_article(a: str, b: str) -> tuple[str, str]:
    """Two Arabic-script tokens without the article both have joined on.

    A typo budget spent on ``albshyr`` / ``alashy`` would count the shared
    ``al`` as two letters of the name in common (al-Bashir, al-Ashi).
    """
    if a.startswith("al") and b.startswith("al") and min(len(a), len(b)) > 4:
        return a[2:], b[2:]
    return a, b


def abjad_similarity(abjad: str, latin: str, latin_abjad: bool = False) -> float:
    """How well ``latin`` fits as a vowelled spelling of the vowel-less ``abjad`` token.

    Arabic, Persian and Hebrew write consonants and long vowels but not
    short vowels, so ``asd`` (الأسد) may be spelt ``assad`` but not ``said``,
    and ``blaly`` may be ``balali`` but not ``billy``. The consonants must
    agree (same consonant key) and the spelling must fit the written
    letters: each written long vowel (alif, waw, yeh) needs a matching
    vowel, short vowels may be added anywhere, and a leading vowel may be
    added for a hamza the transliteration lost.
    More agreeing consonants are stronger evidence: 0.9 from three, 0.85 for
    two, 0.75 for one. When ``latin`` is itself from an abjad script
    (``latin_abjad``), the two need a reading in common.
    """
    if abjad == _ARTICLE or latin == _ARTICLE:
        return 0.0  # the article is no vowelled spelling of a name, nor has one
    if abjad == ALLAH_ABJAD:
        # One consonant says little: the word Allah is spelt only so many ways.
        return 0.9 if latin in ALLAH_SPELLINGS else 0.0
    shared = abjad_keys(abjad) & (abjad_keys(latin) if latin_abjad else {consonant_key(latin)})
    if not shared:
        return 0.0
    if _abjad_pattern(abjad).fullmatch(latin) is None:
        return 0.0
    length = max(len(key) for key in shared)
    return 0.9 if length >= 3 else 0.85 if length == 2 else 0.75


# The Arabic article, as normalisation writes every spelling of it.
_ARTICLE = "al"
_SHORT = "[aeiouy]*"
_ABJAD_UNITS = frozenset({"dh", "th", "kh", "gh", "sh", "ch", "zh"})
_CONSONANTS = "[b-df-hj-np-tv-z]"


@lru_cache(maxsize=50_000)
def _abjad_pattern(abjad: str) -> re.Pattern[str]:
    # A leading hamza or ayn may be lost in transliteration: a Latin vowel
    # may stand for it (Ewaz / wdh).
    parts = [] if abjad[0] in "ay" else ["[aeiou]?"]
    last = len(abjad) - 1
    i = 0
    while i <= last:
        ch = abjad[i]
        if abjad[i : i + 2] in _ABJAD_UNITS:
            # One letter written with two (dh for dad: Ramadan / Ramazan), or
            # two letters, the second a heh (طه, Taha).
            parts.append(f"{_CONSONANTS}{{1,3}}(?:[aeiouy]*h)?")
            i += 1
        elif ch == "a":
            parts.append("[aeiou]+")
        elif ch == "w":
            parts.append("[aei]*[uowv][aeiouwv]*" if i else "(?:[wv]|[uo])")
        elif ch == "y" and i == last and i > 0:
            # A final yeh may be an alif maqsura (Morteza, Musa).
            parts.append("(?:[aeou]*[iyej][aeiouy]*|[aeiou]*a)")
        elif ch == "y":
            parts.append("[aeou]*[iyej][aeiouy]*" if i else "(?:[yj]|[ie])")
        elif ch in "eiou":
            parts.append("[aeiouy]+")
        elif ch == "h" and i == last and i > 0:
            parts.append("(?:h|[aeiou]+h?|t)?")  # final heh / ta marbuta
        else:
            parts.append(f"{_CONSONANTS}{{1,3}}")
        parts.append(_SHORT)
        i += 1
    return re.compile("".join(parts))


def phonetic_similarity(a: str, b: str, a_abjad: bool = False, b_abjad: bool = False) -> float:
    """Similarity credited to sound-alike tokens, else 0 (see :meth:`TokenProbe.phonetic`)."""
    return probe(a, a_abjad).phonetic(b, b_abjad, min(len(a), len(b)))


# Signs that a Latin token is a Russian (or other Cyrillic) name romanised
# the German way: Jurewitsch, Kolokolzew, Sljusar, Tschichantschin.
_GERMAN_SIGNS = re.compile(r"tsch|sch|witsch|wna$|[oe]wa?$|ij$|[lnd]j[aeiou]")
_GERMAN_SPELLINGS = (
    ("schtsch", "1"), ("tsch", "2"), ("sch", "3"), ("ch", "kh"), ("1", "shch"), ("2", "ch"), ("3", "sh"),
    ("w", "v"), ("z", "ts"),
)  # fmt: skip
_GERMAN_J = re.compile(r"j(?=[aeiou])|(?<=[aeiou])j")
# A German-romanised spelling is good evidence, never an exact match.
GERMAN_SIMILARITY_CAP = 0.9


@lru_cache(maxsize=100_000)
def from_german_romanisation(token: str) -> str:
    """The English-style spelling of a German-romanised Russian name, else ``token``.

    German writes Cyrillic ``в`` as w, ``ц`` as z, ``ч`` as tsch, ``ш`` as
    sch, ``х`` as ch and ``й``/``я``/``ю`` with j (``Jurewitsch`` ->
    ``yurevich``); lists write them v, ts, ch, sh, kh and y. Only tokens
    that show a German sign, of five letters or more, are respelt.
    """
    if len(token) < 5 or not _GERMAN_SIGNS.search(token):
        return token
    for a, b in _GERMAN_SPELLINGS:
        token = token.replace(a, b)
    return _GERMAN_J.sub("y", token)


def token_similarity(a: str, b: str, a_abjad: bool = False, b_abjad: bool = False) -> tuple[float, str]:
    """(similarity, method) for query token ``a`` against list token ``b``.

    ``a_abjad``/``b_abjad``: the token came from Arabic, Persian or Hebrew script.
    A query token romanised the German way is also compared as lists spell it.
    """
    return probe(a, a_abjad)(b, b_abjad)


class TokenProbe:
    """:func:`token_similarity` of one query token, ready to meet many list tokens.

    The index confirms every token its keys found for a query token, a few
    dozen per token; what depends on the query token alone (its given-name
    equivalents, sound-alike keys, German respelling) is worked out once
    here rather than once per pair, which was most of the cost of a query
    with words the index had not seen yet. :func:`token_similarity` is a
    probe applied to one pair, so there is one definition of similarity.
    """

    __slots__ = ("token", "abjad", "length", "equivalents", "legal_form", "vowel", "metaphone", "english")

    def __init__(self, token: str, abjad: bool = False) -> None:
        self.token = token
        self.abjad = abjad
        self.length = len(token)
        self.equivalents = given_name_equivalents(token)
        self.legal_form = token in LEGAL_FORM_TOKENS
        self.vowel = vowel_key(token)
        self.metaphone = metaphone_key(token)
        english = token if abjad else from_german_romanisation(token)
        # The token as lists spell it, when it looks romanised the German way.
        self.english = None if english == token else TokenProbe(english)

    def __call__(self, b: str, b_abjad: bool = False) -> tuple[float, str]:
        return self.similarity(b, b_abjad)

    def similarity(self, b: str, b_abjad: bool) -> tuple[float, str]:
        """(similarity, method) of this token against list token ``b``."""
        sim, method = self.compare(b, b_abjad)
        # An initial is compared as written.
        if sim or self.english is None or len(b) == 1:
            return sim, method
        sim, _ = self.english.compare(b, b_abjad)
        return (min(sim, GERMAN_SIMILARITY_CAP), TRANSLITERATED) if sim else (0.0, "")

    def similar_among(
        self, tids: Iterable[int], tokens: list[str], abjad: list[bool]
    ) -> dict[int, tuple[float, str]]:
        """{token id: (similarity, method)} of the tokens ``tids`` (ids into ``tokens``) it is similar to."""
        found: dict[int, tuple[float, str]] = {}
        for tid in tids:
            result = self.similarity(tokens[tid], abjad[tid])
            if result[0] > 0.0:
                found[tid] = result
        return found

    def compare(self, b: str, b_abjad: bool) -> tuple[float, str]:
        """Like calling the probe, without the German respelling."""
        a = self.token
        if a == b:
            return 1.0, EXACT
        la = self.length
        lb = len(b)
        if la == 1 or lb == 1:
            if a[0] == b[0]:
                return INITIAL_SIMILARITY, INITIAL
            return 0.0, ""
        shorter = la if la < lb else lb
        if b in self.equivalents:
            # Very short nicknames (Bob, Win) are also other names in their own right.
            return (EQUIVALENT_SIMILARITY if shorter > 3 else SHORT_EQUIVALENT_SIMILARITY), EQUIVALENT
        if self.legal_form and b in LEGAL_FORM_TOKENS:
            return LEGAL_FORM_SIMILARITY, EQUIVALENT
        if self.abjad and b_abjad:
            fuzzy = fuzzy_similarity(*_past_joined_article(a, b))
        else:
            fuzzy = self.fuzzy(b, shorter)
        phonetic = self.phonetic(b, b_abjad, shorter)
        if fuzzy == 0.0 and phonetic == 0.0:
            return 0.0, ""
        if fuzzy >= phonetic:
            return fuzzy, FUZZY
        return phonetic, PHONETIC

    def fuzzy(self, b: str, shorter: int) -> float:
        """Similarity for a pair within the edit budget, else 0 (``shorter``: the shorter length)."""
        budget = edit_budget(shorter)
        if budget == 0:
            return 0.0
        a = self.token
        if shorter <= 5 and a[0] != b[0]:
            # Typos rarely hit the first letter; in short names a different
            # first letter is a different name (Wade / Made, Tong / Jong).
            return 0.0
        longer = self.length + len(b) - shorter
        if longer - shorter > budget:
            return 0.0  # each extra letter is an edit
        # Optimal string alignment: a swapped pair of letters is one typo.
        distance = OSA.distance(a, b, score_cutoff=budget)
        if distance > budget:
            return 0.0
        return 1.0 - distance / longer

    def phonetic(self, b: str, b_abjad: bool, shorter: int) -> float:
        """Similarity credited to sound-alike tokens, else 0.

        ``abjad``/``b_abjad`` say that token was transliterated from a script
        that omits short vowels, so only its consonants can be compared. Keys
        alone are too coarse for short words (``queen`` and ``chan`` share a vowel
        key; so do ``sierra`` and ``sarria``), so the spellings must also share most
        of their letters.
        """
        a = self.token
        if self.abjad and b_abjad:
            # Two vowel-less spellings compare letter for letter; English sound
            # rules would say ``amad`` (Imad) sounds like ``ahmd`` (Ahmad).
            return max(abjad_similarity(a, b, True), abjad_similarity(b, a, True))
        vowel = self.vowel
        if len(vowel) >= 2 and vowel == vowel_key(b):
            if Indel.normalized_similarity(a, b) >= (0.6 if shorter <= 3 else 0.7):
                return 0.88 if shorter >= 4 else 0.8
            if shorter >= 4 and vowel_sound_key(a) == vowel_sound_key(b):
                return 0.88
        best = 0.0
        if self.abjad:
            best = abjad_similarity(a, b)
        if b_abjad:
            best = max(best, abjad_similarity(b, a))
        if best:
            return best
        meta = self.metaphone
        if meta and meta == metaphone_key(b) and Indel.normalized_similarity(a, b) >= 0.5:
            return 0.8
        return 0.0


class SimilarityProbe(Protocol):
    """What :class:`TokenProbe` and its compiled twin (``_similarity.pyx``) offer."""

    def __call__(self, b: str, b_abjad: bool = False) -> tuple[float, str]: ...
    def similarity(self, b: str, b_abjad: bool) -> tuple[float, str]: ...
    def fuzzy(self, b: str, shorter: int) -> float: ...
    def phonetic(self, b: str, b_abjad: bool, shorter: int) -> float: ...
    def similar_among(
        self, tids: Iterable[int], tokens: list[str], abjad: list[bool]
    ) -> dict[int, tuple[float, str]]: ...


@lru_cache(maxsize=20_000)
def probe(token: str, abjad: bool = False) -> SimilarityProbe:
    """The probe of ``token``, compiled where it was built, kept while it is in use."""
    return _probe_class()(token, abjad)


@cache
def _probe_class() -> Callable[[str, bool], SimilarityProbe]:
    # Resolved on first use: the compiled module imports this one.
    try:
        from embargo.names._similarity import TokenProbe as CompiledProbe
    except ImportError:  # built without a C compiler
        return TokenProbe
    return CompiledProbe
