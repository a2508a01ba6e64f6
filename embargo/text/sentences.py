"""Sentence boundaries good enough for evidence quoting.

Risk evidence and pronoun links work per sentence, so a split after "Ms."
or "Dr." would cut a claim off from the person it is about. This splitter
breaks at line ends (captions and headlines rarely end with a full stop)
and after ``.!?`` followed by a capital or quote, unless the word before the
stop is a known abbreviation or a single initial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "maj",
        "capt",
        "sgt",
        "rev",
        "hon",
        "sen",
        "rep",
        "gov",
        "pres",
        "no",
        "nos",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "fig",
        "approx",
    ]
)
_BREAK = re.compile(r"[.!?]+[\"'’”)\]]*(?=\s+[\"'‘“(\[]?[A-Z0-9À-ÖØ-Þ])|\n")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]


def split_sentences(text: str) -> list[Sentence]:
    """Sentences as character ranges, whitespace trimmed, empty ones dropped."""
    sentences: list[Sentence] = []
    start = 0
    for m in _BREAK.finditer(text):
        if m.group() != "\n":
            word = _word_before(text, m.start())
            if word.lower().rstrip(".") in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                continue
        _append(text, start, m.end(), sentences)
        start = m.end()
    _append(text, start, len(text), sentences)
    return sentences


def _word_before(text: str, pos: int) -> str:
    i = pos
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "."):
        i -= 1
    return text[i:pos]


def _append(text: str, start: int, end: int, out: list[Sentence]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        out.append(Sentence(start + lead, start + lead + len(stripped)))


def sentence_at(sentences: list[Sentence], offset: int) -> int:
    """Index of the sentence containing ``offset`` (or the one before it)."""
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        if sentences[mid].start <= offset:
            lo = mid + 1
        else:
            hi = mid
    return max(lo - 1, 0)
