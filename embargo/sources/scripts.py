"""Which script a name is written in, and which language tag to give it.

Lists label original-script names inconsistently: OFSI has a script column
that is often empty or misspelt ("Cryillic"), a language column that is
sometimes filled, and the UN gives no label at all. We take the label when
it names a language ICU knows, and otherwise look at the characters (ICU
script property) and use the language most lists mean by that script.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import icu

# The language a list most likely means when all we know is the script.
_SCRIPT_LANG = {
    "Cyrl": "rus",
    "Arab": "ara",
    "Hani": "zho",
    "Hans": "zho",
    "Hant": "zho",
    "Hang": "kor",
    "Kore": "kor",
    "Geor": "kat",
    "Hebr": "heb",
    "Grek": "ell",
    "Thai": "tha",
    "Armn": "hye",
    "Ethi": "amh",
    "Mymr": "mya",
    "Khmr": "khm",
    "Deva": "hin",
    "Jpan": "jpn",
    "Hira": "jpn",
    "Kana": "jpn",
}

# Script names as lists write them -> ISO 15924 code.
_SCRIPT_NAMES = {
    "cyrillic": "Cyrl",
    "cryillic": "Cyrl",
    "arabic": "Arab",
    "chinese": "Hani",
    "hangul": "Hang",
    "korean": "Hang",
    "georgian": "Geor",
    "hebrew": "Hebr",
    "greek": "Grek",
    "thai": "Thai",
    "armenian": "Armn",
    "latin": "Latn",
}


def dominant_script(text: str) -> str | None:
    """ISO 15924 code of the script most letters of ``text`` use (None if no letters)."""
    counts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            code = icu.Script.getScript(ord(ch)).getShortName()
            if code not in ("Zyyy", "Zinh", "Zzzz"):
                counts[code] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    english = icu.Locale.getEnglish()
    table: dict[str, str] = {}
    for code in icu.Locale.getISOLanguages():
        locale = icu.Locale(code)
        name = locale.getDisplayLanguage(english)
        try:
            iso3 = locale.getISO3Language()
        except icu.ICUError:
            continue
        if name and iso3:
            table.setdefault(name.casefold(), iso3)
    table["farsi"] = "fas"
    return table


def language_code(label: str | None) -> str | None:
    """ISO 639-3 code for a language name such as "Russian" or "Persian/Farsi"."""
    if not label:
        return None
    names = _language_names()
    for part in label.replace("/", ",").split(","):
        code = names.get(part.strip().casefold())
        if code:
            return code
    return None


def name_language(text: str, *labels: str | None) -> str | None:
    """The ``lang`` tag for an original-script name.

    Labels (language column, script column) win when they name a language;
    otherwise the script of the characters decides. Latin-script names get
    no tag: they are transliterations, not original script.
    """
    for label in labels:
        code = language_code(label)
        if code:
            return code
    script = dominant_script(text)
    if script is None or script == "Latn":
        for label in labels:
            if label and _SCRIPT_NAMES.get(label.strip().casefold()) not in (None, "Latn"):
                return _SCRIPT_LANG.get(_SCRIPT_NAMES[label.strip().casefold()])
        return None
    return _SCRIPT_LANG.get(script, script)
