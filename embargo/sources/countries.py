"""Country names and demonyms as the lists write them -> ISO 3166-1 alpha-2 codes.

The bulk of the table comes from ICU's locale display names (English plus a
few languages that bilingual lists use, such as "Syrie" in Canada's list), so
that we do not maintain a hand-written country list. What ICU cannot know is
added below: the older or formal spellings sanctions lists keep using
("Burma", "Korea, North", "Iran, Islamic Republic of") and demonyms, which
several lists put in nationality/citizenship columns ("Syrian", "Russian").
Unmapped text is never dropped by callers: they keep it as the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

# Languages whose country names appear in the lists we read (Canada is
# bilingual; UN documents carry French/Spanish variants).
_ICU_LANGUAGES = ("en", "fr", "es", "de", "ru")

# Spellings ICU does not produce, seen in OFAC/UK/UN/AU/CA lists.
_EXTRA_NAMES: dict[str, str] = {
    "burma": "mm",
    "myanmar": "mm",
    "korea north": "kp",
    "north korea": "kp",
    "dprk": "kp",
    "democratic peoples republic of korea": "kp",
    "korea democratic peoples republic of": "kp",
    "korea south": "kr",
    "republic of korea": "kr",
    "korea republic of": "kr",
    "iran islamic republic of": "ir",
    "islamic republic of iran": "ir",
    "syrian arab republic": "sy",
    "russian federation": "ru",
    "congo democratic republic of the": "cd",
    "democratic republic of the congo": "cd",
    "democratic republic of congo": "cd",
    "drc": "cd",
    "republic of the congo": "cg",
    "congo republic of the": "cg",
    "congo": "cg",
    "cote divoire": "ci",
    "ivory coast": "ci",
    "palestinian": "ps",
    "palestine": "ps",
    "state of palestine": "ps",
    "palestinian territory": "ps",
    "occupied palestinian territories": "ps",
    "britain": "gb",
    "bosnia herzegovina": "ba",
    "west bank": "ps",
    "gaza": "ps",
    "gaza strip": "ps",
    "hong kong": "hk",
    "macau": "mo",
    "macao": "mo",
    "usa": "us",
    "united states of america": "us",
    "uk": "gb",
    "great britain": "gb",
    "united kingdom of great britain and northern ireland": "gb",
    "united republic of tanzania": "tz",
    "tanzania united republic of": "tz",
    "bolivia plurinational state of": "bo",
    "venezuela bolivarian republic of": "ve",
    "moldova republic of": "md",
    "republic of moldova": "md",
    "lao peoples democratic republic": "la",
    "viet nam": "vn",
    "turkiye": "tr",
    "czech republic": "cz",
    "macedonia": "mk",
    "former yugoslav republic of macedonia": "mk",
    "swaziland": "sz",
    "bahamas the": "bs",
    "the bahamas": "bs",
    "gambia the": "gm",
    "the gambia": "gm",
    "micronesia federated states of": "fm",
    "bosnia and herzegovina": "ba",
    "vatican": "va",
    "holy see": "va",
    "timor leste": "tl",
    "east timor": "tl",
    "cabo verde": "cv",
    "cape verde": "cv",
    "saint kitts and nevis": "kn",
    "saint vincent and the grenadines": "vc",
    "saint lucia": "lc",
    "kosovo": "xk",
    "crimea": "ua",
    "netherlands the": "nl",
    "the netherlands": "nl",
    "uae": "ae",
    "ksa": "sa",
    "yugoslavia": "rs",
    "serbia and montenegro": "rs",
    "soviet union": "ru",
    "ussr": "ru",
}

# Demonyms as nationality columns write them. ICU has no demonym data.
_DEMONYMS: dict[str, str] = {
    "afghan": "af",
    "albanian": "al",
    "algerian": "dz",
    "american": "us",
    "angolan": "ao",
    "argentine": "ar",
    "argentinian": "ar",
    "armenian": "am",
    "australian": "au",
    "austrian": "at",
    "azerbaijani": "az",
    "bahraini": "bh",
    "bangladeshi": "bd",
    "belarusian": "by",
    "belarussian": "by",
    "belgian": "be",
    "bosnian": "ba",
    "brazilian": "br",
    "british": "gb",
    "bulgarian": "bg",
    "burmese": "mm",
    "burundian": "bi",
    "cambodian": "kh",
    "cameroonian": "cm",
    "canadian": "ca",
    "central african": "cf",
    "chadian": "td",
    "chilean": "cl",
    "chinese": "cn",
    "colombian": "co",
    "congolese": "cd",
    "croatian": "hr",
    "cuban": "cu",
    "cypriot": "cy",
    "czech": "cz",
    "danish": "dk",
    "dominican": "do",
    "dutch": "nl",
    "ecuadorian": "ec",
    "egyptian": "eg",
    "emirati": "ae",
    "eritrean": "er",
    "estonian": "ee",
    "ethiopian": "et",
    "filipino": "ph",
    "finnish": "fi",
    "french": "fr",
    "georgian": "ge",
    "german": "de",
    "ghanaian": "gh",
    "greek": "gr",
    "guatemalan": "gt",
    "guinean": "gn",
    "haitian": "ht",
    "honduran": "hn",
    "hungarian": "hu",
    "indian": "in",
    "indonesian": "id",
    "iranian": "ir",
    "iraqi": "iq",
    "irish": "ie",
    "israeli": "il",
    "italian": "it",
    "ivorian": "ci",
    "jamaican": "jm",
    "japanese": "jp",
    "jordanian": "jo",
    "kazakh": "kz",
    "kazakhstani": "kz",
    "kenyan": "ke",
    "kosovar": "xk",
    "kuwaiti": "kw",
    "kyrgyz": "kg",
    "latvian": "lv",
    "lebanese": "lb",
    "liberian": "lr",
    "libyan": "ly",
    "lithuanian": "lt",
    "malaysian": "my",
    "malian": "ml",
    "maldivian": "mv",
    "mauritanian": "mr",
    "mexican": "mx",
    "moldovan": "md",
    "mongolian": "mn",
    "montenegrin": "me",
    "moroccan": "ma",
    "nepalese": "np",
    "nicaraguan": "ni",
    "nigerian": "ng",
    "nigerien": "ne",
    "north korean": "kp",
    "norwegian": "no",
    "omani": "om",
    "pakistani": "pk",
    "panamanian": "pa",
    "paraguayan": "py",
    "peruvian": "pe",
    "polish": "pl",
    "portuguese": "pt",
    "qatari": "qa",
    "romanian": "ro",
    "russian": "ru",
    "rwandan": "rw",
    "saudi": "sa",
    "saudi arabian": "sa",
    "senegalese": "sn",
    "serbian": "rs",
    "singaporean": "sg",
    "slovak": "sk",
    "slovenian": "si",
    "somali": "so",
    "south african": "za",
    "south korean": "kr",
    "south sudanese": "ss",
    "spanish": "es",
    "sri lankan": "lk",
    "sudanese": "sd",
    "swedish": "se",
    "swiss": "ch",
    "syrian": "sy",
    "taiwanese": "tw",
    "tajik": "tj",
    "tajikistani": "tj",
    "tanzanian": "tz",
    "thai": "th",
    "trinidadian": "tt",
    "tunisian": "tn",
    "turkish": "tr",
    "turkmen": "tm",
    "ugandan": "ug",
    "ukrainian": "ua",
    "uruguayan": "uy",
    "uzbek": "uz",
    "uzbekistani": "uz",
    "venezuelan": "ve",
    "vietnamese": "vn",
    "yemeni": "ye",
    "zambian": "zm",
    "zimbabwean": "zw",
}


def _key(text: str) -> str:
    """Fold case, accents, punctuation and "&" so spellings compare equal."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("’", "").replace("'", "")
    text = re.sub(r"\bst\.?\s", "saint ", text)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for lang in _ICU_LANGUAGES:
        locale = icu.Locale(lang)
        for code in icu.Locale.getISOCountries():
            name = icu.Locale("", code).getDisplayCountry(locale)
            if not name or name == code:
                continue
            table.setdefault(_key(name), code.lower())
            # "Myanmar (Burma)", "Hong Kong SAR China", "Congo - Kinshasa"
            base = re.sub(r"\s*\(.*?\)", "", name)
            table.setdefault(_key(base), code.lower())
            for inner in re.findall(r"\((.*?)\)", name):
                table.setdefault(_key(inner), code.lower())
        # ISO codes themselves ("RU", "SY") are accepted as well.
    for code in icu.Locale.getISOCountries():
        table.setdefault(code.lower(), code.lower())
    for name, code in {**_EXTRA_NAMES, **_DEMONYMS}.items():
        table[_key(name)] = code
    return table


