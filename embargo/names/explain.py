"""The explanation attached to every hit: why it scored what it scored.

Shape (stable; new keys may be added, none removed or renamed)::

    {
      "query_name": str,              # the query name that matched best
      "matched_name": str,            # the list name as the list writes it
      "name_type": "name" | "alias" | "weakAlias" | "previousName",
      "lang": str | None,             # language/script of an original-script name
      "script": str,                  # Latn, Cyrl, Arab, Hani, Hang, Grek, ...
      "tokens": [{"query", "candidate", "method", "similarity", "weight"}],
      "unmatched_query": [str],       # query tokens the list name lacks
      "unmatched_candidate": [str],   # list tokens the query lacks
      "name_score": float,
      "secondary": {
        "birthDate": {"status": "exact|year|near|conflict|missing", "query", "candidate"},
        "nationality": {"status": "agree|conflict|missing", "query", "candidate"},
        "gender": {"status": "agree|conflict|missing", "query", "candidate"},
        "identifiers": {"status": "match|no_match|missing", "matched"},
      },
      "band": "exact" | "strong" | "possible" | "weak",
      "dataset_versions": {dataset: version},
      "threshold": float,
    }

``method`` is one of exact, transliterated (exact after transliterating an
original-script list name), equivalent, phonetic, fuzzy, initial.
"""

from __future__ import annotations

from typing import Any

from embargo.names.score import NameMatch
from embargo.names.similarity import EXACT, TRANSLITERATED


def explain(
    *,
    query_name: str,
    matched_name: str,
    name_type: str,
    lang: str | None,
    script: str,
    name: NameMatch,
    secondary: dict[str, dict[str, Any]],
    band: str,
    dataset_versions: dict[str, Any],
    threshold: float,
) -> dict[str, Any]:
    tokens = []
    for pair in name.pairs:
        item = pair.to_dict()
        if pair.method == EXACT and script != "Latn":
            item["method"] = TRANSLITERATED
        tokens.append(item)
    return {
        "query_name": query_name,
        "matched_name": matched_name,
        "name_type": name_type,
        "lang": lang,
        "script": script,
        "tokens": tokens,
        "unmatched_query": list(name.unmatched_query),
        "unmatched_candidate": list(name.unmatched_candidate),
        "name_score": round(name.score, 3),
        "secondary": secondary,
        "band": band,
        "dataset_versions": dataset_versions,
        "threshold": threshold,
    }
