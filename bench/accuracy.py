"""Name-matching accuracy: embargo vs nomenklatura's logic-v2 on the same labelled pairs.

Run: ``python -m bench.accuracy`` (needs the ``bench`` extra: nomenklatura).

It builds the development set from the bundled lists (``bench.devset``),
freezes it to ``bench/out/devset.jsonl``, and prints precision, recall and
F1 per category for both systems side by side, for the dev and the test
half, in two modes:

* pairwise — each system scores the query against the labelled record
  alone (embargo through ``Matcher.score``, with the full index's name
  statistics; logic-v2 through ``compare``); a pair is predicted a match
  when the score reaches the system's threshold (embargo: its settings;
  logic-v2: 0.7, yente's default).
* retrieval — the query goes to embargo's full index of every bundled list
  (``--engine api``: ``Matcher.match``; ``--engine cli``: ``embargo
  match-batch``, the interface held-out checks use);
  a positive counts when the labelled record comes back as a match, a
  negative is a false positive when it does (common negatives: when
  anything does). logic-v2 has no index of its own, so in its retrieval
  column it scores the 20 best candidates of embargo's candidate
  generation (``--baseline-pool``), as yente scores the top candidates of
  its search index — it shares embargo's candidate generation and says
  nothing about logic-v2's own recall.

Also printed: candidate recall (positives whose record is among
``Matcher.candidates``), how many came back at all (match or near-miss),
how often another record of the same list ranked first, the issue's canonical name
pairs, and where the failures went (``bench/out/failures.jsonl``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.devset import CATEGORIES, Context, Pair, build_pairs, fresh_negatives, merge_same_ids
from bench.devset.loading import BENCH_OUT, bench_settings, load_listed
from bench.systems import EmbargoSystem, LogicV2System
from embargo.model import PERSON, Entity

CANONICAL = (
    ("Xi Jinping", "习近平"),
    ("Kim Jong Un", "김정은"),
    ("Asma al-Assad", "أسماء الأسد"),
    ("Jon Smith", "John Smith"),
    ("Muammar Gaddafi", "Moammar Qadhafi"),
    ("Vladimir Vladimirovich Putin", "Vladimir Vladimirovich Putin"),
)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, label: bool, predicted: bool) -> None:
        if label and predicted:
            self.tp += 1
        elif label:
            self.fn += 1
        elif predicted:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """F1; for a negatives-only category, the share judged correctly (1 - FP rate)."""
        p, r = self.precision, self.recall
        if self.tp + self.fn == 0:
            return self.tn / self.n if self.n else None
        if not p or not r:
            return 0.0
        return 2 * p * r / (p + r)


# (mode, system, split, category) -> counts
Table = dict[tuple[str, str, str, str], Counts]


def rule_group(pair: Pair) -> str:
    """The construction rule a pair came from, without per-pair detail.

    cross_list keeps the route (``id``, ``un``, ``dob``, ``dob_names``),
    transliteration the system family (``cyrillic``, ``arabic-respelling``).
    """
    if pair.category in ("cross_list", "transliteration"):
        return pair.rule.split(":")[0]
    return pair.rule


def _record(table: Table, mode: str, system: str, pair: Pair, predicted: bool) -> None:
    for split in (pair.split, "all"):
        for category in (pair.category, "overall"):
            table.setdefault((mode, system, split, category), Counts()).add(pair.label, predicted)
    key = f"{pair.category}/{rule_group(pair)}"
    table.setdefault((f"{mode}:rules", system, "all", key), Counts()).add(pair.label, predicted)


def print_rules(table: Table, mode: str, out: Any = sys.stdout) -> None:
    """F1 by construction rule (both halves), to see which rule a category's errors come from."""
    keys = sorted({k[3] for k in table if k[0] == f"{mode}:rules" and k[1] == "embargo"})
    if not keys:
        return
    print(f"\n{mode.upper()} BY RULE (both halves): n, embargo F1, logic-v2 F1", file=out)
    for key in keys:
        e = table[(f"{mode}:rules", "embargo", "all", key)]
        lv = table.get((f"{mode}:rules", "logic-v2", "all", key)) or Counts()
        print(f"  {key:42} {e.n:5} {_fmt(e.f1)} {_fmt(lv.f1)}", file=out)


