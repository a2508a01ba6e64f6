"""Assemble the development set: labelled (query, listed entity) pairs by category.

Labels come from the data — shared identifiers, original-script fields,
rule-generated spellings of a known record, different records of one list —
never from a name matcher. Every choice is driven by a seeded hash of the
record, so the same lists and seed give the same pairs on any machine.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.devset import variants as V
from bench.devset.linking import (
    Links,
    birth_years,
    dataset_of,
    identifier_keys,
    latin_names,
    link_records,
    name_tokens,
    token_document_frequency,
)
from bench.devset.text import PARTICLES, distinctive_tokens, fold, is_latin, script_of, token_key, tokens
from embargo.model import PERSON, WEAK_ALIAS, Entity, Statement, merge_statements, schema_is_a
from embargo.sources.countries import country_code

# The evaluation material sits next to the repository (../shared/data/eval)
# unless BENCH_EVAL_DIR says otherwise.
EVAL_DIR = Path(
    os.environ.get("BENCH_EVAL_DIR") or Path(__file__).resolve().parents[3] / "shared" / "data" / "eval"
)

CATEGORIES = (
    "cross_list",
    "original_script",
    "typos",
    "reordering",
    "dropped_middle",
    "transliteration",
    "particles",
    "compounds",
    "nicknames",
    "companies",
    "hard_negative",
    "common_negative",
    "un_positives",
)

# How many pairs each category keeps at most (sampled by seeded hash).
BUDGET = {
    "cross_list": 1500,
    "original_script": 800,
    "typos": 600,
    "reordering": 500,
    "dropped_middle": 500,
    "transliteration": 600,
    "particles": 400,
    "compounds": 400,
    "nicknames": 300,
    "companies": 500,
    "hard_negative": 900,
    "common_negative": 2000,
    "un_positives": 700,
}


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Where Arabic or Russian romanisation conventions apply (ISO 3166 codes).
ARABIC_COUNTRIES = _codes("dz bh km dj eg iq jo kw lb ly mr ma om ps qa sa so sd sy tn ae ye af pk ir")
POST_SOVIET = _codes("ru by ua kz kg tj tm uz am az ge md")


@dataclass
class Pair:
    """One labelled case.

    ``retrieval`` says how a full-index search is judged: ``candidate`` —
    predicted match iff ``candidate_id`` comes back above threshold;
    ``any`` — predicted match iff anything does (common negatives);
    ``none`` — pairwise only (the candidate is an edited copy of a record,
    embedded in ``candidate``, that the index does not hold).
    ``expected_ids`` lists every record of the same party (cross-list
    links), so a search that returns another list's record of the same
    person is not counted as a false positive.
    """

    pair_id: str
    category: str
    query: dict[str, Any]
    label: bool
    split: str
    rule: str
    candidate_id: str | None = None
    expected_ids: list[str] = field(default_factory=list)
    candidate: dict[str, Any] | None = None
    retrieval: str = "candidate"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pair:
        return cls(**data)


def stable_hash(*parts: object) -> int:
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "big")


def split_of(group_key: str) -> str:
    """dev or test half, by a hash of the party/record id (not of the pair)."""
    return "dev" if stable_hash("split", group_key) % 2 == 0 else "test"


def make_query(
    schema: str, name: str, entity: Entity | None = None, *, details: bool = False
) -> dict[str, Any]:
    """A yente-style query; with ``details`` it carries the record's birth date and nationality.

    Identifiers are never copied into queries: they are how positives were
    labelled, and a scorer that matches on them would be graded on the label.
    """
    props: dict[str, list[str]] = {"name": [name]}
    if details and entity is not None:
        for prop in ("birthDate", "nationality"):
            values = entity.get(prop)
            if values:
                props[prop] = [values[0]]
        if not schema_is_a(entity.schema, PERSON):
            countries = entity.get("country") or entity.get("jurisdiction")
            if countries:
                props["country"] = [countries[0]]
    return {"schema": schema, "properties": props}


class Context:
    """Everything the category builders share: records, links, name indexes."""

    def __init__(self, entities: list[Entity], seed: int, eval_dir: Path = EVAL_DIR) -> None:
        if not eval_dir.is_dir():
            raise SystemExit(f"evaluation data not found in {eval_dir} (set BENCH_EVAL_DIR)")
        self.seed = seed
        self.eval_dir = eval_dir
        self.entities = merge_same_ids(entities)
        self.by_id = {e.id: e for e in self.entities}
        self.df = token_document_frequency(self.entities)
        self.links: Links = link_records(self.entities, self.df)
        # folded name -> ids, for "is this string already someone's name" guards
        self.by_folded: dict[str, set[str]] = defaultdict(set)
        self.by_token_key: dict[str, set[str]] = defaultdict(set)
        self.by_token: dict[str, set[str]] = defaultdict(set)
        for e in self.entities:
            for st in e.names():
                self.by_folded[fold(st.value)].add(e.id)
                self.by_token_key[token_key(st.value)].add(e.id)
            for tok in name_tokens(e):
                self.by_token[tok].add(e.id)

    def rng(self, *parts: object) -> random.Random:
        return random.Random(stable_hash(self.seed, *parts))

    def ordered(self, items: Iterable[Entity], category: str) -> list[Entity]:
        """Records in a seeded pseudo-random order, so budgets sample without bias."""
        return sorted(items, key=lambda e: stable_hash(self.seed, category, e.id))

    def persons(self) -> list[Entity]:
        return [e for e in self.entities if schema_is_a(e.schema, PERSON)]

    def organisations(self) -> list[Entity]:
        return [e for e in self.entities if e.schema in ("Organization", "Company", "LegalEntity")]

    def is_new_spelling(self, variant: str, source: Entity) -> bool:
        """The variant is not already written on the record, nor any other party's name."""
        folded = fold(variant)
        if not folded or folded in {fold(n.value) for n in source.names()}:
            return False
        owners = self.by_folded.get(folded, set())
        return all(self.links.same_party(o, source.id) for o in owners)

    def positive(self, category: str, query: dict[str, Any], target: Entity, rule: str) -> Pair:
        party = self.links.party(target.id)
        return Pair(
            pair_id=_pair_id(category, query, target.id),
            category=category,
            query=query,
            label=True,
            split=split_of(min(party)),
            rule=rule,
            candidate_id=target.id,
            expected_ids=party,
        )


