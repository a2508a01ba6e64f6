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

from rapidfuzz.distance import Levenshtein

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
    if length <= 7:
        return 1
    return 2


def fuzzy_similarity(a: str, b: str) -> float:
    """Similarity for a pair within the edit budget, else 0."""
    budget = edit_budget(min(len(a), len(b)))
    if budget == 0:
        return 0.0
    distance = Levenshtein.distance(a, b, score_cutoff=budget)
    if distance > budget:
        return 0.0
    return 1.0 - distance / max(len(a), len(b))


def abjad_compatible(abjad: str, latin: str) -> bool:
    """Could ``latin`` be a vowelled spelling of the vowel-less ``abjad`` token?

    Their consonants must agree. An abjad token that starts with a vowel
    letter (alif) needs a Latin spelling that starts with a vowel too
    (``asma`` is not ``wasim``); one that starts with a consonant may meet a
    vowel-initial spelling, since a leading ``ayn`` is dropped in
    transliteration (``mr`` for Omar). One-consonant skeletons only meet
    short spellings (``ly`` / ``Ali``).
    """
    key = consonant_key(abjad)
    if not key or key != consonant_key(latin):
        return False
    if abjad[0] in _VOWELS and latin[0] not in _VOWELS:
        return False
    return len(key) >= 2 or len(latin) <= 4


_VOWELS = frozenset("aeiou")


def phonetic_similarity(a: str, b: str, a_abjad: bool = False, b_abjad: bool = False) -> float:
    """Similarity credited to sound-alike tokens, else 0.

    ``a_abjad``/``b_abjad`` say that token was transliterated from a script
    that omits short vowels, so only its consonants can be compared.
    """
    shorter = min(len(a), len(b))
    va, vb = vowel_key(a), vowel_key(b)
    if va == vb and len(va) >= 2:
        return 0.88 if shorter >= 4 else 0.8
    if (a_abjad and abjad_compatible(a, b)) or (b_abjad and abjad_compatible(b, a)):
        return 0.85
    ma = metaphone_key(a)
    if ma and ma == metaphone_key(b):
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
