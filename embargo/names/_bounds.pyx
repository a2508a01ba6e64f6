# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# distutils: extra_compile_args = -ffp-contract=off
"""Candidate bounds in plain loops: the compiled twin of ``Matcher._candidates``' numpy code.

The numpy code spends most of its time in the overhead of ~100 small array
operations per query name; here each candidate name is one walk over its
tokens. The arithmetic is the numpy code's, operation for operation, in the
same order and precision (float32 where that rounds to float32), so that
both give the very same bounds, bit for bit: bounds also order the names
scored, and a last-bit difference could change which of two equal-scoring
names a hit reports. Hence the compiler must not fuse a multiply and an add
(``-ffp-contract=off``), and ``cc ** CANDIDATE_EXPONENT`` is left to numpy,
whose ``power`` need not round like the C library's ``pow``.

Everything after the arguments are checked runs without the GIL, so threads
of a server bound candidates in parallel.
"""

from libc.math cimport fabs
from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc

import numpy as np


cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define EMBARGO_PREFETCH(address) __builtin_prefetch(address)
    #else
    #define EMBARGO_PREFETCH(address) ((void) 0)
    #endif
    """
    void prefetch "EMBARGO_PREFETCH"(const void *address) noexcept nogil

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define EMBARGO_LOWEST_BIT(bits) __builtin_ctzll(bits)
    #else
    static int embargo_lowest_bit(unsigned long long bits) {
        int n = 0;
        while (!(bits & 1)) { bits >>= 1; n++; }
        return n;
    }
    #define EMBARGO_LOWEST_BIT(bits) embargo_lowest_bit(bits)
    #endif
    """
    int _lowest_bit "EMBARGO_LOWEST_BIT"(unsigned long long bits) noexcept nogil


ctypedef int32_t i32
ctypedef int64_t i64
ctypedef uint64_t u64
ctypedef float f32
ctypedef double f64

cdef struct Query:
    # One query name: per query token (row) its weight, whether it is a
    # word (not an initial) and its similar tokens.
    Py_ssize_t rows
    const f64 *weight
    const f32 *weight32
    const char *word
    const char *essential  # its similar tokens' names are candidates
    const i64 **tids
    const f64 **similarity
    const Py_ssize_t *reach
    f64 total  # the least the query's weight can shrink to
    f64 bound  # what a name's bound must reach
    f64 rounding  # how far rounding may lift a final score above its bound
    f64 conflict_penalty


cdef struct Similar:
    # The distinct tokens the query's tokens pair with: token ``t`` has slot
    # ``slots[t] - 1`` (0: none), its similarity to query token ``i`` is
    # ``table[slot * rows + i]`` (0: none, negative: no real word in
    # common) and ``rank[slot]`` orders the list-side sums.
    i32 *slots
    unsigned char *present  # a bit per token: has a slot (a lookup that stays in cache)
    f64 *table
    Py_ssize_t *rank


cdef struct Index:
    Py_ssize_t names
    const i64 *token_start
    const i32 *token_ids
    const i64 *posting_start
    const i32 *posting_ids
    const f32 *weights32
    const f64 *weights64
    const f32 *total


cdef struct Credit:
    # One list token some query word pairs with: its rank, and what it adds
    # to the list-side sums.
    Py_ssize_t rank
    f64 credit
    f64 weight
    f64 paired


cdef struct Out:
    i32 *vids
    f64 *cq
    f64 *cc
    f64 *damp
    char *exact


