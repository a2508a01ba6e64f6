"""What a caller asks about: a name plus whatever else they know.

:meth:`Query.from_yente` reads the body of a yente ``/match`` query
(``{"schema": ..., "properties": {...}}``) so that clients written for yente
work unchanged; unknown properties are ignored, wrongly-typed ones raise
:class:`QueryError` with a message naming the property.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from embargo.model import SCHEMAS

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
COUNTRY_PROPS = ("nationality", "country", "citizenship", "jurisdiction")
IDENTIFIER_PROPS = (
    "idNumber",
    "passportNumber",
    "imoNumber",
    "registrationNumber",
    "taxNumber",
    "swiftBic",
    "mmsi",
    "callSign",
    "innCode",
    "ogrnCode",
    "leiCode",
    "vatCode",
    "serialNumber",
)


class QueryError(ValueError):
    """A query that cannot be screened; the message says which part and why."""


@dataclass
class Query:
    names: list[str]
    schema: str | None = None
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    gender: str | None = None
    identifiers: list[str] = field(default_factory=list)
    datasets: list[str] | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        self.names = [n for n in (" ".join(str(n).split()) for n in self.names) if n]
        if self.schema is not None and self.schema not in SCHEMAS and self.schema != "Thing":
            raise QueryError(f"unknown schema {self.schema!r}; known: {', '.join(SCHEMAS)}")
        if self.schema == "Thing":
            self.schema = None
        if not self.names and not self.identifiers:
            raise QueryError("query has no name (properties.name) and no identifier")
        self.countries = [c for c in (normalise_country(c) for c in self.countries) if c]
        if self.gender:
            self.gender = self.gender.strip().lower()[:1] and self.gender.strip().lower()

    @classmethod
    def from_yente(cls, body: Any) -> Query:
        """A query from a yente ``/match`` body (one entry of ``queries``)."""
        if not isinstance(body, dict):
            raise QueryError("query must be a JSON object")
        schema = body.get("schema")
        if schema is not None and not isinstance(schema, str):
            raise QueryError("schema must be a string")
        props = body.get("properties", {})
        if not isinstance(props, dict):
            raise QueryError("properties must be an object of property -> list of strings")
        values: dict[str, list[str]] = {}
        for key, raw in props.items():
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list) or not all(isinstance(v, (str, int, float)) for v in raw):
                raise QueryError(f"properties.{key} must be a list of strings")
            values[key] = [str(v) for v in raw if str(v).strip()]
        names = [n for p in NAME_PROPS for n in values.get(p, [])]
        if not names:
            parts = [values.get(p, [""])[0] for p in ("firstName", "middleName", "fatherName", "lastName")]
            joined = " ".join(p for p in parts if p)
            if joined:
                names = [joined]
        ident = body.get("id")
        datasets = body.get("datasets")
        if datasets is not None and (
            not isinstance(datasets, list) or not all(isinstance(d, str) for d in datasets)
        ):
            raise QueryError("datasets must be a list of strings")
        return cls(
            names=names,
            schema=schema,
            birth_dates=values.get("birthDate", []),
            countries=[c for p in COUNTRY_PROPS for c in values.get(p, [])],
            gender=next(iter(values.get("gender", [])), None),
            identifiers=[i for p in IDENTIFIER_PROPS for i in values.get(p, [])],
            datasets=datasets,
            id=None if ident is None else str(ident),
        )


def normalise_country(value: str) -> str | None:
    """An ISO 3166-1 alpha-2 code for a code or country name, else the folded text."""
    value = value.strip()
    if not value:
        return None
    if len(value) == 2 and value.isalpha():
        return value.lower()
    try:
        from embargo.sources.countries import country_code

        code = country_code(value)
    except ImportError:  # pragma: no cover - sources is part of the package
        code = None
    return code.lower() if code else value.casefold()
