"""yente-compatible screening routes: /match, /search, /entities (and adjacency), /algorithms."""

import dataclasses
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import JSONResponse

from embargo.api import screening
from embargo.api.auth import Principal, require
from embargo.api.engine import Engine
from embargo.api.limits import Deadline, check_batch_size, run_bounded
from embargo.api.routes.errors import AUTH_ERRORS, BODY_ERRORS, INPUT_ERRORS, NOT_FOUND, TIMEOUT_ERRORS
from embargo.api.services import Services, services, stamp, use_engine
from embargo.api.yente import (
    AdjacentPropertyResponse,
    AdjacentResponse,
    AlgorithmsResponse,
    EntityResponse,
    MatchRequest,
    MatchResponse,
    QuerySchema,
    SearchResponse,
)
from embargo.settings import Settings

DatasetPath = Annotated[
    str,
    Path(
        description="A list name from /catalog, or `default` for every active list.",
        max_length=200,
        examples=["default", "us_ofac_sdn"],
    ),
]
StrList = Annotated[list[str], Query()]
EntityIdPath = Annotated[str, Path(max_length=500)]
# Deep pages are refused: screening needs the top results, and a deep offset
# would make the server rank thousands of candidates per request.
OffsetQuery = Annotated[int, Query(ge=0, le=10_000)]
T = TypeVar("T")

# A single query with a few values is screened on the event loop: it takes a
# few milliseconds, less than handing it to a thread would cost (the GIL
# serialises the work anyway). Anything bigger goes to a worker thread,
# where the request timeout can abandon it.
INLINE_VALUES = 10


def _is_small(body: MatchRequest) -> bool:
    if len(body.queries) != 1:
        return False
    (query,) = body.queries.values()
    values = sum(1 if isinstance(v, str) else len(v) for v in query.properties.values())
    return values <= INLINE_VALUES


