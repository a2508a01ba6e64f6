"""Screen one document: find the names, resolve them, link short forms, read risk.

The layers, in order:

1. **Dictionary** — every listed name found verbatim (after the shared
   name normalisation) by :class:`~embargo.text.mentions.dictionary.NameDictionary`.
2. **NER** — people and organisations spaCy recognises, whether or not a
   list spells them that way (optional; the report says when it is off).
3. **Fuzzy** — runs of capitalised words containing a word some list name
   uses, which catches misspellings ("Vladimir Putn") even without NER.

Every candidate full name then goes through the name matcher
(:mod:`embargo.names`) with what the text says about the person — gender
from titles and pronouns, nationality from a demonym right before the name
— and the hits are grouped into parties (:mod:`embargo.text.parties`).
Short forms and pronouns are linked to those full names
(:mod:`embargo.text.linking`), and risk sentences
(:mod:`embargo.text.risk`) are attributed to the party they mention.

Payments skip NER and linking: their parties are already whole names in
known fields and are screened as such; only remittance text is scanned.
"""

from __future__ import annotations

import copy
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from embargo.model import ORGANIZATION, PERSON, Entity
from embargo.names.normalise import PARTICLES, name_tokens
from embargo.settings import Settings
from embargo.sources.countries import country_code
from embargo.text.formats import Document, Party
from embargo.text.linking import (
    LinkedMention,
    Referent,
    Resolution,
    Span,
    is_title,
    link_mentions,
    title_gender,
)
from embargo.text.mentions.dictionary import CALENDAR_WORDS, TOKEN, DictMatch, NameDictionary
from embargo.text.ner import NAME_LABELS, NerSpan, NerUnavailable, Recogniser, load_recogniser
from embargo.text.parties import HitView, PartyGroup, group_hits
from embargo.text.report import (
    AmbiguousName,
    Candidate,
    ListedEntity,
    MentionOut,
    RiskOut,
    ScanReport,
    UnlistedName,
)
from embargo.text.risk import find_risks
from embargo.text.sentences import Sentence, sentence_at, split_sentences

ENGINE_VERSION = "1"
_PAYMENT_ENGINE: dict[str, Any] = {
    "ner": False,
    "ner_model": None,
    "notes": [
        "payment parties are screened as whole names; free-text fields by the dictionary and typo passes"
    ],
}
MatchFn = Callable[..., list[Any]]  # match(query) or match(query, limit=n)
_PARTICLE_WORD = r"(?:al|el|bin|ibn|de|van|von|da|di|du|del|der|la|le)(?:-(?=[A-Z])|\b)"
_CAPITALISED_RUN = re.compile(
    rf"(?<![\w’'-])(?:[A-Z][\w’'-]*|{_PARTICLE_WORD})(?:[ \t]*(?<=[ \t-])(?:[A-Z][\w’'-]*|{_PARTICLE_WORD})){{1,4}}"
)
_WORD_BEFORE = re.compile(r"([^\W\d_][\w’'.-]*)[ \t]*$")
_WORD_AFTER = re.compile(r"(?:’s|'s)?[ \t]*([^\W\d_][\w’'-]*)")
_DATELINE_AFTER = re.compile(r",[ \t]+(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}\b|\([A-Z])|[ \t]+\(|[ \t]+[-–—]")
_LINE_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_HEADLINE_SMALL_WORDS = frozenset(
    ("a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "off", "on", "or", "over")
    + ("per", "the", "to", "up", "via", "vs", "with")
)
_ALIAS_INTRO = re.compile(
    r"(?:,[ \t]*|[ \t]*\([ \t]*)(?:(?:who[ \t]+is|also|better|widely|commonly|sometimes|often)[ \t]+)*"
    r"(?:known[ \t]+as|a\.?k\.?a\.?|alias|nicknamed|dubbed|nom[ \t]+de[ \t]+guerre)[ \t]+[“\"‘']?"
)
_PAREN_ALIAS = re.compile(r"[ \t]*\((?=[ \t]*[A-Z][A-Z0-9&-]{1,9}[ \t]*\))[ \t]*")
_ALIAS_NAME = re.compile(
    rf"(?:[A-Z][\w’'-]*|{_PARTICLE_WORD})(?:[ \t]+(?:[A-Z][\w’'-]*|{_PARTICLE_WORD})){{0,4}}"
)
_TRAILING_PARTICLES = re.compile(rf"(?:[ \t]+{_PARTICLE_WORD})+$")
_ACRONYM = re.compile(r"(?<![\w-])[A-Z]{3,8}(?![\w-])")
_PARTICLE_BEFORE = re.compile(r"\b(?:[Aa]l|[Ee]l|[Bb]in|[Ii]bn|[Bb]en)[ \t]+$")
_SHIP_WORDS = frozenset(
    {
        "ship",
        "vessel",
        "tanker",
        "yacht",
        "superyacht",
        "boat",
        "freighter",
        "carrier",
        "cargo",
        "bulker",
        "trawler",
    }
)
_PLANE_WORDS = frozenset({"aircraft", "plane", "jet", "airliner", "helicopter", "boeing", "airbus"})
# A capitalised word, optionally one lower-case role word, then the name.
_WORDS_BEFORE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_HONORIFIC_BEFORE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Lady|Lord|Madam|Madame|Mme|Prof|Herr|Frau|Monsieur)\.?[ \t]+$"
)
_WORD_BEFORE_COMMA = re.compile(r"([^\W\d_]+),[ \t]*$")
_MAX_NAME_TOKENS = 8
# Scanners by (data dir, list versions, options): reused within a process
# while the active lists are unchanged, like the matcher.
_LOADED: dict[tuple[Any, ...], Scanner] = {}


