"""Name-screening speed: embargo vs nomenklatura's logic-v2 scoring, same machine, same run.

Run: ``python -m bench.speed_names [--queries 3000] [--batch 20000]``.

Measures, against every bundled list:

* index build — ``NameIndex.build`` over all active records, in a fresh
  process so that its peak RSS is the index's alone (records loaded from
  the store, then the index); goal < 10 s and < 1 GB;
* single queries — ``Matcher.match`` latency p50/p99 over a mix of
  development-set queries (positives, variants, negatives); goal p50 < 2 ms,
  p99 < 20 ms;
* batch — queries/s through the Python API (one process, and two forked
  processes sharing the index) and through ``embargo match-batch
  --workers 2`` as a subprocess; goal ≥ 5,000 q/s on 2 cores;
* baseline — logic-v2 scoring the SAME queries against the 20 best
  candidates of embargo's candidate generation (as yente scores the top
  candidates of its search index; the baseline gets candidate generation
  for free and is timed on scoring alone), per query and as pairs/s; and
  both systems scoring the labelled dev-set pairs one by one.

The machine is shared, so the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.devset.loading import BENCH_OUT, bench_settings, load_listed

ROOT = Path(__file__).resolve().parents[1]
BASELINE_POOL = 20  # candidates logic-v2 scores per query, as in bench.accuracy


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure_build() -> dict[str, float]:
    """In this (fresh) process: load every active record, build the index; time and peak RSS."""
    from embargo.names import NameIndex

    start = time.perf_counter()
    entities, versions = load_listed()
    loaded = time.perf_counter()
    index = NameIndex.build(entities, versions)
    built = time.perf_counter()
    return {
        "records": len(entities),
        "names": float(index.name_count),
        "load_s": loaded - start,
        "build_s": built - loaded,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _pairs(limit: int) -> list[dict[str, Any]]:
    """A deterministic mix of development-set pairs (every category, both labels)."""
    path = BENCH_OUT / "devset.jsonl"
    if not path.exists():
        from bench.devset.__main__ import main as build

        build([])
    pairs = [json.loads(line) for line in path.open(encoding="utf-8")]
    pairs.sort(key=lambda p: p["pair_id"][-16:])
    return pairs[:limit]


def _queries(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"schema": p["query"]["schema"], "properties": p["query"]["properties"]} for p in pairs]


def pairwise_rates(
    matcher: Any, logic: Any, pairs: list[dict[str, Any]], records: dict[str, Any]
) -> tuple[float, float]:
    """(embargo, logic-v2) pairs/s scoring each labelled pair alone — the accuracy bench's pairs."""
    from embargo.names import Query

    todo = [p for p in pairs if p.get("candidate_id") in records and p.get("candidate") is None]
    start = time.perf_counter()
    for p in todo:
        matcher.score(Query.from_yente(p["query"]), p["candidate_id"])
    embargo_rate = len(todo) / (time.perf_counter() - start)
    start = time.perf_counter()
    for p in todo:
        logic.score(logic.query_proxy(p["query"]), logic.entity_proxy(records[p["candidate_id"]]))
    return embargo_rate, len(todo) / (time.perf_counter() - start)


_WORKER: dict[str, Any] = {}


def _run_chunk(chunk: list[dict[str, Any]]) -> int:
    from embargo.names import Query

    matcher = _WORKER["matcher"]
    for q in chunk:
        matcher.match(Query.from_yente(q))
    return len(chunk)


def batch_api(matcher: Any, queries: list[dict[str, Any]], workers: int) -> float:
    """Queries/s through ``Matcher.match``: one process, or ``workers`` forked ones."""
    _WORKER["matcher"] = matcher
    chunks = [queries[i : i + 256] for i in range(0, len(queries), 256)]
    start = time.perf_counter()
    if workers <= 1:
        done = sum(_run_chunk(c) for c in chunks)
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = sum(pool.imap_unordered(_run_chunk, chunks))
    return done / (time.perf_counter() - start)


