"""The compiled name alignment gives exactly what the Python reference gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embargo.names.score import align_py, score_spelling_py, similar_pairs_py
from embargo.names.similarity import EQUIVALENT, EXACT, FUZZY, INITIAL, PHONETIC

kernel = pytest.importorskip("embargo.names._align", reason="compiled kernels not built")

TOKENS = ["al", "bin", "de", "ltd", "a", "m", "s", "mohamed", "muhammad", "assad", "asad", "peskov",
          "dmitry", "sergeyevich", "kim", "jong", "un", "li", "jian", "jiang", "ooo", "x"]  # fmt: skip
METHODS = [EXACT, EQUIVALENT, FUZZY, PHONETIC, INITIAL]
weights = st.floats(0.25, 12.0, allow_nan=False)
weights_by_id = st.sampled_from([0.25, 0.5, 1.0, 2.0, 7.5]) | weights
name = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6)


@st.composite
def name_pairs(draw: st.DrawFn) -> tuple[list[str], list[float], list[str], list[float], list[tuple]]:
    query = draw(name)
    candidate = draw(name)
    query_weights = [draw(weights) for _ in query]
    candidate_weights = [draw(weights) for _ in candidate]
    cells = [(i, j) for i in range(len(query)) for j in range(len(candidate))]
    chosen = draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells))) if cells else []
    # Ties in similarity and weight are common (exact pairs, equal weights).
    sims = st.sampled_from([1.0, 0.9, 0.88, 0.8, 0.75, 0.7]) | st.floats(0.5, 1.0)
    options = [(draw(sims), query_weights[i], i, j, draw(st.sampled_from(METHODS))) for i, j in chosen]
    return query, query_weights, candidate, candidate_weights, options


@settings(max_examples=400, deadline=None)
@given(name_pairs(), st.booleans(), st.booleans(), st.booleans(), st.sampled_from([float("inf"), 5.0, 9.5]))
def test_compiled_alignment_equals_python(pair, person, soften, syllabic, rare_weight) -> None:
    query, query_weights, candidate, candidate_weights, options = pair
    expected = align_py(
        list(options),
        query,
        query_weights,
        candidate,
        candidate_weights,
        person,
        soften,
        rare_weight,
        syllabic,
    )
    got = kernel.align(
        list(options),
        query,
        query_weights,
        candidate,
        candidate_weights,
        person,
        soften,
        rare_weight,
        syllabic,
    )
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(name, name, st.booleans(), st.data())
def test_compiled_similar_pairs_equal_python(query, candidate, typo_blind, data) -> None:
    vocab = {t: i for i, t in enumerate(TOKENS)}
    similar = [
        {
            vocab[t]: (data.draw(st.floats(0.5, 1.0)), data.draw(st.sampled_from(METHODS)))
            for t in data.draw(name)
        }
        for _ in query
    ]
    query_weights = [1.0 + i for i in range(len(query))]
    ids = [vocab[t] for t in candidate]
    expected = similar_pairs_py(query, query_weights, similar, ids, candidate, typo_blind)
    assert kernel.similar_pairs(query, query_weights, similar, ids, candidate, typo_blind) == expected


def test_compiled_alignment_rejects_pairs_outside_the_names() -> None:
    with pytest.raises(ValueError, match="pairs tokens"):
        kernel.align([(1.0, 1.0, 3, 0, EXACT)], ["a", "b"], [1.0, 1.0], ["a"], [1.0], True, True, 9.0, False)


@settings(max_examples=300, deadline=None)
@given(name, name, st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.data())
def test_compiled_spelling_score_equals_python(
    query, candidate, typo_blind, person, soften, syllabic, data
) -> None:
    vocab = {t: i for i, t in enumerate(TOKENS)}
    weights = [data.draw(weights_by_id) for _ in TOKENS]
    similar = [
        {
            vocab[t]: (data.draw(st.floats(0.5, 1.0)), data.draw(st.sampled_from(METHODS)))
            for t in data.draw(name)
        }
        for _ in query
    ]
    query_weights = [data.draw(weights_by_id) for _ in query]
    ids = tuple(vocab[t] for t in candidate)
    args = (
        tuple(query),
        query_weights,
        similar,
        ids,
        TOKENS,
        weights,
        typo_blind,
        person,
        soften,
        9.0,
        syllabic,
    )
    assert kernel.score_spelling(*args) == score_spelling_py(*args)
