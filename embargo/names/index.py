"""The candidate index: from a query token to the list names that could match it.

Everything expensive happens once, at build time: every name of every
entity is transliterated, tokenised and stored as token ids; each distinct
token gets a rarity weight and is filed under the keys a query token can
reach it by:

* the token itself and its given-name equivalents,
* its sound-alike keys (vowel key, Metaphone; the consonant key for tokens
  from Arabic/Hebrew script, which lack vowels),
* its deletion neighbourhood (every string one or two deletions away, the
  SymSpell scheme), which finds every token within the edit budget of
  :func:`embargo.names.similarity.edit_budget` without scanning the vocabulary.

A query token is looked up under the same keys and each token found is
confirmed with :func:`~embargo.names.similarity.token_similarity` (as a
:class:`~embargo.names.similarity.TokenProbe`), the very
function brute-force scoring uses; so the index cannot disagree with it.
Postings map a token to the name variants containing it, and each variant
lists its tokens, both as flat numpy arrays with offsets: the matcher reads
the postings of a query's heavier tokens only, then checks every query token
against the candidates' own tokens, in a few vectorised operations per query
name rather than a loop over entities.
"""

from __future__ import annotations

import json
import math
import pickle
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson

from embargo.model import NAME_PROPS, Entity, schemas_compatible
from embargo.names.normalise import LEGAL_FORM_TOKENS, given_name_equivalents, name_forms
from embargo.names.phonetic import abjad_keys, consonant_key, metaphone_key, vowel_key
from embargo.names.query import IDENTIFIER_PROPS
from embargo.names.score import fixed_weight, is_minor_token, is_patronymic, normalise_identifier
from embargo.names.similarity import (
    INITIAL,
    INITIAL_SIMILARITY,
    edit_budget,
    from_german_romanisation,
    probe,
)
from embargo.names.translit import is_abjad, script_group

# 14: abjad readings (8, 13), German respellings with flat postings (11), no
# per-letter variant table (14: derived from the postings when needed).
FORMAT_VERSION = 14
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction")
MIN_IDENTIFIER_CHARS = 4


@dataclass(slots=True)
class EntityRecord:
    """What the matcher needs of an entity, in plain values (cheap to pickle)."""

    id: str
    caption: str
    schema: str
    datasets: list[str]
    properties: dict[str, list[str]]
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    gender: str | None = None
    identifiers: list[str] = field(default_factory=list)


def deletions(token: str, budget: int) -> set[str]:
    """Every string obtained by deleting up to ``budget`` characters from ``token``."""
    out = {token}
    level = {token}
    for _ in range(budget):
        level = {t[:i] + t[i + 1 :] for t in level if len(t) > 2 for i in range(len(t))}
        out |= level
    return out


def _key_hash(key: str) -> int:
    # Stable across processes (unlike hash()); collisions only cost a check.
    return zlib.crc32(key.encode())


class KeyTable:
    """A string -> token ids multimap stored as sorted hashes and one id array.

    The deletion neighbourhood has hundreds of thousands of keys; as a dict
    of lists it takes seconds to unpickle, as two numpy arrays milliseconds.
    """

    def __init__(self, hashes: array[int] | None = None, ids: array[int] | None = None) -> None:
        h = np.frombuffer(hashes or array("I"), dtype=np.uint32)
        t = np.frombuffer(ids or array("i"), dtype=np.int32)
        order = np.argsort(h, kind="stable")
        self.ids = t[order].copy()
        self.keys, self.starts = np.unique(h[order], return_index=True)
        self.ends = np.append(self.starts[1:], len(order))

    def lookup(self, keys: Iterable[str]) -> set[int]:
        # crc32 inline, as _key_hash computes it: a few dozen keys per query token.
        wanted = np.array([zlib.crc32(k.encode()) for k in keys], dtype=np.uint32)
        if not len(self.keys) or not len(wanted):
            return set()
        # Sorted needles search faster: numpy starts each search where the last ended.
        wanted.sort()
        pos = np.searchsorted(self.keys, wanted)
        np.minimum(pos, len(self.keys) - 1, out=pos)
        pos = pos[self.keys[pos] == wanted]
        # The id runs of all keys found, gathered at once.
        starts = self.starts[pos]
        lengths = self.ends[pos] - starts
        ends = np.cumsum(lengths)
        where = np.repeat(starts - (ends - lengths), lengths) + np.arange(int(ends[-1]) if len(ends) else 0)
        return set(self.ids[where].tolist())