def merge_same_ids(entities: list[Entity]) -> list[Entity]:
    """One record per id: a party published in two lists under one id (OFAC SDN and non-SDN)."""
    merged: dict[str, Entity] = {}
    for e in entities:
        if e.id not in merged:
            merged[e.id] = Entity(e.id, e.schema, list(e.datasets), list(e.statements), list(e.relations))
            continue
        target = merged[e.id]
        target.datasets.extend(d for d in e.datasets if d not in target.datasets)
        merge_statements(target, e.statements)
    return sorted(merged.values(), key=lambda e: e.id)


def _pair_id(category: str, query: dict[str, Any], candidate: str | None) -> str:
    digest = stable_hash(category, repr(sorted(query["properties"].items())), query["schema"], candidate)
    return f"{category}-{digest:016x}"


# --- positives from other lists -------------------------------------------


def cross_list(ctx: Context) -> Iterator[Pair]:
    """The record of one list as the query, the same party in another list as candidate.

    The query carries the first record's primary name, birth date and
    nationality — what a customer file built from that list would hold.
    Birth-date links outnumber identifier links ten to one, so each route
    gets a share of the budget (identifiers and UN refs first).
    """
    by_route: dict[str, list[Pair]] = defaultdict(list)
    for pair in _cross_list_all(ctx):
        by_route[pair.rule.split(":")[0]].append(pair)
    share = {"id": 0.3, "un": 0.3, "dob": 0.3, "dob_names": 0.1}
    for route, pairs in sorted(by_route.items()):
        pairs.sort(key=lambda p: stable_hash(ctx.seed, p.pair_id))
        yield from pairs[: int(BUDGET["cross_list"] * share[route])]