@dataclass
class _Resolved:
    """A full name's matcher outcome, cached per document by name/schema/gender."""

    groups: list[PartyGroup]
    best_below: HitView | None = None


@dataclass
class _Doc:
    """Working state for one document."""

    text: str
    sentences: list[Sentence]
    context_names: set[str]
    cache: dict[tuple[str, str, str | None], _Resolved] = field(default_factory=dict)
    groups: dict[str, PartyGroup] = field(default_factory=dict)
    explanations: dict[str, dict[str, Any]] = field(default_factory=dict)
    best_below: dict[str, HitView] = field(default_factory=dict)
    alternatives: dict[str, list[Candidate]] = field(default_factory=dict)


class Scanner:
    """Everything needed to screen documents against one snapshot of the lists.

    Build it once (loading the matcher, the dictionary and optionally the
    NER pipeline takes seconds) and call :meth:`scan` per document.
    """

    def __init__(
        self,
        dictionary: NameDictionary,
        match: MatchFn,
        *,
        list_versions: dict[str, Any] | None = None,
        threshold: float = 0.7,
        floor: float = 0.5,
        recogniser: Recogniser | None = None,
        ner_note: str | None = None,
        get_entity: Callable[[str], Entity | None] | None = None,
        query_factory: Callable[..., Any] | None = None,
    ) -> None:
        self.dictionary = dictionary
        self._match = match
        self.list_versions = dict(list_versions or {})
        self.threshold = threshold
        self.floor = floor
        self.recogniser = recogniser
        self.ner_note = ner_note
        self._get_entity = get_entity
        self._query = query_factory or _default_query_factory()
        # Names recur across documents (a batch of articles about one
        # affair); the matcher's answer for a name/context is remembered.
        self._hit_cache: dict[tuple[Any, ...], list[HitView]] = {}

    # -- construction -----------------------------------------------------

    @classmethod
    def load(cls, settings: Settings, *, ner: bool = True) -> Scanner:
        """A scanner over the store's active lists (loading bundled lists if empty)."""
        from embargo.names import load_matcher
        from embargo.store import open_store

        store = open_store(settings)
        snapshot = store.snapshot()
        key = ";".join(f"{v.dataset}={v.version}:{v.sha256}" for v in snapshot.versions)
        loaded_key = (str(settings.data_dir), key, ner, settings.scan_threshold, settings.match_limit)
        cached = _LOADED.get(loaded_key)
        if cached is not None:
            return cached
        scanner = cls.from_snapshot(snapshot, load_matcher(settings), settings, ner=ner)
        _LOADED.clear()  # one snapshot's scanner at a time: they hold the whole index
        _LOADED[loaded_key] = scanner
        return scanner

    def without_ner(
        self, note: str = "named-entity recognition switched off; dictionary scan only"
    ) -> Scanner:
        """The same lists and matcher, screening with the dictionary and fuzzy passes only."""
        clone = copy.copy(self)
        clone.recogniser = None
        clone.ner_note = note
        return clone

    @classmethod
    def from_snapshot(cls, snapshot: Any, matcher: Any, settings: Settings, *, ner: bool = True) -> Scanner:
        """A scanner over one store snapshot and a matcher built from the same snapshot.

        The name dictionary is cached on disk per list versions
        (``<data_dir>/cache``); the NER pipeline is loaded once per process.
        """
        versions = {v.dataset: v.version for v in snapshot.versions}
        key = ";".join(f"{v.dataset}={v.version}:{v.sha256}" for v in snapshot.versions)
        dictionary = NameDictionary.cached(snapshot.iter_entities, key, settings.data_dir / "cache")
        recogniser, note = None, None
        if ner:
            try:
                recogniser = load_recogniser()
            except NerUnavailable as exc:
                note = str(exc)
        else:
            note = "named-entity recognition switched off; dictionary scan only"

        def match(query: Any, limit: int | None = None, floor: float | None = None) -> list[Any]:
            return list(matcher.match(query, limit=limit or settings.match_limit, floor=floor))

        return cls(
            dictionary,
            match,
            list_versions=versions,
            threshold=settings.scan_threshold,
            floor=settings.match_floor,
            recogniser=recogniser,
            ner_note=note,
            get_entity=snapshot.get,
        )

    # -- public -----------------------------------------------------------

    def scan(self, doc: Document) -> ScanReport:
        if doc.is_payment:
            return self._scan_payment(doc)
        return self._scan_prose(doc)

    def scan_text(self, text: str, source: str = "<text>") -> ScanReport:
        return self.scan(Document(source, "text", text))

    @property
    def engine(self) -> dict[str, Any]:
        notes = [self.ner_note] if self.ner_note else []
        return {
            "version": ENGINE_VERSION,
            "ner": self.recogniser is not None,
            "ner_model": self.recogniser.name if self.recogniser else None,
            "notes": notes,
        }

    # -- prose ------------------------------------------------------------

    def _scan_prose(self, doc: Document, ner_spans: list[NerSpan] | None = None) -> ScanReport:
        text = doc.text
        sentences = split_sentences(text)
        if ner_spans is None and self.recogniser is not None:
            ner_spans = self.recogniser(text)
        spans = self._candidate_spans(text, ner_spans or [])
        # NER sometimes calls a person's bare surname an organisation ("from
        # al-Assad or his wife"): when a full name in the text ends in that
        # word, it is a short form of that person.
        surnames = {s.content[-1] for s in spans if s.label == "PERSON" and s.is_full}
        for span in spans:
            if span.label == "ORG" and len(span.content) == 1 and span.content[0] in surnames:
                span.label = "PERSON"
        # Other people the document names: a listed record that mentions
        # them ("Press Secretary to Putin") is more likely the one meant.
        context = {
            t
            for s in spans
            if len(s.content) >= 2 and s.label == "PERSON" and s.method != "fuzzy"
            for t in s.content
            if len(t) >= 4
        }
        state = _Doc(text, sentences, context)
        result = link_mentions(
            text,
            sentences,
            spans,
            lambda s: self._resolve(state, s),
            more_short_forms=lambda refs, found: self._short_form_spans(text, refs, found, ner_spans or []),
        )
        return self._report(doc, state, result.referents, result.unresolved)

    def _candidate_spans(self, text: str, ner_spans: list[NerSpan]) -> list[Span]:
        taken: list[tuple[int, int]] = []
        spans: list[Span] = []

        def overlaps(s: int, e: int) -> bool:
            return any(s < te and ts < e for ts, te in taken)

        named = [n for n in ner_spans if n.label in NAME_LABELS]
        things = [n for n in ner_spans if n.label not in NAME_LABELS]
        for m in self.dictionary.scan(text):
            if m.weak and any(n.start < m.end and m.start < n.end for n in things):
                continue  # a company's bare name that NER reads as a date, place or nationality
            # One word is an organisation or vessel (no person's one-word name
            # is a pattern), whatever NER thinks ("Belaruskali" as PERSON);
            # otherwise what NER says about the same words, else a person.
            label = "ORG" if " " not in m.pattern else None
            label = label or next((n.label for n in named if n.start < m.end and m.start < n.end), "PERSON")
            span = self._make_span(text, m.start, m.end, label, "dictionary")
            if span is not None:
                span.whole = True
                spans.append(span)
                taken.append((m.start, m.end))
        for m in self.dictionary.imo_numbers(text):
            if not overlaps(m.start, m.end):
                spans.append(
                    Span(m.start, m.end, m.text, "ORG", "identifier", (m.pattern,), identified=m.entity_ids)
                )
                taken.append((m.start, m.end))
        places = [(n.start, n.end) for n in ner_spans if n.label not in NAME_LABELS]
        for ner in ner_spans:
            if ner.label not in NAME_LABELS or overlaps(ner.start, ner.end):
                continue
            if _dateline(text, ner) or not _capitalised_name(ner.text):
                continue
            opener = ner.label == "ORG" and _plain_sentence_opener(text, ner)
            if opener and not self.dictionary.near_word(self.dictionary.normaliser(ner.text)):
                continue
            span = self._make_span(text, ner.start, ner.end, ner.label, "ner")
            if span is not None:
                # "Yacht brokers said", or a Title Case headline ("Putin Ally
                # Sechin Faces New Probe"): screened, not reported as unlisted.
                span.tentative = opener or _headline(text, ner.start)
                spans.append(span)
                taken.append((ner.start, ner.end))
        spans += self._acronym_spans(text, spans, overlaps)
        spans = _with_aliases(text, spans)
        taken += [(s.start, s.end) for s in spans if s.stands_for is not None]
        taken += places
        for run in _CAPITALISED_RUN.finditer(text):
            if overlaps(run.start(), run.end()):
                continue
            if not self.dictionary.might_be_listed(run.group()):
                continue
            span = self._make_span(text, run.start(), run.end(), "PERSON", "fuzzy")
            if span is not None and span.is_full:
                spans.append(span)
                taken.append((run.start(), run.end()))
        return spans

    @staticmethod
    def _acronym_spans(text: str, spans: list[Span], overlaps: Callable[[int, int], bool]) -> list[Span]:
        """Acronyms of organisation names the text spells out ("IRGC" after "Islamic Revolutionary Guard Corps").

        The initials are those of the name's capitalised words; the acronym
        is then linked to that name like a short form (it stands for
        nothing listed when the name is not).
        """
        full: dict[str, Span] = {}
        for span in spans:
            if span.label != "ORG" and span.method != "dictionary":
                continue
            initials = "".join(w[0] for w in TOKEN.findall(span.text) if w[0].isupper())
            if len(initials) >= 3 and initials.isupper() and initials not in full:
                full[initials] = span
        out: list[Span] = []
        if not full:
            return out
        for m in _ACRONYM.finditer(text):
            named = full.get(m.group())
            if named is not None and not overlaps(m.start(), m.end()):
                out.append(
                    Span(
                        m.start(),
                        m.end(),
                        m.group(),
                        "ORG",
                        "link",
                        (m.group().lower(),),
                        stands_for=named.start,
                    )
                )
        return out

    def _short_form_spans(
        self, text: str, referents: list[Referent], found: list[Span], ner_spans: list[NerSpan]
    ) -> list[Span]:
        """Every other standalone occurrence of a named person's surname or given name.

        NER tags "Deripaska's lawyers" or "Sechin did not respond" only
        some of the time, and a short form it misses is a mention lost, so
        the words of the full names already resolved are looked for
        directly. Only capitalised words count, not next to another
        capitalised word (which would make them part of some other name:
        "Roman Empire"). A particle just before the word belongs to it
        ("El Aissami").
        """
        surnames: set[str] = set()
        given: set[str] = set()
        for ref in referents:
            if ref.label == "PERSON":
                surnames |= {w for w in ref.surnames if len(w) >= 2}
                given |= {w for w in ref.given if len(w) >= 4}
        words = (surnames | given) - CALENDAR_WORDS  # "May 7" is a date, not Theresa May
        if not words:
            return []
        taken = [(s.start, s.end) for s in found]
        # A surname the document gave in full beats NER calling the bare word
        # a place ("Deripaska's lawyers" as GPE); a given name does not ("Jordan").
        places = [(n.start, n.end) for n in ner_spans if n.label not in NAME_LABELS]
        normalise = self.dictionary.normaliser
        out: list[Span] = []
        for m in TOKEN.finditer(text):
            word = m.group()
            if not word[:1].isupper() or not any(ch.isalpha() for ch in word):
                continue
            parts = [w for w in normalise(word).split() if w not in PARTICLES]
            if len(parts) != 1 or parts[0] not in words:
                continue
            start, end = m.start(), m.end()
            if any(start < e and s < end for s, e in taken):
                continue
            if parts[0] not in surnames and any(start < e and s < end for s, e in places):
                continue
            particle = _PARTICLE_BEFORE.search(text, max(0, start - 6), start)
            if particle:
                start = particle.start()
            if _capitalised_neighbour(text, start, end):
                continue
            span = self._make_span(text, start, end, "PERSON", "dictionary")
            if span is not None and not span.is_full:
                out.append(span)
        return out

    def _make_span(self, text: str, start: int, end: int, label: str, method: str) -> Span | None:
        """A span with its title split off and trailing possessives removed."""
        surface = text[start:end]
        # Titles inside the span ("Ms Assad", "President Vladimir Putin").
        title = None
        while True:
            m = re.match(r"([^\W\d_][\w.’'-]*)\s+", surface)
            if not m or not is_title(m.group(1)):
                break
            title = m.group(1)
            start += m.end()
            surface = text[start:end]
        for suffix in ("’s", "'s", "’", "'"):
            if surface.endswith(suffix):
                end -= len(suffix)
                surface = text[start:end]
        surface_stripped = surface.rstrip(" .,;:")
        end -= len(surface) - len(surface_stripped)
        surface = surface_stripped
        if not surface:
            return None
        # A title just before the span ("Queen Elizabeth II", "his wife Asma").
        gender = title_gender(title)
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        if before:
            word = before.group(1)
            if title is None and is_title(word):
                title = word
            gender = gender or title_gender(word)
        elif gender is None:
            # "Her father, Fawaz Akhras": a relation word in apposition.
            appositive = _WORD_BEFORE_COMMA.search(text, max(0, start - 40), start)
            if appositive:
                gender = title_gender(appositive.group(1))
        schema = PERSON if label == "PERSON" else ORGANIZATION
        tokens = tuple(name_tokens(surface, schema if label == "PERSON" else None))
        if not tokens or len(tokens) > _MAX_NAME_TOKENS or not any(ch.isalpha() for ch in surface):
            return None
        span = Span(start, end, surface, label, method, tokens, title, gender)
        if label == "PERSON" and not span.is_full:
            # A short form is reported with its honorific: "Ms Assad", "Mr Peskov".
            honorific = _HONORIFIC_BEFORE.search(text, max(0, start - 12), start)
            if honorific:
                span.start = honorific.start()
                span.text = text[span.start : end]
        return span

    def _countries_before(self, text: str, start: int) -> list[str]:
        """Nationality the text states right before the name ("Syrian president Bashar ...").

        The demonym may be followed by one lower-case role word ("Syrian
        president Bashar") or by capitalised titles ("Saudi Crown Prince
        Mohammed", "Syrian President Bashar"); two lower-case words in
        between mean it describes someone else ("the Russian ambassador met
        Ahmed ...").
        """
        window = text[max(0, start - 60) : start]
        cut = max(window.rfind(ch) for ch in '.,;:!?()"“”\n')
        words = _WORDS_BEFORE.findall(window[cut + 1 :])
        for i, word in enumerate(reversed(words[-4:])):
            codes: list[str] = []
            if word[:1].isupper():
                for part in word.split("-"):
                    code = country_code(part)
                    if code and code not in codes:
                        codes.append(code)
            if codes:
                return codes
            if i > 0 and not word[:1].isupper():
                return []  # "the Russian ambassador met Ahmed": the demonym is about someone else
        return []

    def _hits(
        self,
        name: str,
        schema: str | None,
        gender: str | None,
        countries: list[str],
        limit: int | None = None,
        *,
        matches_only: bool = False,
    ) -> list[HitView]:
        """Matcher hits for one name, remembered per process.

        ``matches_only`` asks the matcher for nothing below the scan
        threshold: payment parties only ever use hits at or above it, and
        the matcher skips scoring candidates that cannot reach it (about a
        quarter of its time on payment names).
        """
        key = (name, schema, gender, tuple(countries), limit, matches_only)
        hits = self._hit_cache.get(key)
        if hits is None:
            query = self._query(names=[name], schema=schema, gender=gender, countries=countries)
            options: dict[str, Any] = {"limit": limit} if limit else {}
            if matches_only:
                options["floor"] = self.threshold
            try:
                raw = self._match(query, **options)
            except TypeError:  # a match function without these parameters
                raw = self._match(query)
            hits = [HitView.of(h) for h in raw]
            if matches_only:
                hits = [h for h in hits if h.score >= self.threshold]
            if len(self._hit_cache) > 50_000:
                self._hit_cache.clear()
            self._hit_cache[key] = hits
        return hits

    def clear_cache(self) -> None:
        """Forget remembered matcher answers and name gates (benchmarks measure cold documents)."""
        self._hit_cache.clear()
        self.dictionary.clear_name_caches()

    @staticmethod
    def _role_words(state: _Doc, span: Span) -> set[str]:
        """Words next to the name in its sentence: "Kremlin spokesperson X", "X, the Kremlin spokesman"."""
        sentence = state.sentences[sentence_at(state.sentences, span.start)] if state.sentences else None
        begin = max(sentence.start if sentence else 0, span.start - 60)
        finish = min(sentence.end if sentence else len(state.text), span.end + 40)
        before = re.findall(r"[^\W\d_]{3,}", state.text[begin : span.start].lower())[-4:]
        after = re.findall(r"[^\W\d_]{3,}", state.text[span.end : finish].lower())[:4]
        return set(before) | set(after)

    def _resolve(self, state: _Doc, span: Span) -> Resolution | None:
        schema = None
        if span.method != "dictionary":
            # A verbatim list name keeps whatever schema it was listed
            # under: one-word dictionary names are organisations or vessels.
            schema = PERSON if span.label == "PERSON" else "LegalEntity"
            if schema == "LegalEntity" and self._role_words(state, span) & (_SHIP_WORDS | _PLANE_WORDS):
                schema = None  # "the tanker Ocean Star": NER calls a ship an organisation
        key = (" ".join(span.tokens), schema or "", span.gender)
        resolved = state.cache.get(key)
        if resolved is None:
            if span.identified:
                resolved = _Resolved(self._entity_groups(span.identified, {"imoNumber": span.tokens[0]}))
            elif span.method == "ner" and not self.dictionary.might_be_listed(span.text):
                resolved = _Resolved([])  # no two of its words occur together in any list name
            else:
                resolved = self._match_name(state, span, schema)
            state.cache[key] = resolved
        if resolved.groups:
            group = resolved.groups[0]
            ident = group.primary.id
            # What the list says the party is beats NER's label: a listed
            # company found by the dictionary, a person NER called an ORG.
            span.label = "PERSON" if group.primary.schema == PERSON else "ORG"
            known = state.groups.get(ident)
            if known is None or group.primary.score > known.primary.score:
                state.groups[ident] = group
                state.explanations[ident] = group.primary.explanation
            for other in resolved.groups[1:3]:
                alts = state.alternatives.setdefault(ident, [])
                if all(a.id != other.primary.id for a in alts):
                    alts.append(Candidate(other.primary.id, other.primary.caption, other.primary.score))
            return Resolution(ident, True, group.ids, group.gender or span.gender)
        if span.method in ("fuzzy", "identifier") or span.tentative:
            return None  # capitalised runs and sentence-opening words only matter when listed
        if span.method == "dictionary":
            return None  # verbatim list name the matcher rejects on context: not a party
        unlisted_key = "unlisted:" + " ".join(span.content)
        if resolved.best_below is not None:
            state.best_below[unlisted_key] = resolved.best_below
        return Resolution(unlisted_key, False, frozenset(), span.gender)

    def _match_name(self, state: _Doc, span: Span, schema: str | None) -> _Resolved:
        countries = self._countries_before(state.text, span.start) if span.label == "PERSON" else []
        gender = span.gender if span.label == "PERSON" else None
        hits = self._hits(span.text, schema, gender, countries)
        own = set(span.content)
        role_words = self._role_words(state, span)
        # Vessels and aircraft have names like "Amore Vero" or "Elena"; they
        # count only when the text says it is talking about a ship or plane.
        craft = {"Vessel"} if role_words & _SHIP_WORDS else set()
        craft |= {"Aircraft"} if role_words & _PLANE_WORDS else set()
        hits = [h for h in hits if h.schema not in ("Vessel", "Aircraft") or h.schema in craft]
        if span.label == "PERSON" and span.method in ("ner", "fuzzy"):
            hits = [h for h in hits if h.schema in (PERSON, "LegalEntity")]
        if span.label == "ORG" and span.method == "ner" and len(span.content) == 1:
            hits = [h for h in hits if self._one_word_names(h)]
        context = (state.context_names - own) | (role_words - own)
        groups = group_hits(
            hits, self.threshold, context=context, gender=span.gender, query_tokens=span.tokens
        )
        kept = {g.primary.id for g in groups} | {m.id for g in groups for m in g.members}
        # The closest near miss, for an unlisted name's "best_candidate".
        below = max(
            (h for h in hits if h.id not in kept and h.score >= self.floor),
            key=lambda h: h.score,
            default=None,
        )
        return _Resolved(groups, below)

    def _one_word_names(self, hit: HitView) -> bool:
        """Whether one word NER calls an organisation can name the listed organisation.

        It can when it is the whole list name ("Hezbollah", "MEHL"), or
        the first distinctive word of a name without "of" ("Mahan" for
        Mahan Air, "Huawei" for Huawei Technologies Co., Ltd.). A word
        further in ("Defence" for Ministry of Defence, "Navy" for IRGC
        Navy) or a near spelling of it ("Army" for K.Arma) does not.
        """
        if hit.score >= 0.99:
            return True
        tokens = hit.explanation.get("tokens") or []
        matched = hit.explanation.get("matched_name") or hit.caption
        if len(tokens) != 1 or tokens[0].get("similarity", 0.0) < 0.95:
            return False
        words = self.dictionary.normaliser.phrase(matched).split()
        if "of" in words:
            return False
        distinctive = self.dictionary.normaliser.words(matched)
        return bool(distinctive) and distinctive[0] == tokens[0].get("candidate")

    # -- payments -----------------------------------------------------------

    def _scan_payment(self, doc: Document) -> ScanReport:
        text = doc.text
        state = _Doc(text, [], set())
        referents: dict[str, Referent] = {}

        def add(group: PartyGroup, mention: LinkedMention) -> None:
            ident = group.primary.id
            ref = next((r for r in referents.values() if r.ids & group.ids), None)
            if ref is None:
                ref = referents.setdefault(ident, Referent(ident, True, "PARTY", set(group.ids)))
                state.groups[ident] = group
                state.explanations[ident] = group.primary.explanation
            ref.mentions.append(mention)

        screen_party_name = self.dictionary.screen_party_name
        for party in doc.parties:
            if party.bic:
                for group in self._bic_groups(party):
                    add(group, LinkedMention(party.start, party.end, text[party.start : party.end], "field",
                                             field=party.field))  # fmt: skip
            if not party.name:
                continue
            exact, screen = screen_party_name(party.name)
            if not screen:
                continue
            groups = self._screen_party(party)
            if groups:
                method = "dictionary" if exact else "fuzzy"
                surface = text[party.start : party.end]  # may span a continued line
                add(groups[0], LinkedMention(party.start, party.end, surface, method, field=party.field))
        for segment in doc.segments:
            for m in self.dictionary.imo_numbers(text, segment.start, segment.end):
                for group in self._entity_groups(m.entity_ids, {"imoNumber": m.pattern}):
                    add(group, LinkedMention(m.start, m.end, m.text, "identifier", field=segment.field))
            verbatim = self.dictionary.scan(text, segment.start, segment.end)
            for m in verbatim:
                span = Span(m.start, m.end, m.text, "PERSON", "dictionary", tuple(name_tokens(m.text)))
                resolved = self._match_name(state, span, None)
                if resolved.groups:
                    add(
                        resolved.groups[0],
                        LinkedMention(m.start, m.end, m.text, "dictionary", field=segment.field),
                    )
            for start, end in self._near_name_runs(text, segment.start, segment.end, verbatim):
                hits = self._hits(text[start:end], None, None, [], matches_only=True)
                groups = group_hits(hits, self.threshold)
                if groups:
                    add(groups[0], LinkedMention(start, end, text[start:end], "fuzzy", field=segment.field))
        # Only free text can describe risk; each field counts as one sentence.
        state.sentences = [Sentence(seg.start, seg.end) for seg in doc.segments]
        for ref in referents.values():
            ref.mentions.sort(key=lambda m: m.start)
        return self._report(doc, state, list(referents.values()), [], risks=bool(doc.segments))

    def _near_name_runs(
        self, text: str, start: int, end: int, verbatim: list[DictMatch]
    ) -> list[tuple[int, int]]:
        """Runs of two to four words in free text that are (near) list words and may form a list name.

        The typo-tolerant pass for remittance text, where there is no NER:
        "ON BEHALF OF VLADIMIR PUTN". Words are checked against the list
        vocabulary (remembered per word), and only a run that passes the
        whole-name gate reaches the matcher.
        """
        flags = self.dictionary.near_list_word_flags(TOKEN.findall(text, start, end))
        if not any(map(operator.and_, flags, flags[1:])):
            return []  # a run needs two neighbouring list words: most fields stop here
        found = TOKEN.finditer(text, start, end)
        covered = [(m.start, m.end) for m in verbatim]
        words = [(m.start(), m.end(), flag) for m, flag in zip(found, flags, strict=True)]
        runs: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            j = i
            while j < len(words) and words[j][2] and j - i < 4:
                j += 1
            if j - i >= 2:
                s, e = words[i][0], words[j - 1][1]
                if not any(s < ce and cs < e for cs, ce in covered) and self.dictionary.might_be_listed_whole(
                    text[s:e]
                ):
                    runs.append((s, e))
            i = max(j, i + 1)
        return runs

    def _screen_party(self, party: Party) -> list[PartyGroup]:
        countries = [party.country] if party.country else []
        hits = self._hits(party.name, party.schema, None, countries, matches_only=True)
        return group_hits(hits, self.threshold, transpositions=True)  # a name field: "PUTNI" is a typo

    def _entity_groups(self, ids: Iterable[str], identifier: dict[str, str]) -> list[PartyGroup]:
        """One group per entity an identifier names exactly (score 1, the identifier as explanation)."""
        if self._get_entity is None:
            return []
        groups = []
        for ident in ids:
            entity = self._get_entity(ident)
            if entity is None:
                continue
            view = HitView(
                entity.id, entity.caption, entity.schema, tuple(entity.datasets), entity.properties, 1.0, True,
                {"identifier": {**identifier, "status": "exact"}},
            )  # fmt: skip
            groups.append(PartyGroup(view))
        return groups

    def _bic_groups(self, party: Party) -> list[PartyGroup]:
        if not party.bic or self._get_entity is None:
            return []
        groups = []
        for ident in self.dictionary.lookup_bic(party.bic):
            entity = self._get_entity(ident)
            if entity is None:
                continue
            view = HitView(
                entity.id, entity.caption, entity.schema, tuple(entity.datasets), entity.properties, 1.0, True,
                {"identifier": {"swiftBic": party.bic, "status": "exact"}},
            )  # fmt: skip
            groups.append(PartyGroup(view))
        return groups

    # -- report -------------------------------------------------------------

    def _report(
        self,
        doc: Document,
        state: _Doc,
        referents: Iterable[Referent],
        unresolved: Iterable[Any],
        *,
        risks: bool = True,
    ) -> ScanReport:
        text = doc.text
        entities: list[ListedEntity] = []
        unlisted: list[UnlistedName] = []
        mention_index: list[tuple[int, int, str]] = []  # (start, end, entity id) for risk attribution
        for ref in referents:
            mentions = _one_per_span([_mention_out(ref, i) for i in range(len(ref.mentions))])
            if ref.listed:
                group = state.groups.get(ref.key) or next(
                    (g for k, g in state.groups.items() if k in ref.ids), None
                )
                if group is None:
                    continue
                primary = group.primary
                entities.append(
                    ListedEntity(
                        primary.id,
                        primary.caption,
                        primary.schema,
                        group.datasets,
                        group.programs,
                        primary.score,
                        mentions,
                        state.explanations.get(primary.id, primary.explanation),
                        [i for i in sorted(ref.ids | group.ids) if i != primary.id],
                        state.alternatives.get(primary.id, []),
                    )
                )
                mention_index += [(m.start, m.end, primary.id) for m in ref.mentions]
            else:
                if ref.label == "PERSON" and not ref.full_names:
                    continue
                below = state.best_below.get(ref.key)
                best = Candidate(below.id, below.caption, below.score) if below else None
                unlisted.append(UnlistedName(ref.full_names[0] if ref.full_names else ref.mentions[0].text,
                                             ref.label, mentions, best))  # fmt: skip
        ambiguous = self._ambiguous(state, unresolved, unlisted)
        entities.sort(key=lambda e: e.mentions[0].start if e.mentions else 0)
        unlisted.sort(key=lambda u: u.mentions[0].start if u.mentions else 0)
        risk_out = self._risks(text, state.sentences, mention_index) if risks else []
        return ScanReport(
            doc.source,
            doc.format,
            text,
            entities,
            unlisted,
            ambiguous,
            risk_out,
            self.list_versions,
            _PAYMENT_ENGINE | {"version": ENGINE_VERSION} if doc.is_payment else self.engine,
            [_party_dict(p) for p in doc.parties],
        )

    def _ambiguous(
        self, state: _Doc, unresolved: Iterable[Any], unlisted: list[UnlistedName]
    ) -> list[AmbiguousName]:
        by_text: dict[str, AmbiguousName] = {}
        orgs: dict[str, UnlistedName] = {}
        for item in unresolved:
            span: Span = item.span
            mention = MentionOut(span.text, span.start, span.end, span.method, title=span.title)
            if item.candidates:
                key = " ".join(span.content)
                amb = by_text.get(key)
                if amb is None:
                    cands = []
                    for ref_key in item.candidates:
                        group = state.groups.get(ref_key)
                        if group is not None:
                            cands.append(
                                Candidate(group.primary.id, group.primary.caption, group.primary.score)
                            )
                    amb = by_text[key] = AmbiguousName(span.text, [], cands)
                amb.mentions.append(mention)
            elif span.label == "ORG" and span.method == "ner":
                key = " ".join(span.tokens)
                if key not in orgs:
                    orgs[key] = UnlistedName(span.text, "ORG", [], None)
                    unlisted.append(orgs[key])
                orgs[key].mentions.append(mention)
            elif span.label == "PERSON" and len(span.content) == 1 and len(span.content[0]) > 2:
                # "President Putin" with no full name anywhere in the text:
                # listed people with that surname are candidates, none is a hit.
                key = " ".join(span.content)
                amb = by_text.get(key)
                if amb is None:
                    cands = self._surname_candidates(span.content[0], span.gender)
                    if not cands:
                        continue
                    amb = by_text[key] = AmbiguousName(span.text, [], cands)
                amb.mentions.append(mention)
        return list(by_text.values())

    def _surname_candidates(self, surname: str, gender: str | None) -> list[Candidate]:
        """Listed people whose surname is exactly ``surname``, one per party."""
        if surname not in self.dictionary.vocabulary:
            return []
        hits = self._hits(surname.capitalize(), PERSON, None, [], limit=100)
        fitting = []
        for hit in hits:
            lasts = {" ".join(name_tokens(n, PERSON)) for n in hit.values("lastName")}
            if surname not in lasts:
                continue
            if gender and hit.gender and hit.gender != gender:
                continue
            fitting.append(hit)
        groups = group_hits([replace(h, score=1.0) for h in fitting], 0.0)
        return [Candidate(g.primary.id, g.primary.caption, 0.0) for g in groups[:5]]

    def _risks(
        self, text: str, sentences: list[Sentence], mentions: list[tuple[int, int, str]]
    ) -> list[RiskOut]:
        sentences = sentences or split_sentences(text)
        out: list[RiskOut] = []
        for signal in find_risks(text, sentences):
            inside = [(s, e, ident) for s, e, ident in mentions if signal.start <= s < signal.end]
            ids = list(dict.fromkeys(ident for _, _, ident in inside))
            entity = None
            if len(ids) == 1:
                entity = ids[0]
            elif ids:
                first_kw = signal.keywords[0].start
                before = [(s, ident) for s, _, ident in inside if s < first_kw]
                entity = max(before)[1] if before else min((s, ident) for s, _, ident in inside)[1]
            out.append(
                RiskOut(
                    signal.category,
                    text[signal.start : signal.end],
                    signal.start,
                    signal.end,
                    [k.text for k in signal.keywords],
                    entity,
                    ids,
                )
            )
        return out