@dataclass(frozen=True, slots=True)
class TokenReach:
    """What one query token can earn in the index, ready for vectorised bounds.

    ``tids`` are the indexed tokens it pairs with, in the order
    :meth:`NameIndex.similar` lists them; ``signed`` their similarity,
    negative where the pairing is no real word in common (an initial, or
    a particle or legal form on the query side); ``best`` the largest
    similarity.
    """

    tids: np.ndarray
    signed: np.ndarray
    best: float


_REACHED_CACHE_IDS = 5_000_000


def bag_key(tids: Iterable[int]) -> int:
    """A 64-bit key of a multiset of token ids: equal multisets, equal keys.

    Written out rather than ``hash()`` so that a cached index means the
    same under any Python version.
    """
    ids = sorted(tids)
    key = len(ids)
    for tid in ids:
        key = (key * 1_000_003 + tid + 1) & 0xFFFF_FFFF_FFFF_FFFF
    return key


def normalise_gender(value: str | None) -> str | None:
    if not value:
        return None
    first = value.strip().lower()[:1]
    return {"m": "male", "f": "female"}.get(first)


class NameIndex:
    """All names of all active entities, ready to be searched."""

    def __init__(self) -> None:
        self.entities: list[EntityRecord] = []  # only while building
        # Entities as columns of plain values: fast to pickle and unpickle.
        self.ent_id: list[str] = []
        self.ent_caption: list[str] = []
        self.ent_schema: list[str] = []
        self.ent_datasets: list[tuple[str, ...]] = []
        self.ent_properties: list[str] = []  # JSON, decoded only for hits
        self.ent_birth_dates: list[tuple[str, ...]] = []
        self.ent_countries: list[tuple[str, ...]] = []
        self.ent_gender: list[str | None] = []
        self.ent_identifiers: list[tuple[str, ...]] = []
        self.ent_patronymics: list[tuple[str, ...]] = []  # as written in any of its names
        self.versions: dict[str, Any] = {}
        self.vocab: dict[str, int] = {}
        self.tokens: list[str] = []
        self.weights: list[float] = []
        self.weights64 = np.zeros(0, dtype=np.float64)  # the same, as arrays
        self.weights32 = np.zeros(0, dtype=np.float32)
        self.abjad: list[bool] = []
        self.max_weight = 1.0
        # name variants
        self.var_entity = np.zeros(0, dtype=np.int32)
        self.var_tokens: list[tuple[int, ...]] = []
        # The same token ids as one flat array: variant v holds
        # var_token_ids[var_token_start[v] : var_token_start[v + 1]].
        self.var_token_ids = np.zeros(0, dtype=np.int32)
        self.var_token_start = np.zeros(1, dtype=np.int64)
        # Variants by the multiset of their tokens (see bag_key), for exact-name lookups.
        self.bag_keys = np.zeros(0, dtype=np.uint64)
        self.bag_vids = np.zeros(0, dtype=np.int32)
        self.var_total = np.zeros(0, dtype=np.float32)
        self.var_kind: list[str] = []
        self.var_text: list[str] = []
        self.var_lang: list[str | None] = []
        self.var_script: list[str] = []
        self.var_partial = np.zeros(0, dtype=bool)  # cut out of a longer name: never exact
        self.var_schema = np.zeros(0, dtype=np.int8)
        self.var_datasets = np.zeros(0, dtype=np.int64)
        self.schemas: list[str] = []
        self.datasets: list[str] = []
        # keys
        # Postings: token t occurs in the variants
        # posting_ids[posting_start[t] : posting_start[t + 1]] (ascending, once
        # per occurrence). One flat array loads far faster than one per token.
        self.posting_ids = np.zeros(0, dtype=np.int32)
        self.posting_start = np.zeros(1, dtype=np.int64)
        self.by_vowel: dict[str, list[int]] = {}
        self.by_metaphone: dict[str, list[int]] = {}
        self.by_consonant_abjad: dict[str, list[int]] = {}
        self.by_consonant: dict[str, list[int]] = {}
        self.by_deletion = KeyTable()
        self.by_identifier: dict[str, list[int]] = {}
        # letter -> (names with a token starting with it, heaviest such token's weight)
        self._similar_cache: dict[tuple[str, bool], dict[int, tuple[float, str]]] = {}
        self._schema_masks: dict[str | None, np.ndarray] = {}
        self._variant_masks: dict[tuple[str | None, int | None], np.ndarray | None] = {}
        self._reach_cache: dict[tuple[str, bool], TokenReach] = {}
        self._reached_cache: dict[tuple[str, bool], np.ndarray] = {}
        self._reached_size = 0
        self._by_letter: dict[str, np.ndarray] | None = None
        self._entity_count = 0

    # --- building -------------------------------------------------------------

    @classmethod
    def build(cls, entities: Iterable[Entity], versions: Iterable[Any] = ()) -> NameIndex:
        """Index ``entities``; ``versions`` are VersionInfo-like (dataset, version, sha256)."""
        index = cls()
        index.versions = {
            v.dataset: {"version": v.version, "sha256": getattr(v, "sha256", None)} for v in versions
        }
        by_id: dict[str, int] = {}
        variants: list[tuple[int, tuple[str, ...], str, str, str | None, str]] = []
        seen: dict[int, set[tuple[str, ...]]] = {}
        partial_ids: set[int] = set()
        for entity in entities:
            pos = by_id.get(entity.id)
            if pos is None:
                pos = by_id[entity.id] = len(index.entities)
                index.entities.append(entity_record(entity))
                seen[pos] = set()
            else:
                _merge_record(index.entities[pos], entity)
            for prop, text, lang in entity_names(entity):
                for tokens, partial in name_forms(text, entity.schema):
                    if tokens in seen[pos]:
                        continue
                    seen[pos].add(tokens)
                    variants.append((pos, tokens, prop, text, lang, script_group(text)))
                    if partial:
                        partial_ids.add(len(variants) - 1)
        index._build_tokens(variants)
        index.var_partial = np.zeros(len(variants), dtype=bool)
        if partial_ids:
            index.var_partial[sorted(partial_ids)] = True
        index._to_columns()
        return index

    def _to_columns(self) -> None:
        for rec in self.entities:
            self.ent_id.append(rec.id)
            self.ent_caption.append(rec.caption)
            self.ent_schema.append(rec.schema)
            self.ent_datasets.append(tuple(rec.datasets))
            self.ent_properties.append(json.dumps(rec.properties, ensure_ascii=False))
            self.ent_birth_dates.append(tuple(rec.birth_dates))
            self.ent_countries.append(tuple(rec.countries))
            self.ent_gender.append(rec.gender)
            self.ent_identifiers.append(tuple(rec.identifiers))
        self.entities = []

    def record(self, pos: int) -> EntityRecord:
        """The entity at ``pos``, with its properties decoded."""
        return EntityRecord(
            id=self.ent_id[pos],
            caption=self.ent_caption[pos],
            schema=self.ent_schema[pos],
            datasets=list(self.ent_datasets[pos]),
            properties=orjson.loads(self.ent_properties[pos]),  # several times faster than json
            birth_dates=list(self.ent_birth_dates[pos]),
            countries=list(self.ent_countries[pos]),
            gender=self.ent_gender[pos],
            identifiers=list(self.ent_identifiers[pos]),
        )

    def _build_tokens(self, variants: list[tuple[int, tuple[str, ...], str, str, str | None, str]]) -> None:
        df: dict[str, set[int]] = {}
        abjad_tokens: set[str] = set()
        for pos, tokens, _prop, text, _lang, _script in variants:
            for tok in tokens:
                df.setdefault(tok, set()).add(pos)
            if is_abjad(text):
                abjad_tokens.update(tokens)
        n = max(1, len(self.entities))
        self._entity_count = n
        self.tokens = sorted(df)
        self.vocab = {t: i for i, t in enumerate(self.tokens)}
        # A token no list name has is as telling as the rarest one.
        self.max_weight = math.log((n + 1) / 2) + 1.0
        self.weights = [fixed_weight(t) or (math.log((n + 1) / (len(df[t]) + 1)) + 1.0) for t in self.tokens]
        self.abjad = [t in abjad_tokens for t in self.tokens]
        postings: list[list[int]] = [[] for _ in self.tokens]
        schemas: dict[str, int] = {}
        datasets: dict[str, int] = {}
        var_entity, var_total, var_schema, var_datasets = [], [], [], []
        for vid, (pos, tokens, prop, text, lang, script) in enumerate(variants):
            ids = tuple(self.vocab[t] for t in tokens)
            # Once per occurrence: a name may hold a token twice ("al ... al").
            for tid in ids:
                postings[tid].append(vid)
            record = self.entities[pos]
            var_entity.append(pos)
            var_total.append(sum(self.weights[t] for t in ids))
            var_schema.append(schemas.setdefault(record.schema, len(schemas)))
            bits = 0
            for ds in record.datasets:
                bits |= 1 << datasets.setdefault(ds, len(datasets))
            var_datasets.append(bits)
            self.var_tokens.append(ids)
            self.var_kind.append(prop)
            self.var_text.append(text)
            self.var_lang.append(lang)
            self.var_script.append(script)
        self.schemas = list(schemas)
        self.datasets = list(datasets)
        if len(self.datasets) > 63:
            raise ValueError("more than 63 datasets cannot be indexed")
        self.var_entity = np.array(var_entity, dtype=np.int32)
        self.var_total = np.array(var_total, dtype=np.float32)
        self.var_schema = np.array(var_schema, dtype=np.int8)
        self.var_datasets = np.array(var_datasets, dtype=np.int64)
        self.posting_start = np.concatenate(([0], np.cumsum([len(p) for p in postings]))).astype(np.int64)
        self.posting_ids = np.fromiter(
            (vid for p in postings for vid in p), dtype=np.int32, count=int(self.posting_start[-1])
        )
        self.weights64 = np.array(self.weights, dtype=np.float64)
        self.weights32 = self.weights64.astype(np.float32)
        lengths = np.fromiter(
            (len(ids) for ids in self.var_tokens), dtype=np.int64, count=len(self.var_tokens)
        )
        self.var_token_start = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self.var_token_ids = np.fromiter(
            (tid for ids in self.var_tokens for tid in ids), dtype=np.int32, count=int(lengths.sum())
        )
        bags = np.fromiter(
            (bag_key(ids) for ids in self.var_tokens), dtype=np.uint64, count=len(self.var_tokens)
        )
        order = np.argsort(bags, kind="stable")
        self.bag_keys = bags[order]
        self.bag_vids = order.astype(np.int32)
        deletion_hashes = array("I")
        deletion_ids = array("i")
        for tid, tok in enumerate(self.tokens):
            if len(tok) < 2:
                continue
            self.by_vowel.setdefault(vowel_key(tok), []).append(tid)
            meta = metaphone_key(tok)
            if meta:
                self.by_metaphone.setdefault(meta, []).append(tid)
            ckey = consonant_key(tok)
            if ckey:
                self.by_consonant.setdefault(ckey, []).append(tid)
            if self.abjad[tid]:
                # Filed under every Latin spelling it may stand for.
                for akey in abjad_keys(tok) - {ckey}:
                    self.by_consonant.setdefault(akey, []).append(tid)
                for akey in abjad_keys(tok):
                    self.by_consonant_abjad.setdefault(akey, []).append(tid)
            budget = edit_budget(len(tok))
            if budget:
                keys = deletions(tok, budget)
                deletion_hashes.extend([zlib.crc32(k.encode()) for k in keys])
                deletion_ids.extend([tid] * len(keys))
        self.by_deletion = KeyTable(deletion_hashes, deletion_ids)
        patronymics: list[set[str]] = [set() for _ in self.entities]
        for pos, tokens, *_rest in variants:
            patronymics[pos].update(t for t in tokens if is_patronymic(t))
        self.ent_patronymics = [tuple(sorted(p)) for p in patronymics]
        for pos, record in enumerate(self.entities):
            for ident in record.identifiers:
                self.by_identifier.setdefault(ident, []).append(pos)

    # --- lookups --------------------------------------------------------------

    def similar(self, token: str, abjad: bool = False) -> dict[int, tuple[float, str]]:
        """Indexed tokens similar to ``token``: token id -> (similarity, method).

        Single letters (initials) are not looked up here: they would reach a
        twentieth of the vocabulary; the scorer pairs them with words directly.
        """
        key = (token, abjad)
        cached = self._similar_cache.get(key)
        if cached is not None:
            return cached
        found: dict[int, tuple[float, str]] = {}
        if len(token) > 1:
            candidates: set[int] = set()
            # A German-romanised token is looked up as lists spell it too.
            english = token if abjad else from_german_romanisation(token)
            spellings = {token, english}
            for spelling in spellings:
                for same in (spelling, *given_name_equivalents(spelling)):
                    tid = self.vocab.get(same)
                    if tid is not None:
                        candidates.add(tid)
                if spelling in LEGAL_FORM_TOKENS:
                    candidates.update(self.vocab[t] for t in LEGAL_FORM_TOKENS if t in self.vocab)
                candidates.update(self.by_vowel.get(vowel_key(spelling), ()))
                meta = metaphone_key(spelling)
                if meta:
                    candidates.update(self.by_metaphone.get(meta, ()))
                budget = edit_budget(len(spelling))
                if budget:
                    candidates.update(self.by_deletion.lookup(deletions(spelling, budget)))
                if not abjad:
                    candidates.update(self.by_consonant_abjad.get(consonant_key(spelling), ()))
            if abjad:
                # Latin tokens under their consonant key, abjad ones under all
                # their readings: either way one of this token's readings.
                for akey in abjad_keys(token):
                    candidates.update(self.by_consonant.get(akey, ()))
            found = probe(token, abjad).similar_among(candidates, self.tokens, self.abjad)
            initial = self.vocab.get(token[0])
            if initial is not None:
                found[initial] = (INITIAL_SIMILARITY, INITIAL)
        if len(self._similar_cache) > 50_000:
            self._similar_cache.clear()
        self._similar_cache[key] = found
        return found

    def reach(self, token: str, abjad: bool = False) -> TokenReach:
        """The indexed tokens query ``token`` pairs with, as arrays (see :class:`TokenReach`).

        A single letter (an initial) pairs fully with every word starting
        with it; only the same letter counts as a real word in common.
        """
        key = (token, abjad)
        cached = self._reach_cache.get(key)
        if cached is not None:
            return cached
        if len(token) == 1:
            tids = self._tokens_starting_with(token)
            signed = np.full(len(tids), -1.0)
            signed[tids == self.vocab.get(token, -1)] = 1.0
            best = 1.0 if len(tids) else 0.0
        else:
            similar = self.similar(token, abjad)
            tids = np.fromiter(similar, dtype=np.int64, count=len(similar))
            sims = np.fromiter((s for s, _ in similar.values()), dtype=np.float64, count=len(similar))
            major = not is_minor_token(token)
            signs = [1.0 if major and method != INITIAL else -1.0 for _, method in similar.values()]
            signed = sims * np.array(signs, dtype=np.float64)
            best = max((s for s, _ in similar.values()), default=0.0)
        result = TokenReach(tids, signed, best)
        if len(self._reach_cache) > 50_000:
            self._reach_cache.clear()
        self._reach_cache[key] = result
        return result

    def postings(self, tid: int) -> np.ndarray:
        """The variants holding token ``tid``, ascending (a view, not a copy)."""
        return self.posting_ids[self.posting_start[tid] : self.posting_start[tid + 1]]

    def names_reached(self, token: str, abjad: bool = False) -> np.ndarray:
        """Sorted ids of the name variants holding a token that query ``token`` pairs with."""
        key = (token, abjad)
        cached = self._reached_cache.get(key)
        if cached is not None:
            return cached
        tids = self.reach(token, abjad).tids.tolist()  # for an initial: every word of its letter
        # Once each, though a name may hold a token twice ("al ... al").
        found = np.unique(np.concatenate([self.postings(t) for t in tids] or [np.zeros(0, np.int32)]))
        # Common tokens reach tens of thousands of names: bound the memory, not the count.
        if self._reached_size > _REACHED_CACHE_IDS:
            self._reached_cache.clear()
            self._reached_size = 0
        self._reached_cache[key] = found
        self._reached_size += len(found)
        return found

    def names_of_tokens(self, tids: list[int]) -> np.ndarray:
        """Sorted ids of the variants made of exactly the tokens ``tids`` (in any order)."""
        key = np.uint64(bag_key(tids))
        lo = int(np.searchsorted(self.bag_keys, key, side="left"))
        hi = int(np.searchsorted(self.bag_keys, key, side="right"))
        wanted = sorted(tids)
        found = [v for v in self.bag_vids[lo:hi].tolist() if sorted(self.var_tokens[v]) == wanted]
        return np.array(sorted(found), dtype=np.int32)

    def _tokens_starting_with(self, letter: str) -> np.ndarray:
        if self._by_letter is None:
            groups: dict[str, list[int]] = {}
            for tid, tok in enumerate(self.tokens):
                groups.setdefault(tok[0], []).append(tid)
            self._by_letter = {k: np.array(v, dtype=np.int64) for k, v in groups.items()}
        return self._by_letter.get(letter, np.zeros(0, dtype=np.int64))

    def token_weight(self, token: str, similar: dict[int, tuple[float, str]]) -> float:
        """Rarity weight of a query token: its own if indexed, else its closest indexed token's."""
        fixed = fixed_weight(token)
        if fixed is not None:
            return fixed
        tid = self.vocab.get(token)
        if tid is not None:
            return self.weights[tid]
        # Particles, legal forms and initials say nothing about an unknown word's rarity.
        telling = [(sim, self.weights[tid], tid) for tid, (sim, method) in similar.items()
                   if method != INITIAL and fixed_weight(self.tokens[tid]) is None]  # fmt: skip
        if telling:
            return max(telling)[1]
        return self.max_weight

    def schema_mask(self, schema: str | None) -> np.ndarray | None:
        """Which variants may match a query of ``schema`` (None: all)."""
        if schema is None:
            return None
        mask = self._schema_masks.get(schema)
        if mask is None:
            allowed = [i for i, s in enumerate(self.schemas) if schemas_compatible(schema, s)]
            mask = np.isin(self.var_schema, np.array(allowed, dtype=np.int8))
            self._schema_masks[schema] = mask
        return mask

    def dataset_mask(self, datasets: Iterable[str] | None) -> np.ndarray | None:
        """Which variants belong to one of ``datasets`` (None: all)."""
        if datasets is None:
            return None
        return self.variant_mask(None, datasets)

    def variant_mask(self, schema: str | None, datasets: Iterable[str] | None) -> np.ndarray | None:
        """Which variants a query of ``schema`` within ``datasets`` may match (None: all).

        Kept per combination: a batch or an API client repeats the same few,
        and each costs passes over every variant.
        """
        bits: int | None = None
        if datasets is not None:
            bits = 0
            for ds in datasets:
                if ds in self.datasets:
                    bits |= 1 << self.datasets.index(ds)
        key = (schema, bits)
        if key in self._variant_masks:
            return self._variant_masks[key]
        mask = self.schema_mask(schema)
        if bits is not None:
            in_datasets = (self.var_datasets & bits) != 0
            mask = in_datasets if mask is None else mask & in_datasets
        if len(self._variant_masks) > 1_000:
            self._variant_masks.clear()
        self._variant_masks[key] = mask
        return mask

    def dataset_versions(self, datasets: Iterable[str]) -> dict[str, Any]:
        return {ds: self.versions[ds]["version"] for ds in datasets if ds in self.versions}

    def variants_of(self, entity_pos: int) -> Iterator[int]:
        for vid in np.nonzero(self.var_entity == entity_pos)[0]:
            yield int(vid)

    def __len__(self) -> int:
        return len(self.ent_id)

    @property
    def rare_weight(self) -> float:
        """Weight from which a token counts as rare: found in at most three entities."""
        return self.max_weight - math.log(2.0)

    @property
    def name_count(self) -> int:
        return len(self.var_tokens)

    # --- persistence ----------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_similar_cache"] = {}
        state["_schema_masks"] = {}
        state["_variant_masks"] = {}
        state["_reach_cache"] = {}
        state["_reached_cache"] = {}
        state["_reached_size"] = 0
        state["_by_letter"] = None
        state["_format"] = FORMAT_VERSION
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if state.pop("_format", None) != FORMAT_VERSION:
            raise ValueError("index cache from another version")
        self.__dict__.update(state)

    def dumps(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(data: bytes) -> NameIndex:
        index = pickle.loads(data)
        if not isinstance(index, NameIndex):
            raise ValueError("not a name index")
        return index


def entity_names(entity: Entity) -> Iterator[tuple[str, str, str | None]]:
    any_name = False
    for st in entity.names():
        any_name = True
        yield st.prop, st.value, st.lang
    if not any_name:
        parts = [entity.first(p) for p in ("firstName", "middleName", "fatherName", "lastName")]
        joined = " ".join(p for p in parts if p)
        if joined:
            yield NAME_PROPS[0], joined, None


def entity_record(entity: Entity) -> EntityRecord:
    record = EntityRecord(
        id=entity.id,
        caption=entity.caption,
        schema=entity.schema,
        datasets=list(entity.datasets),
        properties=entity.properties,
    )
    _fill_secondary(record, entity)
    return record


def _fill_secondary(record: EntityRecord, entity: Entity) -> None:
    props = entity.properties
    for value in props.get("birthDate", ()):
        if value not in record.birth_dates:
            record.birth_dates.append(value)
    for prop in COUNTRY_PROPS:
        for value in props.get(prop, ()):
            code = value.strip().lower()
            if code and code not in record.countries:
                record.countries.append(code)
    if record.gender is None:
        record.gender = normalise_gender(next(iter(props.get("gender", [])), None))
    for prop in IDENTIFIER_PROPS:
        for value in props.get(prop, ()):
            ident = normalise_identifier(value)
            if len(ident) >= MIN_IDENTIFIER_CHARS and ident not in record.identifiers:
                record.identifiers.append(ident)


def _merge_record(record: EntityRecord, entity: Entity) -> None:
    for ds in entity.datasets:
        if ds not in record.datasets:
            record.datasets.append(ds)
    for prop, values in entity.properties.items():
        have = record.properties.setdefault(prop, [])
        for v in values:
            if v not in have:
                have.append(v)
    _fill_secondary(record, entity)
