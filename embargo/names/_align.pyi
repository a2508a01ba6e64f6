"""Types of the compiled kernel ``_align.pyx`` (see ``score.align_py`` and ``score.similar_pairs_py``)."""

from collections.abc import Mapping, Sequence

from embargo.names.score import Alignment, NameMatch, Option

def similar_pairs(
    query: Sequence[str],
    query_weights: Sequence[float],
    similar: Sequence[Mapping[int, tuple[float, str]]],
    candidate_ids: Sequence[int],
    candidate: Sequence[str],
    typo_blind: bool,
) -> list[Option]: ...
def align(
    options: list[Option],
    query: Sequence[str],
    query_weights: Sequence[float],
    candidate: Sequence[str],
    candidate_weights: Sequence[float],
    person: bool,
    soften: bool,
    rare_weight: float,
    syllabic: bool,
) -> Alignment: ...
def score_spelling(
    query: Sequence[str],
    query_weights: Sequence[float],
    similar: Sequence[Mapping[int, tuple[float, str]]],
    candidate_ids: Sequence[int],
    tokens: Sequence[str],
    weights: Sequence[float],
    typo_blind: bool,
    person: bool,
    soften: bool,
    rare_weight: float,
    syllabic: bool,
) -> NameMatch: ...
