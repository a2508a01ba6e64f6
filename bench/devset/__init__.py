"""The name-matching development set: construction rules, kept as code.

``build_devset(entities, seed)`` returns labelled :class:`Pair` objects by
category; ``python -m bench.devset`` writes a frozen copy to
``bench/out/devset.jsonl``.
"""

from bench.devset.build import (
    BUDGET,
    CATEGORIES,
    Context,
    Pair,
    build_devset,
    build_pairs,
    fresh_negatives,
    merge_same_ids,
)

__all__ = [
    "BUDGET",
    "CATEGORIES",
    "Context",
    "Pair",
    "build_devset",
    "build_pairs",
    "fresh_negatives",
    "merge_same_ids",
]
