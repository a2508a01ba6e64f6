"""Answering screening questions from one engine, in yente's shapes.

Everything here works on the engine the request took when it started
(on the event loop for a small query, in a worker thread otherwise) and
checks the request's deadline between queries.
It turns yente queries into matcher queries, matcher hits into yente
results, and both into the short summaries the audit trail keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from embargo.api.audit import clip_properties
from embargo.api.engine import Engine
from embargo.api.limits import Deadline

# yente schema -> the schemas our lists use. Kinds no list of ours contains
# (bank accounts, wallets, securities...) map to nothing and find nothing.
SCHEMA_TARGETS: dict[str, tuple[str, ...]] = {
    "Person": ("Person",),
    "Company": ("Company",),
    "Organization": ("Organization",),
    "PublicBody": ("Organization",),
    "LegalEntity": ("LegalEntity",),
    "Vessel": ("Vessel",),
    "Airplane": ("Aircraft",),
    "Aircraft": ("Aircraft",),
    "Vehicle": ("Vessel", "Aircraft"),
    "Thing": ("Thing",),
}

# Search has no schema of its own: look for any kind of listed party.
SEARCH_SCHEMAS = ("Thing",)

ALGORITHM = "embargo"


@dataclass(frozen=True)
class MatchParams:
    threshold: float | None = None
    cutoff: float | None = None
    limit: int = 10
    datasets: tuple[str, ...] | None = None  # None: all active lists
    exclude_entity_ids: frozenset[str] = frozenset()
    exclude_schemata: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()  # lower-case ISO codes; search only


@dataclass
class QueryOutcome:
    results: list[dict[str, Any]]
    query: dict[str, Any]
    detail: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)


class UnknownDataset(LookupError):
    pass


def resolve_datasets(
    engine: Engine, dataset: str, include: Iterable[str] = (), exclude: Iterable[str] = ()
) -> tuple[str, ...] | None:
    """The active datasets a request addresses; None means all of them.

    ``default`` (what yente clients send when they name none) means every
    active list; any other name must be an active list.
    """
    active = engine.datasets
    if dataset == "default":
        chosen = list(active)
    elif dataset in active:
        chosen = [dataset]
    else:
        raise UnknownDataset(
            f"no active list named {dataset!r}; use 'default' or one of: {', '.join(active) or '(none loaded)'}"
        )
    for extra in include:
        if extra not in active:
            raise UnknownDataset(f"no active list named {extra!r} (include_dataset)")
        if extra not in chosen:
            chosen.append(extra)
    excluded = set(exclude)
    chosen = [d for d in chosen if d not in excluded]
    if dataset == "default" and not excluded and not list(include):
        return None
    return tuple(sorted(chosen))


def _as_list(values: Any) -> list[str]:
    return [values] if isinstance(values, str) else [str(v) for v in values]


# Secondary-field verdicts of the matcher's explanation, as yente-style
# feature values: agreement counts for, conflict against, absence is 0.
_STATUS_VALUES = {
    "exact": 1.0,
    "agree": 1.0,
    "match": 1.0,
    "year": 0.75,
    "near": 0.5,
    "missing": 0.0,
    "conflict": -1.0,
    "no_match": -1.0,
}
_SECONDARY_FEATURES = {
    "birthDate": "birth_date_match",
    "nationality": "country_match",
    "gender": "gender_match",
    "identifiers": "identifier_match",
}


def features_of(explanation: Any) -> tuple[dict[str, float], dict[str, dict[str, Any]]]:
    """yente's ``features`` (name -> value) and ``explanations`` from our explanation.

    ``name_match`` is the name score; the others are the secondary checks
    as indicators (1 agrees, 0.75 same birth year, 0.5 near date, 0 not
    given, -1 conflicts). They say why, not how much: the score combines
    them in ways a flat sum would misstate.
    """
    features: dict[str, float] = {}
    explanations: dict[str, dict[str, Any]] = {}
    if not isinstance(explanation, Mapping):
        return features, explanations
    name_score = explanation.get("name_score")
    if isinstance(name_score, int | float) and not isinstance(name_score, bool):
        features["name_match"] = float(name_score)
        detail = f"{explanation.get('query_name', '')!s} ~ {explanation.get('matched_name', '')!s}"
        kind = explanation.get("name_type")
        explanations["name_match"] = {
            "score": float(name_score),
            "detail": f"{detail} ({kind})" if kind else detail,
        }
    secondary = explanation.get("secondary")
    if isinstance(secondary, Mapping):
        for field_name, feature in _SECONDARY_FEATURES.items():
            verdict = secondary.get(field_name)
            if not isinstance(verdict, Mapping):
                continue
            status = str(verdict.get("status", "missing"))
            value = _STATUS_VALUES.get(status, 0.0)
            features[feature] = value
            shown = [
                f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in verdict.items()
                if k != "status" and v not in (None, [], "")
            ]
            explanations[feature] = {
                "score": value,
                "detail": f"{status}: {'; '.join(shown)}" if shown else status,
            }
    return features, explanations


def result_of(hit: Any) -> dict[str, Any]:
    """A matcher hit as a yente scored entity (plus our explanation)."""
    data: dict[str, Any] = hit.to_dict()
    features, explanations = features_of(data.get("explanation"))
    return {
        "id": data["id"],
        "caption": data["caption"],
        "schema": data["schema"],
        "properties": data.get("properties", {}),
        "datasets": list(data.get("datasets", [])),
        "referents": [],
        "target": True,
        "score": float(data["score"]),
        "match": bool(data["match"]),
        "features": features,
        "explanations": explanations,
        "explanation": data.get("explanation"),
    }


def topics_of(result: dict[str, Any]) -> set[str]:
    """FtM topics of a result: its own, else ``sanction`` (every list embargo loads is a
    sanctions list), so yente clients filtering on ``topics=sanction`` keep them."""
    return set(result["properties"].get("topics", [])) or {"sanction"}


_COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction")


def countries_of(result: dict[str, Any]) -> set[str]:
    properties = result["properties"]
    return {str(v).lower() for prop in _COUNTRY_PROPS for v in properties.get(prop, [])}


def _keep(result: dict[str, Any], params: MatchParams) -> bool:
    if result["id"] in params.exclude_entity_ids:
        return False
    if result["schema"] in params.exclude_schemata:
        return False
    if params.countries and not countries_of(result) & params.countries:
        return False
    return not params.topics or bool(topics_of(result) & params.topics)


def match_one(
    engine: Engine, schema: str, properties: Mapping[str, Any], params: MatchParams
) -> QueryOutcome:
    """Screen one yente query against ``engine``."""
    from embargo.names import Query

    props = {str(k): _as_list(v) for k, v in properties.items()}
    echo = {"schema": schema, "properties": props}
    targets = SCHEMA_TARGETS.get(schema, ())
    if not targets:
        return QueryOutcome([], echo, detail=f"no list holds entities of schema {schema}")
    # Ask for more than the limit when some results will be filtered out.
    want = params.limit + len(params.exclude_entity_ids)
    if params.exclude_schemata or params.topics:
        want = max(want * 4, 50)
    best: dict[str, dict[str, Any]] = {}
    detail = None
    for target in targets:
        try:
            query = Query.from_yente({"schema": target, "properties": props})
        except ValueError as exc:
            detail = str(exc)
            continue
        hits = engine.matcher.match(
            query,
            threshold=params.threshold,
            limit=want,
            floor=params.cutoff,
            datasets=params.datasets,
        )
        for hit in hits:
            result = result_of(hit)
            if not _keep(result, params):
                continue
            seen = best.get(result["id"])
            if seen is None or result["score"] > seen["score"]:
                best[result["id"]] = result
    results = sorted(best.values(), key=lambda r: (-r["score"], r["id"]))[: params.limit]
    return QueryOutcome(results, echo, detail=None if best else detail, summary=_summary(results))


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "total": len(results),
        "matches": [r["id"] for r in results if r["match"]],
        "top": {"id": results[0]["id"], "score": round(results[0]["score"], 4)} if results else None,
    }


def asked_summary(queries: Mapping[str, Any]) -> dict[str, Any]:
    """What a batch asked, bounded, for the audit trail."""
    return {
        qid: {"schema": example.schema_, "properties": clip_properties(example.properties)}
        for qid, example in queries.items()
    }


def match_batch(
    engine: Engine, queries: Mapping[str, Any], params: MatchParams, deadline: Deadline
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(yente ``responses``, audit summary of the answers) for a batch of queries."""
    responses: dict[str, Any] = {}
    answered: dict[str, Any] = {}
    for qid, example in queries.items():
        deadline.check()
        outcome = match_one(engine, example.schema_, example.properties, params)
        response: dict[str, Any] = {
            "status": 200,
            "results": outcome.results,
            "total": {"value": len(outcome.results), "relation": "eq"},
            "query": {"id": example.id, **outcome.query} if example.id else outcome.query,
        }
        if outcome.detail:
            response["detail"] = outcome.detail
        responses[qid] = response
        answered[qid] = outcome.summary or _summary(outcome.results)
    return responses, answered