cdef class NameBounds:
    """One index's arrays, checked once, for bounding the candidates of many query names.

    Built from a :class:`~embargo.names.index.NameIndex`'s flat arrays:
    each name's token ids (``token_start`` offsets into ``token_ids``), each
    token's names (``posting_start`` offsets into ``posting_ids``), the
    tokens' weights (float32 and float64), each name's total weight, and
    the names sorted by the key of their token multiset (``bag_keys``,
    ``bag_vids``) to find exact names.
    """

    cdef const i64[::1] token_start
    cdef const i32[::1] token_ids
    cdef const i64[::1] posting_start
    cdef const i32[::1] posting_ids
    cdef const f32[::1] weights32
    cdef const f64[::1] weights64
    cdef const f32[::1] total
    cdef const u64[::1] bag_keys
    cdef const i32[::1] bag_vids
    cdef Index index
    cdef readonly Py_ssize_t vocab
    cdef readonly Py_ssize_t names

    def __init__(
        self, token_start, token_ids, posting_start, posting_ids, weights32, weights64, total, bag_keys, bag_vids
    ):
        self.token_start = token_start
        self.token_ids = token_ids
        self.posting_start = posting_start
        self.posting_ids = posting_ids
        self.weights32 = weights32
        self.weights64 = weights64
        self.total = total
        self.bag_keys = bag_keys
        self.bag_vids = bag_vids
        self.vocab = self.weights32.shape[0]
        self.names = self.total.shape[0]
        if (
            self.weights64.shape[0] != self.vocab
            or self.token_start.shape[0] != self.names + 1
            or self.bag_keys.shape[0] != self.bag_vids.shape[0]
            or self.token_start[self.names] != self.token_ids.shape[0]
            or self.posting_start.shape[0] != self.vocab + 1
            or self.posting_start[self.vocab] != self.posting_ids.shape[0]
        ):
            raise ValueError("index arrays of mismatched sizes")
        cdef Py_ssize_t i
        for i in range(self.names):
            if not 0 <= self.token_start[i] <= self.token_start[i + 1]:
                raise ValueError("token offsets out of order")
        for i in range(self.token_ids.shape[0]):
            if not 0 <= self.token_ids[i] < self.vocab:
                raise ValueError("token id outside the vocabulary")
        for i in range(self.vocab):
            if not 0 <= self.posting_start[i] <= self.posting_start[i + 1]:
                raise ValueError("posting offsets out of order")
        for i in range(self.posting_ids.shape[0]):
            if not 0 <= self.posting_ids[i] < self.names:
                raise ValueError("name id outside the index")
        for i in range(self.bag_vids.shape[0]):
            if not 0 <= self.bag_vids[i] < self.names:
                raise ValueError("name id outside the index")
        self.index.names = self.names
        self.index.token_start = &self.token_start[0]
        self.index.token_ids = &self.token_ids[0] if self.token_ids.shape[0] else NULL
        self.index.posting_start = &self.posting_start[0]
        self.index.posting_ids = &self.posting_ids[0] if self.posting_ids.shape[0] else NULL
        self.index.weights32 = &self.weights32[0] if self.vocab else NULL
        self.index.weights64 = &self.weights64[0] if self.vocab else NULL
        self.index.total = &self.total[0] if self.names else NULL

    def candidates(
        self,
        list essential,
        exact_tids,
        exact_key,
        mask,
        list tids,
        list signed,
        list weights,
        list words,
        double total_q,
        double bound,
        double rounding,
        double conflict_penalty,
        slots,
    ):
        """The candidate names of one query name and the parts of their bounds.

        A candidate is any name holding a token that one of the query
        tokens ``essential`` (their positions) pairs with, or made of exactly
        the token ids ``exact_tids`` (None: some query token is in no list
        name), whose multiset key is ``exact_key``; and allowed by ``mask``
        (bool per name, or None). Query token ``i`` pairs with index tokens
        ``tids[i]`` (int64) with similarities ``signed[i]`` (float64,
        negative where no real word in common), weighs ``weights[i]`` and is
        a word, not an initial, where ``words[i]``. ``total_q`` is the least
        the query's weight can shrink to. ``slots`` is a zeroed int32 scratch
        array over the vocabulary, zeroed again on return: one per thread.

        Returns ``(vids, cq, cc, damp, exact)``: the ascending ids of the
        names whose query credit still reaches ``bound``, each with its
        query and list coverage and conflict damping, so that its bound is
        ``cq * cc ** CANDIDATE_EXPONENT * damp``, or 1.0 where ``exact``.
        """
        cdef Py_ssize_t rows = len(tids)
        if len(signed) != rows or len(weights) != rows or len(words) != rows:
            raise ValueError("one similarity array, weight and word flag per query token")
        cdef i32[::1] slot_view = slots
        if slot_view.shape[0] < self.vocab:
            raise ValueError("scratch smaller than the vocabulary")
        cdef const unsigned char[::1] allowed
        cdef const unsigned char *allowed_ptr = NULL
        if mask is not None:
            allowed = np.asarray(mask, dtype=np.bool_).view(np.uint8)
            if allowed.shape[0] != self.names:
                raise ValueError("mask of the wrong size")
            if self.names:
                allowed_ptr = &allowed[0]
        # Arrays kept referenced here for as long as their data pointers are used.
        rows_tids = [np.ascontiguousarray(t, dtype=np.int64) for t in tids]
        rows_signed = [np.ascontiguousarray(v, dtype=np.float64) for v in signed]
        want = np.sort(np.asarray(exact_tids if exact_tids is not None else [], dtype=np.int64))
        cdef Py_ssize_t capacity = 0
        cdef Py_ssize_t similar_count = 0
        cdef Py_ssize_t i, j
        cdef const i64[::1] row_tids
        cdef const f64[::1] row_signed
        cdef const i64[::1] want_view = want
        for i in range(rows):
            row_tids = rows_tids[i]
            row_signed = rows_signed[i]
            if row_tids.shape[0] != row_signed.shape[0]:
                raise ValueError("one similarity per similar token")
            for j in range(row_tids.shape[0]):
                if not 0 <= row_tids[j] < self.vocab:
                    raise ValueError("similar token outside the vocabulary")
            similar_count += row_tids.shape[0]
        cdef char *q_essential = <char *> calloc(rows + 1, sizeof(char))
        if q_essential == NULL:
            raise MemoryError()
        for i in essential:
            if not 0 <= i < rows:
                free(q_essential)
                raise ValueError("essential query token out of range")
            q_essential[i] = True
            row_tids = rows_tids[i]
            for j in range(row_tids.shape[0]):
                capacity += self.posting_start[row_tids[j] + 1] - self.posting_start[row_tids[j]]

        cdef Query query
        cdef Similar similar
        cdef Out out
        cdef i32[::1] o_vids
        cdef f64[:, ::1] o_parts
        cdef unsigned char[::1] o_exact
        cdef Py_ssize_t count = 0
        cdef i32 *exact_names = NULL
        cdef Py_ssize_t exact_count = 0
        cdef u64 *seen = <u64 *> calloc(self.names // 64 + 1, sizeof(u64))
        cdef f64 *q_weight = <f64 *> calloc(rows + 1, sizeof(f64))
        cdef f32 *q_weight32 = <f32 *> calloc(rows + 1, sizeof(f32))
        cdef char *q_word = <char *> calloc(rows + 1, sizeof(char))
        cdef const i64 **q_tids = <const i64 **> calloc(rows + 1, sizeof(i64 *))
        cdef const f64 **q_signed = <const f64 **> calloc(rows + 1, sizeof(f64 *))
        cdef Py_ssize_t *q_reach = <Py_ssize_t *> calloc(rows + 1, sizeof(Py_ssize_t))
        similar.table = <f64 *> calloc(similar_count * rows + 1, sizeof(f64))
        similar.rank = <Py_ssize_t *> calloc(similar_count + 1, sizeof(Py_ssize_t))
        similar.slots = &slot_view[0] if self.vocab else NULL
        similar.present = <unsigned char *> calloc(self.vocab // 8 + 1, 1)
        try:
            if not (seen and q_weight and q_weight32 and q_word and q_tids and q_signed
                    and q_reach and similar.table and similar.rank and similar.present):
                raise MemoryError()
            if exact_tids is not None and want_view.shape[0]:
                exact_count = self._exact_names(&want_view[0], want_view.shape[0], exact_key, &exact_names)
                if exact_count < 0:
                    raise MemoryError()
                capacity += exact_count
            for i in range(rows):
                q_weight[i] = weights[i]
                q_weight32[i] = <f32> q_weight[i]
                q_word[i] = bool(words[i])
                row_tids = rows_tids[i]
                row_signed = rows_signed[i]
                q_reach[i] = row_tids.shape[0]
                q_tids[i] = &row_tids[0] if row_tids.shape[0] else NULL
                q_signed[i] = &row_signed[0] if row_signed.shape[0] else NULL
            query.rows = rows
            query.weight = q_weight
            query.weight32 = q_weight32
            query.word = q_word
            query.essential = q_essential
            query.tids = q_tids
            query.similarity = q_signed
            query.reach = q_reach
            query.total = total_q
            query.bound = bound
            query.rounding = rounding
            query.conflict_penalty = conflict_penalty
            # One spare entry, so that even an empty output has an address.
            out_vids = o_vids = np.empty(capacity + 1, dtype=np.int32)
            out_parts = o_parts = np.empty((3, capacity + 1), dtype=np.float64)
            out_exact = o_exact = np.zeros(capacity + 1, dtype=np.uint8)
            out.vids = &o_vids[0]
            out.cq = &o_parts[0, 0]
            out.cc = &o_parts[1, 0]
            out.damp = &o_parts[2, 0]
            out.exact = <char *> &o_exact[0]
            with nogil:
                _fill(&query, &similar)
                count = _gather(&query, &self.index, exact_names, exact_count, allowed_ptr, seen, &out)
                count = _bound_all(&query, &similar, &self.index, count, &out)
                _clear(&query, &similar)
            if count < 0:
                raise MemoryError()
        finally:
            free(q_essential)
            free(seen)
            free(exact_names)
            free(q_weight)
            free(q_weight32)
            free(q_word)
            free(q_tids)
            free(q_signed)
            free(q_reach)
            free(similar.table)
            free(similar.rank)
            free(similar.present)
        parts = out_parts[:, :count]
        return out_vids[:count], parts[0], parts[1], parts[2], out_exact[:count].view(np.bool_)

    cdef Py_ssize_t _exact_names(self, const i64 *want, Py_ssize_t n, u64 key, i32 **found):
        """The names made of exactly the sorted token ids ``want``, ascending, into ``found``.

        Returns how many (-1: out of memory). The caller frees ``found``.
        """
        cdef Py_ssize_t lo = 0
        cdef Py_ssize_t hi = self.bag_keys.shape[0]
        cdef Py_ssize_t mid, j, k, q, count = 0
        cdef i32 vid
        cdef i64 held
        while lo < hi:  # the first name with this key
            mid = (lo + hi) // 2
            if self.bag_keys[mid] < key:
                lo = mid + 1
            else:
                hi = mid
        hi = lo
        while hi < self.bag_keys.shape[0] and self.bag_keys[hi] == key:
            hi += 1
        found[0] = <i32 *> malloc((hi - lo + 1) * sizeof(i32))
        cdef i64 *tokens = <i64 *> malloc(n * sizeof(i64))
        if found[0] == NULL or tokens == NULL:
            free(tokens)
            return -1
        for j in range(lo, hi):
            # Keys may collide: compare the sorted tokens themselves.
            vid = self.bag_vids[j]
            if self.token_start[vid + 1] - self.token_start[vid] != n:
                continue
            for k in range(n):
                held = self.token_ids[self.token_start[vid] + k]
                q = k
                while q > 0 and tokens[q - 1] > held:
                    tokens[q] = tokens[q - 1]
                    q -= 1
                tokens[q] = held
            for k in range(n):
                if tokens[k] != want[k]:
                    break
            else:
                q = count
                while q > 0 and found[0][q - 1] > vid:
                    found[0][q] = found[0][q - 1]
                    q -= 1
                found[0][q] = vid
                count += 1
        free(tokens)
        return count


cdef void _fill(const Query *query, Similar *similar) noexcept nogil:
    """Give each distinct similar token a slot, its similarities and its rank.

    A token's rank is where it first appears among the similar tokens of
    the query's weighted words, in query order: the list-side sums add
    credits in rank order, so that names with the same tokens in another
    order get the very same bound.
    """
    cdef Py_ssize_t i, p, slot
    cdef Py_ssize_t used = 0
    cdef Py_ssize_t position = 0
    cdef i64 tid
    for i in range(query.rows):
        for p in range(query.reach[i]):
            tid = query.tids[i][p]
            slot = similar.slots[tid] - 1
            if slot < 0:
                slot = used
                used += 1
                similar.slots[tid] = <i32> used
                similar.present[tid >> 3] |= 1 << (tid & 7)
                similar.rank[slot] = -1
            similar.table[slot * query.rows + i] = query.similarity[i][p]
            if query.word[i] and query.weight[i] > 0 and similar.rank[slot] < 0:
                similar.rank[slot] = position
            position += 1


cdef void _clear(const Query *query, Similar *similar) noexcept nogil:
    """Put the scratch slots back to zero for the next query."""
    cdef Py_ssize_t i, p
    for i in range(query.rows):
        for p in range(query.reach[i]):
            similar.slots[query.tids[i][p]] = 0


cdef Py_ssize_t _gather(
    const Query *query,
    const Index *index,
    const i32 *exact,
    Py_ssize_t exact_count,
    const unsigned char *allowed,
    u64 *seen,
    Out *out,
) noexcept nogil:
    """Write the candidates, ascending and once each; returns how many.

    A bit per name marks the names holding a token an essential query token
    pairs with, and the exact names (ascending), whose flag is set; reading
    the bits in order gives the ids sorted, however many postings overlap.
    """
    cdef Py_ssize_t i, p, t, word
    cdef Py_ssize_t count = 0
    cdef Py_ssize_t next_exact = 0
    cdef i64 tid
    cdef i32 vid
    cdef u64 bits
    for i in range(query.rows):
        if not query.essential[i]:
            continue
        for t in range(query.reach[i]):
            tid = query.tids[i][t]
            for p in range(index.posting_start[tid], index.posting_start[tid + 1]):
                vid = index.posting_ids[p]
                seen[vid >> 6] |= (<u64> 1) << (vid & 63)
    for i in range(exact_count):
        seen[exact[i] >> 6] |= (<u64> 1) << (exact[i] & 63)
    for word in range(index.names // 64 + 1):
        bits = seen[word]
        while bits:
            vid = <i32> (word * 64 + _lowest_bit(bits))
            bits &= bits - 1
            while next_exact < exact_count and exact[next_exact] < vid:
                next_exact += 1
            if allowed == NULL or allowed[vid]:
                out.vids[count] = vid
                out.exact[count] = next_exact < exact_count and exact[next_exact] == vid
                count += 1
    return count


cdef Py_ssize_t _bound_all(
    const Query *query,
    const Similar *similar,
    const Index *index,
    Py_ssize_t candidates,
    Out *out,
) noexcept nogil:
    """Bound the ``candidates`` names in ``out``, keeping those that may reach the bound.

    Returns how many remain, moved to the front in the same order (-1: out
    of memory).
    """
    cdef Py_ssize_t i, length
    cdef Py_ssize_t count = 0
    cdef Py_ssize_t room = 0
    cdef Credit *credits = NULL
    cdef Credit *grown
    cdef f64 *best = <f64 *> malloc((query.rows + 1) * sizeof(f64))
    cdef f32 *heaviest = <f32 *> malloc((query.rows + 1) * sizeof(f32))
    cdef i32 vid
    if best == NULL or heaviest == NULL:
        free(best)
        free(heaviest)
        return -1
    for i in range(candidates):
        # Names a few steps ahead: their token offsets, then their tokens
        # (memory latency, not arithmetic, is what a name costs).
        if i + 16 < candidates:
            prefetch(&index.token_start[out.vids[i + 16]])
        if i + 8 < candidates:
            prefetch(&index.token_ids[index.token_start[out.vids[i + 8]]])
        vid = out.vids[i]
        length = index.token_start[vid + 1] - index.token_start[vid]
        if length > room:
            room = 2 * length
            grown = <Credit *> realloc(credits, room * sizeof(Credit))
            if grown == NULL:
                count = -1
                break
            credits = grown
        # Writing at ``count`` <= ``i`` never overwrites a name still to come.
        if _bound_one(query, similar, index, vid, out.exact[i], best, heaviest, credits, out, count):
            count += 1
    free(credits)
    free(best)
    free(heaviest)
    return count


cdef bint _bound_one(
    const Query *query,
    const Similar *similar,
    const Index *index,
    i32 vid,
    bint exact,
    f64 *best,
    f32 *heaviest,
    Credit *credits,
    Out *out,
    Py_ssize_t at,
) noexcept nogil:
    """Bound name ``vid`` into slot ``at`` of ``out``; False if it cannot reach the bound."""
    cdef Py_ssize_t rows = query.rows
    cdef Py_ssize_t i, p, q, slot, n_credits
    cdef i32 tid
    cdef bint real
    cdef const f64 *row
    cdef f64 x, a, credit, paired, acc_q, acc_c, acc_w, by_q, by_c, by_w, cq, cc, lost_q, lost_c
    cdef f32 sim, total
    cdef Credit held

    # Walk the name's tokens: per query token, its best similarity here and
    # the heaviest list token it pairs with; per list token (each
    # occurrence), the best credit any query word gives it.
    for i in range(rows):
        best[i] = 0.0
        heaviest[i] = 0.0
    real = False
    n_credits = 0
    for p in range(index.token_start[vid], index.token_start[vid + 1]):
        tid = index.token_ids[p]
        if not similar.present[tid >> 3] & (1 << (tid & 7)):
            continue  # no query token pairs with it: it adds to no bound
        slot = similar.slots[tid] - 1
        row = similar.table + slot * rows
        credit = 0.0
        paired = 0.0
        for i in range(rows):
            x = row[i]
            if x == 0.0:
                continue
            if x > 0.0:
                real = True
            a = fabs(x)
            if a > best[i]:
                best[i] = a
            if index.weights32[tid] > heaviest[i]:
                heaviest[i] = index.weights32[tid]
            if query.word[i]:
                if a * query.weight[i] > credit:
                    credit = a * query.weight[i]
                if query.weight[i] > paired:
                    paired = query.weight[i]
        if credit > 0.0:
            held.rank = similar.rank[slot]
            held.credit = credit
            held.weight = index.weights64[tid]
            held.paired = paired
            q = n_credits  # insertion sort by rank: names are short
            while q > 0 and credits[q - 1].rank > held.rank:
                credits[q] = credits[q - 1]
                q -= 1
            credits[q] = held
            n_credits += 1

    # Query side: each query token once, with its best similarity, summed
    # in query order (float32 products, as the numpy code).
    acc_q = 0.0
    acc_c = 0.0
    acc_w = 0.0
    for i in range(rows):
        sim = <f32> best[i]
        acc_q += <f64> (sim * query.weight32[i])
        acc_c += <f64> heaviest[i]
        if sim > 0:
            acc_w += <f64> query.weight32[i]
    cq = acc_q / query.total
    if cq > 1.0:
        cq = 1.0
    # Only an exact full name scores on initials, particles and legal forms
    # alone; anything else needs a real word in common. The bound is at
    # most cq, so names it already rules out need no list side.
    if not exact and not (real and cq + query.rounding >= query.bound):
        return False

    # List side: each list token paired at most once, with at most its best
    # credit, which keeps "Mohamed Mohamud" from counting one listed "Mohamed"
    # twice. A query initial may pair with any list word of its letter,
    # perhaps one already credited: adding it keeps this a bound.
    by_q = 0.0
    by_c = 0.0
    by_w = 0.0
    for q in range(n_credits):
        by_q += credits[q].credit
        by_c += credits[q].weight
        by_w += credits[q].paired
    for i in range(rows):
        if not query.word[i] and <f32> best[i] > 0:
            by_q = by_q + query.weight[i]
            by_c = by_c + <f64> heaviest[i]
            by_w = by_w + query.weight[i]
    if by_q / query.total < cq:
        cq = by_q / query.total
    if by_c < acc_c:
        acc_c = by_c
    total = index.total[vid]
    if total < <f32> 1e-6:
        total = <f32> 1e-6
    cc = acc_c / <f64> total
    if cc > 1.0:
        cc = 1.0
    # Query and list weight left unpaired at the least; both sides unpaired
    # is the two-sided conflict score_name penalises.
    if by_w < acc_w:
        acc_w = by_w
    lost_q = 1.0 - acc_w / query.total
    if lost_q < 0.0:
        lost_q = 0.0
    lost_c = 1.0 - cc
    if lost_c < 0.0:
        lost_c = 0.0
    out.vids[at] = vid
    out.cq[at] = cq
    out.cc[at] = cc
    out.damp[at] = 1.0 - query.conflict_penalty * (lost_q if lost_q < lost_c else lost_c)
    out.exact[at] = exact
    return True
