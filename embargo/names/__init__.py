"""Name screening: normalise names, index every list name, score and explain hits.

Public API::

    from embargo.names import Query, NameIndex, Matcher, Hit, load_matcher

    matcher = load_matcher(settings)              # store -> cached index -> matcher
    hits = matcher.match(Query(names=["Asma al-Assad"], schema="Person",
                               birth_dates=["1975"], countries=["sy"]))
    hits[0].to_dict()  # {"id", "caption", "schema", "datasets", "properties",
                       #  "score", "match", "explanation"}
    matcher.candidates(query)          # entity ids the index would score (measurement)
    matcher.score(query, "ofac-29068") # one entity (id or Entity), full-index statistics

``Query.from_yente(body)`` reads a yente ``/match`` query body. ``NameIndex.build(entities,
versions)`` indexes any entities; ``Matcher(index, settings)`` screens against it.

Normalisation shared with text screening lives in :mod:`embargo.names.normalise`
(``normalise_name``, ``tokenize_name``, ``transliterate``, ``strip_titles``,
``TITLES``, ``given_name_equivalents``). The explanation format is documented
in :mod:`embargo.names.explain`, the scoring rules in :mod:`embargo.names.score`.
"""

from embargo.names.index import NameIndex
from embargo.names.matcher import Hit, Matcher, load_matcher
from embargo.names.normalise import (
    TITLES,
    given_name_equivalents,
    name_tokens,
    normalise_name,
    strip_titles,
    tokenize_name,
    transliterate,
)
from embargo.names.query import Query, QueryError

__all__ = [
    "TITLES",
    "Hit",
    "Matcher",
    "NameIndex",
    "Query",
    "QueryError",
    "given_name_equivalents",
    "load_matcher",
    "name_tokens",
    "normalise_name",
    "strip_titles",
    "tokenize_name",
    "transliterate",
]
