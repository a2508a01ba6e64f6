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

The edit budget grows with length -- none up to 3 letters, one up to 7, two
beyond -- so that short tokens (``Ali`` / ``Ola``) are never fuzzy-equal.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA, Indel

from embargo.names.normalise import LEGAL_FORM_TOKENS, given_name_equivalents
from embargo.names.phonetic import consonant_key, metaphone_key, vowel_key

EXACT = "exact"
EQUIVALENT = "equivalent"
TRANSLITERATED = "transliterated"
PHONETIC = "phonetic"
FUZZY = "fuzzy"
INITIAL = "initial"

INITIAL_SIMILARITY = 0.7
EQUIVALENT_SIMILARITY = 0.9
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
    budget = edit_budget(min(len(a), len(b)))
    if budget == 0:
        return 0.0
    # Optimal string alignment: a swapped pair of letters is one typo.
    distance = OSA.distance(a, b, score_cutoff=budget)
    if distance > budget:
        return 0.0
    return 1.0 - distance / max(len(a), len(b))


def abjad_similarity(abjad: str, latin: str) -> float:
    """How well ``latin`` fits as a vowelled spelling of the vowel-less ``abjad`` token.

    Their consonants must agree. The letters an abjad does write for
    vowels constrain the spelling: an initial alif needs a vowel-initial
    spelling (``asma`` is not ``wasim``), an initial waw or yeh a consonant
    w/v or y/j (``ynwn`` is not ``ann``), and since only short vowels are
    left out the spelling cannot be shorter. A leading ayn is dropped in
    transliteration, so a consonant-initial abjad token may meet a
    vowel-initial spelling (``mr`` / Omar). Longer agreeing skeletons are
    stronger evidence: 0.85 from four consonants, 0.8 for three, 0.7 for two.
    """
    key = consonant_key(abjad)
    if len(key) < 2 or key != consonant_key(latin):
        return 0.0
    if len(latin) < len(abjad) - 1:
        return 0.0
    first = abjad[0]
    if first in _VOWELS and latin[0] not in _VOWELS:
        return 0.0
    if first == "w" and latin[0] not in "wvuo":
        return 0.0
    if first == "y" and latin[0] not in "yjie":
        return 0.0
    return 0.85 if len(key) >= 4 else 0.8 if len(key) == 3 else 0.7


_VOWELS = frozenset("aeiou")


def phonetic_similarity(a: str, b: str, a_abjad: bool = False, b_abjad: bool = False) -> float:
    """Similarity credited to sound-alike tokens, else 0.

    ``a_abjad``/``b_abjad`` say that token was transliterated from a script
    that omits short vowels, so only its consonants can be compared. Keys
    alone are too coarse for short words (``queen`` and ``chan`` share a vowel
    key), so the spellings must also share most of their letters.
    """
    shorter = min(len(a), len(b))
    va, vb = vowel_key(a), vowel_key(b)
    if va == vb and len(va) >= 2 and Indel.normalized_similarity(a, b) >= 0.6:
        return 0.88 if shorter >= 4 else 0.8
    best = 0.0
    if a_abjad:
        best = abjad_similarity(a, b)
    if b_abjad:
        best = max(best, abjad_similarity(b, a))
    if best:
        return best
    ma = metaphone_key(a)
    if ma and ma == metaphone_key(b) and Indel.normalized_similarity(a, b) >= 0.5:
        return 0.8
    return 0.0


def token_similarity(a: str, b: str, a_abjad: bool = False, b_abjad: bool = False) -> tuple[float, str]:
    """(similarity, method) for query token ``a`` against list token ``b``.

    ``a_abjad``/``b_abjad``: the token came from Arabic, Persian or Hebrew script.
    """
    if a == b:
        return 1.0, EXACT
    if len(a) == 1 or len(b) == 1:
        if a[0] == b[0]:
            return INITIAL_SIMILARITY, INITIAL
        return 0.0, ""
    if b in given_name_equivalents(a):
        return EQUIVALENT_SIMILARITY, EQUIVALENT
    if a in LEGAL_FORM_TOKENS and b in LEGAL_FORM_TOKENS:
        return LEGAL_FORM_SIMILARITY, EQUIVALENT
    fuzzy = fuzzy_similarity(a, b)
    phonetic = phonetic_similarity(a, b, a_abjad, b_abjad)
    if fuzzy == 0.0 and phonetic == 0.0:
        return 0.0, ""
    if fuzzy >= phonetic:
        return fuzzy, FUZZY
    return phonetic, PHONETIC
