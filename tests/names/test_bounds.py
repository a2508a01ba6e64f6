"""The compiled candidate kernel gives the numpy code's candidates and bounds, bit for bit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embargo.names import Matcher, Query
from embargo.names.index import NameIndex
from embargo.settings import Settings
from tests.names.test_index import SMALL_INDEX, SMALL_NAMES, mutated, name

kernel = pytest.importorskip(
    "embargo.names._bounds", reason="compiled kernels not built (python setup.py build_ext --inplace)"
)

# Names nobody lists: candidates come from common tokens only.
UNLISTED = ["John Smith", "Maria Garcia Lopez", "Mohammed Ali", "Wang Wei", "Ivan Petrov", "Ahmad bin Abdullah",
            "Sberbank", "Bank of Moscow", "Global Trading LLC", "Ali", "Kim", "J. R. R. Tolkien", "Li"]  # fmt: skip
BOUNDS = (0.5, 0.35, 0.2)
SMALL_PATHS = tuple(Matcher(SMALL_INDEX, Settings(compiled_kernels=compiled)) for compiled in (False, True))


def _evenly(items: list[int], count: int) -> list[int]:
    step = max(1, len(items) // count)
    return items[::step][:count]


def sample_queries(index: NameIndex) -> list[Query]:
    """Listed names of every script, spread over the index, and variants of the Latin ones.

    Variants: one letter swapped, tokens reversed, the first token as an
    initial, the last token alone; plus company names and unlisted names.
    """
    by_script: dict[str, list[int]] = {}
    for vid, script in enumerate(index.var_script):
        by_script.setdefault(script, []).append(vid)
    queries: list[Query] = []
    for script, vids in sorted(by_script.items()):
        for vid in _evenly(vids, 120 if script == "Latn" else 25):
            schema = index.ent_schema[int(index.var_entity[vid])]
            text = index.var_text[vid]
            queries.append(Query(names=[text], schema=schema))
            tokens = text.split()
            if script != "Latn" or len(tokens) < 2:
                continue
            longest = max(tokens, key=len)
            if len(longest) > 3:
                typo = longest[0] + longest[2] + longest[1] + longest[3:]
                queries.append(Query(names=[text.replace(longest, typo, 1)], schema=schema))
            queries.append(Query(names=[" ".join(reversed(tokens))], schema=None))
            queries.append(Query(names=[f"{tokens[0][0]}. {' '.join(tokens[1:])}"], schema=schema))
            queries.append(Query(names=[tokens[-1]], schema=schema))
    queries += [
        Query(names=[name], schema=schema) for name in UNLISTED for schema in (None, "Person", "Company")
    ]
    return queries


@pytest.fixture(scope="session")
def paths(real_matcher: Matcher) -> tuple[Matcher, Matcher]:
    """The numpy code and the compiled kernel over the bundled lists."""
    settings = real_matcher.settings
    return (
        Matcher(real_matcher.index, replace(settings, compiled_kernels=False)),
        Matcher(real_matcher.index, replace(settings, compiled_kernels=True)),
    )


@pytest.fixture(scope="session")
def sample(paths: tuple[Matcher, Matcher]) -> list[tuple[object, float, np.ndarray | None]]:
    """(query name, bound, mask) cases, with schema and dataset filters."""
    pure, _compiled = paths
    index = pure.index
    first_dataset = [index.datasets[0]]
    cases: list[tuple[object, float, np.ndarray | None]] = []
    for n, query in enumerate(sample_queries(index)):
        datasets = first_dataset if n % 7 == 3 else None
        mask = index.variant_mask(query.schema, datasets)
        for qname in pure._query_names(query):
            cases.append((qname, BOUNDS[n % len(BOUNDS)], mask))
    return cases


def _run(matcher: Matcher, cases: list[tuple[object, float, np.ndarray | None]]) -> list[tuple[list, list]]:
    out = []
    for qname, bound, mask in cases:
        vids, upper = matcher._candidates(qname, bound, mask)  # type: ignore[arg-type]
        out.append((vids.tolist(), upper.tolist()))
    return out


@pytest.fixture(scope="session")
def pure_results(paths, sample) -> list[tuple[list, list]]:
    return _run(paths[0], sample)


def test_compiled_bounds_equal_the_numpy_bounds_on_real_names(paths, sample, pure_results):
    compiled = _run(paths[1], sample)
    assert len(sample) > 1000
    # The sample exercises what the bounds handle: exact names, wide and
    # empty candidate sets, initials, other scripts.
    assert any(1.0 in upper for _vids, upper in pure_results)
    assert any(len(vids) > 200 for vids, _upper in pure_results)
    assert any(not vids for vids, _upper in pure_results)
    assert {"Arab", "Cyrl", "Hani"} <= set(paths[0].index.var_script)
    for (qname, bound, _mask), want, got in zip(sample, pure_results, compiled, strict=True):
        assert got == want, (qname.text, bound)  # type: ignore[attr-defined]


def test_threads_bound_candidates_at_the_same_time(paths, sample, pure_results):
    """Each thread has its own scratch, so concurrent queries do not see each other's tokens."""
    compiled = paths[1]
    chunks = [sample[i::4] for i in range(4)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda chunk: _run(compiled, chunk), chunks))
    for i, chunk_results in enumerate(results):
        assert chunk_results == pure_results[i::4]