def _candidate(pair: Pair, records: dict[str, Entity]) -> tuple[Entity, str, bool] | None:
    """(record, cache key, whether the index holds it as is)."""
    if pair.candidate is not None:
        return Entity.from_dict(pair.candidate), f"{pair.candidate_id}#edited", False
    if pair.candidate_id is None or pair.candidate_id not in records:
        return None
    return records[pair.candidate_id], pair.candidate_id, True


@dataclass
class Returned:
    """One hit as either engine reports it."""

    id: str
    caption: str
    score: float
    match: bool


def retrieve_api(embargo: EmbargoSystem, pairs: list[Pair]) -> dict[str, list[Returned]]:
    out = {}
    for pair in pairs:
        hits = embargo.search(pair.query)
        out[pair.pair_id] = [Returned(h.id, h.caption, h.score, h.match) for h in hits]
    return out


def retrieve_cli(pairs: list[Pair], data_dir: Path, workers: int = 2) -> dict[str, list[Returned]]:
    """The same queries through ``embargo match-batch`` (what held-out checks call)."""
    with tempfile.TemporaryDirectory(prefix="embargo-accuracy-") as tmp:
        path = Path(tmp) / "queries.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for pair in pairs:
                fh.write(json.dumps({"id": pair.pair_id, **pair.query}, ensure_ascii=False) + "\n")
        cmd = [sys.executable, "-m", "embargo", "--data-dir", str(data_dir), "match-batch", str(path)]
        done = subprocess.run(
            [*cmd, "--limit", "0", "--workers", str(workers)], check=True, capture_output=True, text=True
        )
    out: dict[str, list[Returned]] = {}
    for line in done.stdout.splitlines():
        answer = json.loads(line)
        out[answer["id"]] = [
            Returned(r["id"], r["caption"], r["score"], r["match"]) for r in answer.get("results", [])
        ]
    missing = [p.pair_id for p in pairs if p.pair_id not in out]
    if missing:
        raise SystemExit(f"match-batch gave no answer for {len(missing)} queries, e.g. {missing[0]}")
    return out


