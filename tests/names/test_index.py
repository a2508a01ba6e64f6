"""The candidate index never loses a hit that scoring every name would find."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embargo.names import Matcher, NameIndex, Query
from embargo.names.index import deletions
from embargo.settings import Settings
from tests.names.conftest import FakeVersion, make_entity, small_entities

SYLLABLES = ["al", "as", "sad", "mo", "ham", "med", "mu", "am", "mar", "ka", "dha", "fi", "dmi", "try",
             "pes", "kov", "vla", "di", "mir", "jon", "john", "smi", "th", "kim", "jong", "un", "eun",
             "ser", "gey", "ev", "ich", "ali", "ola", "ib", "ra", "him", "yu", "suf", "ov", "a", "e"]  # fmt: skip
OTHER_SCRIPTS = ["Путин", "Песков", "Дмитрий", "الأسد", "محمد", "习近平", "김정은", "Αλέξης"]

token = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3).map("".join)
name = st.one_of(
    st.lists(token, min_size=1, max_size=4).map(" ".join),
    st.lists(st.one_of(token, st.sampled_from(OTHER_SCRIPTS)), min_size=1, max_size=3).map(" ".join),
)


@st.composite
def mutated(draw, names: list[str]) -> str:
    """A query derived from an indexed name by typos, reordering, drops and initials."""
    tokens = draw(st.sampled_from(names)).split()
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["typo", "swap", "drop", "add", "initial"]))
        i = draw(st.integers(0, len(tokens) - 1))
        t = tokens[i]
        if op == "typo" and len(t) > 1:
            j = draw(st.integers(0, len(t) - 1))
            kind = draw(st.sampled_from(["del", "sub", "ins"]))
            ch = draw(st.sampled_from("aeiouykhdt"))
            t = t[:j] + ("" if kind == "del" else ch) + t[j + (0 if kind == "ins" else 1) :]
            tokens[i] = t or "x"
        elif op == "swap" and len(tokens) > 1:
            tokens.reverse()
        elif op == "drop" and len(tokens) > 1:
            tokens.pop(i)
        elif op == "add":
            tokens.insert(i, draw(token))
        elif op == "initial":
            tokens[i] = t[0] + "."
    return " ".join(tokens)


def assert_no_miss(matcher: Matcher, query: Query, floor: float = 0.5) -> None:
    fast = {h.id: h.score for h in matcher.match(query, floor=floor, limit=0)}
    brute = {h.id: h.score for h in matcher.match(query, floor=floor, limit=0, brute_force=True)}
    missed = {k: v for k, v in brute.items() if k not in fast}
    assert not missed, f"index missed {missed} for {query.names}"
    for eid, score in brute.items():
        assert fast[eid] == score, (eid, query.names)


SMALL = small_entities()
SMALL_NAMES = [st.value for e in SMALL for st in e.names()]
SMALL_INDEX = NameIndex.build(SMALL, [FakeVersion("test_list", 1)])
# Candidates bounded by the compiled kernel (where built) and by the numpy code.
SMALL_MATCHERS = {
    compiled: Matcher(SMALL_INDEX, Settings(compiled_kernels=compiled)) for compiled in (True, False)
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    query=st.one_of(mutated(SMALL_NAMES), name),
    schema=st.sampled_from([None, "Person", "Company"]),
    compiled=st.booleans(),
)
def test_index_misses_nothing_brute_force_finds_on_known_lists(query, schema, compiled):
    if not query.strip(" ."):
        return
    assert_no_miss(SMALL_MATCHERS[compiled], Query(names=[query], schema=schema))


@st.composite
def index_and_query(draw):
    names = draw(st.lists(name, min_size=3, max_size=25, unique=True))
    entities = [make_entity(f"e{i}", "Person", n) for i, n in enumerate(names)]
    query = draw(st.one_of(mutated(names), name))
    return entities, query


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=index_and_query(), floor=st.sampled_from([0.3, 0.5, 0.7]), compiled=st.booleans())
def test_index_misses_nothing_brute_force_finds_on_random_lists(case, floor, compiled):
    entities, query = case
    if not query.strip(" ."):
        return
    matcher = Matcher(NameIndex.build(entities, []), Settings(compiled_kernels=compiled))
    assert_no_miss(matcher, Query(names=[query], schema="Person"), floor=floor)


def test_deletion_neighbourhood_covers_the_edit_budget():
    assert "peskv" in deletions("peskov", 1)
    assert "pskv" in deletions("peskov", 2)
    assert "pskv" not in deletions("peskov", 1)


def test_limit_keeps_the_best_hits(small_matcher):
    query = Query(names=["Mohammed Karimov"], schema="Person")
    everything = small_matcher.match(query, limit=0)
    top = small_matcher.match(query, limit=3)
    assert [h.id for h in top] == [h.id for h in everything[:3]]
    assert top[0].id == "filler-1" and top[0].score == 1.0


def test_dataset_filter_restricts_hits(small_matcher):
    query = Query(names=["Vladimir Putin"], schema="Person")
    assert small_matcher.match(query, datasets=["test_list"])
    assert small_matcher.match(query, datasets=["other_list"]) == []


def test_index_round_trips_through_its_cache_format(small_index):
    restored = NameIndex.loads(small_index.dumps())
    matcher = Matcher(restored, Settings())
    assert matcher.match(Query(names=["Asma al-Assad"]))[0].id == "asma"


def test_candidates_lists_what_would_be_scored(small_matcher):
    query = Query(names=["Vladimir Putin"], schema="Person")
    found = small_matcher.candidates(query)
    assert found[0] == "putin"
    assert {h.id for h in small_matcher.match(query, limit=0)} <= set(found)


def test_score_one_entity_agrees_with_match(small_matcher):
    query = Query(names=["Dmitry Sergeyevich Peskov"], schema="Person", birth_dates=["1967"])
    by_match = {h.id: h.score for h in small_matcher.match(query, floor=0.0, limit=0)}
    for eid in ("peskov-s", "peskov-n"):
        assert small_matcher.score(query, eid).score == by_match[eid]
    assert small_matcher.score(query, "unknown-id") is None


def test_score_unindexed_entity_uses_index_statistics(small_matcher):
    from tests.names.conftest import make_entity

    outsider = make_entity("outsider", "Person", "Mohammed Peskov")
    common = small_matcher.score(Query(names=["Mohammed Karimov"]), outsider)
    rare = small_matcher.score(Query(names=["Ivan Peskov"]), outsider)
    assert rare.score > common.score
    assert small_matcher.score(Query(names=["Mohammed Peskov"], schema="Vessel"), outsider) is None


def test_score_rounded_up_to_the_floor_is_not_lost():
    # 0.69967 rounds to 0.7: the candidate bound must allow for the rounding.
    names = ["ham", "Путин al", "Путин", "al", "as", "sad", "mo", "med", "mu", "alal", "alas", "alsad", "almo",
             "al al", "al as", "al sad", "alalal", "al alal", "alalas", "asal", "al alalal", "alalal al",
             "alal al", "al al al", "alal alal"]  # fmt: skip
    entities = [make_entity(f"e{i}", "Person", n) for i, n in enumerate(names)]
    matcher = Matcher(NameIndex.build(entities, []), Settings())
    assert_no_miss(matcher, Query(names=["sad Путин as"], schema="Person"), floor=0.7)


def test_schema_and_dataset_filters_combine(small_index):
    both = small_index.variant_mask("Person", ["test_list"])
    expected = small_index.schema_mask("Person") & small_index.dataset_mask(["test_list"])
    assert (both == expected).all()
    assert not small_index.variant_mask("Person", ["other_list"]).any()
    assert small_index.variant_mask(None, None) is None


def test_name_holding_a_token_twice_is_one_candidate():
    entities = [make_entity("twice", "Person", "Zyxo Zyxo"), make_entity("once", "Person", "Zyxo Qwert")]
    matcher = Matcher(NameIndex.build(entities, []), Settings())
    query = Query(names=["Zyxo Zyxo"], schema="Person")
    assert matcher.candidates(query, floor=0.1) == ["twice", "once"]
    assert_no_miss(matcher, query, floor=0.1)


def test_similar_tokens_equal_a_sweep_of_the_whole_vocabulary(real_matcher):
    """The keys find every indexed token the similarity function would pair a query token with."""
    from embargo.names.normalise import name_tokens
    from embargo.names.similarity import token_similarity

    index = real_matcher.index
    queries = [("انتصار العبيدي", True), ("مرتضی غلامرضا رمضان حمزة", True), ("نور الله طه", True)]
    queries += [("ramazan intissar morteza yahia nurullah", False), ("kolokolzew jurewitsch jurij", False)]
    for text, abjad in queries:
        for token in name_tokens(text):
            swept = {
                tid
                for tid, listed in enumerate(index.tokens)
                if token_similarity(token, listed, abjad, index.abjad[tid])[0] > 0
            }
            assert set(index.similar(token, abjad)) == swept, token
