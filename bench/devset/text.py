"""Plain text helpers the construction rules use to compare names and values.

These are deliberately crude and independent of ``embargo.names``: labels
must come from the data (identifiers, exact strings), never from either
system under test. Folding is only used for guards such as "this generated
variant is not already a listed name", where exact equality after case and
accent folding is the right question.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

_NON_ALNUM = re.compile(r"[^\w]+", re.UNICODE)
_TO_LATIN = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")

# Words that carry no identity on their own: Arabic and European name
# particles and honorifics. Excluded when deciding whether two names share
# a distinctive token.
PARTICLES = frozenset(
    {
        "al",
        "el",
        "ul",
        "bin",
        "ibn",
        "ben",
        "bint",
        "abu",
        "abou",
        "abo",
        "abd",
        "abdul",
        "abdur",
        "abdel",
        "abdal",
        "abdol",
        "von",
        "van",
        "der",
        "de",
        "da",
        "di",
        "del",
        "la",
        "le",
        "mr",
        "mrs",
        "haji",
        "hajji",
        "mullah",
        "sheikh",
        "shaykh",
        "dr",
        "molvi",
        "maulvi",
        "mawlawi",
        "maulana",
        "qari",
        "hafiz",
        "hadji",
        "imam",
        "general",
        "colonel",
    }
)


def is_latin(text: str) -> bool:
    """True when every letter in ``text`` is Latin script (accents allowed)."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


def script_of(text: str) -> str:
    """The script of the first non-Latin letter (``CYRILLIC``, ``ARABIC``...), else ``LATIN``."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if not name.startswith("LATIN"):
                return name.split(" ")[0]
    return "LATIN"


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form; non-Latin text is romanised.

    Romanisation here (ICU Any-Latin) only serves guards and token statistics;
    it is never used to decide that two different strings are the same name.
    """
    if not is_latin(text):
        text = _TO_LATIN.transliterate(text)
    text = strip_accents(text).casefold()
    return " ".join(_NON_ALNUM.sub(" ", text).replace("_", " ").split())


def tokens(text: str) -> list[str]:
    return fold(text).split()


def distinctive_tokens(text: str) -> set[str]:
    """Folded tokens that could identify someone: no particles, no initials."""
    return {t for t in tokens(text) if len(t) > 2 and t not in PARTICLES}


def token_key(text: str) -> str:
    """Order-insensitive key: ``PUTIN, Vladimir`` and ``Vladimir Putin`` agree."""
    return " ".join(sorted(tokens(text)))


def normalize_identifier(value: str) -> str | None:
    """Upper-case alphanumerics of a document number, or None when too weak to link on.

    Short numbers ("123"), numbers without digits and runs of one repeated
    character collide across unrelated people, so they never link records.
    """
    norm = re.sub(r"[^0-9A-Za-z]", "", strip_accents(value)).upper()
    digits = sum(ch.isdigit() for ch in norm)
    if len(norm) < 6 or digits < 4 or len(set(norm)) < 3:
        return None
    return norm