def evaluate(
    pairs: list[Pair],
    records: dict[str, Entity],
    embargo: EmbargoSystem,
    logic: LogicV2System,
    retrieved: dict[str, list[Returned]] | None = None,
    baseline_pool: int = 20,
) -> tuple[Table, list[dict[str, Any]], dict[str, float]]:
    """Score every pair pairwise with both systems; judge ``retrieved`` hits when given.

    In retrieval, logic-v2 scores the ``baseline_pool`` best candidates of
    embargo's candidate generation (before embargo scores them), as yente
    scores the top search-index candidates; 0 means it rescores only the
    hits embargo returned.
    """
    table: Table = {}
    failures: list[dict[str, Any]] = []
    timing: defaultdict[str, float] = defaultdict(float)
    for pair in pairs:
        found = _candidate(pair, records)
        row: dict[str, Any] = {"pair": pair.to_dict()}
        wrong = False
        if found is not None:
            entity, key, indexed = found
            start = time.perf_counter()
            e_score, e_match = embargo.score_pair(pair.query, key if indexed else entity)
            timing["embargo_pairwise"] += time.perf_counter() - start
            start = time.perf_counter()
            l_score, l_match = logic.score_pair(pair.query, entity, key)
            timing["logic_pairwise"] += time.perf_counter() - start
            _record(table, "pairwise", "embargo", pair, e_match)
            _record(table, "pairwise", "logic-v2", pair, l_match)
            row["pairwise"] = {"embargo": round(e_score, 4), "logic-v2": round(l_score, 4)}
            wrong |= e_match != pair.label
        if retrieved is not None and pair.retrieval != "none":
            hits = retrieved[pair.pair_id]
            matched = {h.id for h in hits if h.match}
            returned = {h.id for h in hits}
            start = time.perf_counter()
            generated = embargo.candidate_ids(pair.query)
            timing["embargo_candidates"] += time.perf_counter() - start
            pool = generated[:baseline_pool] if baseline_pool else [h.id for h in hits]
            start = time.perf_counter()
            qproxy = logic.query_proxy(pair.query)
            l_scores = {i: logic.score(qproxy, logic.entity_proxy(records[i])) for i in pool if i in records}
            timing["logic_rescoring"] += time.perf_counter() - start
            l_matched = {i for i, s in l_scores.items() if s >= logic.threshold}
            if pair.retrieval == "any":
                e_pred, l_pred = bool(matched), bool(l_matched)
            else:
                e_pred, l_pred = pair.candidate_id in matched, pair.candidate_id in l_matched
            _record(table, "retrieval", "embargo", pair, e_pred)
            _record(table, "retrieval", "logic-v2", pair, l_pred)
            if pair.label and pair.retrieval == "candidate":
                _record(table, "candidates", "embargo", pair, pair.candidate_id in generated)
                _record(table, "returned", "embargo", pair, pair.candidate_id in returned)
                # Another record of the SAME list ranked first: a different
                # listed party (records of one list are distinct parties),
                # so a reviewer sees the wrong one on top. Other lists'
                # records are not counted: the cross-list links are not
                # complete, and an unlinked copy of the same person on top
                # is no error.
                top = hits[0] if hits else None
                wrong_top = (
                    top is not None
                    and top.match
                    and top.id not in pair.expected_ids
                    and top.id in records
                    and pair.candidate_id in records
                    and set(records[top.id].datasets) & set(records[pair.candidate_id].datasets)
                )
                _record(table, "wrong_top", "embargo", pair, bool(wrong_top))
            row["retrieval"] = {
                "embargo_match": e_pred,
                "top": [(h.id, h.caption, round(h.score, 4), h.match) for h in hits[:3]],
                "candidate_returned": pair.candidate_id in returned,
            }
            wrong |= e_pred != pair.label
        if wrong:
            failures.append(row)
    return table, failures, dict(timing)


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _cols(c: Counts, negatives_only: bool) -> str:
    p = None if negatives_only else c.precision
    return f"{_fmt(p):>9} {_fmt(c.recall)} {_fmt(c.f1)}{'†' if negatives_only else ' '}{c.fp:4}"


def print_table(
    table: Table, mode: str, split: str, categories: Iterable[str], out: Any = sys.stdout
) -> None:
    title = "both halves" if split == "all" else f"{split} half"
    print(f"\n{mode.upper()} — {title}", file=out)
    header = (
        f"{'category':16} {'n':>5} | {'embargo P':>9} {'R':>6} {'F1':>6} {'FP':>4} | "
        f"{'logic-v2 P':>10} {'R':>6} {'F1':>6} {'FP':>4} | {'ΔF1':>6}"
    )
    print(header, file=out)
    print("-" * len(header), file=out)
    for category in [*categories, "overall"]:
        e = table.get((mode, "embargo", split, category))
        lv = table.get((mode, "logic-v2", split, category)) or Counts()
        if e is None:
            continue
        negatives_only = e.tp + e.fn == 0
        gap = None if e.f1 is None or lv.f1 is None else e.f1 - lv.f1
        gap_text = "   -  " if gap is None else f"{gap:+6.3f}"

        print(
            f"{category:16} {e.n:5} | {_cols(e, negatives_only)} | {' ' + _cols(lv, negatives_only)} | {gap_text}",
            file=out,
        )
    print(
        "† negatives only: the F1 column is the share correctly rejected (1 - false-positive rate)", file=out
    )