def _cross_list_all(ctx: Context) -> Iterator[Pair]:
    for a, b, rule in ctx.links.edges:
        ea, eb = ctx.by_id[a], ctx.by_id[b]
        for src, dst in ((ea, eb), (eb, ea)):
            names = latin_names(src)
            if not names or dataset_of(src) == dataset_of(dst):
                continue
            query = make_query(src.schema, names[0], src, details=True)
            yield ctx.positive("cross_list", query, dst, f"{rule}:{dataset_of(src)}->{dataset_of(dst)}")


def _no_latin_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and not any(
        ch.isalpha() and script_of(ch) == "LATIN" for ch in text
    )


def _latin_counterparts(e: Entity, scripted: Statement) -> set[str]:
    """Name words of the Latin name(s) an original-script name stands for.

    OFSI writes both on one row (same ``source``); the UN and DFAT do not,
    so among the record's strong Latin names those sharing a romanised
    word prefix with the original are taken, else all of them.
    """
    strong = [st for st in e.names() if st.prop != WEAK_ALIAS and is_latin(st.value)]
    same_row = [st.value for st in strong if scripted.source and st.source == scripted.source]
    pool = same_row or [st.value for st in strong]
    prefixes = {t[:3] for t in distinctive_tokens(scripted.value)}
    close = [n for n in pool if {t[:3] for t in distinctive_tokens(n)} & prefixes]
    words: set[str] = set()
    for n in close or pool:
        words |= distinctive_tokens(n)
    return words


def original_script(ctx: Context) -> Iterator[Pair]:
    """A name as written in its own script against the Latin names of the same party.

    Against linked records in other lists (which hold no such spelling) the
    pair is also a retrieval case; against the record itself the candidate is
    a copy with its non-Latin names removed, so it is pairwise only.
    """
    for e in ctx.entities:
        # Only names with no Latin letter at all: some list cells mix a Latin
        # gloss and the original ("Abdul Haq son of ... (عبد الحق ...)").
        scripted = [st for st in e.names() if _no_latin_letter(st.value)]
        if not scripted:
            continue
        if not schema_is_a(e.schema, PERSON):
            # Organisation names in another script are often translations
            # ("Объединённая авиастроительная корпорация" = United Aircraft
            # Corporation), which no name matcher is asked to bridge. Keep
            # those whose romanised form shares a word with a Latin name.
            latin_words = {t for n in latin_names(e) for t in distinctive_tokens(n)}
            scripted = [st for st in scripted if distinctive_tokens(st.value) & latin_words]
            if not scripted:
                continue
        rng = ctx.rng("original_script", e.id)
        chosen = rng.choice(scripted)
        name = chosen.value
        query = make_query(e.schema, name)
        rule = f"script:{script_of(name).lower()}"
        counterpart = _latin_counterparts(e, chosen)
        for other_id in ctx.links.party(e.id):
            other = ctx.by_id[other_id]
            if other_id == e.id or fold(name) in {fold(n.value) for n in other.names()}:
                continue
            # The other list must know this name in Latin letters: an alias
            # only one list records (Рамзан Одуев for Tarkhan Gaziev) is
            # not a spelling the other list's record could be matched on.
            if not name_tokens(other) & counterpart:
                continue
            yield ctx.positive("original_script", query, other, f"{rule}:cross_list")
        latin_only = Entity(
            id=e.id,
            schema=e.schema,
            datasets=list(e.datasets),
            statements=[
                st
                for st in e.statements
                if not (st.prop in ("name", "alias", "weakAlias", "previousName") and not is_latin(st.value))
            ],
        )
        if not latin_names(latin_only):
            continue
        pair = ctx.positive("original_script", query, e, f"{rule}:latin_only")
        pair.candidate = latin_only.to_dict()
        pair.retrieval = "none"
        pair.pair_id += "-latin"
        yield pair


# --- generated spellings ----------------------------------------------------


