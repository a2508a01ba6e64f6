"""Request and response models of the yente-compatible HTTP contract.

The shapes follow OpenSanctions' yente API so that existing clients work
unchanged: ``/match`` takes queries keyed by id and answers responses keyed
by the same ids, entities are FtM-shaped (``schema``, ``properties`` as
lists of values). embargo adds fields where yente clients ignore unknown
ones: ``explanation`` on each result, ``versions`` and ``engine_version``
on each body. These models document the contract in the OpenAPI schema;
handlers build plain dicts of the same shape for speed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# Schemas a /match query may name: yente's matchable schemata plus our own
# Aircraft. Kinds our lists never contain (bank accounts, wallets...) are
# accepted and simply find nothing, as yente would on lists without them.
QuerySchema = Literal[
    "Address",
    "Aircraft",
    "Airplane",
    "BankAccount",
    "Company",
    "CryptoWallet",
    "LegalEntity",
    "Organization",
    "Person",
    "Position",
    "PublicBody",
    "Security",
    "Thing",
    "UserAccount",
    "Vehicle",
    "Vessel",
]


def _valid_unicode(value: str) -> str:
    """Refuse unpaired surrogates (JSON allows ``"\ud800"``; UTF-8 cannot carry it)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"not valid Unicode at character {exc.start}: unpaired surrogate") from None
    return value


# Every string of a request body: valid Unicode, so it can be matched,
# echoed in the response and written to the audit log.
Text = Annotated[str, AfterValidator(_valid_unicode)]

# Request bodies are validated strictly: a JSON value of the wrong type
# (``false`` for a number, ``"1"`` for a flag) is a 422, not silently coerced.
STRICT = ConfigDict(strict=True)


class EntityExample(BaseModel):
    """One query: an example of the party sought, as FtM schema + properties."""

    model_config = ConfigDict(populate_by_name=True, strict=True)

    id: Text | None = None
    schema_: QuerySchema = Field(alias="schema", description="FtM schema of the party sought.")
    properties: dict[Text, list[Text] | Text] = Field(
        default_factory=dict,
        description='FtM properties, e.g. {"name": ["Vladimir Putin"], "birthDate": ["1952"]}.',
    )


class MatchRequest(BaseModel):
    """Body of ``POST /match/{dataset}``."""

    model_config = STRICT

    queries: dict[Text, EntityExample] = Field(description="Queries keyed by a caller-chosen id.")
    weights: dict[Text, float] = Field(
        default_factory=dict, description="Accepted for yente compatibility; ignored."
    )
    config: dict[Text, Any] = Field(
        default_factory=dict, description="Accepted for yente compatibility; ignored."
    )


class ScanRequest(BaseModel):
    """Body of ``POST /scan``."""

    model_config = STRICT

    text: Text = Field(description="The document: plain text, HTML, a SWIFT MT103 or an ISO 20022 pacs.008.")
    format: Literal["auto", "text", "html", "mt103", "pacs008"] = Field(
        default="auto", description="`auto` detects the format from the content."
    )


class UpdateRequest(BaseModel):
    """Optional body of ``POST /updatez``."""

    model_config = STRICT

    datasets: list[Text] | None = Field(default=None, description="Datasets to update; all when absent.")
    urls: dict[Text, Text] | None = Field(
        default=None, description="Override download addresses, by dataset."
    )
    force: bool = Field(default=False, description="Load even when the safety checks object.")


class TotalSpec(BaseModel):
    value: int
    relation: Literal["eq", "gte"] = "eq"


class FeatureExplanation(BaseModel):
    score: float
    detail: str | None = None


class EntityOut(BaseModel):
    """An FtM entity; property values may be nested entities (relations)."""

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str | EntityOut]] = Field(default_factory=dict)
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None


class ScoredEntityOut(EntityOut):
    score: float
    match: bool
    features: dict[str, float] = Field(default_factory=dict, description="Feature name -> contribution.")
    explanations: dict[str, FeatureExplanation] = Field(default_factory=dict)
    explanation: Any = Field(default=None, description="embargo's own account of why this scored as it did.")


class Stamped(BaseModel):
    versions: dict[str, int] = Field(description="List versions that answered: {dataset: version}.")
    engine_version: str


class MatchQueryResponse(BaseModel):
    status: int = 200
    results: list[ScoredEntityOut]
    total: TotalSpec
    query: dict[str, Any]


class MatchResponse(Stamped):
    responses: dict[str, MatchQueryResponse]
    limit: int


class SearchResponse(Stamped):
    results: list[ScoredEntityOut]
    facets: dict[str, Any] = Field(default_factory=dict)
    total: TotalSpec
    limit: int
    offset: int


class EntityResponse(EntityOut):
    relations: list[dict[str, Any]] = Field(default_factory=list)
    versions: dict[str, int]
    engine_version: str


class CatalogDataset(BaseModel):
    name: str
    title: str | None = None
    version: str | None = None
    entity_count: int | None = None
    updated_at: datetime | None = None
    last_export: datetime | None = None
    load: bool = True
    index_version: str | None = None
    index_current: bool | None = None
    children: list[str] = Field(default_factory=list)
    published: str | None = None
    loaded_at: str | None = None
    sha256: str | None = None
    source: str | None = None
    age_days: float | None = None


class CatalogResponse(Stamped):
    datasets: list[CatalogDataset]
    current: list[str]
    outdated: list[str]
    index_stale: bool
    last_update: str | None = None


class AdjacentPropertyResponse(Stamped):
    results: list[EntityOut]
    total: TotalSpec
    limit: int
    offset: int


class AdjacentPage(BaseModel):
    results: list[EntityOut]
    total: TotalSpec
    limit: int
    offset: int


class AdjacentResponse(Stamped):
    entity: EntityOut
    adjacent: dict[str, AdjacentPage]


class StatusResponse(BaseModel):
    status: str
    detail: str | None = None


class ErrorResponse(BaseModel):
    detail: str | list[dict[str, Any]]


class UpdateResponse(Stamped):
    outcomes: list[dict[str, Any]]
    changed: bool


class AuditResponse(BaseModel):
    entries: list[dict[str, Any]]


class Algorithm(BaseModel):
    name: str
    description: str | None = None


class AlgorithmsResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class ScanResponse(Stamped):
    """The same report as ``embargo scan --json``, stamped like every body."""

    model_config = ConfigDict(extra="allow")

    entities: list[dict[str, Any]]
    unlisted: list[dict[str, Any]]
    risks: list[dict[str, Any]]


EntityOut.model_rebuild()