def _with_aliases(text: str, spans: list[Span]) -> list[Span]:
    """Spans plus every occurrence of a name the text gives as another name of a full name.

    "Ahmed Diriye, also known as Abu Ubaidah", "Mohammed bin Salman, known
    as MBS", "Jama'at Nusrat al-Islam wal-Muslimin (JNIM)": the other name,
    there and wherever it recurs, is linked to the full name it stands for
    (kunyas and acronyms are how later paragraphs refer to them). A span
    the recogniser made of it is replaced; one the dictionary found stays,
    since a listed alias resolves on its own.
    """
    aliases: list[tuple[str, Span]] = []
    for span in spans:
        if not span.is_full or span.stands_for is not None:
            continue
        intro = _ALIAS_INTRO.match(text, span.end) or _PAREN_ALIAS.match(text, span.end)
        if intro is None:
            continue
        name = _ALIAS_NAME.match(text, intro.end())
        if name is None:
            continue
        alias = _TRAILING_PARTICLES.sub("", name.group())
        own = set(span.tokens)
        if len(alias) < 2 or set(name_tokens(alias)) <= own:
            continue
        aliases.append((alias, span))
    if not aliases:
        return spans
    kept_dictionary = [
        (s.start, s.end) for s in spans if s.method == "dictionary" or s.stands_for is not None
    ]
    added: list[Span] = []
    for alias, full in aliases:
        for m in re.finditer(rf"(?<![\w’'-]){re.escape(alias)}(?![\w’'-])", text):
            start, end = m.start(), m.end()
            if full.start <= start < full.end:
                continue
            if any(start < e and s < end for s, e in kept_dictionary):
                continue
            if any(start < a.end and a.start < end for a in added):
                continue
            tokens = tuple(name_tokens(alias)) or (alias.lower(),)
            added.append(Span(start, end, alias, full.label, "link", tokens, stands_for=full.start))
    if not added:
        return spans
    kept = [
        s
        for s in spans
        if not any(s.start < a.end and a.start < s.end for a in added) or s.method == "dictionary"
    ]
    return kept + added


