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
The press drops legal forms ("Belaruskali" for 'OPEN JOINT STOCK COMPANY
"BELARUSKALI"'), so an organisation's name without its leading and
trailing legal forms is a pattern too; when that leaves one word, it only
counts where it cannot be an ordinary word: not opening a sentence, not
also written in lower case in the same text ("Integral", "Proton"), and not
a month or day name (LLC "SEPTEMBER").

Vessels are also found by IMO number ("IMO 9187629"), checked by its check
digit, as payments find banks by BIC.
Patterns are wrapped in spaces and the normalised text is too, so matches
always start and end on token boundaries.
"""

from __future__ import annotations

import calendar
import hashlib
import pickle
import re
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import accumulate, combinations, product
from pathlib import Path
from typing import Any

import ahocorasick

from embargo.model import ALIAS, NAME, PERSON, PREVIOUS_NAME, Entity
from embargo.names.normalise import (
    GENERIC_ORG_WORDS,
    LEGAL_FORM_TOKENS,
    LEGAL_FORMS,
    PARTICLES,
    given_name_equivalents,
)
from embargo.names.phonetic import metaphone_key

# Word tokens; an apostrophe or hyphen joins parts ("O'Neill", "al-Assad")
# but a possessive "'s" is left out so "Assad's" yields "Assad".
TOKEN = re.compile(r"[^\W_]+(?:[-'’](?![sS]\b)[^\W_]+)*")
_SPLIT = re.compile(f"({TOKEN.pattern})")
_STRONG_NAME_PROPS = (NAME, ALIAS, PREVIOUS_NAME)
# Words that say what kind of party something is, not which one: no
# evidence that two names are the same ("Novak Trading Ltd").
_NOT_NAME_WORDS = PARTICLES | LEGAL_FORM_TOKENS | GENERIC_ORG_WORDS | frozenset(LEGAL_FORMS)
_PATRONYMIC = re.compile(r"(?:vich|vych|vna|ovna|evna|ichna|oglu|ogly|kyzy|qizi)$", re.IGNORECASE)
_MIN_SINGLE_TOKEN = 6
_MIN_SHORT_FORM = 7  # one word left once the legal form is gone
_CACHE_LIMIT = 400_000
DICTIONARY_FORMAT = 6
# Month and day names are capitalised wherever they stand ("killed in September").
_ABJAD = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
CALENDAR_WORDS = frozenset(
    w.lower()
    for w in (*calendar.month_name, *calendar.day_name, *calendar.month_abbr, *calendar.day_abbr)
    if w
)
_LEGAL_PHRASES = sorted((tuple(k.split()) for k in LEGAL_FORMS), key=len, reverse=True)
_IMO = re.compile(r"\bIMO(?:[ \t]*(?:No\.?|number|:|#))?[ \t]*:?[ \t]*(\d{7})\b", re.IGNORECASE)


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
    weak: bool = False  # a one-word name left by dropping a legal form: may be an ordinary word


class _TokenCache(dict[str, str]):
    """token -> normalised token; misses are computed, so lookups run in C via ``map``."""

    def __init__(self, normalise: Callable[[str], str]) -> None:
        super().__init__()
        self._normalise = normalise

    def __missing__(self, token: str) -> str:
        if len(self) > _CACHE_LIMIT:
            self.clear()
        if token.isascii() and token.isalnum() and token[:3].lower() != "abd":
            # What the shared normalisation makes of one plain ASCII word
            # (letters and digits) is its lower case; tests check this
            # against it. Skipping ICU here is most of the cost of unseen words.
            value = token.lower()
        else:
            value = " ".join(self._normalise(token).split())
        self[token] = value
        return value


class _Remembered(dict[str, bool]):
    """A bounded memo of a function of one string; lookups of known keys stay in C."""

    def __init__(self, compute: Callable[[str], bool]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> bool:
        if len(self) > _CACHE_LIMIT:
            self.clear()
        value = self[key] = self._compute(key)
        return value


class TokenNormaliser:
    """Normalises single tokens through the name matcher, remembering each one."""

    def __init__(self, normalise: Callable[[str], str] | None = None) -> None:
        self._cache = _TokenCache(normalise or _normaliser())

    def __call__(self, token: str) -> str:
        return self._cache[token]

    def many(self, tokens: list[str]) -> list[str]:
        return list(map(self._cache.__getitem__, tokens))

    def phrase(self, text: str) -> str:
        """A whole name normalised exactly as the text scan would see it."""
        return " ".join(n for n in self.many(TOKEN.findall(text)) if n)

    def words(self, text: str) -> list[str]:
        """The normalised words of ``text``, particles and one-letter words left out."""
        return [
            w
            for n in self.many(TOKEN.findall(text))
            for w in n.split()
            if len(w) > 1 and w not in _NOT_NAME_WORDS
        ]


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
        near: dict[str, tuple[str, ...]],
        pairs: frozenset[int],
        word_sets: frozenset[int],
        normaliser: TokenNormaliser | None = None,
        *,
        weak_patterns: frozenset[str] = frozenset(),
        imos: dict[str, tuple[str, ...]] | None = None,
        near_four: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._automaton = automaton
        # One-letter deletion of a four-letter list word -> the list words.
        # Only names in prose use it (Saif al-Adel for Sayf al-Adl); the
        # payment gates keep to five letters, where a one-letter slip in a
        # four-letter word would pass too many unrelated parties.
        self._near_four = near_four or {}
        self._weak = weak_patterns  # one-word names left by dropping a legal form
        self._imos = imos or {}
        self._targets = targets
        self._bics = bics
        #: every normalised word of every pattern, for cheap "could this be listed?" gates
        self.vocabulary = vocabulary
        self._near = near  # one-letter deletion of a list word -> the list words
        # Every list word and every one-letter deletion of one: a word is a
        # list word or one edit from one exactly when it, or one of its own
        # deletions, is in this set (one C-level set test per word). Built
        # here rather than on first use so that forked batch workers share it.
        self._near_keys = vocabulary | frozenset(near)
        self._pairs = pairs  # hashes of word pairs (and sound-key pairs) within one list name
        self._word_sets = word_sets  # hashes of the sorted distinctive words of each list name
        self._option_cache: dict[str, tuple[bool, frozenset[str], str]] = {}
        self._listed_spellings: dict[str, tuple[str, ...]] = {}
        self._whole_cache: dict[str, bool] = {}
        self._whole_words_cache: dict[tuple[str, ...], bool] = {}
        self._party_cache: dict[str, tuple[tuple[str, ...], bool]] = {}
        self.normaliser = normaliser or TokenNormaliser()
        # Memos of plain functions, not of bound methods: a memo holding the
        # dictionary would make a reference cycle, and a replaced dictionary
        # (hundreds of MB) would then wait for the cycle collector.
        near_flags = _Remembered(partial(_is_near, vocabulary, self._near_keys))
        normalise = self.normaliser
        self._near_flags = near_flags
        self._token_near = _Remembered(lambda token: _is_near_list_word(normalise(token), near_flags))

    def _state(self) -> tuple[Any, ...]:
        return (
            self._automaton,
            self._targets,
            self._bics,
            self.vocabulary,
            self._near,
            self._pairs,
            self._word_sets,
            self._weak,
            self._imos,
            self._near_four,
        )

    def near_words(self, word: str) -> set[str]:
        """List words equal to ``word`` or one edit away (for words of four letters or more).

        A deletion neighbourhood makes this a handful of dictionary lookups:
        ``peskv`` is a deletion of ``peskov``; ``peskow`` and ``peskov``
        share the deletion ``pesko``; ``puttin`` deleted once is ``putin``.
        """
        vocabulary = self.vocabulary
        out = {word} if word in vocabulary else set()
        if len(word) < 4:
            return out
        variants = _deletions(word)
        out |= variants.intersection(vocabulary)
        variants.add(word)
        # Set operations and map/filter keep the per-variant work in C: most
        # words seen in payments are new and near nothing.
        for listed in filter(None, map(self._near.get, variants)):
            out.update(listed)
        return out

    def is_near_list_word(self, word: str) -> bool:
        """Like :meth:`near_word` for distinctive words, remembered per word (for streams of short texts)."""
        return _is_near_list_word(word, self._near_flags)

    def near_list_word_flags(self, tokens: list[str]) -> list[bool]:
        """``is_near_list_word(normaliser(token))`` for each raw token, remembered per token."""
        return list(map(self._token_near.__getitem__, tokens))

    def near_word(self, word: str) -> bool:
        """True when ``word`` is a list word or one edit away from one."""
        return bool(self.near_words(word))

    def might_be_listed(self, name: str) -> bool:
        """Cheap gate before the matcher: do two words of ``name`` occur together in one list name?

        Words are compared exactly, one edit apart, as known given-name
        equivalents, or by sound (Metaphone), so typos and transliteration
        variants pass; two unrelated common names ("Anna Novak") do not,
        even when each word alone is in some list. Single words pass when
        they are list words. Names written in an abjad (Arabic, Persian,
        Hebrew script) always pass: with their vowels unwritten, their
        transliterated words rarely spell any list word ("hsn nsr allh"),
        while the matcher reads them every way lists romanise them.
        """
        if _ABJAD.search(name):
            return True
        words = self.normaliser.words(name)[:6]
        if not words:
            return False
        if len(words) == 1:
            return bool(self._options(words[0])[0])
        options = [self._options(w) for w in words]
        pairs = self._pairs
        for i in range(len(words)):
            for j in range(i + 1, len(words)):
                for a in options[i][1]:
                    for b in options[j][1]:
                        if _pair_key(a, b) in pairs:
                            return True
                # Sounds only when spelling cannot help: neither word is a
                # list word or one edit from one ("Moammar Qadafy" style).
                (near_a, _, sound_a), (near_b, _, sound_b) = options[i], options[j]
                if (
                    not (near_a or near_b)
                    and sound_a
                    and sound_b
                    and _pair_key("~" + sound_a, "~" + sound_b) in pairs
                ):
                    return True
        return False

    def might_be_listed_whole(self, name: str) -> bool:
        """Stricter gate for structured names (payment parties): is some part of ``name``
        a whole list name?

        True when the distinctive words of some list name, each matched
        exactly, one edit away or as a given-name equivalent, in any order,
        are all among the words of ``name`` (at least two of them, or one
        word for one-word list names). "IVAN DUARTE SANCHEZ" passes for a
        listed "Juan Duarte"; "ELENA MORETTI" passes only if some list name
        is exactly Elena Moretti. Fast enough for tens of thousands of
        parties per second because it never calls the matcher.
        """
        cached = self._whole_cache.get(name)
        if cached is None:
            cached = self._whole_words(self.normaliser.words(name))
            if len(self._whole_cache) > _CACHE_LIMIT:
                self._whole_cache.clear()
            self._whole_cache[name] = cached
        return cached

    def screen_party_name(self, name: str) -> tuple[tuple[str, ...], bool]:
        """Both payment-party gates at once: (entities named exactly so, whether the matcher is needed).

        The same as ``(lookup(name), bool(lookup(name)) or might_be_listed_whole(name))``
        but the name is cut into words and normalised once, and the answer
        is remembered per name: a payment batch names the same
        counterparties again and again.
        """
        cached = self._party_cache.get(name)
        if cached is not None:
            return cached
        normalised = self.normaliser.many(TOKEN.findall(name))
        pattern = " ".join(n for n in normalised if n)
        found = self._automaton.get(f" {pattern} ", None) if pattern else None
        exact = self._targets[found[0]] if found else ()
        screen = bool(exact) or self._whole_words(
            [w for n in normalised for w in n.split() if len(w) > 1 and w not in _NOT_NAME_WORDS]
        )
        if len(self._party_cache) > _CACHE_LIMIT:
            self._party_cache.clear()
        self._party_cache[name] = (exact, screen)
        return exact, screen

    def clear_name_caches(self) -> None:
        """Forget the gate answers remembered per name (word-level memos stay: they hold no answers)."""
        self._whole_cache.clear()
        self._whole_words_cache.clear()
        self._party_cache.clear()

    def _whole_words(self, normalised_words: list[str]) -> bool:
        """:meth:`might_be_listed_whole` for a name's normalised words (remembered per word set)."""
        words = list(dict.fromkeys(normalised_words))[:5]
        options: list[tuple[str, ...]] = []
        if len(words) != 1:
            # Pairs are built from list words only, so a word that neither is
            # nor resembles one (most invented or foreign surnames) can pair
            # with nothing: with fewer than two others, no list name fits.
            options = [self._spellings_listed(w) for w in words]
            if sum(map(bool, options)) < 2:
                return False
        # The answer depends only on which words there are, not their order
        # or spelling in the message ("SAID MARKET", "Market said").
        key = tuple(sorted(words))
        cached = self._whole_words_cache.get(key)
        if cached is not None:
            return cached
        if len(words) == 1:
            spellings = {words[0], *self._spellings_listed(words[0])}
            found = any(_set_key([w]) in self._word_sets for w in spellings)
        else:
            found = self._whole_subset(options)
        if len(self._whole_words_cache) > _CACHE_LIMIT:
            self._whole_words_cache.clear()
        self._whole_words_cache[key] = found
        return found

    def _whole_subset(self, options: list[tuple[str, ...]]) -> bool:
        """Whether the list spellings of some two to four words make up a whole list name."""
        # Word pairs first: a list name of two or more words has each of its
        # pairs in the pair index, so most names stop here.
        pairs = self._pairs
        linked: dict[tuple[int, int], list[tuple[str, str]]] = {}
        for i, j in combinations(range(len(options)), 2):
            if not options[i] or not options[j]:
                continue
            found = _listed_pairs(options[i], options[j], pairs)
            if found:
                linked[(i, j)] = found
        sets = self._word_sets
        for i, j in linked:
            if any(_set_key(pair) in sets for pair in linked[(i, j)]):
                return True
        for size in (3, 4):
            for combo in combinations(range(len(options)), size):
                if not all(pair in linked for pair in combinations(combo, 2)):
                    continue
                for spelled in product(*(options[i] for i in combo)):
                    if _set_key(spelled) in sets:
                        return True
        return False

    def _spellings_listed(self, word: str) -> tuple[str, ...]:
        """The spellings of :meth:`_options` that are list words (the only ones pairs can hold).

        Those are the near words (all list words) and the list words among
        the given-name equivalents; no sound key is needed for them.
        """
        cached = self._listed_spellings.get(word)
        if cached is None:
            listed = self.near_words(word) if self._near_flags[word] else set()
            listed |= given_name_equivalents(word) & self.vocabulary
            cached = tuple(listed)
            if len(self._listed_spellings) > _CACHE_LIMIT:
                self._listed_spellings.clear()
            self._listed_spellings[word] = cached
        return cached

    def _options(self, word: str) -> tuple[bool, frozenset[str], str]:
        """(is or is near a list word, spellings to try in pairs, sound key), remembered per word."""
        cached = self._option_cache.get(word)
        if cached is None:
            near = self.near_words(word)
            if len(word) == 4:
                for variant in _deletions(word):
                    near.update(self._near_four.get(variant, ()))
            spellings = frozenset(near | {word} | (given_name_equivalents(word) & self.vocabulary))
            sound = metaphone_key(word)
            cached = (bool(near), spellings, sound)
            if len(self._option_cache) > _CACHE_LIMIT:
                self._option_cache.clear()
            self._option_cache[word] = cached
        return cached

    @property
    def pattern_count(self) -> int:
        return len(self._targets)

    @classmethod
    def build(cls, entities: Iterable[Entity], normaliser: TokenNormaliser | None = None) -> NameDictionary:
        norm = normaliser or TokenNormaliser()
        ids_by_pattern: dict[str, set[str]] = {}
        weak: set[str] = set()
        whole_single: set[str] = set()
        bics: dict[str, set[str]] = {}
        imos: dict[str, set[str]] = {}
        for entity in entities:
            for imo in entity.get("imoNumber"):
                digits = re.sub(r"\D", "", imo)
                if len(digits) == 7:
                    imos.setdefault(digits, set()).add(entity.id)
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
                else:
                    short = _without_legal_forms(pattern)
                    if short != pattern and short:
                        if " " in short:
                            patterns.append(short)
                        elif len(short) >= _MIN_SHORT_FORM and not short.isdigit():
                            weak.add(short)
                            patterns.append(short)
                for i, pattern in enumerate(patterns):
                    n_tokens = pattern.count(" ") + 1
                    if n_tokens == 1 and (entity.schema == PERSON or len(pattern) < _MIN_SINGLE_TOKEN):
                        continue
                    if n_tokens == 1 and i == 0:
                        whole_single.add(pattern)
                    ids_by_pattern.setdefault(pattern, set()).add(entity.id)
        automaton = ahocorasick.Automaton()
        targets: list[tuple[str, ...]] = []
        for pattern, ids in ids_by_pattern.items():
            automaton.add_word(f" {pattern} ", (len(targets), pattern))
            targets.append(tuple(sorted(ids)))
        automaton.make_automaton()
        frozen_bics = {code: tuple(sorted(ids)) for code, ids in bics.items()}
        vocabulary = frozenset(w for pattern in ids_by_pattern for w in pattern.split())
        near: dict[str, set[str]] = {}
        near_four: dict[str, set[str]] = {}
        for word in vocabulary:
            if len(word) >= 4:
                for variant in _deletions(word):
                    (near if len(word) >= 5 else near_four).setdefault(variant, set()).add(word)
        sounds = {w: metaphone_key(w) for w in vocabulary}
        pairs: set[int] = set()
        word_sets: set[int] = set()
        for pattern in ids_by_pattern:
            words = [w for w in pattern.split() if len(w) > 1 and w not in _NOT_NAME_WORDS][:6]
            if words:
                word_sets.add(_set_key(words))
            for i in range(len(words)):
                for j in range(i + 1, len(words)):
                    pairs.add(_pair_key(words[i], words[j]))
                    if sounds[words[i]] and sounds[words[j]]:
                        pairs.add(_pair_key("~" + sounds[words[i]], "~" + sounds[words[j]]))
        frozen_near = {k: tuple(sorted(v)) for k, v in near.items()}
        weak -= whole_single  # also some list's whole name: as strong as any
        return cls(
            automaton,
            targets,
            frozen_bics,
            vocabulary,
            frozen_near,
            frozenset(pairs),
            frozenset(word_sets),
            norm,
            weak_patterns=frozenset(weak),
            imos={k: tuple(sorted(v)) for k, v in imos.items()},
            near_four={k: tuple(sorted(v)) for k, v in near_four.items()},
        )

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
                return cls(*state[:7], weak_patterns=state[7], imos=state[8], near_four=state[9])
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

    def imo_numbers(self, text: str, start: int = 0, end: int | None = None) -> list[DictMatch]:
        """Listed vessels named by IMO number in ``text[start:end]`` ("IMO 9187629", "IMO No. 9187629")."""
        end = len(text) if end is None else end
        if all(text.find(cased, start, end) < 0 for cased in ("IMO", "imo", "Imo")):
            return []  # most payment fields: three substring searches instead of a regex scan
        out = []
        for m in _IMO.finditer(text, start, end):
            number = m.group(1)
            ids = self._imos.get(number)
            if ids and imo_check_digit_ok(number):
                out.append(DictMatch(m.start(), m.end(), m.group(), number, ids))
        return out

    def lookup_bic(self, bic: str) -> tuple[str, ...]:
        code = bic.upper()
        if not (code.isascii() and code.isalnum()):  # the usual plain code needs no cleaning
            code = re.sub(r"[^A-Z0-9]", "", code)
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
        # Splitting with a capturing group gives separators and words
        # alternately, all in C; offsets of any word follow from the lengths.
        parts = _SPLIT.split(chunk)
        words = parts[1::2]
        if not words:
            return []
        normalised = self.normaliser.many(words)
        kept: Sequence[int]
        if "" in normalised:
            kept = [i for i, n in enumerate(normalised) if n]
            norm_words = [normalised[i] for i in kept]
        else:
            kept = range(len(normalised))
            norm_words = normalised
        haystack = " " + " ".join(norm_words) + " "
        raw = list(self._automaton.iter(haystack))
        if not raw:
            return []
        word_starts = list(accumulate(map((1).__add__, map(len, norm_words)), initial=1))  # all in C
        part_ends = list(accumulate(map(len, parts)))
        found: list[tuple[int, int, str, tuple[str, ...]]] = []
        for last, (target, pattern) in raw:
            first = last - len(pattern) - 1  # index of the leading space
            w0 = bisect_right(word_starts, first + 1) - 1
            w1 = bisect_right(word_starts, last - 1) - 1
            if w0 < 0 or w1 >= len(kept):
                continue
            k0, k1 = kept[w0], kept[w1]
            s = part_ends[2 * k0] + start  # word k is part 2k+1
            e = part_ends[2 * k1 + 1] + start
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
            weak = pattern in self._weak
            if weak and (
                _opens_sentence(text, s) or _also_lower_case(text, surface) or pattern in CALENDAR_WORDS
            ):
                continue
            out.append(DictMatch(s, e, surface, pattern, ids, weak))
            reach = e
        return out


def _without_legal_forms(pattern: str) -> str:
    """A normalised organisation name with legal forms stripped from both ends."""
    words = pattern.split()
    changed = True
    while changed:
        changed = False
        for phrase in _LEGAL_PHRASES:
            n = len(phrase)
            if len(words) <= n:
                continue
            if tuple(words[:n]) == phrase:
                words = words[n:]
            elif tuple(words[-n:]) == phrase:
                words = words[:-n]
            else:
                continue
            changed = True
            break
    if not any(w not in _NOT_NAME_WORDS and len(w) > 1 for w in words):
        return ""  # nothing left that says which organisation
    return " ".join(words)


def imo_check_digit_ok(number: str) -> bool:
    """The seventh digit of an IMO number is the check digit of the first six."""
    if len(number) != 7 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(number[6])


def _set_key(words: Iterable[str]) -> int:
    return zlib.crc32(" ".join(sorted(set(words))).encode())


def _pair_key(a: str, b: str) -> int:
    """A stable hash of an unordered word pair (stable across processes, so it can be cached)."""
    if b < a:
        a, b = b, a
    return zlib.crc32(f"{a} {b}".encode())


def _listed_pairs(left: Iterable[str], right: Iterable[str], pairs: frozenset[int]) -> list[tuple[str, str]]:
    """Every (a, b) of ``left`` x ``right`` whose :func:`_pair_key` is in ``pairs``.

    CRC-32 can be continued, so ``crc32("a b")`` is ``crc32("b", crc32("a "))``:
    each word's encoding and the checksum of "word " are computed once per
    call rather than once per pair.
    """
    crc = zlib.crc32
    right_parts = [(b, b.encode(), crc(f"{b} ".encode())) for b in right]
    out = []
    for a in left:
        a_bytes = a.encode()
        a_head = crc(a_bytes + b" ")
        for b, b_bytes, b_head in right_parts:
            if (crc(b_bytes, a_head) if a <= b else crc(a_bytes, b_head)) in pairs:
                out.append((a, b))
    return out


def _is_near(vocabulary: frozenset[str], near_keys: frozenset[str], word: str) -> bool:
    """``bool(near_words(word))`` without collecting the words: most words are near none."""
    if word in vocabulary:
        return True
    if len(word) < 4:
        return False
    variants = _deletions(word)
    variants.add(word)
    return not near_keys.isdisjoint(variants)


def _is_near_list_word(word: str, near_flags: dict[str, bool]) -> bool:
    if len(word) < 3 or " " in word or word in _NOT_NAME_WORDS:
        return False  # particles and legal forms do not make a name
    return near_flags[word]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" \t")
    return not before or before[-1] in "\n.!?:\"'‘“(—–-"


def _also_lower_case(text: str, surface: str) -> bool:
    """Whether the word also occurs in lower case: then it is an ordinary word of the text."""
    return re.search(rf"(?<!\w){re.escape(surface.lower())}(?!\w)", text) is not None


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
