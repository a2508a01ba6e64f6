"""Risk signals: which sentences describe sanctions, frozen assets, crime...

A keyword lexicon per category, applied sentence by sentence, is crude but
explainable: every signal quotes the sentence and the words that raised it,
so an analyst can dismiss a false one in a second. Cheap negation handling
drops a keyword preceded closely by "not", "no", "never", "denied" and the
like ("was never accused of fraud"), and "cleared of"/"acquitted of".

News also uses the words of a category for the policy around it rather
than for anyone's conduct: "sanctions relief talks", "the UN sanctions
committee", "sanctions were not on the agenda", "seized power", "a wage
freeze", "talks were frozen", "anti-money laundering checks",
"counter-terrorism officials". Such a keyword raises nothing (see ``_POLICY_AFTER`` and
``_POLICY_BEFORE``); the same word elsewhere in the sentence still does.

Categories (stable names used in the JSON report): ``sanctions``,
``asset_freeze``, ``travel_ban``, ``sanctions_evasion``, ``corruption``,
``fraud``, ``money_laundering``, ``terrorism``, ``organised_crime``,
``human_rights_abuse``, ``war_crimes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from embargo.text.sentences import Sentence, split_sentences

_W = r"(?:[\w’'-]+\s+)"  # one word and its trailing space, for "up to n words" gaps

LEXICON: dict[str, tuple[str, ...]] = {
    "sanctions": (
        r"\bsanction(?:s|ed|ing)?\b",
        r"\bsanctions?[- ]list\w*",
        r"\bblacklist(?:ed|ing)?\b",
        r"\bembargo(?:es|ed)?\b",
        r"\brestrictive measures\b",
        r"\bdesignated\s+(?:by|under|as|for)\b",
        r"\b(?:OFAC|SDN list|OFSI)\b",
    ),
    "asset_freeze": (
        r"\basset[- ]freez\w*",
        r"\bfr(?:ee|o)ze\w*\b",
        r"\bfrozen\b",
        r"\bblock(?:ed|ing)\s+(?:property|assets|funds|accounts)\b",
        r"\b(?:assets|funds|accounts|property|properties)\s+(?:were|was|have been|has been)\s+(?:seized|confiscated|blocked)\b",
        r"\bconfiscat\w+\b",
        r"\b(?:seized|seizure|impounded)\b",
    ),
    "travel_ban": (
        r"\btravel[- ]ban\w*",
        r"\bentry[- ]ban\w*",
        r"\bvisa[- ]ban\w*",
        r"\bban(?:ned)?\s+from\s+(?:entering|travell?ing|visiting)\b",
        r"\bbarred\s+from\s+(?:entering|travell?ing)\b",
        rf"\bblock\w*\s+{_W}{{0,2}}from\s+{_W}{{0,4}}(?:enter|return|travel)\w*",
        r"\bnot welcome\b",
        r"\bcannot travel\b",
    ),
    "sanctions_evasion": (
        r"\b(?:evad\w+|evasion|circumvent\w*|bust\w*|dodg\w+|skirt\w*)\s+(?:of\s+)?(?:the\s+)?(?:\w+\s+)?sanctions\b",
        r"\bsanctions[- ](?:evasion|busting|dodging|circumvention)\b",
        rf"\bremov\w*\s+{_W}{{0,6}}from\s+sanctions\b",
        r"\b(?:ship-to-ship transfers?|dark fleet|shadow fleet)\b",
        r"\bfront compan(?:y|ies)\b",
    ),
    "corruption": (
        r"\bcorrupt\w*",
        r"\bbrib\w+",
        r"\bkickbacks?\b",
        r"\bembezzl\w+",
        r"\bgraft\b",
        r"\bmisappropriat\w+",
        r"\bkleptocra\w+",
        r"\babuse of (?:office|power)\b",
    ),
    "fraud": (
        r"\bfraud\w*",
        r"\bdefraud\w*",
        r"\bscam\w*",
        r"\bponzi\b",
        r"\bforg(?:ery|eries|ed documents)\b",
        r"\bswindl\w+",
        r"\bfalse accounting\b",
    ),
    "money_laundering": (
        r"\blaunder\w*",
        r"\bmoney[- ]laundering\b",
        r"\bshell compan(?:y|ies)\b",
        r"\bsmurfing\b",
    ),
    "terrorism": (
        r"\bterror\w*",
        r"\bjihad\w*",
        r"\b(?:ISIL|ISIS|Daesh|al-Qaida|al-Qaeda|Al Qaeda|Hizballah|Hezbollah|Taliban)\b",
        r"\bsuicide (?:bomb\w*|attack\w*)\b",
        r"\bviolent extremis\w+",
    ),
    "organised_crime": (
        r"\borgani[sz]ed crime\b",
        r"\bcartels?\b",
        r"\bmafia\b",
        r"\b(?:drug|narcotics?|human|arms|weapons?)\s+traffick\w*",
        r"\bsmuggl\w+",
        r"\bracketeer\w*",
        r"\bcriminal (?:gang|network|organi[sz]ation)s?\b",
    ),
    "human_rights_abuse": (
        r"\bhuman[- ]rights (?:abuses?|violations?|violators?)\b",
        r"\btortur\w+",
        r"\bcrackdowns?\b",
        r"\brepression\b",
        r"\bextrajudicial\b",
        r"\bpersecut\w+",
        r"\bforced labou?r\b",
        r"\barbitrary detention\b",
        r"\bbrutality\b",
        r"\benforced disappearances?\b",
    ),
    "war_crimes": (
        r"\bwar crimes?\b",
        r"\bcrimes against humanity\b",
        r"\bgenocid\w+",
        r"\bchemical weapons?\b",
        r"\bethnic cleansing\b",
        r"\bmassacre\w*",
        r"\bindiscriminate (?:bombing|shelling|attacks?)\b",
        r"\bbarrel bombs?\b",
    ),
}
CATEGORIES = tuple(LEXICON)

_NEGATION = re.compile(
    r"\b(?:not|no|never|without|denie[sd]|deny|cleared of|acquitted of|free of|n[o’']t)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_POLICY_AFTER: dict[str, re.Pattern[str]] = {
    "sanctions": re.compile(
        r"(?:[- ](?:relief|committees?|monitors?|experts?|panels?|polic(?:y|ies)|talks|negotiations|"
        r"lawyers?|specialists?|practitioners?|compliance|screening|tracker|regimes? talks)\b"
        r"|\s+(?:[\w’'-]+\s+){0,2}(?:were|was|are|is|be)\s+(?:not|never)\b"
        r"(?!\s+(?:been\s+|yet\s+)?(?:lifted|removed|eased|relaxed|dropped|suspended))"
        r"|\s+(?:[\w’'-]+\s+)?not\s+applicable\b"
        r"|\s+(?:[\w’'-]+\s+){0,2}off\s+the\s+table\b)",
        re.IGNORECASE,
    ),
    "asset_freeze": re.compile(
        r"\s+(?:power|control|the\s+initiative|on\s+(?:the|a|an)\b|conflicts?\b|talks\b|relations\b)",
        re.IGNORECASE,
    ),
}
_POLICY_BEFORE: dict[str, re.Pattern[str]] = {
    "sanctions": re.compile(
        r"\b(?:talks|negotiations|discussions?|debate|dialogue)\s+(?:on|about|over)\s+(?:[\w’'-]+\s+)?$"
        r"|\bdiscuss(?:ed|es|ing)?\s+(?:[\w’'-]+\s+)?$",
        re.IGNORECASE,
    ),
    "asset_freeze": re.compile(
        r"\b(?:price|wage|pay|hiring|rate|pension|budget|recruitment)\s+$"
        r"|\b(?:talks|relations|ties|negotiations|dialogue|contacts|cooperation|peace\s+process)\b"
        r"(?:\s+[\w’'-]+){0,3}\s+(?:were|was|are|is|have\s+been|has\s+been|remain(?:ed|s)?|stay(?:ed|s)?)\s+$",
        re.IGNORECASE,
    ),
}
# "anti-money laundering checks", "an anti-corruption drive", "counter-terrorism
# officials": the fight against a category is no sign of it.
_AGAINST = re.compile(r"\b(?:anti|counter)[- ]?$", re.IGNORECASE)
_PATTERNS = {
    cat: re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE) for cat, pats in LEXICON.items()
}
# One pass finds every sentence that may hold any signal, so the per-category
# regexes only run on the few sentences that need them.
_ANY = re.compile("|".join(f"(?:{p})" for pats in LEXICON.values() for p in pats), re.IGNORECASE)
# The same search for ASCII text, lower-cased and matched case-sensitively:
# several times faster than IGNORECASE, and payment fields and most prose
# sentences are ASCII. Lower-casing the pattern only changes its letters,
# because every escape it uses (\b, \w, \s) is lower-case already.
_ANY_LOWER = re.compile(_ANY.pattern.lower())


def _may_hold_signal(body: str) -> bool:
    """Whether some keyword of some category occurs in ``body`` (``_ANY.search``, faster)."""
    if body.isascii():
        return _ANY_LOWER.search(body.lower()) is not None
    return _ANY.search(body) is not None


@dataclass(frozen=True, slots=True)
class Keyword:
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RiskSignal:
    """One category raised by one sentence, with the words that raised it."""

    category: str
    start: int
    end: int
    keywords: tuple[Keyword, ...]


def find_risks(text: str, sentences: list[Sentence] | None = None) -> list[RiskSignal]:
    """Risk signals in document order, at most one per (sentence, category)."""
    if sentences is None:
        sentences = split_sentences(text)
    out: list[RiskSignal] = []
    for sent in sentences:
        body = text[sent.start : sent.end]
        if not _may_hold_signal(body):
            continue
        for category, pattern in _PATTERNS.items():
            keywords = [
                Keyword(m.group(), sent.start + m.start(), sent.start + m.end())
                for m in pattern.finditer(body)
                if not _NEGATION.search(body[max(0, m.start() - 40) : m.start()])
                and not _about_policy(category, body, m.start(), m.end())
            ]
            if keywords:
                out.append(RiskSignal(category, sent.start, sent.end, tuple(keywords)))
    return out


def _about_policy(category: str, body: str, start: int, end: int) -> bool:
    """Whether the keyword at ``body[start:end]`` names policy, not conduct ("sanctions relief")."""
    if _AGAINST.search(body, max(0, start - 9), start):
        return True
    after = _POLICY_AFTER.get(category)
    if after is not None and after.match(body, end, min(len(body), end + 40)):
        return True
    before = _POLICY_BEFORE.get(category)
    return before is not None and before.search(body, max(0, start - 40), start) is not None
