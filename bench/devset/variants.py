"""Rule-based name variants: how a customer record may spell a listed name.

Each generator takes one listed name and a seeded ``random.Random`` and
returns a different spelling, or None when its rule does not apply. The
rules are written from published conventions (ICAO 9303, German and French
romanisation of Russian, common Arabic romanisation alternations, legal-form
abbreviations), not from the matcher's own tables, so the matcher is tested
against spellings it was not built from.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Callable
from pathlib import Path

import icu

from bench.devset.text import PARTICLES, fold, script_of

_WORD = re.compile(r"\w+", re.UNICODE)

# Neighbouring keys on a QWERTY keyboard, for substitution typos.
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours(ch: str) -> str:
    low = ch.lower()
    for row in _KEYBOARD_ROWS:
        i = row.find(low)
        if i >= 0:
            return row[max(0, i - 1) : i] + row[i + 1 : i + 2]
    return ""


def titlecase(name: str) -> str:
    """``VLADIMIR Vladimirovich PUTIN`` -> ``Vladimir Vladimirovich Putin``.

    Lists shout surnames; customer records rarely do. Casing is not what the
    variants test, so every variant starts from title case.
    """
    return re.sub(r"(^|[\s-])(\w)", lambda m: m.group(1) + m.group(2).upper(), name.lower())


def _match_case(template: str, repl: str) -> str:
    if template[:1].isupper():
        return repl[:1].upper() + repl[1:]
    return repl


# --- typos ----------------------------------------------------------------


def typo(name: str, rng: random.Random) -> str | None:
    """One keyboard slip (substitute, drop, swap or double a letter) in a long word.

    The first letter is never touched: people rarely mistype it, and a typo
    there changes what a human reviewer would consider the same name.
    """
    words = [(m.start(), m.end()) for m in _WORD.finditer(name) if m.end() - m.start() >= 5]
    if not words:
        return None
    start, end = rng.choice(words)
    pos = rng.randrange(start + 1, end)
    ch = name[pos]
    op = rng.choice(("substitute", "delete", "transpose", "double"))
    if op == "substitute":
        options = _neighbours(ch)
        if not options:
            return None
        new = rng.choice(options)
        new = new.upper() if ch.isupper() else new
        out = name[:pos] + new + name[pos + 1 :]
    elif op == "delete":
        out = name[:pos] + name[pos + 1 :]
    elif op == "transpose":
        if pos + 1 >= end or name[pos] == name[pos + 1]:
            return None
        out = name[:pos] + name[pos + 1] + name[pos] + name[pos + 2 :]
    else:
        out = name[:pos] + ch + name[pos:]
    return out if out != name else None


# --- word order and dropped parts -----------------------------------------


def reorder(name: str, rng: random.Random) -> str | None:
    """Surname-first <-> given-first, as different lists and forms write it.

    ``PUTIN, Vladimir Vladimirovich`` becomes ``Vladimir Vladimirovich Putin``;
    ``Vladimir Vladimirovich Putin`` becomes ``Putin Vladimir Vladimirovich``
    (with or without the comma).
    """
    if "," in name:
        surname, _, given = name.partition(",")
        if not given.strip() or not surname.strip():
            return None
        return titlecase(f"{given.strip()} {surname.strip()}")
    parts = name.split()
    if len(parts) < 2:
        return None
    sep = ", " if rng.random() < 0.3 else " "
    return titlecase(parts[-1] + sep + " ".join(parts[:-1]))


def drop_middle(name: str, rng: random.Random) -> str | None:
    """Keep the first given name and the surname, drop middle names/patronymics."""
    if "," in name:
        surname, _, given = name.partition(",")
        given_parts = given.split()
        if len(given_parts) < 2:
            return None
        return titlecase(f"{given_parts[0]} {surname.strip()}")
    parts = name.split()
    core = [p for p in parts if fold(p) not in PARTICLES]
    if len(core) < 3:
        return None
    return titlecase(f"{parts[0]} {parts[-1]}")


# --- transliteration ------------------------------------------------------

# Russian Cyrillic romanisation systems, letter by letter (lower case);
# "_" marks a letter the system drops.
_RUSSIAN_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def _romanisation(spelled: str) -> dict[str, str]:
    return dict(zip(_RUSSIAN_LETTERS, spelled.split(" "), strict=True))


_ICAO = _romanisation("a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch ie y _ e iu ia")
_GERMAN = _romanisation("a b w g d e jo sch s i i k l m n o p r s t u f ch z tsch sch schtsch _ y _ e ju ja")
_FRENCH = _romanisation("a b v g d e io j z i i k l m n o p r s t ou f kh ts tch ch chtch _ y _ e iou ia")
_SCIENTIFIC = icu.Transliterator.createInstance("Cyrillic-Latin; Latin-ASCII")
CYRILLIC_SYSTEMS = ("icao", "german", "french", "scientific")


def _russian_only(name: str) -> bool:
    return all(ch in _ICAO for ch in name.lower() if ch.isalpha())


def romanize_cyrillic(name: str, system: str) -> str:
    """Romanise a Russian-Cyrillic name with one named system, title-cased."""
    if system == "scientific":
        return titlecase(_SCIENTIFIC.transliterate(name).replace("'", ""))
    table = {"icao": _ICAO, "german": _GERMAN, "french": _FRENCH}[system]
    out = []
    for ch in name.lower():
        repl = table.get(ch)
        out.append(ch if repl is None else repl.replace("_", ""))
    text = "".join(out)
    if system == "german":
        text = re.sub(r"ov\b", "ow", text)
    return titlecase(text)


# Latin-to-Latin respelling rules for names that reached the list already
# romanised. Each is (pattern, replacement), applied case-insensitively once.
RUSSIAN_RESPELLINGS: tuple[tuple[str, str], ...] = (
    (r"iy\b", "y"),
    (r"(?<=[^aeiouy])y\b", "iy"),
    (r"ii\b", "y"),
    (r"kh", "h"),
    (r"\byu", "iu"),
    (r"\bya", "ia"),
    (r"(?<=[aeiou])ya", "ja"),
    (r"yev", "ev"),
    (r"(?<=[^aeiouy])ev", "yev"),
    (r"ov\b", "off"),
    (r"ts", "tz"),
    (r"shch", "sch"),
    (r"(?<!s)ch", "tch"),
    (r"zh", "j"),
    (r"\by(?=[aeu])", "j"),
)
ARABIC_RESPELLINGS: tuple[tuple[str, str], ...] = (
    (r"\bmuhammad\b", "Mohammed"),
    (r"\bmohammed\b", "Muhammad"),
    (r"\bmohamed\b", "Mohamad"),
    (r"\bmohammad\b", "Mohamed"),
    (r"\bmuhammed\b", "Mohammed"),
    (r"\babdul ?", "Abd al-"),
    (r"\babd al[- ]", "Abdul "),
    (r"\babd el[- ]", "Abdel "),
    (r"ou", "u"),
    (r"(?<=[bdfhklmnrst])u(?=[bdfhklmnrst])", "ou"),
    (r"\bq", "G"),
    (r"(?<=\w)q", "k"),
    (r"dh", "d"),
    (r"ah\b", "a"),
    (r"(?<=[^aeiouh])a\b", "ah"),
    (r"ee", "i"),
    (r"(?<=[^aeiou])i(?=[^aeiou])", "ee"),
    (r"\bj", "Dj"),
    (r"aw", "ou"),
    (r"ai", "ay"),
    (r"(?<=[aeiou])y(?=[aeiou])", "i"),
    (r"ss", "s"),
    (r"(?<=[aeiou])([bdfklmnrst])\1", r"\1"),
    (r"(?<=[aeiou])([dfklmnrst])(?=[aeiou])", r"\1\1"),
    (r"\bel[- ]", "al-"),
    (r"\bal[- ]", "el-"),
)


def _sub_once(pattern: str, repl: str, text: str) -> str:
    def replace(m: re.Match[str]) -> str:
        return _match_case(m.group(0), m.expand(repl))

    return re.sub(pattern, replace, text, count=1, flags=re.IGNORECASE)


def respell(name: str, rules: tuple[tuple[str, str], ...], rng: random.Random) -> str | None:
    """Apply one or two applicable respelling rules to a title-cased name."""
    text = titlecase(name)
    applicable = [(p, r) for p, r in rules if re.search(p, text, flags=re.IGNORECASE)]
    if not applicable:
        return None
    rng.shuffle(applicable)
    for pattern, repl in applicable[: rng.choice((1, 2))]:
        text = _sub_once(pattern, repl, text)
    text = " ".join(re.sub(r"-{2,}", "-", text).split())
    return text if fold(text) != fold(name) else None


def transliteration_variants(
    names: list[str], rng: random.Random, *, arabic_context: bool
) -> list[tuple[str, str]]:
    """Spellings of a person from other romanisation conventions, with the rule used.

    A Cyrillic name is romanised with a system picked at random; a Latin name
    is respelled with the Russian or Arabic alternations, whichever fits the
    person (``arabic_context`` comes from nationality and name particles).
    """
    out: list[tuple[str, str]] = []
    # Russian letters only: Ukrainian, Belarusian and Serbian names (і, ў, ћ)
    # need their own systems, which these tables are not.
    cyrillic = [n for n in names if script_of(n) == "CYRILLIC" and _russian_only(n)]
    if cyrillic:
        system = rng.choice(CYRILLIC_SYSTEMS)
        out.append((romanize_cyrillic(rng.choice(cyrillic), system), f"cyrillic:{system}"))
    latin = [n for n in names if script_of(n) == "LATIN"]
    if latin:
        rules = ARABIC_RESPELLINGS if arabic_context else RUSSIAN_RESPELLINGS
        variant = respell(rng.choice(latin), rules, rng)
        if variant:
            out.append((variant, "arabic-respelling" if arabic_context else "russian-respelling"))
    return out


# --- particles ------------------------------------------------------------

_PARTICLE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\b(al|el)[- ](?=\w)", ("", "al ", "el-", "al-", "Al", "El ")),
    (r"\b(bin|ibn|ben)\b", ("ibn", "bin", "ben", "b.")),
    (r"\b(von|van|de|da|di|del|der)\s+(?=\w)", ("",)),
    (r"\babu\s+", ("Abou ", "Abu-", "Abo ")),
)


def particle_variant(name: str, rng: random.Random) -> str | None:
    """Drop, join or swap a name particle: al-Assad -> Assad, bin -> ibn, von X -> X."""
    text = titlecase(name)
    applicable = [(p, opts) for p, opts in _PARTICLE_RULES if re.search(p, text, flags=re.IGNORECASE)]
    if not applicable:
        return None
    pattern, options = rng.choice(applicable)
    repl = rng.choice(options)
    out = re.sub(pattern, lambda m: _match_case(m.group(0), repl), text, count=1, flags=re.IGNORECASE)
    out = " ".join(out.split())
    return out if fold(out) != fold(name) and len(fold(out).split()) >= 1 else None


# --- Arabic compound names -------------------------------------------------

# Arabic compounds lists write joined, hyphenated or apart: Abd al-Rahman /
# Abdul Rahman / Abdulrahman, Nur Allah / Nurullah / Nurollah, Salah al-Din
# / Salahuddin / Salaheddine. Each rule: a pattern whose first group is the
# distinctive part, and the spellings a variant may use for the whole.
_COMPOUND_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"\babd(?:ul|el|al|ol)?[- ]?(?:al[- ])?(?!(?:al|ul)?lah\b)([a-z]{4,})\b",
        ("Abdul{0}", "Abd al-{0}", "Abdel {0}", "Abdul {0}"),
    ),
    (r"\b([a-z]{3,}?)[- ]?(?:ullah|allah|ollah)\b", ("{0}ullah", "{0} Allah", "{0}-Allah", "{0}ollah")),
    (
        r"\b([a-z]{3,}?)[- ]?(?:(?:al|ud|ad|ed|el)[- ]?din|uddin|eddine|eddin|addin)\b",
        ("{0}uddin", "{0} al-Din", "{0} ud-Din", "{0}eddine"),
    ),
)


def compound_variant(name: str, rng: random.Random) -> str | None:
    """An Arabic compound written another way: Nurullah -> Nur Allah, Abdul Rahman -> Abdulrahman."""
    text = titlecase(name)
    found = [(m, opts) for p, opts in _COMPOUND_RULES for m in re.finditer(p, text, flags=re.IGNORECASE)]
    if not found:
        return None
    match, options = rng.choice(found)
    part = match.group(1).lower()
    spellings = [o.format(part.capitalize()) for o in options]
    written = fold(match.group(0))
    choices = [s for s in spellings if fold(s) != written]
    if not choices:
        return None
    out = text[: match.start()] + rng.choice(choices) + text[match.end() :]
    out = " ".join(out.split())
    return out if fold(out) != fold(name) else None


# --- nicknames ------------------------------------------------------------


def load_nicknames(path: Path) -> dict[str, list[str]]:
    """Given name -> its nicknames, from ``name1,has_nickname,name2`` rows.

    Only the formal -> nickname direction is used: listed names that happen
    to equal an English nickname ("Mina", "Ali") are usually a different
    name in another language, not a short form. Nicknames shorter than
    three letters or equal to a particle ("al") are left out.
    """
    table: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("relationship") != "has_nickname":
                continue
            formal, nick = row["name1"].strip().lower(), row["name2"].strip().lower()
            if len(nick) < 3 or nick in PARTICLES or formal == nick:
                continue
            table.setdefault(formal, []).append(nick)
    return {k: sorted(set(v)) for k, v in table.items()}


def nickname_variant(name: str, nicknames: dict[str, list[str]], rng: random.Random) -> str | None:
    """Replace the first given name by one of its nicknames (William -> Bill)."""
    if "," in name:
        surname, _, given = name.partition(",")
        parts = given.split() + [surname.strip()]
    else:
        parts = name.split()
    if len(parts) < 2:
        return None
    options = nicknames.get(fold(parts[0]))
    if not options:
        return None
    parts[0] = rng.choice(options)
    return titlecase(" ".join(parts))


# --- companies ------------------------------------------------------------

# Interchangeable ways to write one legal form. Matching is on folded text.
LEGAL_FORMS: tuple[tuple[str, ...], ...] = (
    ("LLC", "OOO", "Limited Liability Company", "L.L.C.", "Obshchestvo s Ogranichennoy Otvetstvennostyu"),
    ("JSC", "AO", "Joint Stock Company", "Joint-Stock Company", "Aktsionernoye Obshchestvo"),
    ("OJSC", "OAO", "Open Joint Stock Company"),
    ("CJSC", "ZAO", "Closed Joint Stock Company"),
    ("PJSC", "PAO", "Public Joint Stock Company"),
    ("Ltd", "Limited", "Ltd."),
    ("Co Ltd", "Company Limited", "Co., Ltd."),
    ("Inc", "Incorporated", "Inc."),
    ("Corp", "Corporation"),
    ("GmbH", "Gesellschaft mit beschraenkter Haftung"),
    ("PLC", "Public Limited Company"),
    ("SA", "S.A.", "Sociedad Anonima"),
    ("FZE", "Free Zone Establishment"),
    ("LLP", "Limited Liability Partnership"),
)
_FORM_INDEX = sorted(
    ((fold(form), group) for group in LEGAL_FORMS for form in group), key=lambda x: -len(x[0])
)


def find_legal_form(name: str) -> tuple[str, tuple[str, ...], str] | None:
    """(folded form, its group, where: ``front``/``back``) when the name starts or ends with one."""
    folded = fold(name)
    for form, group in _FORM_INDEX:
        if folded.endswith(" " + form):
            return form, group, "back"
        if folded.startswith(form + " "):
            return form, group, "front"
    return None


def _strip_form(name: str, form: str, where: str) -> str:
    words = name.replace('"', " ").replace("«", " ").replace("»", " ").replace("“", " ").replace("”", " ")
    words_list = words.split()
    n = len(form.split())
    core = words_list[:-n] if where == "back" else words_list[n:]
    return " ".join(core).strip(" ,.-")


def company_variant(name: str, rng: random.Random) -> tuple[str, str] | None:
    """Swap, drop or move the legal form of a name that has one; returns (variant, operation).

    Names without a legal form get none added: many listed organisations
    are militias or ministries, where "LLC" would not be a spelling variant.
    """
    found = find_legal_form(name)
    if found is None:
        return None
    form, group, where = found
    core = _strip_form(name, form, where)
    if not fold(core):
        return None
    op = rng.choice(("swap", "drop", "move"))
    if op == "drop":
        return core, op
    others = [f for f in group if fold(f) != form] or list(group)
    new_form = rng.choice(others) if op == "swap" else rng.choice(group)
    if op == "move":
        return (f"{core} {new_form}" if where == "front" else f"{new_form} {core}"), op
    return (f"{new_form} {core}" if where == "front" else f"{core} {new_form}"), op


Generator = Callable[[str, random.Random], str | None]