def batch_cli(queries: list[dict[str, Any]], workers: int) -> tuple[float, float]:
    """(queries/s including start-up, start-up seconds) of ``embargo match-batch``."""
    data_dir = str(bench_settings().data_dir)
    with tempfile.TemporaryDirectory(prefix="embargo-speed-") as tmp:
        big = Path(tmp) / "queries.jsonl"
        one = Path(tmp) / "one.jsonl"
        with big.open("w", encoding="utf-8") as fh:
            for i, q in enumerate(queries):
                fh.write(json.dumps({"id": f"q{i}", **q}, ensure_ascii=False) + "\n")
        one.write_text(json.dumps({"id": "q", **queries[0]}, ensure_ascii=False) + "\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "embargo", "--data-dir", data_dir, "match-batch"]
        env = {**os.environ, "EMBARGO_LOAD_BUNDLED": "1"}
        # First call warms the index cache; the second measures start-up alone.
        subprocess.run([*cmd, str(one)], check=True, capture_output=True, cwd=ROOT, env=env)
        start = time.perf_counter()
        subprocess.run([*cmd, str(one), "--workers", "1"], check=True, capture_output=True, cwd=ROOT, env=env)
        startup = time.perf_counter() - start
        start = time.perf_counter()
        out = subprocess.run(
            [*cmd, str(big), "--workers", str(workers)], check=True, capture_output=True, cwd=ROOT, env=env
        )
        elapsed = time.perf_counter() - start
    lines = out.stdout.count(b"\n")
    if lines != len(queries):
        raise SystemExit(f"match-batch answered {lines} of {len(queries)} queries")
    return len(queries) / elapsed, startup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="embargo vs logic-v2 name-screening speed")
    parser.add_argument("--queries", type=int, default=3000, help="single-query sample size")
    parser.add_argument("--batch", type=int, default=20000, help="batch size (queries repeated)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--measure-build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure_build:
        print(json.dumps(measure_build()))
        return 0

    print(f"cores: {os.cpu_count()}, load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    child = subprocess.run(
        [sys.executable, "-m", "bench.speed_names", "--measure-build"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    build = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"index build: {build['build_s']:.2f} s for {int(build['records'])} records / {int(build['names'])} names "
        f"(+ {build['load_s']:.2f} s reading the store); peak RSS {build['peak_rss_mb']:.0f} MB  "
        f"[goal < 10 s, < 1024 MB: {'ok' if build['build_s'] < 10 and build['peak_rss_mb'] < 1024 else 'MISSED'}]"
    )

    from bench.devset import merge_same_ids
    from bench.systems import LogicV2System
    from embargo.names import Matcher, NameIndex, Query

    entities, versions = load_listed()
    records = {e.id: e for e in merge_same_ids(entities)}
    matcher = Matcher(NameIndex.build(entities, versions), bench_settings())
    pairs_sample = _pairs(args.queries)
    queries = _queries(pairs_sample)

    for q in queries[:200]:  # warm caches
        matcher.match(Query.from_yente(q))
    latencies: list[float] = []
    candidates: list[list[str]] = []
    for q in queries:
        start = time.perf_counter()
        matcher.match(Query.from_yente(q))
        latencies.append((time.perf_counter() - start) * 1000)
    for q in queries:
        # What yente does: the top candidates of its search index, scored by logic-v2.
        candidates.append(matcher.candidates(Query.from_yente(q))[:BASELINE_POOL])
    p50, p99 = statistics.median(latencies), _percentile(latencies, 0.99)
    print(
        f"single query ({len(queries)} mixed dev-set queries): p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
        f"mean {statistics.fmean(latencies):.2f} ms  [goal p50 < 2, p99 < 20: "
        f"{'ok' if p50 < 2 and p99 < 20 else 'MISSED'}]"
    )

    logic = LogicV2System()
    logic.score(
        logic.query_proxy(queries[0]), logic.entity_proxy(next(iter(records.values())))
    )  # load its data
    base_lat: list[float] = []
    pairs = 0
    start_all = time.perf_counter()
    for q, ids in zip(queries, candidates, strict=True):
        start = time.perf_counter()
        proxy = logic.query_proxy(q)
        for eid in ids:
            logic.score(proxy, logic.entity_proxy(records[eid]))
        base_lat.append((time.perf_counter() - start) * 1000)
        pairs += len(ids)
    base_total = time.perf_counter() - start_all
    b50, b99 = statistics.median(base_lat), _percentile(base_lat, 0.99)
    print(
        f"logic-v2 scoring each query's {BASELINE_POOL} best generated candidates ({pairs} pairs): p50 {b50:.2f} ms, p99 {b99:.2f} ms per query, "
        f"{pairs / base_total:.0f} pairs/s, {len(queries) / base_total:.0f} queries/s (scoring only, "
        f"candidates given)"
    )
    print(
        f"ratio embargo/logic-v2 per query (embargo incl. candidate generation): "
        f"p50 {p50 / b50 if b50 else float('inf'):.2f}x, p99 {p99 / b99 if b99 else float('inf'):.2f}x"
    )

    e_rate, l_rate = pairwise_rates(matcher, logic, pairs_sample, records)
    print(
        f"pairwise scoring of the labelled dev-set pairs: embargo Matcher.score {e_rate:.0f} pairs/s, "
        f"logic-v2 {l_rate:.0f} pairs/s (ratio {e_rate / l_rate:.2f}x)"
    )

    batch = (queries * (args.batch // len(queries) + 1))[: args.batch]
    one = batch_api(matcher, batch, 1)
    two = batch_api(matcher, batch, args.workers)
    print(
        f"batch via Python API ({len(batch)} queries): 1 process {one:.0f} q/s, {args.workers} processes {two:.0f} q/s"
    )
    cli_qps, startup = batch_cli(batch, args.workers)
    print(
        f"batch via `embargo match-batch --workers {args.workers}`: {cli_qps:.0f} q/s including "
        f"{startup:.1f} s start-up  [goal >= 5000 q/s: {'ok' if max(cli_qps, two) >= 5000 else 'MISSED'}]"
    )
    print(
        f"batch ratio embargo ({args.workers} processes) / logic-v2 scoring (1 process): {two / (len(queries) / base_total):.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
