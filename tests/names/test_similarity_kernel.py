"""The compiled similarity probe gives exactly what the Python probe gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embargo.names.similarity import TokenProbe

kernel = pytest.importorskip("embargo.names._similarity", reason="compiled kernels not built")

# Pieces of names that reach every branch: equivalents (william / bill),
# legal forms, German romanisation (jurewitsch), abjad spellings (mhmd),
# the joined Arabic article (al...), initials and typos.
PIECES = ["al", "mo", "ham", "med", "mu", "mad", "as", "sad", "ab", "dul", "lah", "h", "w", "y", "i", "e",
          "jur", "ewitsch", "tsch", "sch", "ov", "ova", "ij", "dmi", "try", "wil", "liam", "bill", "will",
          "ltd", "llc", "gmbh", "o", "a", "k", "kh", "dh", "th", "sh", "ou", "ee", "z"]  # fmt: skip
token = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join)
WORDS = ["william", "bill", "mohammed", "muhammad", "mhmd", "alasad", "alassad", "jurewitsch", "yurevich",
         "ltd", "llc", "gmbh", "peskov", "peskow", "a", "m", "abdullah", "abdallah", "albshyr", "alashy"]  # fmt: skip
word = st.sampled_from(WORDS) | token


@settings(max_examples=1500, deadline=None)
@given(word, word, st.booleans(), st.booleans())
def test_compiled_probe_equals_python(a, b, a_abjad, b_abjad) -> None:
    python, compiled = TokenProbe(a, a_abjad), kernel.TokenProbe(a, a_abjad)
    assert compiled(b, b_abjad) == python(b, b_abjad)
    shorter = min(len(a), len(b))
    assert compiled.fuzzy(b, shorter) == python.fuzzy(b, shorter)
    assert compiled.phonetic(b, b_abjad, shorter) == python.phonetic(b, b_abjad, shorter)


@settings(max_examples=200, deadline=None)
@given(word, st.lists(word, min_size=1, max_size=30), st.booleans(), st.data())
def test_compiled_probe_finds_the_same_similar_tokens(a, vocabulary, a_abjad, data) -> None:
    abjad = [data.draw(st.booleans()) for _ in vocabulary]
    ids = list(range(len(vocabulary)))
    expected = TokenProbe(a, a_abjad).similar_among(ids, vocabulary, abjad)
    got = kernel.TokenProbe(a, a_abjad).similar_among(ids, vocabulary, abjad)
    assert got == expected
    assert list(got) == list(expected)  # same order: the index's bounds follow it