def search(
    engine: Engine, q: str, params: MatchParams, offset: int, schema: str | None, deadline: Deadline
) -> tuple[list[dict[str, Any]], bool]:
    """Results for a free-text lookup, and whether more may exist beyond them.

    An exact entity id comes first; then the name matcher's candidates down
    to the floor, so a search shows near misses a /match would mark false.
    """
    q = q.strip()
    if not q:
        return [], False
    wanted = offset + params.limit
    window = MatchParams(
        threshold=params.threshold,
        cutoff=params.cutoff,
        limit=wanted + 1,
        datasets=params.datasets,
        exclude_schemata=params.exclude_schemata,
        topics=params.topics,
        countries=params.countries,
    )
    found: dict[str, dict[str, Any]] = {}
    exact = engine.snapshot.get(q)
    if exact is not None and (params.datasets is None or set(exact.datasets) & set(params.datasets)):
        found[exact.id] = {
            **entity_out(exact),
            "score": 1.0,
            "match": True,
            "features": {},
            "explanations": {},
        }
    for target in (schema,) if schema else SEARCH_SCHEMAS:
        deadline.check()
        outcome = match_one(engine, target, {"name": [q]}, window)
        for result in outcome.results:
            if result["id"] not in found or found[result["id"]]["score"] < result["score"]:
                found[result["id"]] = result
    ranked = sorted(found.values(), key=lambda r: (-r["score"], r["id"]))
    more = len(ranked) > wanted
    return ranked[offset:wanted], more


