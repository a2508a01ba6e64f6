"""Which records in different lists describe the same party — decided from the data only.

Two records are linked when they share a document number (passport, national
ID, registration, IMO...), cite the same UN reference number, or — for people
— share an exact full birth date, a nationality and a rare name token. None
of this asks a name matcher; a wrong link would reward the matcher for a
false match, so every route is guarded (see each function).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from bench.devset.text import distinctive_tokens, is_latin, normalize_identifier
from embargo.model import PERSON, WEAK_ALIAS, Entity, schema_is_a, schemas_compatible

ID_PROPS = (
    "passportNumber",
    "idNumber",
    "taxNumber",
    "registrationNumber",
    "imoNumber",
    "swiftBic",
)
# "(UN Ref):QDi.426" in OFSI's Other Information; the UN list's own number.
_UN_REF = re.compile(r"\(UN Ref\)\s*:?\s*([A-Z]{2}[ie]\.\d{1,4})", re.IGNORECASE)
_UN_REF_ALONE = re.compile(r"^([A-Z]{2}[ie])\.?(\d{1,4})\.?$", re.IGNORECASE)
# Rare-token route: a token in at most this many records across all lists.
RARE_TOKEN_MAX_RECORDS = 8


def dataset_of(entity: Entity) -> str:
    return entity.datasets[0] if entity.datasets else entity.id.split("-")[0]


def normalize_un_ref(value: str) -> str | None:
    m = _UN_REF_ALONE.match(value.strip())
    if not m:
        return None
    prefix, number = m.groups()
    return f"{prefix[:2].upper()}{prefix[2].lower()}.{int(number):03d}"


def identifier_keys(entity: Entity) -> set[str]:
    """Link keys from document numbers and UN reference numbers."""
    keys: set[str] = set()
    for prop in ID_PROPS:
        for value in entity.get(prop):
            # "Libyan Passport No. 96/184442" and "96/184442" are one number:
            # also key on the words that hold digits.
            for form in (value, " ".join(w for w in value.split() if any(c.isdigit() for c in w))):
                norm = normalize_identifier(form)
                if norm:
                    keys.add(f"id:{norm}")
    for value in entity.get("unscId"):
        ref = normalize_un_ref(value)
        if ref:
            keys.add(f"un:{ref}")
    for note in entity.get("notes"):
        for m in _UN_REF.finditer(note):
            ref = normalize_un_ref(m.group(1))
            if ref:
                keys.add(f"un:{ref}")
    return keys


def birth_years(entity: Entity) -> set[str]:
    return {v[:4] for v in entity.get("birthDate") if len(v) >= 4 and v[:4].isdigit()}


def dob_conflict(a: Entity, b: Entity) -> bool:
    """Both give birth years and none agrees: not the same person, whatever the documents say."""
    ya, yb = birth_years(a), birth_years(b)
    return bool(ya and yb and not ya & yb)


def latin_names(entity: Entity, *, strong: bool = False) -> list[str]:
    """Latin-script names, primary first; ``strong`` leaves out weak aliases."""
    return [
        st.value for st in entity.names() if is_latin(st.value) and not (strong and st.prop == WEAK_ALIAS)
    ]


def name_tokens(entity: Entity) -> set[str]:
    out: set[str] = set()
    for st in entity.names():
        out |= distinctive_tokens(st.value)
    return out


# A name word shared by at most this many records counts as evidence that
# two organisation records name the same body (not "company", "bank"...).
ORG_EVIDENCE_MAX_RECORDS = 30


def _full_dates(entity: Entity) -> set[str]:
    return {v for v in entity.get("birthDate") if len(v) == 10}


def _plausibly_one_party(a: Entity, b: Entity, df: Counter[str]) -> bool:
    """Veto links the data itself contradicts.

    People: birth years must not be disjoint, and when both give full dates
    one must agree (OFSI once gave one man's national ID to another born a
    month apart). With agreeing years no name evidence is asked for, so
    "AL-SAYYID, 'Ali Sulayman Mas'ud 'Abd" = "ALY SOLIMAN MASSOUD ABDUL
    SAYED" stays in; without birth dates one name word must be shared.
    Organisations: a shared rare name word; otherwise the number links a
    renamed company (YooMoney, formerly Yandex.Money) or a data error —
    not a case a name matcher can or should solve.
    """
    if schema_is_a(a.schema, PERSON):
        if dob_conflict(a, b):
            return False
        fa, fb = _full_dates(a), _full_dates(b)
        if fa and fb and not fa & fb:
            return False
        if birth_years(a) & birth_years(b):
            return True
        return bool(name_tokens(a) & name_tokens(b))
    shared = name_tokens(a) & name_tokens(b)
    return any(df[t] <= ORG_EVIDENCE_MAX_RECORDS for t in shared)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class Links:
    """Cross-list links and the clusters (same real party) they form."""

    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (a, b, rule)
    cluster_of: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)

    def same_party(self, a: str, b: str) -> bool:
        return a == b or (a in self.cluster_of and self.cluster_of.get(a) == self.cluster_of.get(b))

    def party(self, entity_id: str) -> list[str]:
        """Every record of the party ``entity_id`` belongs to (itself when unlinked)."""
        cid = self.cluster_of.get(entity_id)
        return list(self.members[cid]) if cid else [entity_id]


def token_document_frequency(entities: Iterable[Entity]) -> Counter[str]:
    df: Counter[str] = Counter()
    for e in entities:
        df.update(name_tokens(e))
    return df


def link_records(entities: list[Entity], df: Counter[str] | None = None) -> Links:
    """Link records of different lists through identifiers, UN refs, or exact birth date plus names.

    Birth-date routes: exact full date + nationality + one rare name token
    (``dob``), or exact full date + two rare name tokens (``dob_names``, for
    lists that give no nationality).

    Guards: a key held by two records of the SAME list is ambiguous (family
    passports, shared registration numbers of group companies) and links
    nothing; linked records must have compatible schemas and pass
    :func:`_plausibly_one_party`.
    """
    by_id = {e.id: e for e in entities}
    df = df if df is not None else token_document_frequency(entities)
    owners: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for e in entities:
        ds = dataset_of(e)
        for key in identifier_keys(e):
            owners[key][ds].add(e.id)
        if schema_is_a(e.schema, PERSON):
            full_dates = {v for v in e.get("birthDate") if len(v) == 10}
            nats = set(e.get("nationality")) | set(e.get("citizenship"))
            rare = sorted(t for t in name_tokens(e) if df[t] <= RARE_TOKEN_MAX_RECORDS and len(t) >= 4)
            for date in full_dates:
                for nat in nats:
                    for tok in rare:
                        owners[f"dob:{date}|{nat.lower()}|{tok}"][ds].add(e.id)
                # Lists without nationality (Canada's): two rare tokens instead.
                for tok1, tok2 in combinations(rare, 2):
                    owners[f"dob_names:{date}|{tok1}|{tok2}"][ds].add(e.id)
    uf = _UnionFind()
    links = Links()
    seen: set[tuple[str, str]] = set()
    for key in sorted(owners):
        by_ds = owners[key]
        if len(by_ds) < 2 or any(len(ids) > 1 for ids in by_ds.values()):
            continue
        ids = sorted(next(iter(ids)) for ids in by_ds.values())
        for a, b in combinations(ids, 2):
            if a == b:  # one record published in two lists under one id
                continue
            ea, eb = by_id[a], by_id[b]
            if not schemas_compatible(ea.schema, eb.schema) or not _plausibly_one_party(ea, eb, df):
                continue
            uf.union(a, b)
            if (a, b) not in seen:
                seen.add((a, b))
                links.edges.append((a, b, key.split(":", 1)[0]))
    groups: dict[str, list[str]] = defaultdict(list)
    for a, b, _ in links.edges:
        for x in (a, b):
            root = uf.find(x)
            if x not in groups[root]:
                groups[root].append(x)
    for root, ids in groups.items():
        # A cluster holding two records of one list means a chain of links
        # went wrong somewhere (or the list itself duplicates); keep it, but
        # the builder never uses such a pair as a negative.
        links.members[root] = sorted(ids)
        for x in ids:
            links.cluster_of[x] = root
    return links
