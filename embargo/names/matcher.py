"""Screen a query against the index: candidates, precise scores, thresholds, hits.

Candidates are pruned only by a proven upper bound: for every name variant
the index gives the best score its tokens could reach (each query token's
best similarity to any token of the variant, weighted), and only variants
whose bound, plus the largest bonus secondary fields can add, stays below
the floor are skipped. Nothing a brute-force scan over all entities would
return can therefore be missed (``tests/names/test_index.py`` checks this
with hypothesis), yet common queries score a few hundred names, not 80,000.
"""

from __future__ import annotations

import hashlib
import heapq
import os
import tempfile
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np

from embargo.model import PERSON, Entity, schemas_compatible
from embargo.names.explain import explain
from embargo.names.index import NameIndex, TokenReach, bag_key, entity_names, entity_record, normalise_gender
from embargo.names.normalise import name_forms
from embargo.names.query import Query
from embargo.names.score import (
    CANDIDATE_EXPONENT,
    CONFLICT_PENALTY,
    COUNTRY_AGREE,
    DOB_BONUS,
    SOFT_SHARE,
    DateParts,
    NameMatch,
    band,
    birth_date_comparison,
    birth_date_status,
    combine,
    combine_statuses,
    compare_birth_dates,
    compare_identifiers,
    compare_sets,
    fixed_weight,
    folded_set,
    identifier_comparison,
    identifier_set,
    identifier_status,
    is_patronymic,
    normalise_identifier,
    parse_dates,
    partial_name,
    score_name,
    score_spelling,
    set_comparison,
    set_status,
    soft_tokens,
)
from embargo.names.similarity import FUZZY, token_similarity
from embargo.names.translit import is_abjad, script_group
from embargo.settings import Settings

try:
    from embargo.names import _bounds as _kernel
except ImportError:  # not compiled here: the numpy code gives the same bounds, slower
    _kernel = None  # type: ignore[assignment]


@dataclass
class Hit:
    """One list entity that could be the queried party."""

    id: str
    caption: str
    schema: str
    datasets: list[str]
    properties: dict[str, list[str]]
    score: float
    match: bool
    explanation: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caption": self.caption,
            "schema": self.schema,
            "datasets": list(self.datasets),
            "properties": self.properties,
            "score": self.score,
            "match": self.match,
            "explanation": self.explanation,
        }


@dataclass(slots=True)
class _QueryName:
    text: str
    tokens: tuple[str, ...]
    abjad: bool
    similar: list[dict[int, tuple[float, str]]]
    weights: list[float]
    syllabic: bool = False  # written in Chinese or Korean script
    partial: bool = False  # cut out of a longer query name (parentheses)
    pinyin: bool = False  # written in Chinese characters: its syllables are exact pinyin
    # name scores already computed for this query name, by list spelling
    scored: dict[tuple[tuple[int, ...], bool, bool, bool, bool], NameMatch] = field(default_factory=dict)


# Parsed birth dates, folded countries, folded gender, normalised identifiers.
_Facts = tuple[tuple[DateParts, ...], frozenset[str], frozenset[str], frozenset[str]]
# Statuses of birthDate, nationality, gender and identifiers.
_Statuses = tuple[str, str, str, str]


