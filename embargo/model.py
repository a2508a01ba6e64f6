"""The one entity model every stage speaks.

It borrows the FollowTheMoney vocabulary (schemas such as ``Person`` and
properties such as ``birthDate``) so that FtM import/export and yente-style
queries are a mapping, not a translation. Unlike a plain FtM entity, each
value is a :class:`Statement` that remembers where in the source file it
came from and, for names, whether it is the primary name, a strong alias or a
weak alias, and which script it was written in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# Schemas we produce. LegalEntity is the FtM parent of Person/Organization/
# Company and is used when a source does not say what kind of party it is.
PERSON = "Person"
ORGANIZATION = "Organization"
COMPANY = "Company"
LEGAL_ENTITY = "LegalEntity"
VESSEL = "Vessel"
AIRCRAFT = "Aircraft"
SCHEMAS = (PERSON, ORGANIZATION, COMPANY, LEGAL_ENTITY, VESSEL, AIRCRAFT)

# Which schemas may describe the same real-world party: a query for a
# LegalEntity may hit a Person or a Company, but a Person never a Vessel.
_PARENTS: dict[str, frozenset[str]] = {
    PERSON: frozenset({PERSON, LEGAL_ENTITY}),
    ORGANIZATION: frozenset({ORGANIZATION, LEGAL_ENTITY}),
    COMPANY: frozenset({COMPANY, ORGANIZATION, LEGAL_ENTITY}),
    LEGAL_ENTITY: frozenset({LEGAL_ENTITY}),
    VESSEL: frozenset({VESSEL}),
    AIRCRAFT: frozenset({AIRCRAFT}),
}


def schema_is_a(schema: str, ancestor: str) -> bool:
    """True when ``schema`` is ``ancestor`` or one of its FtM descendants."""
    return ancestor in _PARENTS.get(schema, frozenset({schema}))


def schemas_compatible(a: str, b: str) -> bool:
    """True when an entity of schema ``a`` could be the same party as one of ``b``."""
    return (
        schema_is_a(a, b)
        or schema_is_a(b, a)
        or (
            # Organization and Company are used interchangeably by the lists.
            {a, b} <= {ORGANIZATION, COMPANY}
        )
    )


# Name properties, strongest first. ``previousName`` carries "formerly known
# as" names; ``weakAlias`` carries the low-quality aliases that OFAC, the UN
# and OFSI mark as such and that should count for less.
NAME = "name"
ALIAS = "alias"
WEAK_ALIAS = "weakAlias"
PREVIOUS_NAME = "previousName"
NAME_PROPS = (NAME, ALIAS, PREVIOUS_NAME, WEAK_ALIAS)
NAME_PART_PROPS = ("firstName", "middleName", "lastName", "fatherName", "secondName", "title")

# Every property a parser may emit, so that a typo in a parser is caught by a
# test rather than silently producing a property no screener looks at.
PROPERTIES = frozenset(
    {
        *NAME_PROPS,
        *NAME_PART_PROPS,
        "birthDate",
        "birthPlace",
        "deathDate",
        "nationality",
        "citizenship",
        "country",
        "jurisdiction",
        "gender",
        "position",
        "idNumber",
        "passportNumber",
        "taxNumber",
        "registrationNumber",
        "swiftBic",
        "imoNumber",
        "mmsi",
        "callSign",
        "flag",
        "type",
        "tonnage",
        "grossRegisteredTonnage",
        "owner",
        "model",
        "serialNumber",
        "registrationDate",
        "incorporationDate",
        "address",
        "email",
        "phone",
        "website",
        "program",
        "programId",
        "listingDate",
        "modifiedAt",
        "notes",
        "sourceUrl",
        "topics",
        "unscId",
        "buildDate",
    }
)


@dataclass(frozen=True, slots=True)
class Statement:
    """One value of one property, with where it came from.

    ``value`` is the cleaned value screeners use (for dates an ISO prefix such
    as ``1975``, ``1975-08`` or ``1975-08-11``; for countries an ISO code where
    the parser could tell). ``original`` is the text as the source wrote it
    when that differs (``circa 1960``, ``Aug 1975``, ``Syria``), so nothing is
    lost. ``lang`` is an ISO 639-3 code or script name for original-script
    names (``rus``, ``ara``, ``Cyrl``). ``qualifier`` carries ``circa`` or
    ``range`` for approximate dates and alias quality where a source has one.
    ``source`` names the source record, e.g. ``alt.csv:row 812``.
    """

    prop: str
    value: str
    source: str = ""
    lang: str | None = None
    original: str | None = None
    qualifier: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"prop": self.prop, "value": self.value}
        for key in ("source", "lang", "original", "qualifier"):
            val = getattr(self, key)
            if val:
                data[key] = val
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Statement:
        return cls(
            prop=data["prop"],
            value=data["value"],
            source=data.get("source", ""),
            lang=data.get("lang"),
            original=data.get("original"),
            qualifier=data.get("qualifier"),
        )


# Relation kinds, named after the FtM interval schemas they map to.
RELATION_KINDS = frozenset(
    {"spouse", "relative", "associate", "owner", "owned", "director", "linked", "member", "unknown"}
)


@dataclass(frozen=True, slots=True)
class Relation:
    """A link to another party, as the source states it.

    Lists often name the other party rather than give its id ("Linked To:
    BANCO NACIONAL DE CUBA"), so ``target_id`` may be empty and
    ``target_name`` is always kept. ``kind`` is one of :data:`RELATION_KINDS`;
    ``label`` keeps the source's own wording ("wife of", "Linked To").
    """

    kind: str
    target_name: str
    target_id: str | None = None
    label: str | None = None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "target_name": self.target_name}
        for key in ("target_id", "label", "source"):
            val = getattr(self, key)
            if val:
                data[key] = val
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relation:
        return cls(
            kind=data["kind"],
            target_name=data["target_name"],
            target_id=data.get("target_id"),
            label=data.get("label"),
            source=data.get("source", ""),
        )


@dataclass(slots=True)
class Entity:
    """A listed party: one id, one schema, many sourced statements."""

    id: str
    schema: str
    datasets: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def add(
        self,
        prop: str,
        value: str | None,
        source: str = "",
        *,
        lang: str | None = None,
        original: str | None = None,
        qualifier: str | None = None,
    ) -> None:
        """Add a value unless it is empty or already present for that property.

        Whitespace is collapsed so that the same name written with a double
        space in one row and a single space in another is stored once.
        """
        if value is None:
            return
        value = " ".join(str(value).split())
        if not value:
            return
        if prop not in PROPERTIES:
            raise ValueError(f"unknown property {prop!r}")
        for st in self.statements:
            if st.prop == prop and st.value == value:
                return
        if original is not None:
            original = " ".join(original.split())
            if original == value:
                original = None
        self.statements.append(Statement(prop, value, source, lang, original, qualifier))

    def relate(self, relation: Relation) -> None:
        if relation not in self.relations:
            self.relations.append(relation)

    def get(self, prop: str) -> list[str]:
        return [st.value for st in self.statements if st.prop == prop]

    def first(self, prop: str) -> str | None:
        for st in self.statements:
            if st.prop == prop:
                return st.value
        return None

    def has(self, prop: str) -> bool:
        return any(st.prop == prop for st in self.statements)

    def names(self) -> Iterator[Statement]:
        """All name statements, primary names first, weak aliases last."""
        for prop in NAME_PROPS:
            for st in self.statements:
                if st.prop == prop:
                    yield st

    @property
    def caption(self) -> str:
        """The display name: the first primary name, else any name, else the id."""
        for st in self.names():
            return st.value
        return self.id

    @property
    def properties(self) -> dict[str, list[str]]:
        """FtM-style ``{prop: [values]}`` view, values de-duplicated in order."""
        props: dict[str, list[str]] = {}
        for st in self.statements:
            values = props.setdefault(st.prop, [])
            if st.value not in values:
                values.append(st.value)
        return props

    def to_ftm(self) -> dict[str, Any]:
        """The entity as an FtM JSON object (what ``embargo entity --json`` prints)."""
        return {
            "id": self.id,
            "schema": self.schema,
            "caption": self.caption,
            "datasets": list(self.datasets),
            "properties": self.properties,
            "relations": [r.to_dict() for r in self.relations],
        }

    def to_dict(self) -> dict[str, Any]:
        """Lossless form used by the store: every statement with its source."""
        return {
            "id": self.id,
            "schema": self.schema,
            "datasets": list(self.datasets),
            "statements": [st.to_dict() for st in self.statements],
            "relations": [r.to_dict() for r in self.relations],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            schema=data["schema"],
            datasets=list(data.get("datasets", [])),
            statements=[Statement.from_dict(s) for s in data.get("statements", [])],
            relations=[Relation.from_dict(r) for r in data.get("relations", [])],
        )


def merge_statements(target: Entity, others: Iterable[Statement]) -> None:
    """Fold statements into ``target``, keeping the first source of each value."""
    for st in others:
        target.add(st.prop, st.value, st.source, lang=st.lang, original=st.original, qualifier=st.qualifier)
