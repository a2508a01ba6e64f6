"""Find every listed name in a text with one pass of a multi-pattern automaton.

Both the names from the lists and the text are cut into the same word
tokens and each token is normalised by the name matcher's own
:func:`embargo.names.normalise.normalise_name` (transliteration, case
folding, particles), so "Bashar AL-ASSAD", "Bashar al-Assad" and
"Башар аль-Асад" become one pattern and screening agrees with ``embargo
match``. Normalising token by token is what lets offsets map back to the
original text exactly, and caching each distinct token keeps it fast: a
text's vocabulary is far smaller than its length.

Only names of two or more tokens are patterns, plus single-token names of
organisations and vessels that are long enough to be distinctive; a bare
surname in prose is the linking layer's business, never a dictionary hit.
Patterns are wrapped in spaces and the normalised text is too, so matches
always start and end on token boundaries.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import ahocorasick

from embargo.model import ALIAS, NAME, PERSON, PREVIOUS_NAME, Entity
from embargo.names.normalise import PARTICLES

# Word tokens; an apostrophe or hyphen joins parts ("O'Neill", "al-Assad")
# but a possessive "'s" is left out so "Assad's" yields "Assad".
TOKEN = re.compile(r"[^\W_]+(?:[-'’](?![sS]\b)[^\W_]+)*")
_STRONG_NAME_PROPS = (NAME, ALIAS, PREVIOUS_NAME)
_PATRONYMIC = re.compile(r"(?:vich|vych|vna|ovna|evna|ichna|oglu|ogly|kyzy|qizi)$", re.IGNORECASE)
_MIN_SINGLE_TOKEN = 6
_CACHE_LIMIT = 400_000
DICTIONARY_FORMAT = 2


def _normaliser() -> Callable[[str], str]:
    from embargo.names.normalise import normalise_name

    return normalise_name


@dataclass(frozen=True, slots=True)
class DictMatch:
    """A listed name found in the text: original span and the entities it names."""

    start: int
    end: int
    text: str
    pattern: str
    entity_ids: tuple[str, ...]


class TokenNormaliser:
    """Normalises single tokens through the name matcher, remembering each one."""

    def __init__(self, normalise: Callable[[str], str] | None = None) -> None:
        self._normalise = normalise or _normaliser()
        self._cache: dict[str, str] = {}

    def __call__(self, token: str) -> str:
        try:
            return self._cache[token]
        except KeyError:
            pass
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        value = " ".join(self._normalise(token).split())
        self._cache[token] = value
        return value

    def many(self, tokens: list[str]) -> list[str]:
        cache = self._cache
        return [cache[t] if t in cache else self(t) for t in tokens]

    def phrase(self, text: str) -> str:
        """A whole name normalised exactly as the text scan would see it."""
        return " ".join(n for n in self.many(TOKEN.findall(text)) if n)


def name_variants(entity: Entity) -> set[str]:
    """The written forms of an entity worth searching for, before normalisation.

    Lists write persons surname-first ("AL-ASSAD, Asma"), so comma names are
    also turned round; names with a patronymic ("Dmitriy Sergeevich Peskov")
    also yield the given-name + surname form the press uses.
    """
    out: set[str] = set()
    for st in entity.statements:
        if st.prop not in _STRONG_NAME_PROPS:
            continue
        value = st.value
        out.add(value)
        if "," in value:
            head, _, tail = value.partition(",")
            if head.strip() and tail.strip():
                out.add(f"{tail.strip()} {head.strip()}")
    if entity.schema == PERSON:
        firsts = entity.get("firstName")
        lasts = entity.get("lastName")
        for first in firsts:
            for last in lasts:
                out.add(f"{first} {last}")
        for value in list(out):
            words = value.split()
            if len(words) == 3 and _PATRONYMIC.search(words[1]):
                out.add(f"{words[0]} {words[2]}")
            if len(words) == 3 and _PATRONYMIC.search(words[2]):
                out.add(f"{words[1]} {words[0]}")  # "PESKOV Dmitry Sergeyevich"
    return out


class NameDictionary:
    """An automaton over the normalised names of a snapshot's entities.

    Build it with :meth:`build` (seconds for all bundled lists) or load a
    cached copy with :meth:`cached`; then :meth:`scan` is a single pass over
    the normalised text. :meth:`lookup` answers "is this whole name listed
    verbatim?" in O(1), which the payment path uses for structured parties.
    """

    def __init__(
        self,
        automaton: Any,
        targets: list[tuple[str, ...]],
        bics: dict[str, tuple[str, ...]],
        vocabulary: frozenset[str],
        deletes: frozenset[str],
        normaliser: TokenNormaliser | None = None,
    ) -> None:
        self._automaton = automaton
        self._targets = targets
        self._bics = bics
        #: every normalised word of every pattern, for cheap "could this be listed?" gates
        self.vocabulary = vocabulary
        self._deletes = deletes
        self.normaliser = normaliser or TokenNormaliser()

    def _state(self) -> tuple[Any, ...]:
        return (self._automaton, self._targets, self._bics, self.vocabulary, self._deletes)

    def near_word(self, word: str) -> bool:
        """True when ``word`` is one edit away from a list word of five or more letters.

        Uses a deletion neighbourhood (both sides reduced by one letter), so
        the check is a handful of set lookups rather than a fuzzy search.
        """
        if len(word) < 5:
            return False
        if word in self._deletes:
            return True
        return any(variant in self.vocabulary or variant in self._deletes for variant in _deletions(word))

    @property
    def pattern_count(self) -> int:
        return len(self._targets)

    @classmethod
    def build(cls, entities: Iterable[Entity], normaliser: TokenNormaliser | None = None) -> NameDictionary:
        norm = normaliser or TokenNormaliser()
        ids_by_pattern: dict[str, set[str]] = {}
        bics: dict[str, set[str]] = {}
        for entity in entities:
            for bic in entity.get("swiftBic"):
                code = re.sub(r"[^A-Z0-9]", "", bic.upper())
                if len(code) in (8, 11):
                    bics.setdefault(code[:8], set()).add(entity.id)
            for variant in name_variants(entity):
                pattern = norm.phrase(variant)
                if not pattern:
                    continue
                patterns = [pattern]
                if entity.schema == PERSON:
                    # "Fawaz Akhras" for "Fawaz AL-AKHRAS": the press drops particles.
                    bare = " ".join(t for t in pattern.split() if t not in PARTICLES)
                    if bare != pattern and bare.count(" ") >= 1:
                        patterns.append(bare)
                for pattern in patterns:
                    n_tokens = pattern.count(" ") + 1
                    if n_tokens == 1 and (entity.schema == PERSON or len(pattern) < _MIN_SINGLE_TOKEN):
                        continue
                    ids_by_pattern.setdefault(pattern, set()).add(entity.id)
        automaton = ahocorasick.Automaton()
        targets: list[tuple[str, ...]] = []
        for pattern, ids in ids_by_pattern.items():
            automaton.add_word(f" {pattern} ", (len(targets), pattern))
            targets.append(tuple(sorted(ids)))
        automaton.make_automaton()
        frozen_bics = {code: tuple(sorted(ids)) for code, ids in bics.items()}
        vocabulary = frozenset(w for pattern in ids_by_pattern for w in pattern.split())
        deletes = frozenset(d for w in vocabulary if len(w) >= 5 for d in _deletions(w))
        return cls(automaton, targets, frozen_bics, vocabulary, deletes, norm)

    @classmethod
    def cached(
        cls, entities: Callable[[], Iterable[Entity]], key: str, cache_dir: Path | None
    ) -> NameDictionary:
        """Load the dictionary for ``key`` (the list versions) from disk, or build and save it.

        The cache file is only ever read back by this code from the user's
        own data directory; a corrupt or outdated file is rebuilt, not trusted.
        """
        digest = hashlib.sha256(f"{DICTIONARY_FORMAT}:{key}".encode()).hexdigest()[:20]
        path = cache_dir / f"text-dictionary-{digest}.pickle" if cache_dir else None
        if path is not None and path.exists():
            try:
                with path.open("rb") as fh:
                    state = pickle.load(fh)
                return cls(*state)
            except Exception:
                path.unlink(missing_ok=True)
        built = cls.build(entities())
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                with tmp.open("wb") as fh:
                    pickle.dump(built._state(), fh, protocol=5)
                tmp.replace(path)
                for old in path.parent.glob("text-dictionary-*.pickle"):
                    if old != path:
                        old.unlink(missing_ok=True)
            except OSError:
                pass  # a read-only data dir only costs the rebuild next time
        return built

    def lookup(self, name: str) -> tuple[str, ...]:
        """Entities with exactly this (normalised) name, or ``()``."""
        pattern = self.normaliser.phrase(name)
        if not pattern:
            return ()
        found = self._automaton.get(f" {pattern} ", None)
        return self._targets[found[0]] if found else ()

    def lookup_bic(self, bic: str) -> tuple[str, ...]:
        code = re.sub(r"[^A-Z0-9]", "", bic.upper())
        return self._bics.get(code[:8], ())

    def scan(
        self, text: str, start: int = 0, end: int | None = None, *, require_capitals: bool = True
    ) -> list[DictMatch]:
        """Listed names in ``text[start:end]``, leftmost-longest, offsets into ``text``.

        ``require_capitals`` keeps a name only when its first and last words
        are capitalised (or the text is upper case), so that a listed
        company called "Golden Star" is not found in "a golden star".
        """
        end = len(text) if end is None else end
        chunk = text[start:end]
        words = TOKEN.findall(chunk)
        if not words:
            return []
        normalised = self.normaliser.many(words)
        kept = [i for i, n in enumerate(normalised) if n]
        norm_words = [normalised[i] for i in kept]
        haystack = " " + " ".join(norm_words) + " "
        raw = list(self._automaton.iter(haystack))
        if not raw:
            return []
        word_starts = list(accumulate((len(w) + 1 for w in norm_words), initial=1))
        spans = [m.span() for m in TOKEN.finditer(chunk)]
        found: list[tuple[int, int, str, tuple[str, ...]]] = []
        for last, (target, pattern) in raw:
            first = last - len(pattern) - 1  # index of the leading space
            w0 = bisect_right(word_starts, first + 1) - 1
            w1 = bisect_right(word_starts, last - 1) - 1
            if w0 < 0 or w1 >= len(kept):
                continue
            s = spans[kept[w0]][0] + start
            e = spans[kept[w1]][1] + start
            found.append((s, e, pattern, self._targets[target]))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        out: list[DictMatch] = []
        reach = -1
        for s, e, pattern, ids in found:
            if s < reach:
                continue
            surface = text[s:e]
            if require_capitals and not _looks_like_a_name(surface):
                continue
            out.append(DictMatch(s, e, surface, pattern, ids))
            reach = e
        return out


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _looks_like_a_name(surface: str) -> bool:
    words = TOKEN.findall(surface)
    if not words:
        return False
    if surface.isupper():
        return True
    first, last = words[0], words[-1]
    return _capitalised(first) and _capitalised(last)


def _capitalised(word: str) -> bool:
    # "al-Assad" counts: the part after a particle carries the capital.
    parts = re.split(r"[-'’]", word)
    return any(p[:1].isupper() for p in parts) or not any(ch.isalpha() for ch in word)
