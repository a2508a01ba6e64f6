# cython: language_level=3, wraparound=False
"""Compiled name-pair scoring: :func:`embargo.names.score.align_py`,
:func:`~embargo.names.score.similar_pairs_py` and
:func:`~embargo.names.score.score_spelling_py`, step for step.

A query scores tens of list spellings, each a handful of tokens; in Python
the bookkeeping of every pair (sets, tuples, generator sums) costs more than
the arithmetic. Here it runs on C arrays. The results are the very same
floats: sums are taken in the same order, and powers with the C ``pow`` that
Python's float power calls. ``tests/names/test_align.py`` checks the two
agree; the Python versions stay the reference and run where this module
was not built.
"""

from libc.math cimport pow

from embargo.names.normalise import LEGAL_FORM_TOKENS, PARTICLES
from embargo.names.score import (
    CANDIDATE_EXPONENT,
    CONFLICT_PENALTY,
    INITIAL_CREDIT_CAP,
    NON_EXACT_CAP,
    SINGLE_INEXACT_CAP,
    SINGLE_RARE_TOKEN_CAP,
    SINGLE_TOKEN_CAP,
    SOFT_SHARE,
    _aligned_name,
    _exact_name,
    _major_tokens,
    align_py,
    soft_tokens,
)
from embargo.names.similarity import EXACT, FUZZY, INITIAL, INITIAL_SIMILARITY

# Names longer than this (in tokens) take the Python path.
DEF MAX_TOKENS = 64
DEF MAX_OPTIONS = 1024

cdef double _CANDIDATE_EXPONENT = CANDIDATE_EXPONENT
cdef double _CONFLICT_PENALTY = CONFLICT_PENALTY
cdef double _INITIAL_CREDIT_CAP = INITIAL_CREDIT_CAP
cdef double _NON_EXACT_CAP = NON_EXACT_CAP
cdef double _SINGLE_INEXACT_CAP = SINGLE_INEXACT_CAP
cdef double _SINGLE_RARE_TOKEN_CAP = SINGLE_RARE_TOKEN_CAP
cdef double _SINGLE_TOKEN_CAP = SINGLE_TOKEN_CAP
cdef double _SOFT_SHARE = SOFT_SHARE
cdef double _INITIAL_SIMILARITY = INITIAL_SIMILARITY
cdef frozenset _PARTICLES = PARTICLES
cdef frozenset _LEGAL_FORMS = LEGAL_FORM_TOKENS


cdef inline bint _is_minor(str token):
    return token in _PARTICLES or token in _LEGAL_FORMS


def similar_pairs(query, query_weights, similar, candidate_ids, candidate, bint typo_blind):
    return _similar_pairs(query, query_weights, similar, candidate_ids, candidate, typo_blind)


def align(list options, query, query_weights, candidate, candidate_weights,
          bint person, bint soften, double rare_weight, bint syllabic):
    return _align(options, query, query_weights, candidate, candidate_weights, person, soften, rare_weight, syllabic)


def score_spelling(query, query_weights, similar, candidate_ids, tokens, weights,
                   bint typo_blind, bint person, bint soften, double rare_weight, bint syllabic):
    cdef list candidate = [tokens[t] for t in candidate_ids]
    cdef list options, candidate_weights
    if len(query) == len(candidate) and sorted(query) == sorted(candidate):
        return _exact_name(query, query_weights)
    options = _similar_pairs(query, query_weights, similar, candidate_ids, candidate, typo_blind)
    candidate_weights = [weights[t] for t in candidate_ids]
    return _aligned_name(
        query,
        candidate,
        _align(options, query, query_weights, candidate, candidate_weights, person, soften, rare_weight, syllabic),
    )


cdef list _similar_pairs(query, query_weights, similar, candidate_ids, candidate, bint typo_blind):
    cdef list options = []
    cdef Py_ssize_t i, j, n_q = len(query), n_c = len(candidate)
    cdef str q, c
    cdef dict found_by_id
    cdef tuple found
    cdef object weight
    if len(query_weights) != n_q or len(similar) != n_q:
        raise ValueError("query, query_weights and similar differ in length")
    for i in range(n_q):
        q = query[i]
        weight = query_weights[i]
        if len(q) == 1:
            for j in range(n_c):
                c = candidate[j]
                if c == q:
                    options.append((1.0, weight, i, j, EXACT))
                elif c[0] == q:
                    options.append((_INITIAL_SIMILARITY, weight, i, j, INITIAL))
            continue
        found_by_id = similar[i]
        for j in range(len(candidate_ids)):
            found = found_by_id.get(candidate_ids[j])
            if found is not None and not (typo_blind and found[1] == FUZZY):
                options.append((found[0], weight, i, j, found[1]))
    return options


