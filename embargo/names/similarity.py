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
from functools import lru_cache

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
    budget = edit_budget(min(len(a), len(b)))
    if budget == 0:
        return 0.0
    if a[0] != b[0] and min(len(a), len(b)) <= 5:
        # Typos rarely hit the first letter; in short names a different
        # first letter is a different name (Wade / Made, Tong / Jong).
        return 0.0
    if abs(len(a) - len(b)) > budget:
        return 0.0  # each extra letter is an edit
    # Optimal string alignment: a swapped pair of letters is one typo.
    distance = OSA.distance(a, b, score_cutoff=budget)
    if distance > budget:
        return 0.0
    return 1.0 - distance / max(len(a), len(b))


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


_VOWELS = frozenset("aeiou")


def phonetic_similarity(a: str, b: str, a_abjad: bool = False, b_abjad: bool = False) -> float:
    """Similarity credited to sound-alike tokens, else 0.

    ``a_abjad``/``b_abjad`` say that token was transliterated from a script
    that omits short vowels, so only its consonants can be compared. Keys
    alone are too coarse for short words (``queen`` and ``chan`` share a vowel
    key; so do ``sierra`` and ``sarria``), so the spellings must also share most
    of their letters.
    """
    if a_abjad and b_abjad:
        # Two vowel-less spellings compare letter for letter; English sound
        # rules would say ``amad`` (Imad) sounds like ``ahmd`` (Ahmad).
        return max(abjad_similarity(a, b, True), abjad_similarity(b, a, True))
    shorter = min(len(a), len(b))
    va, vb = vowel_key(a), vowel_key(b)
    if va == vb and len(va) >= 2:
        if Indel.normalized_similarity(a, b) >= (0.6 if shorter <= 3 else 0.7):
            return 0.88 if shorter >= 4 else 0.8
        if shorter >= 4 and vowel_sound_key(a) == vowel_sound_key(b):
            return 0.88
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
    sim, method = _token_similarity(a, b, a_abjad, b_abjad)
    if sim or a_abjad or len(b) == 1:  # an initial is compared as written
        return sim, method
    english = from_german_romanisation(a)
    if english == a:
        return sim, method
    sim, _ = _token_similarity(english, b, False, b_abjad)
    return (min(sim, GERMAN_SIMILARITY_CAP), TRANSLITERATED) if sim else (0.0, "")


def _token_similarity(a: str, b: str, a_abjad: bool, b_abjad: bool) -> tuple[float, str]:
    if a == b:
        return 1.0, EXACT
    if len(a) == 1 or len(b) == 1:
        if a[0] == b[0]:
            return INITIAL_SIMILARITY, INITIAL
        return 0.0, ""
    if b in given_name_equivalents(a):
        # Very short nicknames (Bob, Win) are also other names in their own right.
        return (EQUIVALENT_SIMILARITY if min(len(a), len(b)) > 3 else SHORT_EQUIVALENT_SIMILARITY), EQUIVALENT
    if a in LEGAL_FORM_TOKENS and b in LEGAL_FORM_TOKENS:
        return LEGAL_FORM_SIMILARITY, EQUIVALENT
    fuzzy = fuzzy_similarity(*_past_joined_article(a, b)) if a_abjad and b_abjad else fuzzy_similarity(a, b)
    phonetic = phonetic_similarity(a, b, a_abjad, b_abjad)
    if fuzzy == 0.0 and phonetic == 0.0:
        return 0.0, ""
    if fuzzy >= phonetic:
        return fuzzy, FUZZY
    return phonetic, PHONETIC