def build(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["screening"])
    max_limit = settings.max_results

    def params(
        engine: Engine,
        dataset: str,
        threshold: float | None,
        cutoff: float | None,
        limit: int,
        include_dataset: list[str],
        exclude_dataset: list[str],
        exclude_schema: list[str],
        exclude_entity_ids: list[str],
        topics: list[str],
    ) -> screening.MatchParams:
        try:
            datasets = screening.resolve_datasets(engine, dataset, include_dataset, exclude_dataset)
        except screening.UnknownDataset as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None
        return screening.MatchParams(
            threshold=threshold,
            cutoff=cutoff,
            limit=limit,
            datasets=datasets,
            exclude_entity_ids=frozenset(exclude_entity_ids),
            exclude_schemata=frozenset(exclude_schema),
            topics=frozenset(topics),
        )

    @router.post(
        "/match/{dataset}",
        response_model=MatchResponse,
        responses={**AUTH_ERRORS, **NOT_FOUND, **TIMEOUT_ERRORS, **BODY_ERRORS, **INPUT_ERRORS},
        summary="Match entities by example (yente format)",
    )
    async def match(
        dataset: DatasetPath,
        body: MatchRequest,
        threshold: Annotated[
            float | None, Query(ge=0.0, le=1.0, description="Score from which `match` is true.")
        ] = None,
        cutoff: Annotated[
            float | None, Query(ge=0.0, le=1.0, description="Scores below this are not returned.")
        ] = None,
        limit: Annotated[
            int, Query(ge=1, le=max_limit, description="Results per query.")
        ] = settings.match_limit,
        algorithm: Annotated[
            str | None, Query(max_length=100, description="Accepted; embargo has one.")
        ] = None,
        include_dataset: StrList = [],  # noqa: B006 - FastAPI copies defaults
        exclude_dataset: StrList = [],  # noqa: B006
        exclude_schema: StrList = [],  # noqa: B006
        exclude_entity_ids: StrList = [],  # noqa: B006
        topics: StrList = [],  # noqa: B006
        changed_since: Annotated[str | None, Query(max_length=100, description="Accepted; ignored.")] = None,
        principal: Principal = require("screen"),
        engine: Engine = Depends(use_engine),
        svc: Services = Depends(services),
    ) -> Any:
        check_batch_size(len(body.queries), settings.max_queries_per_batch)
        asked = {
            "dataset": dataset,
            "threshold": threshold,
            "cutoff": cutoff,
            "limit": limit,
            "queries": screening.asked_summary(body.queries),
        }
        with svc.audited(principal, "match", engine, asked) as audit:
            chosen = params(
                engine,
                dataset,
                threshold,
                cutoff,
                limit,
                include_dataset,
                exclude_dataset,
                exclude_schema,
                exclude_entity_ids,
                topics,
            )
            deadline = Deadline(settings.request_timeout)

            def work() -> tuple[dict[str, Any], dict[str, Any]]:
                return screening.match_batch(engine, body.queries, chosen, deadline)

            if _is_small(body):
                responses, answered = work()
            else:
                responses, answered = await run_bounded(svc.executor, deadline, work)
            audit.answered = answered
        return JSONResponse({"responses": responses, "limit": limit, **stamp(engine)})

    @router.get(
        "/search/{dataset}",
        response_model=SearchResponse,
        responses={**AUTH_ERRORS, **NOT_FOUND, **TIMEOUT_ERRORS, **INPUT_ERRORS},
        summary="Look up listed parties by name or id",
    )
    async def search(
        dataset: DatasetPath,
        q: Annotated[str, Query(max_length=1000, description="A name, or an entity id.")] = "",
        limit: Annotated[int, Query(ge=1, le=max_limit)] = settings.match_limit,
        offset: OffsetQuery = 0,
        schema: Annotated[QuerySchema | None, Query(description="Only parties of this kind.")] = None,
        include_dataset: StrList = [],  # noqa: B006
        exclude_dataset: StrList = [],  # noqa: B006
        exclude_schema: StrList = [],  # noqa: B006
        topics: StrList = [],  # noqa: B006
        countries: Annotated[
            list[str], Query(description="Only parties linked to these countries (ISO codes).")
        ] = [],  # noqa: B006
        principal: Principal = require("screen"),
        engine: Engine = Depends(use_engine),
        svc: Services = Depends(services),
    ) -> Any:
        asked = {"dataset": dataset, "q": q[:500], "schema": schema, "limit": limit, "offset": offset}
        with svc.audited(principal, "search", engine, asked) as audit:
            chosen = params(
                engine,
                dataset,
                None,
                None,
                limit,
                include_dataset,
                exclude_dataset,
                exclude_schema,
                [],
                topics,
            )
            chosen = dataclasses.replace(chosen, countries=frozenset(c.lower() for c in countries))
            deadline = Deadline(settings.request_timeout)
            results, more = await run_bounded(
                svc.executor, deadline, lambda: screening.search(engine, q, chosen, offset, schema, deadline)
            )
            total = offset + len(results)
            audit.answered = {"total": total, "ids": [r["id"] for r in results]}
        return JSONResponse(
            {
                "results": results,
                "facets": {},
                "total": {"value": total + (1 if more else 0), "relation": "gte" if more else "eq"},
                "limit": limit,
                "offset": offset,
                **stamp(engine),
            }
        )

    @router.get(
        "/entities/{entity_id}",
        response_model=EntityResponse,
        responses={**AUTH_ERRORS, **NOT_FOUND, **TIMEOUT_ERRORS, **INPUT_ERRORS},
        summary="One listed party, with its relations nested",
    )
    async def entity(
        entity_id: EntityIdPath,
        nested: Annotated[bool, Query(description="Nest related parties in the properties.")] = True,
        principal: Principal = require("screen"),
        engine: Engine = Depends(use_engine),
        svc: Services = Depends(services),
    ) -> Any:
        def view(found: Any) -> dict[str, Any]:
            return screening.nested_entity(engine, found) if nested else screening.entity_out(found)

        data = await entity_view(engine, svc, entity_id, view)
        return JSONResponse({**data, **stamp(engine)})

    async def entity_view(engine: Engine, svc: Services, entity_id: str, view: Callable[[Any], T]) -> T:
        """Look an entity up and shape it off the event loop, within the request's
        time limit; 404 when the active lists do not have it."""

        def work() -> tuple[T] | None:
            found = engine.snapshot.get(entity_id)
            return None if found is None else (view(found),)

        shaped = await run_bounded(svc.executor, Deadline(settings.request_timeout), work)
        if shaped is None:
            raise HTTPException(status_code=404, detail=f"no entity {entity_id!r} in the active lists")
        return shaped[0]

    @router.get(
        "/entities/{entity_id}/adjacent",
        response_model=AdjacentResponse,
        responses={**AUTH_ERRORS, **NOT_FOUND, **TIMEOUT_ERRORS, **INPUT_ERRORS},
        summary="An entity's relations, by property (yente's adjacency view)",
    )
    async def adjacent(
        entity_id: EntityIdPath,
        limit: Annotated[int, Query(ge=1, le=max_limit)] = settings.match_limit,
        offset: OffsetQuery = 0,
        principal: Principal = require("screen"),
        engine: Engine = Depends(use_engine),
        svc: Services = Depends(services),
    ) -> Any:
        entity, links = await entity_view(
            engine,
            svc,
            entity_id,
            lambda found: (screening.entity_out(found), screening.adjacency(engine, found)),
        )
        return JSONResponse(
            {
                "entity": entity,
                "adjacent": {prop: screening.page(items, limit, offset) for prop, items in links.items()},
                **stamp(engine),
            }
        )

    @router.get(
        "/entities/{entity_id}/adjacent/{prop}",
        response_model=AdjacentPropertyResponse,
        responses={**AUTH_ERRORS, **NOT_FOUND, **TIMEOUT_ERRORS, **INPUT_ERRORS},
        summary="One relation property of an entity, paginated",
    )
    async def adjacent_property(
        entity_id: EntityIdPath,
        prop: Annotated[str, Path(max_length=100, examples=["unknownLinkSubject", "familyPerson"])],
        limit: Annotated[int, Query(ge=1, le=max_limit)] = settings.match_limit,
        offset: OffsetQuery = 0,
        principal: Principal = require("screen"),
        engine: Engine = Depends(use_engine),
        svc: Services = Depends(services),
    ) -> Any:
        items = await entity_view(
            engine, svc, entity_id, lambda found: screening.adjacency(engine, found).get(prop, [])
        )
        return JSONResponse({**screening.page(items, limit, offset), **stamp(engine)})

    @router.get(
        "/algorithms",
        response_model=AlgorithmsResponse,
        responses={**AUTH_ERRORS},
        summary="The matching algorithm (yente clients ask for this)",
    )
    async def algorithms(principal: Principal = require("screen")) -> Any:
        name = screening.ALGORITHM
        description = "embargo name matcher: transliteration, name-part alignment, date and country checks"
        return {"algorithms": [{"name": name, "description": description}], "default": name, "best": name}

    return router