cdef tuple _align(list options, query, query_weights, candidate, candidate_weights,
                  bint person, bint soften, double rare_weight, bint syllabic):
    cdef Py_ssize_t n_q = len(query), n_c = len(candidate), n_o = len(options)
    if n_q > MAX_TOKENS or n_c > MAX_TOKENS or n_o > MAX_OPTIONS:
        return align_py(options, query, query_weights, candidate, candidate_weights,
                        person, soften, rare_weight, syllabic)
    cdef double qw[MAX_TOKENS]
    cdef double cw[MAX_TOKENS]
    cdef double effective[MAX_TOKENS]
    cdef bint used_q[MAX_TOKENS]
    cdef bint used_c[MAX_TOKENS]
    cdef Py_ssize_t k, i, j, most, taken = 0
    cdef double sim, weight, got_q = 0.0, got_c = 0.0, total_q = 0.0, total_c = 0.0
    cdef double cq, cc, score, lost_q, lost_c, cap
    cdef bint real = False
    cdef tuple option
    cdef str method
    cdef list paired = []
    for i in range(n_q):
        qw[i] = query_weights[i]
        used_q[i] = False
    for j in range(n_c):
        cw[j] = candidate_weights[j]
        used_c[j] = False
    # Same order as the Python version: a query and list index pair occurs
    # once, so the method never decides between two options.
    options.sort(reverse=True)
    most = n_q if n_q < n_c else n_c
    for k in range(n_o):
        if taken == most:
            break
        option = options[k]
        i = option[2]
        j = option[3]
        if not (0 <= i < n_q and 0 <= j < n_c):
            raise ValueError(f"option {option!r} pairs tokens the names do not have")
        if used_q[i] or used_c[j]:
            continue
        used_q[i] = True
        used_c[j] = True
        taken += 1
        sim = option[0]
        weight = option[1]
        method = option[4]
        if method == INITIAL:
            if _INITIAL_CREDIT_CAP < weight:
                weight = _INITIAL_CREDIT_CAP
                paired.append((i, j, method, option[0], INITIAL_CREDIT_CAP))
            else:
                paired.append((i, j, method, option[0], option[1]))
            got_q += sim * weight
            got_c += cw[j] * sim
        else:
            paired.append((i, j, method, option[0], option[1]))
            got_q += sim * weight
            got_c += cw[j]
            real = real or not _is_minor(query[i])
    if not real:
        got_q = got_c = 0.0
    if soften and not syllabic:
        soft = soft_tokens(query)
        for i in range(n_q):
            effective[i] = qw[i] * _SOFT_SHARE if soft[i] and not used_q[i] else qw[i]
    else:
        for i in range(n_q):
            effective[i] = qw[i]
    for i in range(n_q):
        total_q += effective[i]
    for j in range(n_c):
        total_c += cw[j]
    if total_q != 0.0:
        cq = got_q / total_q
        if cq > 1.0:
            cq = 1.0
    else:
        cq = 0.0
    cc = got_c / total_c if total_c != 0.0 else 0.0
    score = cq * pow(cc, 1.0 if syllabic else _CANDIDATE_EXPONENT)
    unmatched_q = [i for i in range(n_q) if not used_q[i]]
    unmatched_c = [j for j in range(n_c) if not used_c[j]]
    if score > 0.0:
        lost_q = 0.0
        for i in range(n_q):
            if not used_q[i]:
                lost_q += effective[i]
        lost_q /= total_q
        lost_c = 0.0
        for j in range(n_c):
            if not used_c[j]:
                lost_c += cw[j]
        lost_c /= total_c
        score *= 1.0 - _CONFLICT_PENALTY * (lost_q if lost_q <= lost_c else lost_c)
        if person:
            cap = _single_token_cap(query, qw, candidate, paired, rare_weight)
            if cap < score:
                score = cap
    if score > _NON_EXACT_CAP:
        score = _NON_EXACT_CAP
    return score, paired, unmatched_q, unmatched_c


cdef double _single_token_cap(query, double* qw, candidate, list paired, double rare_weight):
    """``score._single_token_cap``."""
    cdef tuple major_q = _major_tokens(tuple(query))
    cdef Py_ssize_t major_c = 0, m
    cdef str token, t
    cdef tuple pair
    cdef bint exact = False, strong = False
    if len(major_q) != 1:
        return 1.0
    m = major_q[0]
    for t in candidate:
        if len(t) > 1 and not _is_minor(t):
            major_c += 1
    token = query[m]
    for pair in paired:
        if query[pair[0]] == token:
            if pair[2] == EXACT:
                exact = True
            if pair[3] >= 0.9:
                strong = True
    if major_c >= 2:
        return _SINGLE_RARE_TOKEN_CAP if exact and qw[m] >= rare_weight else _SINGLE_TOKEN_CAP
    return 1.0 if strong else _SINGLE_INEXACT_CAP
