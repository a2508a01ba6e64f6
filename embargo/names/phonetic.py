"""Sound-alike keys for romanised name tokens.

Romanisations of the same name differ in predictable ways: vowels
(Muammar / Moammar, Jong / Jeong), doubled letters (Gaddafi / Qadhafi),
digraphs for one sound (dh, kh, gh, ph) and ``y``/``i`` endings (Dmitry /
Dmitriy / Dmitrii). :func:`vowel_key` folds those differences while keeping
the shape of the word; :func:`consonant_key` keeps only consonants, which is
all an Arabic or Hebrew spelling without vowels (``mhmd``) can be compared on.
:func:`metaphone_key` adds jellyfish's Metaphone for English spellings.

Keys are for finding and crediting sound-alikes; the scorer still weighs how
close the spellings are, so a key collision is never an exact match.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jellyfish

# Applied in order. Digraphs first so that "kh" does not become "k" + "h".
_DIGRAPHS = (
    ("schtsch", "s"),  # German romanisation of Russian shch
    ("tsch", "c"),  # German ch
    ("shch", "s"),
    ("tch", "c"),
    ("sch", "s"),
    ("kh", "h"),  # Russian/Arabic kh is written h as often (Khan / Han)
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("sh", "s"),
    ("ch", "c"),
    ("zh", "j"),
    ("ck", "k"),
    ("ts", "c"),
    ("tz", "c"),
    ("dj", "j"),
    ("dzh", "j"),
    ("ks", "x"),
)
_LETTERS = str.maketrans({"q": "k", "g": "k", "c": "k", "z": "s", "v": "f", "w": "f", "j": "j", "x": "ks"})
_VOWEL_RUN = re.compile(r"[aeiouy]+")
_REPEAT = re.compile(r"(.)\1+")
_SILENT_H = re.compile(r"(?<=[^aeiouy])h|h$")
_VOWEL_LETTERS = re.compile(r"[aeiouywv]")


def _fold(token: str) -> str:
    token = token.lower()
    for a, b in _DIGRAPHS:
        if a in token:
            token = token.replace(a, b)
    # An "h" after a consonant or at the end is silent in most romanisations.
    token = _SILENT_H.sub("", token)
    return token.translate(_LETTERS)


@lru_cache(maxsize=200_000)
def vowel_key(token: str) -> str:
    """Consonants kept in place, every vowel run reduced to ``a``.

    ``dmitry``, ``dmitriy`` and ``dmitrii`` all give ``dmatra``;
    ``sergeevich`` and ``sergeyevich`` give ``sarkafak``.
    """
    token = _fold(token)
    token = _REPEAT.sub(r"\1", token)
    token = _VOWEL_RUN.sub("a", token)
    token = token.replace("w", "f")
    return _REPEAT.sub(r"\1", token)


# Spellings of one vowel sound, longest first: ee/ea/ie/y sound like i,
# oo/ou like u, and so on (Meere / Mire, Naseem / Nasim).
_VOWEL_SOUNDS = (
    ("eau", "o"), ("ee", "i"), ("ea", "i"), ("ie", "i"), ("ii", "i"), ("iy", "i"), ("ey", "i"),
    ("oo", "u"), ("ou", "u"), ("aa", "a"), ("oa", "o"), ("y", "i"),
)  # fmt: skip


@lru_cache(maxsize=200_000)
def vowel_sound_key(token: str) -> str:
    """Like :func:`vowel_key` but vowels kept by sound class (ee = i, oo = u).

    Equal keys mean the spellings differ only in how they write the same
    vowels, which is strong evidence even when the letters differ a lot.
    """
    token = _fold(token)
    for a, b in _VOWEL_SOUNDS:
        if a in token:
            token = token.replace(a, b)
    token = token.replace("w", "f")
    return _REPEAT.sub(r"\1", token)


@lru_cache(maxsize=200_000)
def consonant_key(token: str) -> str:
    """Consonants only: how an abjad spelling (``asd``) meets ``assad``."""
    token = token.lower()
    for a, b in _DIGRAPHS:
        if a in token:
            token = token.replace(a, b)
    return _skeleton(token)


def _skeleton(token: str) -> str:
    """The consonants of a token whose digraphs are already folded."""
    # w and y stand for long vowels in romanised Arabic (mhmwd, hsyn), and
    # waw is romanised v as often as w or u (alvi / lwy).
    token = _REPEAT.sub(r"\1", _VOWEL_LETTERS.sub("", token).translate(_LETTERS))
    # A final h is mostly a vowel sign (Hamada / حماده, Abdullah / Abdulla).
    return token[:-1] if len(token) > 1 and token.endswith("h") else token


# Abjad letters lists romanise more than one way, as the transliteration
# writes them (see ``embargo.names.translit``): dad, zah and thal ("dh") are
# d or z (Ramadan / Ramazan), thah ("th") is t or s (Thabit / Sabit).
# Any of the digraphs may also be two letters, the second a heh (طه, Taha;
# حمزه, Hamzah): "-" keeps them apart until the key is made.
_ABJAD_CHOICES = (
    ("dh", ("d", "z", "d-h")),
    ("th", ("t", "s", "t-h")),
    ("zh", ("zh", "z-h")),
    ("kh", ("kh", "k-h")),
    ("gh", ("gh", "g-h")),
    ("sh", ("sh", "s-h")),
    ("ch", ("ch", "c-h")),
)
_ABJAD_DIGRAPHS = (("kh", "h"), ("gh", "g"), ("sh", "s"), ("ch", "c"), ("zh", "j"))


@lru_cache(maxsize=200_000)
def abjad_keys(token: str) -> frozenset[str]:
    """Consonant keys of every Latin spelling an abjad token can stand for.

    A Latin token fits the abjad one only if its :func:`consonant_key` is
    among these. Unlike :func:`consonant_key`, Latin digraphs that are two
    letters in Arabic (``ts`` in ``antsar``, Intissar) are kept apart.
    """
    forms = [token.lower()]
    for unit, choices in _ABJAD_CHOICES:
        if unit in token:
            forms = [f.replace(unit, c) for f in forms for c in choices]
    keys = set()
    for form in forms:
        for a, b in _ABJAD_DIGRAPHS:
            form = form.replace(a, b)
        key = _skeleton(form.replace("-", ""))
        if key:
            keys.add(key)
    return frozenset(keys)


@lru_cache(maxsize=200_000)
def metaphone_key(token: str) -> str:
    """jellyfish Metaphone, or empty for tokens too short to say anything."""
    if len(token) < 4 or not token.isalpha():
        return ""
    code = jellyfish.metaphone(token)
    return code if len(code) >= 3 else ""
