"""The two scorers the benchmarks compare, behind one small interface.

``EmbargoSystem`` is the product's matcher over the product's index.
``LogicV2System`` is OpenSanctions' ``logic-v2`` algorithm from the
nomenklatura package (benchmark-only dependency), fed the same entities
converted to FollowTheMoney proxies and judged at yente's default
threshold of 0.7.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from embargo.model import Entity
from embargo.names import Hit, Matcher, NameIndex, Query
from embargo.settings import Settings


class EmbargoSystem:
    name = "embargo"

    def __init__(self, entities: Iterable[Entity], versions: Iterable[Any], settings: Settings | None = None):
        # From the environment, like the CLI that --engine cli runs.
        self.settings = settings or Settings.from_env()
        self.versions = list(versions)
        start = time.perf_counter()
        self.index = NameIndex.build(entities, self.versions)
        self.build_seconds = time.perf_counter() - start
        self.matcher = Matcher(self.index, self.settings)
        self.threshold = self.settings.match_threshold

    def search(self, query: dict[str, Any], limit: int = 0) -> list[Hit]:
        """Every hit down to the configured floor (matches and near-misses)."""
        return self.matcher.match(Query.from_yente(query), limit=limit)

    def score_pair(self, query: dict[str, Any], candidate: Entity | str) -> tuple[float, bool]:
        """Score one query against one record (an indexed id or any entity), nothing else.

        ``Matcher.score`` skips candidate generation and uses the whole
        index's name statistics, so the score is the one a search would
        give that record.
        """
        hit = self.matcher.score(Query.from_yente(query), candidate)
        if hit is None:
            return 0.0, False
        return hit.score, hit.match

    def candidate_ids(self, query: dict[str, Any]) -> list[str]:
        """The records the index would score for ``query`` (before scoring and floor)."""
        return self.matcher.candidates(Query.from_yente(query))


class LogicV2System:
    """nomenklatura's logic-v2 on FtM proxies of the same records and queries."""

    name = "logic-v2"
    threshold = 0.7  # yente's default match threshold

    def __init__(self) -> None:
        from followthemoney import model
        from nomenklatura.matching import LogicV2

        self._model = model
        self._algorithm = LogicV2
        self._config = LogicV2.default_config()
        self._cache: dict[str, Any] = {}
        self._serial = 0

    def proxy(self, uid: str, schema: str, properties: dict[str, list[str]]) -> Any:
        ftm_schema = self._model.get(schema) or self._model.get("LegalEntity")
        assert ftm_schema is not None
        proxy = self._model.make_entity(ftm_schema)
        proxy.id = uid
        for prop, values in properties.items():
            if ftm_schema.get(prop) is None:
                continue
            for value in values:
                proxy.add(prop, value, quiet=True)
        return proxy

    def query_proxy(self, query: dict[str, Any]) -> Any:
        # logic-v2 memoises names by entity id, so every query needs its own id.
        self._serial += 1
        return self.proxy(f"q{self._serial}", query.get("schema", "LegalEntity"), query.get("properties", {}))

    def entity_proxy(self, entity: Entity, key: str | None = None) -> Any:
        key = key or entity.id
        cached = self._cache.get(key)
        if cached is None:
            cached = self.proxy(key, entity.schema, entity.properties)
            self._cache[key] = cached
        return cached

    def score(self, query_proxy: Any, candidate_proxy: Any) -> float:
        return float(self._algorithm.compare(query_proxy, candidate_proxy, self._config).score)

    def score_pair(
        self, query: dict[str, Any], candidate: Entity, key: str | None = None
    ) -> tuple[float, bool]:
        score = self.score(self.query_proxy(query), self.entity_proxy(candidate, key))
        return score, score >= self.threshold
