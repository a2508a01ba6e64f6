# cython: language_level=3, wraparound=False
"""Compiled :class:`embargo.names.similarity.TokenProbe`, step for step.

A query token the index has not met yet is compared with a few dozen list
tokens its keys found; in Python the comparisons (a dozen small steps each)
were a third of the time of a query with new words. The string metrics
and keys are the same functions the Python probe calls, so the results are
the same; ``tests/names/test_similarity_kernel.py`` checks that they are.
"""

from rapidfuzz.distance import OSA, Indel

from embargo.names.normalise import LEGAL_FORM_TOKENS, given_name_equivalents
from embargo.names.phonetic import metaphone_key, vowel_key, vowel_sound_key
from embargo.names.similarity import (
    EQUIVALENT,
    EQUIVALENT_SIMILARITY,
    EXACT,
    FUZZY,
    GERMAN_SIMILARITY_CAP,
    INITIAL,
    INITIAL_SIMILARITY,
    LEGAL_FORM_SIMILARITY,
    PHONETIC,
    SHORT_EQUIVALENT_SIMILARITY,
    TRANSLITERATED,
    _past_joined_article,
    abjad_similarity,
    from_german_romanisation,
    fuzzy_similarity,
)

cdef object _osa = OSA.distance
cdef object _indel = Indel.normalized_similarity
cdef frozenset _LEGAL_FORMS = LEGAL_FORM_TOKENS
cdef tuple _NONE = (0.0, "")
cdef tuple _EXACT = (1.0, EXACT)
cdef tuple _INITIAL = (INITIAL_SIMILARITY, INITIAL)
cdef tuple _EQUIVALENT = (EQUIVALENT_SIMILARITY, EQUIVALENT)
cdef tuple _SHORT_EQUIVALENT = (SHORT_EQUIVALENT_SIMILARITY, EQUIVALENT)
cdef tuple _LEGAL_FORM = (LEGAL_FORM_SIMILARITY, EQUIVALENT)
cdef double _GERMAN_CAP = GERMAN_SIMILARITY_CAP


cdef inline int _budget(Py_ssize_t length):
    # similarity.edit_budget, inlined
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    return 2


cdef class TokenProbe:
    cdef readonly str token
    cdef readonly bint abjad
    cdef Py_ssize_t length
    cdef frozenset equivalents
    cdef bint legal_form
    cdef str vowel
    cdef str metaphone
    cdef TokenProbe english

    def __init__(self, str token, bint abjad=False):
        self.token = token
        self.abjad = abjad
        self.length = len(token)
        self.equivalents = given_name_equivalents(token)
        self.legal_form = token in _LEGAL_FORMS
        self.vowel = vowel_key(token)
        self.metaphone = metaphone_key(token)
        english = token if abjad else from_german_romanisation(token)
        self.english = None if english == token else TokenProbe(english)

    def __call__(self, str b, bint b_abjad=False):
        return self.similarity(b, b_abjad)

    cpdef tuple similarity(self, str b, bint b_abjad):
        cdef tuple found = self.compare(b, b_abjad)
        cdef double sim
        if found[0] or self.english is None or len(b) == 1:
            return found
        sim = self.english.compare(b, b_abjad)[0]
        if sim:
            return (sim if sim < _GERMAN_CAP else _GERMAN_CAP, TRANSLITERATED)
        return _NONE

    def similar_among(self, tids, list tokens, list abjad):
        """{token id: (similarity, method)} of the tokens ``tids`` (ids into ``tokens``) it is similar to."""
        cdef dict found = {}
        cdef tuple result
        cdef Py_ssize_t tid
        for tid in tids:
            result = self.similarity(tokens[tid], abjad[tid])
            if result[0] > 0.0:
                found[tid] = result
        return found

    cpdef tuple compare(self, str b, bint b_abjad):
        cdef str a = self.token
        cdef Py_ssize_t la = self.length, lb, shorter
        cdef double fuzzy, phonetic
        if a == b:
            return _EXACT
        lb = len(b)
        if la == 1 or lb == 1:
            if a[0] == b[0]:
                return _INITIAL
            return _NONE
        shorter = la if la < lb else lb
        if b in self.equivalents:
            return _EQUIVALENT if shorter > 3 else _SHORT_EQUIVALENT
        if self.legal_form and b in _LEGAL_FORMS:
            return _LEGAL_FORM
        if self.abjad and b_abjad:
            fuzzy = fuzzy_similarity(*_past_joined_article(a, b))
        else:
            fuzzy = self.fuzzy(b, shorter)
        phonetic = self.phonetic(b, b_abjad, shorter)
        if fuzzy == 0.0 and phonetic == 0.0:
            return _NONE
        if fuzzy >= phonetic:
            return (fuzzy, FUZZY)
        return (phonetic, PHONETIC)

    cpdef double fuzzy(self, str b, Py_ssize_t shorter):
        cdef int budget = _budget(shorter)
        cdef Py_ssize_t longer, distance
        cdef str a = self.token
        if budget == 0:
            return 0.0
        if shorter <= 5 and a[0] != b[0]:
            return 0.0
        longer = self.length + len(b) - shorter
        if longer - shorter > budget:
            return 0.0
        distance = _osa(a, b, score_cutoff=budget)
        if distance > budget:
            return 0.0
        return 1.0 - (<double>distance) / (<double>longer)

    cpdef double phonetic(self, str b, bint b_abjad, Py_ssize_t shorter):
        cdef str a = self.token
        cdef str meta
        cdef double best = 0.0, other
        if self.abjad and b_abjad:
            best = abjad_similarity(a, b, True)
            other = abjad_similarity(b, a, True)
            return best if best >= other else other
        if len(self.vowel) >= 2 and self.vowel == vowel_key(b):
            if _indel(a, b) >= (0.6 if shorter <= 3 else 0.7):
                return 0.88 if shorter >= 4 else 0.8
            if shorter >= 4 and vowel_sound_key(a) == vowel_sound_key(b):
                return 0.88
        if self.abjad:
            best = abjad_similarity(a, b)
        if b_abjad:
            other = abjad_similarity(b, a)
            if other > best:
                best = other
        if best:
            return best
        meta = self.metaphone
        if meta and meta == metaphone_key(b) and _indel(a, b) >= 0.5:
            return 0.8
        return 0.0
