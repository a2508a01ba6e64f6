"""Turn any written form of a name into comparable Latin tokens.

This is the single normalisation used by name screening and text screening
alike, so that a name found in an article and the same name on a list end
up as the same tokens. Public functions:

* :func:`transliterate` -- any script to Latin ASCII (see ``translit``).
* :func:`tokenize_name` -- transliterated, case-folded tokens; apostrophes
  join (``O'Brien`` -> ``obrien``), other punctuation splits.
* :func:`name_tokens` -- the tokens the matcher compares: surname-first
  forms reordered, titles stripped, Arabic articles and ``bin``/``ibn``
  unified, company legal forms canonicalised (``ООО`` -> ``llc``).
* :func:`normalise_name` -- those tokens joined by spaces.
* :func:`strip_titles` / :data:`TITLES`, :data:`PARTICLES`,
  :data:`LEGAL_FORMS`, :func:`given_name_equivalents`.

Particles are kept as tokens rather than deleted: the scorer gives them
little weight, so ``al-Assad`` matches ``Assad`` and ``al Assad`` alike.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import OSA

from embargo.model import PERSON
from embargo.names.translit import is_abjad, script_group, transliterate

__all__ = [
    "LEGAL_FORMS",
    "PARTICLES",
    "TITLES",
    "given_name_equivalents",
    "is_particle",
    "name_tokens",
    "name_forms",
    "name_variants",
    "normalise_name",
    "strip_titles",
    "tokenize_name",
    "transliterate",
]

# Titles, honorifics and ranks that lists and users put in front of names.
# Multi-word titles are written with spaces.
TITLES: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
        "sheikh", "shaikh", "sheik", "shaykh", "sheikha", "haji", "hajji", "hadji", "alhaji",
        "mullah", "mulla", "maulana", "maulvi", "mawlawi", "mawlavi", "molvi", "imam", "ayatollah",
        "general", "gen", "colonel", "col", "maj", "lieutenant", "lt", "captain", "capt",
        "brigadier", "admiral", "adm", "commander", "cmdr", "sergeant", "sgt",
        "president", "minister", "senator", "ambassador", "rev", "reverend",
        "his excellency", "her excellency", "excellency", "hon", "honorable", "honourable",
        "his highness", "her highness", "hrh", "lt col", "lieutenant colonel", "lieutenant general",
        "major general", "brigadier general", "gospodin", "gospozha", "herr", "frau", "monsieur",
        "madame", "mme", "senor", "senora",
    }
)  # fmt: skip
_TITLE_PHRASES: list[tuple[tuple[str, ...], str | None]] = [(tuple(t.split()), None) for t in TITLES]

# Particles, by canonical form. Arabic articles, including the assimilated
# "sun letter" spellings (as-, ash-, ad-, ar-, at-, az-, an-), become "al".
_PARTICLE_CANON = {
    "al": "al", "el": "al", "ul": "al", "il": "al",
    "bin": "bin", "ben": "bin", "ibn": "bin", "bn": "bin", "bint": "bint",
    "abu": "abu", "abou": "abu", "abo": "abu", "ould": "ould", "wuld": "ould",
    "van": "van", "von": "von", "de": "de", "der": "der", "den": "den", "di": "di", "da": "da",
    "du": "du", "del": "del", "della": "della", "dos": "dos", "das": "das",
    "ter": "ter", "ten": "ten", "and": "and", "of": "of", "the": "the",
}  # fmt: skip
PARTICLES: frozenset[str] = frozenset(_PARTICLE_CANON.values())
_SUN_ARTICLE = re.compile(r"\b(?:a[stdrzn]|a[sdtz]h|e[stdrzn]|e[sdtz]h)-(?=\w)")
# "Abdul Rahman", "Abd al-Rahman" and "Abdulrahman" are one name; "Abdullah"
# (abd + allah) is a name of its own and stays whole.
_ABD = re.compile(r"\b(abd)(?:ul|el|al|ol|oul|ur|ar)[- ]?(?=[a-z]{4,})")

# Company legal forms, by canonical token. Phrases are matched on tokens.
LEGAL_FORMS: dict[str, str] = {
    "llc": "llc", "l l c": "llc", "ooo": "llc", "limited liability company": "llc",
    "limited liability partnership": "llp", "llp": "llp",
    "obshchestvo s ogranichennoy otvetstvennostyu": "llc", "too": "llc", "tov": "llc",
    "ltd": "ltd", "limited": "ltd", "co ltd": "ltd", "pty ltd": "ltd", "pvt ltd": "ltd", "pte ltd": "ltd",
    "gmbh": "gmbh", "gesellschaft mit beschrankter haftung": "gmbh",
    "gesellschaft mit beschraenkter haftung": "gmbh", "ag": "ag", "aktiengesellschaft": "ag",
    "sa": "sa", "s a": "sa", "sociedad anonima": "sa", "societe anonyme": "sa", "sarl": "sarl",
    "sas": "sas", "srl": "srl", "spa": "spa", "s p a": "spa", "bv": "bv", "nv": "nv",
    "pjsc": "pjsc", "pao": "pjsc", "public joint stock company": "pjsc", "public joint-stock company": "pjsc",
    "jsc": "jsc", "ao": "jsc", "zao": "jsc", "oao": "jsc", "cjsc": "jsc", "ojsc": "jsc", "pjs": "pjsc",
    "joint stock company": "jsc", "closed joint stock company": "jsc", "open joint stock company": "jsc",
    "aktsionernoe obshchestvo": "jsc", "akcionernoe obshchestvo": "jsc",
    "inc": "inc", "incorporated": "inc", "corp": "corp", "corporation": "corp",
    "plc": "plc", "public limited company": "plc", "co": "co", "company": "co", "cie": "co",
    "fze": "fze", "fzco": "fzco", "fzc": "fzc", "fzllc": "llc", "dmcc": "dmcc", "est": "est",
    "establishment": "est", "as": "as", "ab": "ab", "oy": "oy", "kft": "kft", "sp z o o": "llc",
    "doo": "llc", "d o o": "llc", "sdn bhd": "sdn bhd", "bhd": "bhd", "pte": "pte", "pvt": "pvt",
    "lp": "lp", "gp": "gp", "kg": "kg", "ltda": "ltda", "sae": "sae", "sal": "sal", "wll": "wll",
    "aktsionernoye obshchestvo": "jsc", "aktsionernoe obshestvo": "jsc", "aktsionernoye obshestvo": "jsc",
    "publichnoye aktsionernoye obshchestvo": "pjsc", "publichnoe aktsionernoe obshchestvo": "pjsc",
    "otkrytoye aktsionernoye obshchestvo": "jsc", "zakrytoye aktsionernoye obshchestvo": "jsc",
    "otkrytoe aktsionernoe obshchestvo": "jsc", "zakrytoe aktsionernoe obshchestvo": "jsc",
    "obshchestvo s ogranichennoi otvetstvennostyu": "llc", "obshestvo s ogranichennoy otvetstvennostyu": "llc",
    "obshschestvo s ogranichennoi otvetstvennostyu": "llc", "tovarystvo z obmezhenoyu vidpovidalnistyu": "llc",
    "free zone establishment": "fze", "free zone company": "fzco", "free zone enterprise": "fze",
    "pty limited": "ltd", "pvt limited": "ltd", "private limited": "ltd", "private limited company": "ltd",
    "proprietary limited": "ltd", "limited company": "ltd", "company limited": "ltd", "co limited": "ltd",
    "sa de cv": "sa", "s a de c v": "sa", "s de rl de cv": "srl", "s de r l de c v": "srl",
    "sociedad anonima de capital variable": "sa", "gmbh and co kg": "gmbh", "gmbh co kg": "gmbh",
    "joint venture": "jv", "jv": "jv", "llc fz": "llc",
}  # fmt: skip
LEGAL_FORM_TOKENS: frozenset[str] = frozenset(LEGAL_FORMS.values())
# Words of spelled-out legal forms, for repairing typos in them ("Limted").
_LEGAL_WORDS: tuple[str, ...] = tuple(sorted({w for k in LEGAL_FORMS for w in k.split() if len(w) >= 5}))
_LEGAL_PHRASES: list[tuple[tuple[str, ...], str | None]] = [
    (tuple(k.split()), v) for k, v in LEGAL_FORMS.items()
]
# Words that say what kind of organisation something is, not which one.
GENERIC_ORG_WORDS: frozenset[str] = frozenset(
    {
        "trading", "trade", "group", "holding", "holdings", "international", "intl", "general",
        "industries", "industry", "industrial", "enterprise", "enterprises", "services", "service",
        "company", "global", "import", "export", "commercial", "development", "investment",
        "investments", "management", "shipping", "logistics", "foundation", "organization",
        "organisation", "association", "society", "center", "centre", "institute", "firm",
    }
)  # fmt: skip

# "AlHamed", "ElSayed", "AbuBakr": a particle glued to a capitalised name.
_CAMEL_PARTICLE = re.compile(r"\b(Al|El|Abu|Abou|Bin|Ibn|Ben)(?=[A-Z][a-z])")
_APOSTROPHES = re.compile(r"['`´’‘ʼʻ]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=100_000)
def tokenize_name(text: str) -> list[str]:
    """Transliterated, case-folded tokens; punctuation other than apostrophes splits."""
    text = _CAMEL_PARTICLE.sub(r"\1 ", transliterate(text)).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _SUN_ARTICLE.sub("al ", text)
    text = _ABD.sub(r"\1 al ", text)
    return _NON_WORD.sub(" ", text).split()


def _is_org(schema: str | None) -> bool:
    return schema is not None and schema != PERSON


_Phrases = dict[str, list[tuple[tuple[str, ...], str | None]]]


def _by_first_token(phrases: list[tuple[tuple[str, ...], str | None]]) -> _Phrases:
    """Phrases grouped by first token, longest first, so lookups are one dict hit."""
    table: _Phrases = {}
    for phrase, canon in sorted(phrases, key=lambda pc: -len(pc[0])):
        table.setdefault(phrase[0], []).append((phrase, canon))
    return table


_LEGAL_WORD_SET = frozenset(_LEGAL_WORDS)
_TITLE_TABLE = _by_first_token(_TITLE_PHRASES)
_LEGAL_TABLE = _by_first_token(_LEGAL_PHRASES)


def _replace_phrases(tokens: list[str], table: _Phrases) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase, canon in table.get(tokens[i], ()):
            n = len(phrase)
            if tuple(tokens[i : i + n]) == phrase:
                if canon:
                    out.append(canon)
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def strip_titles(tokens: list[str]) -> list[str]:
    """``tokens`` without titles and honorifics, unless that would leave nothing."""
    stripped = _replace_phrases(tokens, _TITLE_TABLE)
    return stripped if stripped else tokens


def canonical_legal_forms(tokens: list[str]) -> list[str]:
    """Company legal forms replaced by one canonical token each (``ООО`` -> ``llc``).

    Misspelt legal-form words ("Limted Liabilty Company") are repaired
    first, so the phrase is still recognised.
    """
    return _replace_phrases([_repair_legal_word(t) for t in tokens], _LEGAL_TABLE)


@lru_cache(maxsize=50_000)
def _repair_legal_word(token: str) -> str:
    if len(token) < 5 or token in _LEGAL_WORD_SET:
        return token
    budget = 1 if len(token) <= 7 else 2
    found = process.extractOne(token, _LEGAL_WORDS, scorer=OSA.distance, score_cutoff=budget, processor=None)
    if found is not None and found[0][0] == token[0]:
        return str(found[0])
    return token


def _surname_first(text: str, schema: str | None) -> str:
    """``PUTIN, Vladimir Vladimirovich`` -> ``Vladimir Vladimirovich PUTIN``."""
    if text.count(",") != 1 or _is_org(schema):
        return text
    left, right = (part.strip() for part in text.split(","))
    if not left or not right:
        return text
    right_tokens = tokenize_name(right)
    if not right_tokens or len(tokenize_name(left)) > 4:
        return text
    if all(t in LEGAL_FORMS for t in right_tokens) or " ".join(right_tokens) in LEGAL_FORMS:
        return text
    return f"{right} {left}"


@lru_cache(maxsize=200_000)
def _name_tokens(text: str, schema: str | None) -> tuple[str, ...]:
    tokens = tokenize_name(_surname_first(text, schema))
    # "Ben" opening a name is a given name; after one it is "son of". In a
    # Chinese or Korean name, "bin" or "de" is a syllable, not a particle.
    if script_group(text) not in ("Hani", "Hang"):
        tokens = [
            _PARTICLE_CANON.get(t, t) if len(tokens) > 1 and (i > 0 or t != "ben") else t
            for i, t in enumerate(tokens)
        ]
    if _is_org(schema) or schema is None:
        tokens = canonical_legal_forms(tokens) if _is_org(schema) or _has_legal_form(tokens) else tokens
    # The titles are Latin words; a vowel-less Arabic-script word can spell
    # one by accident (آدم, Adam -> "adm"; در -> "dr") and must be kept.
    if not _is_org(schema) and script_group(text) != "Arab":
        tokens = strip_titles(tokens)
    return tuple(tokens)


# Arabic compound names, written as one word or apart: "Nurullah" / "Nur
# Allah" / نور الله, "Salahuddin" / "Salah al-Din" / صلاح الدين. Each name
# is also findable taken apart into name + "allah" and name + "al din", so
# the distinctive part is compared on its own whichever way either side
# wrote it; the name as written stays a form too, for fuzzy respellings.
_ALLAH_TAIL = re.compile(r"^([a-z]{3,}?)(?:allah|ullah|ollah|illah|oullah|oulla|ulla|ulah|alla)$")
_DIN_TAIL = re.compile(
    r"^([a-z]{3,}?)(?:uddin|uddeen|udin|udeen|eddin|eddine|eddeen|eddeene|edin|edine|addin|iddin|oddin"
    r"|aldin|aldeen|eldin|eldine|oudine|oudin)$"
)
# How lists write the word Allah on its own, and how its Arabic spelling الله
# transliterates (the article is not split off it).
ALLAH_SPELLINGS = frozenset({"allah", "ullah", "ollah", "illah", "alla", "ulla", "allahu"})
ALLAH_ABJAD = "allh"
_DIN_SPELLINGS = frozenset({"din", "deen", "dine", "dean"})
_DIN_ARTICLES = frozenset({"al", "ud", "ad", "ed", "ul", "el"})
# The same in transliterated Arabic script: الله -> allh, الدین -> al dyn.
_ABJAD_ALLAH_TAIL = re.compile(rf"^([a-z]{{2,}}?){ALLAH_ABJAD}$")
_ABJAD_DIN_TAIL = re.compile(r"^([a-z]{2,}?)aldyn$")
_ABJAD_ABD = re.compile(r"^abdal([a-z]{3,})$")


def split_compounds(tokens: list[str], abjad: bool = False) -> list[str]:
    """Arabic compound names taken apart (``nurullah`` -> ``nur allah``)."""
    out: list[str] = []
    for i, token in enumerate(tokens):
        if abjad:
            if token != "abdallh" and (m := _ABJAD_ABD.match(token)):
                out += ["abd", "al", m.group(1)]
            elif m := _ABJAD_ALLAH_TAIL.match(token):
                out += [m.group(1), ALLAH_ABJAD]
            elif m := _ABJAD_DIN_TAIL.match(token):
                out += [m.group(1), "al", "dyn"]
            else:
                out.append(token)
            continue
        if m := _ALLAH_TAIL.match(token):
            out += [m.group(1), "allah"]
        elif m := _DIN_TAIL.match(token):
            out += [m.group(1), "al", "din"]
        elif i > 0 and token in ALLAH_SPELLINGS:
            out.append("allah")
        elif token in _DIN_ARTICLES and i + 1 < len(tokens) and tokens[i + 1] in _DIN_SPELLINGS and out:
            out.append("al")
        elif i > 1 and token in _DIN_SPELLINGS and out and out[-1] == "al":
            out.append("din")
        else:
            out.append(token)
    return out


def _has_legal_form(tokens: list[str]) -> bool:
    return len(tokens) > 1 and (tokens[-1] in LEGAL_FORMS or " ".join(tokens[-2:]) in LEGAL_FORMS)


def name_tokens(text: str, schema: str | None = None) -> list[str]:
    """The tokens the matcher compares for one written name.

    ``schema`` decides whether legal forms (organisations) or titles
    (people) are handled; ``None`` means unknown and does both carefully.
    """
    return list(_name_tokens(text, schema))


def normalise_name(text: str, schema: str | None = None) -> str:
    """One comparable string for a name: Latin, case-folded, no punctuation or titles.

    >>> normalise_name("PUTIN, Vladimir Vladimirovich", "Person")
    'vladimir vladimirovich putin'
    """
    return " ".join(_name_tokens(text, schema))


def name_variants(text: str, schema: str | None = None) -> list[tuple[str, ...]]:
    """Token sequences under which one written name should be findable.

    * Names joined with ``;`` and parenthesised parts are also taken apart:
      ``ADF (Allied Democratic Forces)`` is findable as ``adf`` and as
      ``allied democratic forces``.
    * Chinese and Korean names are transliterated one syllable per token
      (``xi jin ping``, ``gim jeong eun``) but romanised with the given name
      written as one word (``Xi Jinping``, ``Kim Jongun``); both forms count.
    * Arabic ``al``/``abu`` written apart are also joined (``al ghabra`` ->
      ``alghabra``), since lists and users write them both ways.
    """
    return [tokens for tokens, _partial in name_forms(text, schema)]


def name_forms(text: str, schema: str | None = None) -> list[tuple[tuple[str, ...], bool]]:
    """:func:`name_variants` with, for each, whether it is only part of the name.

    A part cut out of parentheses (``Al-Haramain Foundation`` out of
    ``Al-Haramain Foundation (Indonesia)``) may match strongly but never
    counts as the exact full name.
    """
    forms: dict[tuple[str, ...], bool] = {}
    for part, partial in _parts(text):
        tokens = _name_tokens(part, schema)
        if not tokens:
            continue
        spellings = [tokens]
        syllabic = script_group(part) in ("Hani", "Hang")
        if syllabic and len(tokens) >= 3 and all(len(t) <= 6 for t in tokens):
            spellings.append((tokens[0], "".join(tokens[1:])))
            spellings.append(("".join(tokens[:-2]), "".join(tokens[-2:])))
        joined = _join_particles(tokens)
        if joined != tokens:
            spellings.append(joined)
        if not syllabic:
            apart = tuple(split_compounds(list(tokens), abjad=is_abjad(part)))
            if apart != tokens:
                spellings.append(apart)
        for spelling in spellings:
            forms[spelling] = forms.get(spelling, True) and partial
    return list(forms.items())


_PARENS = re.compile(r"\(([^()]*)\)")
_ORIGINAL_SCRIPT = re.compile(r"^\s*original script\s*:?\s*", re.IGNORECASE)


def _parts(text: str) -> list[tuple[str, bool]]:
    """(text, partial) for the whole name, its ``;``-separated names and parenthesised parts."""
    parts: dict[str, bool] = {text: False}
    pieces = [p.strip() for p in text.split(";")] if ";" in text else [text]
    for piece in pieces:
        if piece:
            parts.setdefault(piece, False)
    for piece in pieces:
        inner = _PARENS.findall(piece)
        if inner:
            outer = _PARENS.sub(" ", piece).strip()
            restated = any(_ORIGINAL_SCRIPT.match(i) for i in inner)
            if outer:
                parts.setdefault(outer, not restated)
            for i in inner:
                if i.strip():
                    # "(original script: ...)" holds the whole name again.
                    whole = _ORIGINAL_SCRIPT.match(i) is not None
                    parts.setdefault(_ORIGINAL_SCRIPT.sub("", i).strip(), not whole)
    return [(p, partial) for p, partial in parts.items() if p]


def _join_particles(tokens: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] in ("al", "abu") and i + 1 < len(tokens) and tokens[i + 1] not in PARTICLES:
            out.append(tokens[i] + tokens[i + 1])
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


def is_particle(token: str) -> bool:
    return token in PARTICLES


@lru_cache(maxsize=1)
def _equivalents() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    text = resources.files("embargo.names").joinpath("data/given_names.txt").read_text("utf-8")
    extra = False
    for line in text.splitlines():
        if line.startswith("#"):
            extra = extra or line.strip() == "# extra"
            continue
        names = line.split()
        if not names:
            continue
        # Nickname rows relate the first name to each nickname; the extra
        # rows are full groups of spellings of one name.
        pairs = [(names[0], n) for n in names[1:]]
        if extra:
            pairs = [(a, b) for a in names for b in names if a != b]
        for a, b in pairs:
            if a in PARTICLES or b in PARTICLES:
                continue  # "Al" for Alexander would equal the Arabic article
            groups.setdefault(a, set()).add(b)
            groups.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in groups.items()}


def given_name_equivalents(token: str) -> frozenset[str]:
    """Known equivalents of a given name (``william`` -> ``bill``, ``will``, ...)."""
    return _equivalents().get(token, frozenset())
