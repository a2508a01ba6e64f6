"""``python -m bench [NAME ...]``: run the benchmarks, one process each, and summarise.

Each benchmark is a module of this package with its own ``python -m
bench.<name>`` entry point and prints ratios against its named baseline.
With no arguments every one present runs; a failing benchmark is reported
and the others still run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

# In the order they are worth reading: accuracy first, then speed.
BENCHMARKS = ("accuracy", "speed_names", "text_speed", "load", "load_api")
ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    wanted = argv or [b for b in BENCHMARKS if importlib.util.find_spec(f"bench.{b}") is not None]
    unknown = [b for b in wanted if importlib.util.find_spec(f"bench.{b}") is None]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    results = []
    for name in wanted:
        print(f"\n===== bench.{name} =====", flush=True)
        start = time.perf_counter()
        code = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT).returncode
        results.append((name, code, time.perf_counter() - start))
    print("\n===== summary =====")
    for name, code, seconds in results:
        print(f"bench.{name:12} {'ok' if code == 0 else f'FAILED (exit {code})':16} {seconds:6.0f} s")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