def _variant_pairs(
    ctx: Context,
    category: str,
    pool: list[Entity],
    make: Callable[[Entity, random.Random], list[tuple[str, str]]],
) -> Iterator[Pair]:
    for e in ctx.ordered(pool, category):
        rng = ctx.rng(category, e.id)
        for variant, rule in make(e, rng):
            if ctx.is_new_spelling(variant, e):
                yield ctx.positive(category, make_query(e.schema, variant), e, rule)
                break


def _full_name(name: str) -> bool:
    """Two or more words that are not particles or titles ("Abu Marim" is one)."""
    return len(distinctive_tokens(name)) >= 2


def _latin_names_shuffled(e: Entity, rng: random.Random) -> list[str]:
    """Strong, full Latin names in seeded order.

    Weak aliases and single-word names (kunyas, noms de guerre, which DFAT
    and the UN do not mark as weak) are not how a customer record names a
    person, so they seed no variants.
    """
    names = [n for n in latin_names(e, strong=True) if _full_name(n)]
    rng.shuffle(names)
    return names


def _apply(gen: V.Generator, rule: str) -> Callable[[Entity, random.Random], list[tuple[str, str]]]:
    def make(e: Entity, rng: random.Random) -> list[tuple[str, str]]:
        out = []
        for name in _latin_names_shuffled(e, rng):
            variant = gen(name, rng)
            if variant:
                out.append((variant, rule))
        return out

    return make


def typos(ctx: Context) -> Iterator[Pair]:
    def make(e: Entity, rng: random.Random) -> list[tuple[str, str]]:
        out = []
        for name in _latin_names_shuffled(e, rng):
            variant = V.typo(V.titlecase(name), rng)
            # Long names get a second slip: one edit in 30 letters is noise.
            if variant and len(name) >= 16 and rng.random() < 0.5:
                variant = V.typo(variant, rng) or variant
            if variant:
                out.append((variant, "typo"))
        return out

    pool = ctx.persons() + ctx.organisations()
    yield from _variant_pairs(ctx, "typos", pool, make)


def reordering(ctx: Context) -> Iterator[Pair]:
    yield from _variant_pairs(ctx, "reordering", ctx.persons(), _apply(V.reorder, "reorder"))


# Romanised East Asian names are surname + a two-part given name ("Pak Chun
# Il"): the last part is not a surname to keep, the middle not a middle name.
EAST_ASIAN = _codes("kp kr cn tw hk mo vn jp mm")


def dropped_middle(ctx: Context) -> Iterator[Pair]:
    """First given name + surname of a full name with middle names or a patronymic.

    Skipped: East Asian names, names with parenthesised parts, and names
    that start with a particle or title (``Abu ...``, ``Sheikh ...``),
    where the first word is not a given name.
    """

    def make(e: Entity, rng: random.Random) -> list[tuple[str, str]]:
        nats = {n.lower() for n in e.get("nationality") + e.get("citizenship")}
        if nats & EAST_ASIAN:
            return []
        out = []
        for name in _latin_names_shuffled(e, rng):
            words = tokens(name)
            given = tokens(name.partition(",")[2]) if "," in name else words
            if "(" in name or not given or given[0] in PARTICLES or max(map(len, words)) <= 4:
                continue
            variant = V.drop_middle(name, rng)
            if variant:
                out.append((variant, "drop_middle"))
        return out

    yield from _variant_pairs(ctx, "dropped_middle", ctx.persons(), make)


def _context_of(e: Entity) -> str | None:
    """Which romanisation family fits a person: ``arabic``, ``russian`` or None."""
    nats = {n.lower() for n in e.get("nationality") + e.get("citizenship")}
    names = [st.value for st in e.names()]
    if any(script_of(n) == "CYRILLIC" for n in names) or nats & POST_SOVIET:
        return "russian"
    if any(script_of(n) == "ARABIC" for n in names) or nats & ARABIC_COUNTRIES:
        return "arabic"
    return None


def transliteration(ctx: Context) -> Iterator[Pair]:
    def make(e: Entity, rng: random.Random) -> list[tuple[str, str]]:
        family = _context_of(e)
        if family is None:
            return []
        names = [st.value for st in e.names() if st.prop != WEAK_ALIAS and _full_name(st.value)]
        if family == "arabic":
            names = [n for n in names if is_latin(n)]
        return V.transliteration_variants(names, rng, arabic_context=family == "arabic")

    yield from _variant_pairs(ctx, "transliteration", ctx.persons(), make)