def entity_out(entity: Any) -> dict[str, Any]:
    """An entity in yente's shape, without relations."""
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": entity.schema,
        "properties": entity.properties,
        "datasets": list(entity.datasets),
        "referents": [],
        "target": True,
    }


# Relation kind -> (interstitial FtM schema, property on the entity that
# points at it, role of this entity, role of the other party).
_RELATION_SHAPES: dict[str, tuple[str, str, str, str]] = {
    "spouse": ("Family", "familyPerson", "person", "relative"),
    "relative": ("Family", "familyPerson", "person", "relative"),
    "associate": ("Associate", "associates", "person", "associate"),
    "owner": ("Ownership", "ownershipAsset", "asset", "owner"),
    "owned": ("Ownership", "ownershipOwner", "owner", "asset"),
    "director": ("Directorship", "directorshipOrganization", "organization", "director"),
    "member": ("Membership", "membershipMember", "member", "organization"),
    "linked": ("UnknownLink", "unknownLinkSubject", "subject", "object"),
    "unknown": ("UnknownLink", "unknownLinkSubject", "subject", "object"),
}


def nested_entity(engine: Engine, entity: Any) -> dict[str, Any]:
    """The entity with its relations nested the way yente nests them.

    Each relation becomes an interstitial entity (``Family``, ``Ownership``,
    ...) under the matching property; its other party is the full listed
    entity when the list gives its id and it is loaded, else its name.
    """
    data = entity_out(entity)
    properties = {k: list(v) for k, v in data["properties"].items()}
    for position, relation in enumerate(entity.relations):
        schema, prop, own_role, other_role = _RELATION_SHAPES.get(relation.kind, _RELATION_SHAPES["unknown"])
        other: Any = relation.target_name
        if relation.target_id:
            target = engine.snapshot.get(relation.target_id)
            if target is not None:
                other = entity_out(target)
        link_props: dict[str, list[Any]] = {own_role: [entity.id], other_role: [other]}
        if relation.label:
            link_props["relationship"] = [relation.label]
        properties.setdefault(prop, []).append(
            {
                "id": f"{entity.id}-rel-{position}",
                "caption": relation.label or relation.kind,
                "schema": schema,
                "properties": link_props,
                "datasets": list(entity.datasets),
                "referents": [],
                "target": False,
            }
        )
    data["properties"] = properties
    data["relations"] = [r.to_dict() for r in entity.relations]
    return data


def adjacency(engine: Engine, entity: Any) -> dict[str, list[dict[str, Any]]]:
    """The relation links of an entity by property (yente's ``/adjacent`` view)."""
    nested = nested_entity(engine, entity)
    links: dict[str, list[dict[str, Any]]] = {}
    for prop, values in nested["properties"].items():
        found = [v for v in values if isinstance(v, dict)]
        if found:
            links[prop] = found
    return links


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {
        "results": items[offset : offset + limit],
        "total": {"value": len(items), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }
