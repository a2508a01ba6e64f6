"""HTTP load test: many concurrent clients sending single-name /match requests.

Run: ``python -m bench.load_api`` (options: ``--clients 50 --seconds 30
--workers 1 --rate 0 --data-dir DIR``).

It starts ``embargo serve`` on a free loopback port over a store holding
every bundled list (a temporary one unless ``--data-dir`` names one),
creates a screening key, and runs two phases with ``--clients`` concurrent
clients, each a keep-alive HTTP connection:

* saturation (``--saturate-seconds``, default 10): every client sends its
  next request as soon as the previous one is answered. This finds the
  throughput ceiling; latency here is mostly queueing (Little's law:
  latency = clients / throughput).
* paced (``--seconds``, default 30): the clients together offer ``--rate``
  requests per second (default: half the measured ceiling), each on a fixed
  schedule, so a slow answer delays the measurement rather than the load
  (latency counts from the scheduled send time). This is the latency a
  service sized with headroom gives.

Queries are real list names (a third of them with a typo) and names that
are on no list, in Person and Company/LegalEntity queries. Every response
must be 200 with a well-formed body; any error is counted and printed.

Baseline, measured in the same run: the same queries answered by the name
matcher in-process on one thread, without HTTP. The ratio HTTP p50 /
in-process p50 is the cost of the service layer (HTTP, JSON, auth, audit,
concurrency). Target: zero errors; p99 under 50 ms in the paced phase.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from embargo.settings import Settings
from embargo.store import open_store


@dataclass
class PhaseResult:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies) + len(self.errors)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _typo(name: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return name
    i = rng.choice(letters[1:-1])
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def build_queries(data_dir: Path, count: int, seed: int) -> list[dict[str, Any]]:
    """Single-name yente queries: listed names (some misspelt) and unlisted ones."""
    rng = random.Random(seed)
    people: list[str] = []
    companies: list[str] = []
    with open_store(Settings(data_dir=data_dir)) as store:
        for entity in store.snapshot().iter_entities():
            (people if entity.schema == "Person" else companies).append(entity.caption)
    listed_people = rng.sample(people, min(len(people), count // 2))
    listed_orgs = rng.sample(companies, min(len(companies), count // 4))
    # Unlisted: first and last words of different listed people recombined.
    unlisted = []
    for _ in range(count - len(listed_people) - len(listed_orgs)):
        a, b = rng.sample(people, 2)
        unlisted.append(f"{a.split()[0]} {b.split()[-1]}".strip(", "))
    queries: list[dict[str, Any]] = []
    for name in listed_people:
        queries.append(
            {"schema": "Person", "properties": {"name": [_typo(name, rng) if rng.random() < 0.33 else name]}}
        )
    for name in listed_orgs:
        queries.append({"schema": "LegalEntity", "properties": {"name": [name]}})
    for name in unlisted:
        queries.append({"schema": "Person", "properties": {"name": [name]}})
    rng.shuffle(queries)
    return queries


def baseline_in_process(data_dir: Path, queries: list[dict[str, Any]]) -> list[float]:
    """Latency of the same queries through the matcher directly (one thread, no HTTP)."""
    from embargo.names import Query, load_matcher

    settings = Settings(data_dir=data_dir)
    matcher = load_matcher(settings)
    latencies = []
    for body in queries:
        query = Query.from_yente(body)
        started = time.perf_counter()
        matcher.match(query)
        latencies.append(time.perf_counter() - started)
    return latencies


async def _run_phase(
    url: str, key: str, queries: list[dict[str, Any]], clients: int, seconds: float, rate: float, name: str
) -> PhaseResult:
    result = PhaseResult(name, seconds)
    stop_at = time.perf_counter() + seconds
    interval = clients / rate if rate > 0 else 0.0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"ApiKey {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30.0) as http:

        async def client(number: int) -> None:
            rng = random.Random(number)
            next_send = time.perf_counter() + (rng.random() * interval)
            while True:
                if interval:
                    delay = next_send - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    scheduled = next_send
                    next_send += interval
                else:
                    scheduled = time.perf_counter()
                if scheduled >= stop_at:
                    return
                body = {"queries": {"q": rng.choice(queries)}}
                try:
                    response = await http.post("/match/default", json=body)
                    data = response.json() if response.status_code == 200 else None
                    if data is None or "results" not in data["responses"]["q"]:
                        result.errors.append(f"HTTP {response.status_code}: {response.text[:200]}")
                        continue
                except Exception as exc:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                result.latencies.append(time.perf_counter() - scheduled)

        started = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        result.seconds = time.perf_counter() - started
    return result


def _phase_in_process(job: tuple[str, str, list[dict[str, Any]], int, float, float, str, int]) -> PhaseResult:
    url, key, queries, clients, seconds, rate, name, seed = job
    random.seed(seed)
    return asyncio.run(_run_phase(url, key, queries, clients, seconds, rate, name))


def run_phase(
    url: str,
    key: str,
    queries: list[dict[str, Any]],
    clients: int,
    seconds: float,
    rate: float,
    name: str,
    processes: int,
) -> PhaseResult:
    """One phase with the clients spread over ``processes`` load-generating processes,
    so the generator's own CPU (HTTP and JSON in Python) does not cap what is measured."""
    processes = max(1, min(processes, clients))
    if processes == 1:
        return asyncio.run(_run_phase(url, key, queries, clients, seconds, rate, name))
    import multiprocessing

    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    jobs = [(url, key, queries, n, seconds, rate * n / clients, name, i) for i, n in enumerate(shares)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        parts = pool.map(_phase_in_process, jobs)
    merged = PhaseResult(name, max(p.seconds for p in parts))
    for part in parts:
        merged.latencies.extend(part.latencies)
        merged.errors.extend(part.errors)
    return merged


def _start_server(data_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "EMBARGO_SCAN_WARMUP": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "embargo", "serve", "--port", str(port), "--data-dir", str(data_dir)]
        + ["--workers", str(workers), "--log-level", "warning"],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start within 300 s")


def server_buckets(url: str) -> dict[float, int]:
    """The server's own cumulative latency histogram for /match (from /metrics)."""
    buckets: dict[float, int] = {}
    prefix = 'embargo_http_request_duration_seconds_bucket{route="/match/{dataset}",le="'
    for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
        if line.startswith(prefix):
            bound = line[len(prefix) :].split('"', 1)[0]
            buckets[float("inf") if bound == "+Inf" else float(bound)] = int(float(line.rsplit(" ", 1)[1]))
    return buckets


def bucket_percentile(before: dict[float, int], after: dict[float, int], share: float) -> float:
    """Upper bound (bucket edge, seconds) under which ``share`` of the requests between two reads fell."""
    counts = {b: after[b] - before.get(b, 0) for b in sorted(after)}
    total = counts.get(float("inf"), 0)
    for bound, cumulative in counts.items():
        if total and cumulative >= share * total:
            return bound
    return float("nan")


def _line(result: PhaseResult) -> str:
    ms = [v * 1000 for v in result.latencies]
    return (
        f"{result.name:<11} {result.count:>7} req  {len(result.errors):>4} errors  "
        f"{result.throughput:>7.1f} req/s  p50 {percentile(ms, 0.5):>7.1f} ms  "
        f"p90 {percentile(ms, 0.9):>7.1f} ms  p99 {percentile(ms, 0.99):>7.1f} ms  max {max(ms, default=0):>7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0, help="paced phase length")
    parser.add_argument("--saturate-seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=0.0, help="paced requests/s (0: half the ceiling)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--client-processes", type=int, default=2, help="load-generating processes")
    parser.add_argument("--data-dir", type=Path, default=None, help="existing store (default: a fresh one)")
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="embargo-load-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        with open_store(Settings(data_dir=data_dir)) as store:  # loads the bundle when empty
            key = store.create_api_key("screen")
            lists = ", ".join(f"{v.dataset}={v.entities}" for v in store.active())
        queries = build_queries(data_dir, args.queries, args.seed)
        print(f"lists: {lists}")
        print(
            f"{len(queries)} distinct single-name queries; {args.clients} clients; {os.cpu_count()} CPUs; "
            f"{args.workers} server worker(s); {args.client_processes} client processes"
        )
        process, url = _start_server(data_dir, args.workers)
        try:
            # Warm-up: first requests pay for lazy imports and caches.
            run_phase(url, key, queries, 4, 2.0, 0.0, "warm-up", 1)
            saturated = run_phase(
                url,
                key,
                queries,
                args.clients,
                args.saturate_seconds,
                0.0,
                "saturation",
                args.client_processes,
            )
            rate = args.rate or max(1.0, saturated.throughput / 2)
            before = server_buckets(url)
            paced = run_phase(
                url, key, queries, args.clients, args.seconds, rate, "paced", args.client_processes
            )
            after = server_buckets(url)
        finally:
            process.terminate()
            process.wait(timeout=30)
        base = [v * 1000 for v in baseline_in_process(data_dir, queries)]

    print(_line(saturated))
    print(_line(paced) + f"  (offered {rate:.0f} req/s)")
    base_p50 = statistics.median(base)
    print(
        f"{'baseline':<11} {len(base):>7} req  in-process matcher, one thread: p50 {base_p50:.2f} ms  "
        f"p99 {percentile(base, 0.99):.2f} ms  ({1000 / statistics.mean(base):.0f} req/s on one core)"
    )
    server_p50 = bucket_percentile(before, after, 0.5) * 1000
    server_p99 = bucket_percentile(before, after, 0.99) * 1000
    print(
        f"{'':<11} paced, as the server measures it (histogram bucket edges): p50 <= {server_p50:g} ms, "
        f"p99 <= {server_p99:g} ms"
    )
    paced_ms = [v * 1000 for v in paced.latencies]
    print(f"ratio paced HTTP p50 / in-process p50: {percentile(paced_ms, 0.5) / base_p50:.2f}x")
    errors = saturated.errors + paced.errors
    for error in sorted(set(errors))[:10]:
        print(f"error: {error}")
    p99 = percentile(paced_ms, 0.99)
    verdict = "met" if p99 < 50 and not errors else "NOT met"
    print(f"target (zero errors, paced p99 < 50 ms): {verdict}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