def particles(ctx: Context) -> Iterator[Pair]:
    yield from _variant_pairs(ctx, "particles", ctx.persons(), _apply(V.particle_variant, "particle"))


def compounds(ctx: Context) -> Iterator[Pair]:
    """Arabic compound names written joined where the list writes them apart, or the other way."""

    def make(e: Entity, rng: random.Random) -> list[tuple[str, str]]:
        if _context_of(e) != "arabic":
            return []
        return _apply(V.compound_variant, "compound")(e, rng)

    yield from _variant_pairs(ctx, "compounds", ctx.persons(), make)


def nicknames(ctx: Context) -> Iterator[Pair]:
    table = V.load_nicknames(ctx.eval_dir / "nicknames" / "names.csv")

    def gen(name: str, rng: random.Random) -> str | None:
        return V.nickname_variant(name, table, rng)

    yield from _variant_pairs(ctx, "nicknames", ctx.persons(), _apply(gen, "nickname"))


def companies(ctx: Context) -> Iterator[Pair]:
    def make(e: Entity, rng: random.Random) -> list[tuple[str, str]]:
        out = []
        for name in _latin_names_shuffled(e, rng):
            found = V.company_variant(name, rng)
            if found and len(tokens(found[0])) >= 2:
                out.append((found[0], f"legal_form:{found[1]}"))
        return out

    yield from _variant_pairs(ctx, "companies", ctx.organisations(), make)


# --- negatives ----------------------------------------------------------------


def _prefixes(toks: Iterable[str]) -> set[str]:
    return {t[:3] for t in toks}


@dataclass
class _NameParts:
    """Surname, first given name and middle names (patronymics) of a listed person."""

    surnames: set[str]
    first: str | None
    middles: set[str]


def _name_parts(e: Entity) -> _NameParts:
    surnames: set[str] = set()
    for v in e.get("lastName"):
        surnames |= distinctive_tokens(v)
    given: list[str] = []
    for prop in ("firstName", "middleName", "secondName", "fatherName"):
        for v in e.get(prop):
            given.extend(t for t in tokens(v) if t not in surnames)
    first = given[0] if given else None
    middles = {t for t in given[1:] if len(t) > 2}
    if first and not middles:
        # A patronymic that only the original-script name spells out
        # (Песков Дмитрий Николаевич): the tokens of a full name holding the
        # surname and the first name, other than those two.
        for st in e.names():
            toks = tokens(st.value)
            if surnames & set(toks) and first[:3] in _prefixes(toks):
                middles |= {t for t in toks if t not in surnames and t[:3] != first[:3] and len(t) > 2}
    return _NameParts(surnames, first, middles)