def goal_summary(table: Table, mode: str, categories: Iterable[str], out: Any = sys.stdout) -> None:
    """The issue's goals: F1 >= 0.95 overall, ahead of logic-v2 in every category."""
    for split in ("dev", "test"):
        overall = table.get((mode, "embargo", split, "overall"))
        if overall is None:
            continue
        behind = []
        for category in categories:
            e = table.get((mode, "embargo", split, category))
            lv = table.get((mode, "logic-v2", split, category))
            if e and lv and e.f1 is not None and lv.f1 is not None and e.f1 < lv.f1:
                behind.append(f"{category} ({e.f1:.3f} < {lv.f1:.3f})")
        f1 = overall.f1 or 0.0
        print(
            f"goal [{mode}, {split}]: overall F1 {f1:.3f} ({'meets' if f1 >= 0.95 else 'below'} 0.95); "
            + (
                f"behind logic-v2 in: {', '.join(behind)}"
                if behind
                else "ahead of or level with logic-v2 everywhere"
            ),
            file=out,
        )


def fresh_negative_rate(
    ctx: Context,
    count: int,
    engine: str,
    embargo: EmbargoSystem,
    logic: LogicV2System,
    records: dict[str, Entity],
    baseline_pool: int = 20,
    out: Any = sys.stdout,
) -> None:
    """False-positive rate on many more non-listed records than the dev set holds."""
    queries = fresh_negatives(ctx, count)
    pairs = [
        Pair(f"fresh-{i}", "fresh_negative", q, False, "all", "negatives_us", retrieval="any")
        for i, q in enumerate(queries)
    ]
    retrieved = (
        retrieve_cli(pairs, bench_settings().data_dir) if engine == "cli" else retrieve_api(embargo, pairs)
    )
    e_fp = l_fp = 0
    examples: list[str] = []
    for pair in pairs:
        hits = retrieved[pair.pair_id]
        matched = [h for h in hits if h.match]
        if matched:
            e_fp += 1
            if len(examples) < 8:
                examples.append(
                    f"{pair.query['properties']['name'][0]!r} -> {matched[0].caption!r} {matched[0].score:.3f}"
                )
        qproxy = logic.query_proxy(pair.query)
        pool = embargo.candidate_ids(pair.query)[:baseline_pool] if baseline_pool else [h.id for h in hits]
        if any(
            logic.score(qproxy, logic.entity_proxy(records[i])) >= logic.threshold
            for i in pool
            if i in records
        ):
            l_fp += 1
    n = len(pairs)
    print(
        f"\nFRESH NEGATIVES ({n} synthetic non-listed records outside the dev set, with birth date and nationality): "
        f"embargo {e_fp} false positives ({e_fp / n:.2%}), logic-v2 on the same candidates {l_fp} ({l_fp / n:.2%})",
        file=out,
    )
    for line in examples:
        print(f"  {line}", file=out)