def _headline(text: str, position: int) -> bool:
    """Whether the line holding ``position`` is a headline in Title Case or capitals.

    NER reads such lines poorly: every word is capitalised, so "Putin Ally"
    looks like a person. Short function words may stay lower case.
    """
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start : end if end >= 0 else len(text)].strip()
    words = [w for w in _LINE_WORD.findall(line) if w.lower() not in _HEADLINE_SMALL_WORDS]
    if len(words) < 5 or line.endswith((".", ":", ";")) or any(ch in line for ch in "();,"):
        return False  # a byline, credit line or list of names is no headline
    return sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _capitalised_name(text: str) -> bool:
    """Some word other than "the" has a capital ("al-Assad") or is not Latin ("foreign ministry" is no name)."""
    return any(
        not w.isascii() or any(ch.isupper() for ch in w) for w in TOKEN.findall(text) if w.lower() != "the"
    )


def _dateline(text: str, span: NerSpan) -> bool:
    """A capitalised place opening a wire story ("MIAMI, May 7 (Wire) -"), which NER may call an organisation."""
    at_line_start = span.start == 0 or text[span.start - 1] == "\n"
    return at_line_start and span.text.isupper() and _DATELINE_AFTER.match(text, span.end) is not None


def _capitalised_neighbour(text: str, start: int, end: int) -> bool:
    """A capitalised word (not a title) right before or after, on the same line."""
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if before and before.group(1)[:1].isupper() and not is_title(before.group(1)):
        gap = text[before.end(1) : start]
        if "\n" not in gap and not _sentence_start(text, before.start(1)):
            return True
    after = _WORD_AFTER.match(text, end)
    return bool(after and after.group(1)[:1].isupper() and "\n" not in after.group(0))


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start]
    return start == 0 or "\n" in before or before.rstrip()[-1:] in ".!?\"'‘“"