def test_bad_arguments_are_refused_and_leave_the_scratch_clean(paths):
    index = paths[0].index
    tokens = [index.var_token_start, index.var_token_ids, index.posting_start, index.posting_ids]
    weights = [index.weights32, index.weights64, index.var_total]
    bags = [index.bag_keys, index.bag_vids]
    with pytest.raises(ValueError, match="mismatched sizes"):
        kernel.NameBounds(*tokens, *weights[:-1], index.var_total[:-1], *bags)
    corrupt = index.posting_ids.copy()
    corrupt[-1] = index.name_count
    with pytest.raises(ValueError, match="outside the index"):
        kernel.NameBounds(*tokens[:3], corrupt, *weights, *bags)
    bounds = kernel.NameBounds(*tokens, *weights, *bags)
    slots = np.zeros(len(index.tokens), dtype=np.int32)
    good = np.array([0, 1], dtype=np.int64)
    outside = np.array([0, len(index.tokens)], dtype=np.int64)

    def candidates(essential, tids, slots=slots):
        similar = [np.ones(len(t)) for t in tids]
        ones = [1.0] * len(tids)
        words = [True] * len(tids)
        return bounds.candidates(
            essential, None, 0, None, tids, similar, ones, words, 1.0, 0.0, 6e-4, 0.8, slots
        )

    with pytest.raises(ValueError, match="outside the vocabulary"):
        candidates([0], [good, outside])
    with pytest.raises(ValueError, match="out of range"):
        candidates([1], [good])
    with pytest.raises(ValueError, match="scratch"):
        candidates([0], [good], slots[:10])
    assert not slots.any()
    vids, *_parts = candidates([0], [good])
    assert not slots.any()
    holding = set(index.postings(0).tolist()) | set(index.postings(1).tolist())
    assert vids.tolist() == sorted(holding)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    query=st.one_of(mutated(SMALL_NAMES), name),
    bound=st.sampled_from([-0.5, 0.0, 0.2, 0.5, 0.8, 1.0, 1.5]),
    schema=st.sampled_from([None, "Person", "Company"]),
)
def test_compiled_bounds_equal_the_numpy_bounds_on_generated_names(query, bound, schema):
    """Any bound, repeated tokens, initials, names nobody lists, filters that allow nothing."""
    pure, compiled = SMALL_PATHS
    mask = SMALL_INDEX.variant_mask(schema, ["other_list"] if bound == 1.5 else None)
    for qname in pure._query_names(Query(names=[query], schema=schema)):
        want = [a.tolist() for a in pure._candidates(qname, bound, mask)]
        assert [a.tolist() for a in compiled._candidates(qname, bound, mask)] == want
