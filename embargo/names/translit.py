"""Any script to plain Latin ASCII, the one alphabet every comparison happens in.

ICU does the work. Its generic ``Any-Latin`` is tuned for round-tripping, not
for names, so per-script transliterators that follow the romanisations lists
actually use are put first: BGN/PCGN for Russian (``Дмитрий`` -> ``Dmitriy``,
as OFAC and OFSI write it), UNGEGN for Greek, the surname-aware pinyin table
for Chinese. Two things ICU leaves to us:

* Hangul is transliterated syllable by syllable (``김정은`` -> ``gim jeong
  eun``) because Korean names are romanised with syllable breaks (``Kim Jong
  Un``) and ICU would otherwise glue them (``gimjeong-eun``).
* The Arabic definite article is split off (``الأسد`` -> ``al asd``) so that it
  can be treated as the particle it is, whichever way a list wrote it; the
  word Allah (``الله``) is not an article and stays whole (``allh``).
* The letters that lists romanise several ways are written so the comparison
  can tell them apart from their plainer neighbours: dad, zah and thal all
  become ``dh`` (``Ramadan`` / ``Ramazan`` / ``Ramadhan``, ``Nazim`` /
  ``Nadhim``), which :func:`embargo.names.phonetic.abjad_keys` reads as
  d-or-z; a final alif maqsura becomes ``a`` (``يحيى`` -> ``yhya``, Yahya)
  and a ta marbuta ``h`` (``حمزة`` -> ``hmzh``: Hamza, Hamzah).
* A word-initial ayn is written ``a``, the vowel every romanisation puts
  there (``عمر`` -> ``amr``: Omar, Umar; ``عز`` -> ``az``: Izz, Ezz).
  Dropped, as ICU drops it elsewhere, it would leave a two-letter word as
  one letter, which the matcher would take for an initial.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

_ICU_ID = (
    "NFKC; "
    "[:Cyrillic:] Russian-Latin/BGN; "
    "[:Greek:] Greek-Latin/UNGEGN; "
    "[:Han:] Han-Latin/Names; "
    "[:Hebrew:] Hebrew-Latin; "
    "Any-Latin; Latin-ASCII; "
    "[:Nonspacing Mark:] Remove; NFC"
)
_TRANSLITERATOR = icu.Transliterator.createInstance(_ICU_ID)

# Letters ICU's Latin-ASCII leaves alone (Azerbaijani schwa, a few IPA-like
# letters seen in romanised names).
_LEFTOVERS = str.maketrans(
    {"ə": "e", "Ə": "E", "ı": "i", "ʻ": "", "ʼ": "", "ʾ": "", "ʿ": "", "’": "", "‘": ""}
)

# Urdu letters ICU's Arabic table does not know, as their nearest Arabic letter.
_URDU = str.maketrans(
    {"ہ": "ه", "ھ": "ه", "ۃ": "ة", "ے": "ي", "ۓ": "ي", "ں": "ن", "ٹ": "ت", "ڈ": "د", "ڑ": "ر", "ۂ": "ه"}
)

# Letters written one way for the comparison (see the module docstring).
_ARABIC_LETTERS = str.maketrans({"ض": "ذ", "ظ": "ذ", "ى": "ا", "ة": "ه"})
# A word-initial Arabic article, optionally after the conjunction wa-; not
# the word Allah.
_ARABIC_ARTICLE = re.compile(r"(?<![\u0621-\u064a])(و?)ال(?!له(?![\u0621-\u064a]))(?=[\u0621-\u064a]{2,})")
_HANGUL_SYLLABLE = re.compile(r"([\uac00-\ud7a3])(?=[\uac00-\ud7a3])")
# An ayn at the start of a word (after an article split off, too).
# An alif after it is the same vowel written out (عادل, Adil), not a second one.
_INITIAL_AYN = re.compile(r"(?<![\u0621-\u064a])عا?")
# Zero-width joiners/non-joiners join the parts of one Persian word.
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_ABJAD = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def is_ascii(text: str) -> bool:
    return text.isascii()


def is_abjad(text: str) -> bool:
    """True when ``text`` has Arabic, Persian or Hebrew letters.

    Those scripts usually omit short vowels, so their romanisations
    (``mhmd``, ``asd``) can only be compared with Latin spellings by their
    consonants; the scorer needs to know which tokens came from them.
    """
    return bool(_ABJAD.search(text))


def script_group(text: str) -> str:
    """A coarse script label for explanations and variant generation."""
    if text.isascii():
        return "Latn"
    if _HAN.search(text):
        return "Hani"
    if _HANGUL.search(text):
        return "Hang"
    if _ABJAD.search(text):
        return "Arab"
    for ch in text:
        if ch.isalpha() and not ch.isascii():
            name = unicodedata.name(ch, "")
            if name.startswith("CYRILLIC"):
                return "Cyrl"
            if name.startswith("GREEK"):
                return "Grek"
            if name.startswith(("HIRAGANA", "KATAKANA")):
                return "Jpan"
            if name.startswith("LATIN"):
                return "Latn"
            return "Other"
    return "Latn"


@lru_cache(maxsize=200_000)
def transliterate(text: str) -> str:
    """``text`` in Latin ASCII letters, digits, spaces and punctuation.

    Case is preserved (callers fold it); characters with no Latin reading
    are dropped rather than kept as noise.
    """
    if text.isascii():
        return text
    text = _ZERO_WIDTH.sub("", text)
    if _ABJAD.search(text):
        text = _ARABIC_ARTICLE.sub(r"\1ال ", text.translate(_URDU).translate(_ARABIC_LETTERS))
        text = _INITIAL_AYN.sub("ا", text)
    if _HANGUL.search(text):
        text = _HANGUL_SYLLABLE.sub(r"\1 ", text)
    out = _TRANSLITERATOR.transliterate(text).translate(_LEFTOVERS)
    if not out.isascii():
        out = unicodedata.normalize("NFKD", out)
        out = "".join(ch for ch in out if ch.isascii())
    return out