def canonical_checks(embargo: EmbargoSystem, logic: LogicV2System, out: Any = sys.stdout) -> None:
    print("\nCANONICAL PAIRS (pairwise score; match at embargo threshold / logic-v2 0.7)", file=out)
    print(f"{'query':30} {'listed name':30} {'embargo':>8} {'logic-v2':>9}", file=out)
    for i, (query_name, listed) in enumerate(CANONICAL):
        entity = Entity(id=f"canonical-{i}", schema=PERSON)
        entity.add("name", listed)
        query = {"schema": PERSON, "properties": {"name": [query_name]}}
        e_score, e_match = embargo.score_pair(query, entity)
        l_score, l_match = logic.score_pair(query, entity)
        print(
            f"{query_name:30} {listed:30} {e_score:7.3f}{'*' if e_match else ' '} {l_score:8.3f}{'*' if l_match else ' '}",
            file=out,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="embargo vs logic-v2 name-matching accuracy")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--no-retrieval", action="store_true", help="pairwise mode only (faster)")
    parser.add_argument(
        "--baseline-pool",
        type=int,
        default=20,
        help="retrieval: logic-v2 scores this many of embargo's best generated candidates (0: embargo's hits)",
    )
    parser.add_argument(
        "--fresh-negatives",
        type=int,
        default=5000,
        help="also screen this many non-listed records the dev set does not use (0: skip)",
    )
    parser.add_argument(
        "--engine",
        choices=("api", "cli"),
        default="api",
        help="retrieval through the Python API or through `embargo match-batch`",
    )
    parser.add_argument("--category", action="append", help="only these categories (repeatable)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    entities, versions = load_listed()
    categories = args.category or list(CATEGORIES)
    ctx = Context(entities, args.seed)
    pairs = build_pairs(ctx, categories)
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    # Only a full build replaces the frozen copy other benchmarks read.
    frozen = "devset.jsonl" if set(categories) == set(CATEGORIES) else "devset-subset.jsonl"
    with (BENCH_OUT / frozen).open("w", encoding="utf-8") as fh:
        for pair in pairs:
            fh.write(json.dumps(pair.to_dict(), ensure_ascii=False) + "\n")
    records = {e.id: e for e in merge_same_ids(entities)}
    print(f"{len(entities)} listed records, {len(pairs)} labelled pairs (seed {args.seed})")

    embargo = EmbargoSystem(entities, versions)
    logic = LogicV2System()
    print(
        f"embargo index built in {embargo.build_seconds:.1f} s; threshold {embargo.threshold}; logic-v2 threshold {logic.threshold}"
    )
    retrieved = None
    start = time.perf_counter()
    if not args.no_retrieval:
        if args.engine == "cli":
            retrieved = retrieve_cli(pairs, bench_settings().data_dir)
        else:
            retrieved = retrieve_api(embargo, pairs)
    retrieval_seconds = time.perf_counter() - start
    table, failures, timing = evaluate(pairs, records, embargo, logic, retrieved, args.baseline_pool)
    timing[f"embargo_retrieval_{args.engine}"] = retrieval_seconds

    for mode in ("retrieval", "pairwise"):
        for split in ("dev", "test"):
            if any(k[0] == mode for k in table):
                print_table(table, mode, split, categories)
        if mode == "retrieval" and any(k[0] == mode for k in table):
            pool = (
                f"the {args.baseline_pool} best candidates of embargo's candidate generation"
                if args.baseline_pool
                else "the hits embargo returned"
            )
            print(f"retrieval: logic-v2 has no index of its own; it scores {pool}.")
    for mode in ("retrieval", "pairwise"):
        print_rules(table, mode)
    print()
    for mode in ("retrieval", "pairwise"):
        goal_summary(table, mode, categories)
    if not args.no_retrieval:
        for mode, title in (
            (
                "candidates",
                "CANDIDATE RECALL (positives whose record is in Matcher.candidates, before scoring)",
            ),
            (
                "returned",
                "RETURNED (positives whose record came back at all, match or near-miss above the floor)",
            ),
        ):
            print(f"\n{title}")
            for split in ("dev", "test", "all"):
                rows = [
                    f"{c}={table[(mode, 'embargo', split, c)].recall:.3f}"
                    for c in [*categories, "overall"]
                    if (mode, "embargo", split, c) in table
                ]
                print(f"  {split:4} " + "  ".join(rows))
        print("\nWRONG PARTY RANKED FIRST (positives whose top match is another record of the same list)")
        for split in ("dev", "test", "all"):
            rows = [
                f"{c}={table[('wrong_top', 'embargo', split, c)].tp + table[('wrong_top', 'embargo', split, c)].fp}"
                for c in [*categories, "overall"]
                if ("wrong_top", "embargo", split, c) in table
            ]
            print(f"  {split:4} " + "  ".join(rows))
    if args.fresh_negatives and not args.no_retrieval:
        fresh_negative_rate(
            ctx, args.fresh_negatives, args.engine, embargo, logic, records, args.baseline_pool
        )
    canonical_checks(embargo, logic)
    with (BENCH_OUT / "failures.jsonl").open("w", encoding="utf-8") as fh:
        for row in failures:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"\n{len(failures)} embargo failures -> {BENCH_OUT / 'failures.jsonl'}")
    print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in sorted(timing.items())))
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["Counts", "evaluate", "main"]