class Matcher:
    """Answers :class:`Query` objects against one :class:`NameIndex`."""

    def __init__(self, index: NameIndex, settings: Settings | None = None) -> None:
        self.index = index
        self.settings = settings or Settings()
        self._var_entities: list[int] | None = None  # filled on first use
        self._positions: dict[str, int] | None = None  # entity id -> position, on first use
        self._var_partials: list[bool] | None = None  # filled on first use
        # Parsed birth dates and folded countries by entity position, filled
        # as entities are scored: each query with the field compares them again.
        self._birth_dates: dict[int, tuple[DateParts, ...]] = {}
        self._countries: dict[int, frozenset[str]] = {}

    # --- thresholds -------------------------------------------------------------

    def threshold_for(self, schema: str, datasets: Iterable[str], threshold: float | None = None) -> float:
        """Explicit threshold, else the lowest per-dataset override, else per-schema, else default."""
        if threshold is not None:
            return threshold
        overrides = self.settings.threshold_overrides
        per_dataset = [overrides[ds] for ds in datasets if ds in overrides]
        if per_dataset:
            return float(min(per_dataset))
        if schema in overrides:
            return float(overrides[schema])
        return float(self.settings.match_threshold)

    def _lowest_threshold(self, threshold: float | None) -> float:
        if threshold is not None:
            return threshold
        values = [self.settings.match_threshold, *self.settings.threshold_overrides.values()]
        return float(min(values))

    # --- matching -------------------------------------------------------------

    def match(
        self,
        query: Query,
        threshold: float | None = None,
        limit: int | None = None,
        floor: float | None = None,
        datasets: Iterable[str] | None = None,
        *,
        brute_force: bool = False,
    ) -> list[Hit]:
        """Hits for ``query``, best first: matches, then near-misses down to the floor.

        ``brute_force`` scores every indexed name instead of the candidates;
        it exists to check the index and is far slower.
        """
        limit = self.settings.match_limit if limit is None else limit
        base_floor = self.settings.match_floor if floor is None else floor
        floor_all = min(base_floor, self._lowest_threshold(threshold))
        wanted = list(datasets) if datasets is not None else query.datasets
        names = self._query_names(query)
        index = self.index
        mask = index.variant_mask(query.schema, wanted)
        best: dict[int, tuple[float, NameMatch, int, _QueryName]] = {}
        bonus = (DOB_BONUS["exact"] if query.birth_dates else 0.0) + (
            COUNTRY_AGREE if query.countries else 0.0
        )
        work: list[tuple[float, int, int]] = []
        for qi, qname in enumerate(names):
            if brute_force:
                every = np.arange(index.name_count) if mask is None else np.nonzero(mask)[0]
                work.extend((1.0, qi, v) for v in every.tolist())
            else:
                found, upper = self._candidates(qname, floor_all - bonus, mask)
                work.extend(zip(upper.tolist(), [qi] * len(found), found.tolist(), strict=True))
        # Best bounds first: once the bound of the next name cannot beat the
        # current limit-th best final score, no later name can enter the results.
        work.sort(key=lambda item: -item[0])
        finals: dict[int, float] = {}
        # Only the statuses of the secondary fields settle a score; the full
        # comparisons are built for the hits returned.
        facts = self._query_facts(query)
        statuses: dict[int, _Statuses] = {}
        var_entity = self._var_entity()
        patronymics = index.ent_patronymics
        cutoff = -1.0
        for n, (reach, qi, vid) in enumerate(work):
            if reach + bonus + _ROUNDING < cutoff:
                break
            pos = var_entity[vid]
            current = best.get(pos)
            if current is not None and current[0] >= reach:
                continue  # another name of this entity already scored at least this bound
            qname = names[qi]
            name = self._score_variant(qname, vid, pos, query.schema, brute_force)
            if name.unmatched_query and patronymics[pos]:
                name = self._patronymic_conflict(qname, vid, pos, name, query.schema, brute_force)
            if current is None or name.score > current[0]:
                best[pos] = (name.score, name, vid, qname)
                status = statuses.get(pos)
                if status is None:
                    status = statuses[pos] = self._statuses(facts, pos)
                finals[pos] = combine_statuses(name.score, name.exact, *status)
            if limit and not brute_force and len(finals) >= limit and n % 16 == 15:
                cutoff = heapq.nlargest(limit, finals.values())[-1]
        for pos in self._identifier_hits(query, wanted, mask):
            if pos not in best:
                first = next(index.variants_of(pos), None)
                if first is not None and names:
                    name = self._score_variant(names[0], first, pos, query.schema, True)
                    best[pos] = (0.0, name, first, names[0])
                elif first is not None:
                    best[pos] = (0.0, NameMatch(0.0, False), first, _QueryName("", (), False, [], []))
        scored = []
        thresholds: dict[tuple[str, tuple[str, ...]], float] = {}
        for pos, (_, name, vid, qname) in best.items():
            # Every name kept in ``best`` above had its final score settled with it.
            score = finals.get(pos)
            if score is None:
                status = statuses.get(pos) or self._statuses(facts, pos)
                score = combine_statuses(name.score, name.exact, *status)
            kind = (index.ent_schema[pos], index.ent_datasets[pos])
            limit_pos = thresholds.get(kind)
            if limit_pos is None:
                limit_pos = thresholds[kind] = self.threshold_for(*kind, threshold)
            if score >= min(base_floor, limit_pos):
                scored.append((score, index.ent_id[pos], pos, name, vid, qname, limit_pos))
        scored.sort(key=lambda item: (-item[0], item[1]))
        if limit:
            scored = scored[:limit]
        return [
            self._hit(score, pos, name, vid, qname, self._secondary(query, facts, pos), limit_pos)
            for score, _id, pos, name, vid, qname, limit_pos in scored
        ]

    def _query_names(self, query: Query) -> list[_QueryName]:
        out: list[_QueryName] = []
        seen: set[tuple[str, ...]] = set()
        for text in query.names:
            abjad = is_abjad(text)
            for tokens, partial in name_forms(text, query.schema):
                if tokens in seen:
                    continue
                seen.add(tokens)
                similar = [self.index.similar(t, abjad) for t in tokens]
                weights = [self.index.token_weight(t, s) for t, s in zip(tokens, similar, strict=True)]
                script = script_group(text)
                out.append(
                    _QueryName(
                        text,
                        tokens,
                        abjad,
                        similar,
                        weights,
                        script in _SYLLABIC,
                        partial,
                        pinyin=script == "Hani",
                    )
                )
        return out

    def _candidates(
        self, qname: _QueryName, bound: float, mask: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Variants whose score bound reaches ``bound``, with their bounds.

        The compiled kernel (``_bounds.pyx``) gives the very same bounds,
        bit for bit, walking one name at a time; the numpy code below is
        its fallback, and the reference its tests compare it with.
        """
        index = self.index
        # The least the query's weight can shrink to (soft tokens unmatched).
        total_q = sum(
            w * SOFT_SHARE if soft and not qname.syllabic else w
            for w, soft in zip(qname.weights, soft_tokens(qname.tokens), strict=True)
        )
        if index.name_count == 0 or total_q <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        reach = [index.reach(token, qname.abjad) for token in qname.tokens]
        essential = self._essential_tokens(qname, reach, (bound - _ROUNDING) * total_q)
        if _kernel is not None and self.settings.compiled_kernels:
            return self._compiled_candidates(qname, reach, essential, total_q, bound, mask)
        exact = self._exact_names(qname)
        vids = _union([index.names_reached(qname.tokens[i], qname.abjad) for i in essential])
        if len(exact) and len(_slots_of(vids, exact)) < len(exact):
            vids = np.union1d(vids, exact)
        if mask is not None:
            vids = vids[mask[vids]]
        if not len(vids):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        exact_slots = _slots_of(vids, exact)
        m = len(vids)
        pairs = _Pairs.of(index, reach, vids)
        # Per query token (row) and name: best similarity, heaviest list token paired.
        rows = len(reach)
        cells = (np.arange(rows)[:, None] * m + pairs.names).ravel()
        best = np.zeros(rows * m)
        np.maximum.at(best, cells, np.abs(pairs.signed).ravel())
        sims = best.reshape(rows, m).astype(np.float32)
        heaviest = np.zeros(rows * m, dtype=np.float32)
        np.maximum.at(heaviest, cells, np.where(pairs.signed != 0, index.weights32[pairs.tokens], 0).ravel())
        heaviest = heaviest.reshape(rows, m)
        reached = sims > 0
        weights32 = np.array(qname.weights, dtype=np.float32)[:, None]
        gains = sims * weights32
        paired = np.where(reached, weights32, 0)
        # Each query token counts once per name, with its best similarity;
        # summed token by token, in query order.
        acc_q = np.zeros(m)
        acc_c = np.zeros(m)
        acc_w = np.zeros(m)
        for i in range(rows):
            acc_q += gains[i]
            acc_c += heaviest[i]
            acc_w += paired[i]
        cq = np.minimum(acc_q / total_q, 1.0)
        # Only an exact full name scores on initials, particles and legal
        # forms alone; anything else needs a real word in common.
        real = np.zeros(m, dtype=bool)
        real[pairs.names[np.maximum.reduce(pairs.signed, axis=0) > 0]] = True
        real[exact_slots] = True
        # The bound below is at most cq: names it already rules out need
        # no list side; among many candidates, they are dropped first.
        alive = real & (cq + _ROUNDING >= bound)
        alive[exact_slots] = True
        if not alive.any():
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        narrowed = m >= _RESTRICT_FROM and not alive.all()
        if narrowed:
            pairs = pairs.restricted(alive)
            vids, cq, acc_c, acc_w = vids[alive], cq[alive], acc_c[alive], acc_w[alive]
            reached, heaviest = reached[:, alive], heaviest[:, alive]
            exact_slots = _slots_of(vids, exact)
            m = len(vids)
        # The same bounds counted from the list side: each list token is
        # paired at most once, with at most its best query-token credit.
        # This is what keeps "Mohamed Mohamud" from counting one listed
        # "Mohamed" twice.
        by_list_q, by_list_c, by_list_w = self._list_side_bounds(qname, reach, pairs, m, reached, heaviest)
        cq = np.minimum(cq, by_list_q / total_q)
        acc_c = np.minimum(acc_c, by_list_c)
        totals = np.maximum(index.var_total[vids], 1e-6)
        cc = np.minimum(acc_c / totals, 1.0)
        # Query and list weight left unpaired at the least; both sides
        # unpaired is the two-sided conflict score_name penalises.
        acc_w = np.minimum(acc_w, by_list_w)
        lost_q = np.maximum(0.0, 1.0 - acc_w / total_q)
        lost_c = np.maximum(0.0, 1.0 - cc)
        upper = cq * cc**CANDIDATE_EXPONENT * (1.0 - CONFLICT_PENALTY * np.minimum(lost_q, lost_c))
        upper[exact_slots] = 1.0
        keep = upper + _ROUNDING >= bound
        if not narrowed:
            keep &= alive
        return vids[keep], upper[keep]

    def _compiled_candidates(
        self,
        qname: _QueryName,
        reach: list[TokenReach],
        essential: list[int],
        total_q: float,
        bound: float,
        mask: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """What the numpy code of :meth:`_candidates` gives, from the compiled kernel."""
        index = self.index
        tids = self._query_token_ids(qname)
        vids, cq, cc, damp, exact = _kernel_of(index).candidates(
            essential,
            tids,
            bag_key(tids) if tids is not None else 0,
            mask,
            [r.tids for r in reach],
            [r.signed for r in reach],
            qname.weights,
            [len(token) > 1 for token in qname.tokens],
            total_q,
            bound,
            _ROUNDING,
            CONFLICT_PENALTY,
            _scratch("slots", (len(index.tokens),), np.int32),
        )
        upper = cq * cc**CANDIDATE_EXPONENT * damp
        upper[exact] = 1.0
        keep = upper + _ROUNDING >= bound
        return vids[keep], upper[keep]

    def _essential_tokens(self, qname: _QueryName, reach: list[TokenReach], needed: float) -> list[int]:
        """The query tokens whose names are the candidates for gathering ``needed`` query credit.

        A name's query credit is at most the sum, over the query tokens
        reaching it, of token weight times best similarity. Take the light
        tokens while their sum stays below ``needed``: a name reached by
        those alone cannot get there, so every candidate is reached by one
        of the rest (returned, by position), and only their (short)
        postings need reading.
        (Checking each candidate for the light tokens here, to drop more,
        costs more numpy calls than it saves later.)
        """
        gains = [w * r.best for w, r in zip(qname.weights, reach, strict=True)]
        order = sorted(range(len(gains)), key=gains.__getitem__)
        # The margin covers float32 rounding of the credits summed later.
        lowest = needed * (1.0 - 1e-6) - 1e-9
        light = 0.0
        essential: list[int] = []
        for i in order:
            light += gains[i]
            if light >= lowest:
                essential.append(i)
        return essential

    def _exact_names(self, qname: _QueryName) -> np.ndarray:
        """Names made of exactly the query's tokens (in any order)."""
        tids = self._query_token_ids(qname)
        return _NO_IDS if tids is None else self.index.names_of_tokens(tids)

    def _query_token_ids(self, qname: _QueryName) -> list[int] | None:
        """The query's token ids, or None when a list name has none of some token."""
        vocab = self.index.vocab
        ids: list[int] = []
        for token in qname.tokens:
            tid = vocab.get(token)
            if tid is None:
                return None
            ids.append(tid)
        return ids

    def _list_side_bounds(
        self,
        qname: _QueryName,
        reach: list[TokenReach],
        pairs: _Pairs,
        m: int,
        reached: np.ndarray,
        heaviest: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per name: query credit, list weight and query weight reachable, list side.

        ``reached`` and ``heaviest`` say, per query token and name, whether
        it pairs there and with how heavy a list token at most.
        """
        index = self.index
        by_q: np.ndarray = np.zeros(m)
        by_c: np.ndarray = by_q
        by_w: np.ndarray = by_q
        words = [i for i, token in enumerate(qname.tokens) if len(token) > 1]
        if words:
            weights = np.array([qname.weights[i] for i in words])[:, None]
            sims = np.abs(pairs.signed if len(words) == len(reach) else pairs.signed[words])
            # Each list token takes its best query-token credit, once per occurrence.
            credit = np.maximum.reduce(sims * weights, axis=0)
            paired = np.maximum.reduce(np.where(sims > 0, weights, 0.0), axis=0)
            cols = (credit > 0).nonzero()[0]
            if len(cols):
                names = pairs.names[cols]
                if len(cols) > 2 and np.bincount(names).max() > 2:
                    # Sum each name's credits in one fixed order (the query
                    # tokens', then their similar tokens'), so that names with
                    # the same tokens in another order get the very same bound
                    # (two terms add up the same either way round).
                    rank = _credit_rank(qname, reach, words, len(index.tokens), pairs.tokens[cols])
                    cols = cols[(names * (int(rank.max()) + 1) + rank).argsort(kind="stable")]
                    names = pairs.names[cols]
                by_q = np.bincount(names, weights=credit[cols], minlength=m)
                by_c = np.bincount(names, weights=index.weights64[pairs.tokens[cols]], minlength=m)
                by_w = np.bincount(names, weights=paired[cols], minlength=m)
        # A query initial may pair with any list word of its letter, perhaps
        # one already credited above: adding it keeps this an upper bound.
        for i, token in enumerate(qname.tokens):
            if len(token) == 1:
                weight = qname.weights[i]
                by_q = by_q + np.where(reached[i], weight, 0.0)
                by_c = by_c + np.where(reached[i], heaviest[i], 0.0)
                by_w = by_w + np.where(reached[i], weight, 0.0)
        return by_q, by_c, by_w

    def _patronymic_conflict(
        self, qname: _QueryName, vid: int, pos: int, name: NameMatch, schema: str | None, brute_force: bool
    ) -> NameMatch:
        """Withdraw the leniency for a missing patronymic when the entity has another one."""
        if _other_patronymic(name.unmatched_query, self.index.ent_patronymics[pos]):
            return self._score_variant(qname, vid, pos, schema, brute_force, soften=False)
        return name

    def _score_variant(
        self,
        qname: _QueryName,
        vid: int,
        pos: int,
        schema: str | None,
        brute_force: bool,
        soften: bool = True,
    ) -> NameMatch:
        """Score name ``vid`` of the entity at ``pos``."""
        index = self.index
        ctoks = index.var_tokens[vid]
        person = schema == PERSON or index.ent_schema[pos] == PERSON
        syllabic = qname.syllabic or index.var_script[vid] in _SYLLABIC
        # Lists repeat one name across entities and datasets: a query name
        # scores each distinct spelling once (the score depends on nothing
        # else but the two schemas and scripts).
        key = (ctoks, person, syllabic, soften, brute_force)
        name = qname.scored.get(key)
        if name is None:
            name = qname.scored[key] = self._score_spelling(
                qname, ctoks, person, syllabic, soften, brute_force
            )
        if qname.partial or self._var_partial()[vid]:
            return partial_name(name)
        return name

    def _score_spelling(
        self,
        qname: _QueryName,
        ctoks: tuple[int, ...],
        person: bool,
        syllabic: bool,
        soften: bool,
        brute_force: bool,
    ) -> NameMatch:
        index = self.index
        qtokens = qname.tokens
        if not brute_force:
            # The similar tokens of each query token are known: look pairs up
            # (fuzzy ones dropped where _typo_blind says so).
            return score_spelling(
                qtokens,
                qname.weights,
                qname.similar,
                ctoks,
                index.tokens,
                index.weights,
                qname.pinyin,
                person,
                soften,
                index.rare_weight,
                syllabic,
            )
        cand = [index.tokens[t] for t in ctoks]

        def similarity(i: int, j: int) -> tuple[float, str]:
            return _credited(qname, token_similarity(qtokens[i], cand[j], qname.abjad, index.abjad[ctoks[j]]))

        return score_name(
            qtokens,
            qname.weights,
            cand,
            [index.weights[t] for t in ctoks],
            similarity,
            person=person,
            soften=soften,
            rare_weight=index.rare_weight,
            syllabic=syllabic,
        )

    def _var_partial(self) -> list[bool]:
        """Whether each name was cut out of a longer one, as a list (see :meth:`_var_entity`)."""
        if self._var_partials is None:
            self._var_partials = self.index.var_partial.tolist()
        return self._var_partials

    def _var_entity(self) -> list[int]:
        """Entity position of every name, as a list (indexing numpy per item is slow)."""
        if self._var_entities is None:
            self._var_entities = self.index.var_entity.tolist()
        return self._var_entities

    def _identifier_hits(self, query: Query, wanted: list[str] | None, mask: np.ndarray | None) -> set[int]:
        found: set[int] = set()
        for raw in query.identifiers:
            for pos in self.index.by_identifier.get(normalise_identifier(raw), ()):
                if wanted is not None and not set(wanted) & set(self.index.ent_datasets[pos]):
                    continue
                if mask is not None and not any(mask[v] for v in self.index.variants_of(pos)):
                    continue
                found.add(pos)
        return found

    def _secondary(self, query: Query, facts: _Facts, pos: int) -> dict[str, dict[str, Any]]:
        """What :func:`_secondary_of` gives, from the query's facts and the entity's as kept."""
        index = self.index
        dates, countries, gender, identifiers = facts
        return {
            "birthDate": birth_date_comparison(
                query.birth_dates, dates, index.ent_birth_dates[pos], self._entity_birth_dates(pos)
            ),
            "nationality": set_comparison(countries, self._entity_countries(pos)),
            "gender": set_comparison(gender, _folded_gender(index.ent_gender[pos])),
            # Without a query identifier the status is "missing" whatever the entity has.
            "identifiers": identifier_comparison(
                identifiers, identifier_set(index.ent_identifiers[pos]) if identifiers else frozenset()
            ),
        }

    def _query_facts(self, query: Query) -> _Facts:
        gender = normalise_gender(query.gender)
        return (
            parse_dates(query.birth_dates),
            folded_set(query.countries),
            folded_set([gender]),
            identifier_set(query.identifiers),
        )

    def _statuses(self, query: _Facts, pos: int) -> _Statuses:
        """The statuses :func:`_secondary_of` would give, reading the entity only when the query has the field."""
        index = self.index
        dates, countries, gender, identifiers = query
        return (
            birth_date_status(dates, self._entity_birth_dates(pos)) if dates else "missing",
            set_status(countries, self._entity_countries(pos)) if countries else "missing",
            set_status(gender, _folded_gender(index.ent_gender[pos])) if gender else "missing",
            identifier_status(identifiers, identifier_set(index.ent_identifiers[pos]))
            if identifiers
            else "missing",
        )

    def _entity_birth_dates(self, pos: int) -> tuple[DateParts, ...]:
        parsed = self._birth_dates.get(pos)
        if parsed is None:
            parsed = self._birth_dates[pos] = parse_dates(self.index.ent_birth_dates[pos])
        return parsed

    def _entity_countries(self, pos: int) -> frozenset[str]:
        folded = self._countries.get(pos)
        if folded is None:
            folded = self._countries[pos] = folded_set(self.index.ent_countries[pos])
        return folded

    # --- measurement helpers ----------------------------------------------------

    def candidates(self, query: Query, floor: float | None = None) -> list[str]:
        """Ids of the entities the index would score for ``query``, best bound first.

        This is the candidate set before precise scoring (and before any
        limit); ``floor`` defaults to the configured one.
        """
        base_floor = self.settings.match_floor if floor is None else floor
        bonus = (DOB_BONUS["exact"] if query.birth_dates else 0.0) + (
            COUNTRY_AGREE if query.countries else 0.0
        )
        bound = min(base_floor, self._lowest_threshold(None)) - bonus
        mask = self.index.variant_mask(query.schema, query.datasets)
        reach: dict[int, float] = {}
        for qname in self._query_names(query):
            vids, upper = self._candidates(qname, bound, mask)
            for vid, up in zip(vids.tolist(), upper.tolist(), strict=True):
                pos = self._var_entity()[vid]
                reach[pos] = max(reach.get(pos, 0.0), up)
        for pos in self._identifier_hits(query, query.datasets, mask):
            reach[pos] = max(reach.get(pos, 0.0), 1.0)
        return [self.index.ent_id[p] for p in sorted(reach, key=lambda p: -reach[p])]

    def score(self, query: Query, entity: Entity | str, threshold: float | None = None) -> Hit | None:
        """Score ``query`` against one entity, with the whole index's name statistics.

        ``entity`` is an indexed entity id or any :class:`Entity` (indexed or
        not). Returns the hit whatever its score (no floor), or None when the
        entity has no name or is of an incompatible schema.
        """
        index = self.index
        if isinstance(entity, str):
            pos = self._position(entity)
            if pos is None:
                return None
            record = index.record(pos)
            variants = [
                (index.var_text[v], index.var_kind[v], index.var_lang[v], index.var_script[v],
                 [index.tokens[t] for t in index.var_tokens[v]], bool(index.var_partial[v]))
                for v in index.variants_of(pos)
            ]  # fmt: skip
            patronymics: tuple[str, ...] = index.ent_patronymics[pos]
        else:
            record = entity_record(entity)
            variants = [
                (text, prop, lang, script_group(text), list(tokens), partial)
                for prop, text, lang in entity_names(entity)
                for tokens, partial in name_forms(text, entity.schema)
            ]
            patronymics = tuple(sorted({t for v in variants for t in v[4] if is_patronymic(t)}))
        if query.schema is not None and not schemas_compatible(query.schema, record.schema):
            return None
        best: tuple[NameMatch, int, _QueryName] | None = None
        for qname in self._query_names(query):
            for i, (text, _kind, _lang, script, tokens, partial) in enumerate(variants):
                name = self._score_tokens(
                    qname,
                    tokens,
                    is_abjad(text),
                    record.schema,
                    query.schema,
                    patronymics,
                    script in _SYLLABIC,
                )
                if partial or qname.partial:
                    name = partial_name(name)
                if best is None or name.score > best[0].score:
                    best = (name, i, qname)
        if best is None:
            return None
        name, i, qname = best
        text, kind, lang, script, _tokens, _partial = variants[i]
        secondary = _secondary_of(
            query, record.birth_dates, record.countries, record.gender, record.identifiers
        )
        score = combine(name.score, name.exact, secondary)
        limit = self.threshold_for(record.schema, record.datasets, threshold)
        return _build_hit(
            index, record, score, name, qname.text, (text, kind, lang, script), secondary, limit
        )

    def _position(self, entity_id: str) -> int | None:
        if self._positions is None:
            self._positions = {eid: i for i, eid in enumerate(self.index.ent_id)}
        return self._positions.get(entity_id)

    def _score_tokens(
        self,
        qname: _QueryName,
        tokens: list[str],
        abjad: bool,
        schema: str,
        query_schema: str | None,
        patronymics: tuple[str, ...],
        syllabic: bool = False,
    ) -> NameMatch:
        index = self.index
        weights = [
            index.weights[index.vocab[t]] if t in index.vocab else (fixed_weight(t) or index.max_weight)
            for t in tokens
        ]

        def similarity(i: int, j: int) -> tuple[float, str]:
            return _credited(qname, token_similarity(qname.tokens[i], tokens[j], qname.abjad, abjad))

        def scored(soften: bool) -> NameMatch:
            return score_name(
                qname.tokens,
                qname.weights,
                tokens,
                weights,
                similarity,
                person=query_schema == PERSON or schema == PERSON,
                soften=soften,
                rare_weight=index.rare_weight,
                syllabic=syllabic or qname.syllabic,
            )

        name = scored(soften=True)
        if _other_patronymic(name.unmatched_query, patronymics):
            return scored(soften=False)
        return name

    def _hit(
        self,
        score: float,
        pos: int,
        name: NameMatch,
        vid: int,
        qname: _QueryName,
        secondary: dict[str, dict[str, Any]],
        threshold: float,
    ) -> Hit:
        index = self.index
        record = index.record(pos)
        matched = (index.var_text[vid], index.var_kind[vid], index.var_lang[vid], index.var_script[vid])
        return _build_hit(index, record, score, name, qname.text, matched, secondary, threshold)

    # --- construction ---------------------------------------------------------

    @classmethod
    def from_store(cls, store: Any, settings: Settings) -> Matcher:
        """A matcher over the store's active versions, using the on-disk index cache."""
        snapshot = store.snapshot()
        return cls(_cached_index(snapshot, settings), settings)


_SYLLABIC = frozenset({"Hani", "Hang"})


@lru_cache(maxsize=16)
def _folded_gender(gender: str | None) -> frozenset[str]:
    """``folded_set([gender])``; an entity's gender is one of a few values."""
    return folded_set([gender])


def _typo_blind(qname: _QueryName, method: str) -> bool:
    """Whether a pair found by ``method`` earns nothing for this query name.

    Chinese characters transliterate to exact pinyin, so for a name written
    in them a syllable one letter off (jian / jiang) is another character,
    not a misspelling.
    """
    return qname.pinyin and method == FUZZY


def _credited(qname: _QueryName, found: tuple[float, str]) -> tuple[float, str]:
    """``found``, or no similarity where :func:`_typo_blind` says so."""
    return (0.0, "") if _typo_blind(qname, found[1]) else found


def _other_patronymic(unmatched_query: Iterable[str], listed: tuple[str, ...]) -> bool:
    """Whether the query's unmatched patronymic differs from every one the entity has.

    "Dmitry Sergeyevich Peskov" against an alias "Dmitry PESKOV" of Dmitry
    *Nikolaevich* Peskov is a conflict, not an omission.
    """
    return bool(listed) and any(
        is_patronymic(token) and not any(token_similarity(token, p)[0] > 0 for p in listed)
        for token in unmatched_query
    )


# Final scores are rounded to three decimals, which may lift one just above
# a bound computed on the unrounded score.
_ROUNDING = 6e-4
_SCRATCH = threading.local()
# Fewer candidates than this are not worth narrowing down before the list side.
_RESTRICT_FROM = 512


class _Pairs:
    """The tokens of candidate names that some query token pairs with, one column each.

    ``names[k]`` is the candidate (its position in the sorted candidate
    ids) that column ``k`` belongs to, ``tokens[k]`` its token id, and
    ``signed[i, k]`` the similarity of query token ``i`` to it: negative
    where the pair is no real word in common, zero where there is none.
    A name's tokens no query token pairs with add nothing to any bound.
    """

    def __init__(self, names: np.ndarray, tokens: np.ndarray, signed: np.ndarray) -> None:
        self.names = names
        self.tokens = tokens
        self.signed = signed

    @classmethod
    def of(cls, index: NameIndex, reach: list[TokenReach], vids: np.ndarray) -> _Pairs:
        """The pairs of query tokens ``reach`` with the names ``vids`` (sorted)."""
        first = index.var_token_start[vids]
        lengths = index.var_token_start[vids + 1] - first
        ends = lengths.cumsum()
        tokens = index.var_token_ids[(first - (ends - lengths)).repeat(lengths) + np.arange(int(ends[-1]))]
        vocab = len(index.tokens)
        table = _scratch("pairs", (max(len(reach), 4), vocab), np.float64)
        touched = _scratch("touched", (vocab,), np.bool_)
        try:
            for i, r in enumerate(reach):
                table[i, r.tids] = r.signed
                touched[r.tids] = True
            cols = touched[tokens].nonzero()[0]
            tokens = tokens[cols]
            signed = table[: len(reach)].take(tokens, axis=1)
        finally:
            for i, r in enumerate(reach):
                table[i, r.tids] = 0.0
                touched[r.tids] = False
        return cls(ends.searchsorted(cols, side="right"), tokens, signed)

    def restricted(self, alive: np.ndarray) -> _Pairs:
        """The columns of the names where ``alive`` holds, renumbered among them."""
        keep = alive[self.names]
        return _Pairs((alive.cumsum() - 1)[self.names[keep]], self.tokens[keep], self.signed[:, keep])


def _scratch(name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """A per-thread zeroed array of at least ``shape``, reused across queries.

    Users write only what they need and put zeros back, so filling it
    costs the entries touched, not the whole vocabulary.
    """
    table: np.ndarray | None = getattr(_SCRATCH, name, None)
    if table is None or any(have < want for have, want in zip(table.shape, shape, strict=True)):
        size = shape if table is None else tuple(max(a, b) for a, b in zip(table.shape, shape, strict=True))
        table = np.zeros(size, dtype=dtype)
        setattr(_SCRATCH, name, table)
    return table


def _credit_rank(
    qname: _QueryName, reach: list[TokenReach], words: list[int], vocab_size: int, tokens: np.ndarray
) -> np.ndarray:
    """Where each of ``tokens`` first appears among the similar tokens of the query's words."""
    rank = _scratch("rank", (vocab_size,), np.int64)
    offsets = list(accumulate((len(reach[i].tids) for i in words), initial=0))
    # Latest first, so that the earliest appearance is what stays.
    for k in reversed(range(len(words))):
        i = words[k]
        if qname.weights[i] > 0:
            rank[reach[i].tids] = np.arange(offsets[k], offsets[k + 1])
    return rank[tokens]


def _slots_of(vids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Positions in the sorted ``vids`` of those ``values`` it holds."""
    if not len(values):
        return _NO_IDS
    slots = vids.searchsorted(values)
    inside = slots < len(vids)
    slots, values = slots[inside], values[inside]
    return slots[vids[slots] == values]


_NO_IDS = np.zeros(0, dtype=np.int32)


_KERNELS: weakref.WeakKeyDictionary[NameIndex, _kernel.NameBounds] = weakref.WeakKeyDictionary()


def _kernel_of(index: NameIndex) -> _kernel.NameBounds:
    """The compiled kernel's view of ``index``, built (and its arrays checked) once."""
    assert _kernel is not None
    bounds = _KERNELS.get(index)
    if bounds is None:
        bounds = _KERNELS[index] = _kernel.NameBounds(
            index.var_token_start,
            index.var_token_ids,
            index.posting_start,
            index.posting_ids,
            index.weights32,
            index.weights64,
            index.var_total,
            index.bag_keys,
            index.bag_vids,
        )
    return bounds


def _union(reached: list[np.ndarray]) -> np.ndarray:
    """The sorted ids in any of the sorted arrays ``reached``."""
    if not reached:
        return _NO_IDS
    return reached[0] if len(reached) == 1 else np.unique(np.concatenate(reached))


def _secondary_of(
    query: Query,
    birth_dates: Iterable[str],
    countries: Iterable[str],
    gender: str | None,
    identifiers: Iterable[str],
) -> dict[str, dict[str, Any]]:
    query_gender = normalise_gender(query.gender)
    return {
        "birthDate": compare_birth_dates(query.birth_dates, list(birth_dates)),
        "nationality": compare_sets(query.countries, list(countries), "nationality"),
        "gender": compare_sets([query_gender] if query_gender else [], [gender] if gender else [], "gender"),
        "identifiers": compare_identifiers(query.identifiers, list(identifiers)),
    }


_CODE_FILES = ("normalise.py", "translit.py", "phonetic.py", "similarity.py", "score.py", "index.py")


def _code_fingerprint() -> str:
    """Changes whenever the code or data that shape the index change."""
    digest = hashlib.sha256()
    package = resources.files("embargo.names")
    for name in (*_CODE_FILES, "data/given_names.txt"):
        digest.update(package.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def index_cache_key(versions: Iterable[Any]) -> str:
    """Cache key for the active versions: dataset, version and file hash of each."""
    digest = hashlib.sha256(_code_fingerprint().encode())
    for v in sorted(versions, key=lambda v: v.dataset):
        digest.update(f"{v.dataset}\0{v.version}\0{getattr(v, 'sha256', '')}\n".encode())
    return digest.hexdigest()[:32]


def _cached_index(snapshot: Any, settings: Settings) -> NameIndex:
    folder = Path(settings.data_dir) / "name-index"
    path = folder / f"{index_cache_key(snapshot.versions)}.pickle"
    if path.exists():
        try:
            return NameIndex.loads(path.read_bytes())
        except Exception:  # a stale or damaged cache is rebuilt, never fatal
            path.unlink(missing_ok=True)
    index = NameIndex.build(snapshot.iter_entities(), snapshot.versions)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(index.dumps())
        os.replace(tmp, path)
        for old in folder.glob("*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only data dir only costs speed
    return index


_LOADED: dict[tuple[str, str], Matcher] = {}


def load_matcher(settings: Settings) -> Matcher:
    """Open the store in ``settings.data_dir`` and return a matcher over its active lists.

    Within one process the matcher is reused while the active versions are
    unchanged, so a server can call this per request.
    """
    from embargo.store import open_store

    store = open_store(settings)
    snapshot = store.snapshot()
    key = (str(settings.data_dir), index_cache_key(snapshot.versions))
    matcher = _LOADED.get(key)
    if matcher is None:
        matcher = Matcher(_cached_index(snapshot, settings), settings)
        _LOADED.clear()
        _LOADED[key] = matcher
    else:
        matcher.settings = settings
    return matcher


def _build_hit(
    index: NameIndex,
    record: Any,
    score: float,
    name: NameMatch,
    query_name: str,
    matched: tuple[str, str, str | None, str],
    secondary: dict[str, dict[str, Any]],
    threshold: float,
) -> Hit:
    """One hit with its explanation; the single place both scoring paths build it."""
    text, kind, lang, script = matched
    explanation = explain(
        query_name=query_name,
        matched_name=text,
        name_type=kind,
        lang=lang,
        script=script,
        name=name,
        secondary=secondary,
        band=band(score, name.exact),
        dataset_versions=index.dataset_versions(record.datasets),
        threshold=threshold,
    )
    return Hit(
        id=record.id,
        caption=record.caption,
        schema=record.schema,
        datasets=list(record.datasets),
        properties=record.properties,
        score=score,
        match=score >= threshold,
        explanation=explanation,
    )