def hard_negative(ctx: Context) -> Iterator[Pair]:
    """Different people of ONE list whose names are close.

    Two records of the same list are two listed parties. Both must give a
    surname (``lastName``) and share a surname token; they share no
    identifier, are not linked through another list and give no common
    birth year. ``close_name``: same first given name (same first three
    letters, so Dmitry/Dmitriy count as one) but middle names or
    patronymics with no first three letters in common — Dmitry Sergeyevich
    Peskov vs Dmitry Nikolaevich Peskov. ``family``: given names with no
    first three letters in common. ``same_name_other_dob``: the same name
    tokens with birth years at least two years apart; the query then
    carries the birth date, since without it the names alone would rightly
    match. The query always carries the record's birth date and nationality.
    """
    persons = [e for e in ctx.persons() if e.get("lastName")]
    parts = {e.id: _name_parts(e) for e in persons}
    by_ds_surname: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in persons:
        for t in parts[e.id].surnames:
            if len(t) >= 4:
                by_ds_surname[(dataset_of(e), t)].append(e.id)
    found: dict[str, list[Pair]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for _key, ids in sorted(by_ds_surname.items()):
        if len(ids) < 2 or len(ids) > 30:
            continue
        for a in ids:
            for b in ids:
                if a == b or (a, b) in seen:
                    continue
                seen.add((a, b))
                pair = _hard_pair(ctx, ctx.by_id[a], ctx.by_id[b], parts[a], parts[b])
                if pair:
                    found[pair.rule].append(pair)
    for pair in _same_name_other_dob(ctx, ctx.persons()):
        found[pair.rule].append(pair)
    share = {"close_name": 0.45, "same_name_other_dob": 0.25, "family": 0.30}
    for rule, pairs in sorted(found.items()):
        pairs.sort(key=lambda p: stable_hash(ctx.seed, p.pair_id))
        yield from pairs[: int(BUDGET["hard_negative"] * share[rule])]


def _hard_pair(ctx: Context, a: Entity, b: Entity, pa: _NameParts, pb: _NameParts) -> Pair | None:
    if ctx.links.same_party(a.id, b.id) or identifier_keys(a) & identifier_keys(b):
        return None
    if birth_years(a) & birth_years(b) or not pa.first or not pb.first:
        return None
    names_a = latin_names(a)
    if not names_a or {token_key(n.value) for n in a.names()} & {token_key(n.value) for n in b.names()}:
        return None
    if pa.first[:3] == pb.first[:3]:
        if not pa.middles or not pb.middles or _prefixes(pa.middles) & _prefixes(pb.middles):
            return None
        rule = "close_name"
    else:
        given_a = {pa.first} | pa.middles
        given_b = {pb.first} | pb.middles
        if _prefixes(given_a) & _prefixes(given_b):
            return None
        rule = "family"
    query = make_query(a.schema, names_a[0], a, details=True)
    return Pair(
        pair_id=_pair_id("hard_negative", query, b.id),
        category="hard_negative",
        query=query,
        label=False,
        split=split_of(min(a.id, b.id)),
        rule=rule,
        candidate_id=b.id,
    )


def _same_name_other_dob(ctx: Context, persons: list[Entity]) -> Iterator[Pair]:
    person_ids = {e.id for e in persons}
    for key in sorted(ctx.by_token_key):
        ids = sorted(ctx.by_token_key[key] & person_ids)
        if len(ids) < 2 or len(ids) > 6 or len(key.split()) < 2:
            continue
        for a in ids:
            for b in ids:
                ea, eb = ctx.by_id[a], ctx.by_id[b]
                if a == b or dataset_of(ea) != dataset_of(eb) or ctx.links.same_party(a, b):
                    continue
                ya, yb = birth_years(ea), birth_years(eb)
                if not ya or not yb or min(abs(int(x) - int(y)) for x in ya for y in yb) < 2:
                    continue
                if identifier_keys(ea) & identifier_keys(eb):
                    continue
                # Another list giving this name with both birth years as
                # alternatives says the two records are one person.
                if any(
                    birth_years(ctx.by_id[o]) & ya and birth_years(ctx.by_id[o]) & yb
                    for o in ctx.by_token_key[key]
                    if o not in (a, b)
                ):
                    continue
                strong_a = [n for n in latin_names(ea, strong=True) if token_key(n) == key]
                if not strong_a or not [n for n in latin_names(eb, strong=True) if token_key(n) == key]:
                    continue
                name = strong_a[0]
                query = make_query(ea.schema, name, ea, details=True)
                query["properties"]["birthDate"] = [sorted(ea.get("birthDate"))[0]]
                yield Pair(
                    pair_id=_pair_id("hard_negative", query, b),
                    category="hard_negative",
                    query=query,
                    label=False,
                    split=split_of(min(a, b)),
                    rule="same_name_other_dob",
                    candidate_id=b,
                )


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _census(path: Path, limit: int) -> list[str]:
    names = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if parts:
                names.append(parts[0].title())
            if len(names) >= limit:
                break
    return names


def _nearest_by_tokens(ctx: Context, name: str, schema: str) -> str | None:
    """The listed record sharing most distinctive tokens with ``name`` (rarest first).

    Gives each common negative a close-looking candidate for pairwise
    scoring, chosen by token overlap alone.
    """
    score: dict[str, tuple[int, int]] = {}
    for tok in set(tokens(name)):
        if len(tok) < 3:
            continue
        for eid in ctx.by_token.get(tok, ()):
            if not schema_is_a(ctx.by_id[eid].schema, schema) and schema != ctx.by_id[eid].schema:
                continue
            n, rarity = score.get(eid, (0, 0))
            score[eid] = (n + 1, rarity - ctx.df[tok])
    if not score:
        return None
    return max(sorted(score), key=lambda eid: score[eid])


def _listed_under_nicknames(
    ctx: Context, name: str, nick: dict[str, list[str]], formal_of: dict[str, set[str]]
) -> bool:
    """The name's words are all words of one listed name, in any order, allowing
    the nickname equivalences the ``nicknames`` category counts as matches.

    ``Sally Ochoa`` (OCHOA, Salvador) and ``Jorge Felix`` (AURELIANO FELIX,
    Jorge) are what the nicknames and dropped-middle categories call
    positives, so they cannot be negatives here.
    """
    options = [sorted({t, *nick.get(t, ()), *formal_of.get(t, ())}) for t in tokens(name)]
    if not options:
        return False
    combos: list[list[str]] = [[]]
    for opts in options:
        combos = [c + [o] for c in combos for o in opts][:256]
    for combo in combos:
        wanted = set(combo)
        rarest = min(wanted, key=lambda t: len(ctx.by_token.get(t, ())))
        for eid in ctx.by_token.get(rarest, ()):
            if any(wanted <= set(tokens(st.value)) for st in ctx.by_id[eid].names()):
                return True
    return False


def _negatives_us_rows(ctx: Context) -> list[dict[str, str]]:
    rows = _read_csv(ctx.eval_dir / "opensanctions-yente" / "negatives_us.csv")
    rows.sort(key=lambda r: stable_hash(ctx.seed, "negatives_us", r["full_name"], r["date_of_birth"]))
    return rows


def _negative_props(r: dict[str, str]) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {"name": [r["full_name"]]}
    if r.get("date_of_birth"):
        props["birthDate"] = [r["date_of_birth"]]
    nationality = country_code(r.get("nationality"))
    if nationality:
        props["nationality"] = [nationality]
    return props


def common_negative(ctx: Context) -> Iterator[Pair]:
    """Non-listed people: synthetic customer records, US Congress members (common
    US names, on no bundled list) and US census name combinations.

    A name whose words equal a listed name's words (in any order, nickname
    equivalences allowed) is dropped: whoever the record is, a screener
    must flag that name, and the nicknames category counts it a match.
    """
    items: list[tuple[str, dict[str, Any]]] = []
    for r in _negatives_us_rows(ctx)[: int(BUDGET["common_negative"] * 0.7)]:
        items.append(("negatives_us", {"schema": PERSON, "properties": _negative_props(r)}))
    congress_path = ctx.eval_dir / "opensanctions-yente" / "positives_us_congress_untreated.csv"
    congress = _read_csv(congress_path) if congress_path.exists() else []
    congress.sort(key=lambda r: stable_hash(ctx.seed, "us_congress", r["full_name"]))
    for r in congress[: int(BUDGET["common_negative"] * 0.15)]:
        props = {"name": [r["full_name"]]}
        if r.get("date_of_birth"):
            props["birthDate"] = [r["date_of_birth"]]
        items.append(("us_congress", {"schema": PERSON, "properties": props}))
    census = ctx.eval_dir / "census-names"
    first = _census(census / "dist.male.first", 400) + _census(census / "dist.female.first", 400)
    last = _census(census / "dist.all.last", 2000)
    rng = ctx.rng("census")
    for _ in range(BUDGET["common_negative"] - len(items) if first and last else 0):
        name = f"{rng.choice(first)} {rng.choice(last)}"
        items.append(("census", {"schema": PERSON, "properties": {"name": [name]}}))
    nick = V.load_nicknames(ctx.eval_dir / "nicknames" / "names.csv")
    formal_of: dict[str, set[str]] = defaultdict(set)
    for formal, nicks in nick.items():
        for n in nicks:
            formal_of[n].add(formal)
    for source, query in items:
        name = query["properties"]["name"][0]
        if _listed_under_nicknames(ctx, name, nick, formal_of):
            continue
        candidate = _nearest_by_tokens(ctx, name, PERSON)
        yield Pair(
            pair_id=_pair_id("common_negative", query, candidate),
            category="common_negative",
            query=query,
            label=False,
            split=split_of(fold(name)),
            rule=source,
            candidate_id=candidate,
            retrieval="any",
        )


def un_positives(ctx: Context) -> Iterator[Pair]:
    """UN-listed people as a third party wrote them down, tied to the UN record by exact name.

    A row is kept when its name's tokens equal (in any order) a name of
    exactly one UN record whose birth years, when both give one, agree.
    """
    un_ids = {e.id for e in ctx.entities if dataset_of(e) == "un_sc_sanctions"}
    for r in _read_csv(ctx.eval_dir / "opensanctions-yente" / "positives_un_untreated.csv"):
        name = r["full_name"].strip()
        hits = sorted(ctx.by_token_key.get(token_key(name), set()) & un_ids)
        if len(hits) != 1:
            continue
        target = ctx.by_id[hits[0]]
        dob = r.get("date_of_birth", "").strip()
        if dob and birth_years(target) and dob[:4] not in birth_years(target):
            continue
        props: dict[str, list[str]] = {"name": [name]}
        if dob:
            props["birthDate"] = [dob]
        nationality = country_code(r.get("nationality"))
        if nationality:
            props["nationality"] = [nationality]
        yield ctx.positive("un_positives", {"schema": PERSON, "properties": props}, target, "un_csv")


BUILDERS: dict[str, Callable[[Context], Iterator[Pair]]] = {
    "cross_list": cross_list,
    "original_script": original_script,
    "typos": typos,
    "reordering": reordering,
    "dropped_middle": dropped_middle,
    "transliteration": transliteration,
    "particles": particles,
    "compounds": compounds,
    "nicknames": nicknames,
    "companies": companies,
    "hard_negative": hard_negative,
    "common_negative": common_negative,
    "un_positives": un_positives,
}


def build_pairs(ctx: Context, categories: Iterable[str] = CATEGORIES) -> list[Pair]:
    """All pairs, each category sampled down to its budget by seeded hash of the pair id."""
    pairs: list[Pair] = []
    for category in categories:
        found = {p.pair_id: p for p in BUILDERS[category](ctx)}
        ranked = sorted(found.values(), key=lambda p: stable_hash(ctx.seed, p.pair_id))
        pairs.extend(sorted(ranked[: BUDGET[category]], key=lambda p: p.pair_id))
    return pairs


def build_devset(
    entities: list[Entity],
    seed: int = 20260101,
    eval_dir: Path = EVAL_DIR,
    categories: Iterable[str] = CATEGORIES,
) -> list[Pair]:
    return build_pairs(Context(entities, seed, eval_dir), categories)


def fresh_negatives(ctx: Context, count: int) -> list[dict[str, Any]]:
    """Synthetic non-listed customer records the dev set does not use, as queries.

    The rows after the dev set's share in the same seeded order, with the
    same guard (no listed name up to word order, nicknames and dropped
    words), for a false-positive rate on far more negatives than the dev
    set holds.
    """
    rows = _negatives_us_rows(ctx)[int(BUDGET["common_negative"] * 0.7) :]
    nick = V.load_nicknames(ctx.eval_dir / "nicknames" / "names.csv")
    formal_of: dict[str, set[str]] = defaultdict(set)
    for formal, nicks in nick.items():
        for n in nicks:
            formal_of[n].add(formal)
    out: list[dict[str, Any]] = []
    for r in rows:
        if len(out) >= count:
            break
        if _listed_under_nicknames(ctx, r["full_name"], nick, formal_of):
            continue
        out.append({"schema": PERSON, "properties": _negative_props(r)})
    return out