def _plain_sentence_opener(text: str, span: NerSpan) -> bool:
    """A lone capitalised common word opening a sentence ("Regulators said") is no organisation.

    Only single words qualify, and not acronyms, camel case or words with
    digits ("NATO", "MailOnline", "No10").
    """
    word = span.text
    if " " in word or not word[:1].isupper() or not word[1:].islower() or not word.isalpha():
        return False
    before = text[max(0, span.start - 3) : span.start]
    return span.start == 0 or "\n" in before or before.strip() == "" or before.rstrip()[-1:] in ".!?\"'‘“"


def _party_dict(party: Party) -> dict[str, Any]:
    data: dict[str, Any] = {"field": party.field, "role": party.role, "name": party.name}
    if party.bic:
        data["bic"] = party.bic
    if party.country:
        data["country"] = party.country
    data.update(start=party.start, end=party.end)
    return data


def _one_per_span(mentions: list[MentionOut]) -> list[MentionOut]:
    """The first mention of each span: a payment party the whole-name screen
    and the dictionary both found is one mention, not two."""
    seen: set[tuple[int, int]] = set()
    out = []
    for m in mentions:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(m)
    return out


def _mention_out(ref: Referent, index: int) -> MentionOut:
    m = ref.mentions[index]
    chain = ref.chain(index) if m.linked_to is not None else None
    return MentionOut(m.text, m.start, m.end, m.method, m.field, m.title, m.linked_to, chain, m.reason)


def _default_query_factory() -> Callable[..., Any]:
    from embargo.names import Query

    def make(
        names: list[str], schema: str | None, gender: str | None = None, countries: list[str] | None = None
    ) -> Any:
        return Query(names=names, schema=schema, gender=gender, countries=list(countries or []))

    return make