@lru_cache(maxsize=16384)
def country_code(text: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code (lower case) for a country name, demonym or code.

    Returns None when the text is not recognisably one country; callers then
    keep the text as it is rather than guess.
    """
    if not text:
        return None
    key = _key(text)
    if not key:
        return None
    table = _table()
    code = table.get(key)
    if code is not None:
        return code
    # "Syria / Syrie" (bilingual), "Iran (Islamic Republic of)"
    for part in re.split(r"\s+/\s+|\(|\)", text):
        part_key = _key(part)
        if part_key and part_key in table and part_key != key:
            return table[part_key]
    # "Tehran, Iran" style place strings end with the country.
    if "," in text:
        tail = _key(text.rsplit(",", 1)[1])
        if tail in table:
            return table[tail]
    return None


def split_countries(text: str | None) -> list[str]:
    """Split "a) Syrian b) Lebanese", "Russian and Ukrainian", "X; Y" into parts."""
    if not text:
        return []
    return list(_split_cached(text))


@lru_cache(maxsize=16384)
def _split_cached(text: str) -> tuple[str, ...]:
    text = re.sub(r"(?:^|\s)(?:\(?[a-h]\)|\(\d{1,2}\))\s*", ";", text)
    parts = re.split(r";|,\s*(?=[A-Z])|\s+and\s+(?=[A-Z])|\s+/\s+", text)
    out: list[str] = []
    for part in parts:
        part = " ".join(part.split()).strip(" .")
        if part:
            out.append(part)
    # "Iran, Islamic Republic of" must not be cut into two halves.
    if len(out) > 1 and country_code(text) is not None and any(country_code(p) is None for p in out):
        return (" ".join(text.split()).strip(" ."),)
    return tuple(out)
