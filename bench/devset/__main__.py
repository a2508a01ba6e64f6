"""``python -m bench.devset [--seed N] [--out FILE]``: build and freeze the development set."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from bench.devset.build import build_devset
from bench.devset.loading import BENCH_OUT, load_listed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--out", type=Path, default=BENCH_OUT / "devset.jsonl")
    args = parser.parse_args(argv)
    entities, _versions = load_listed()
    pairs = build_devset(entities, seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for pair in pairs:
            fh.write(json.dumps(pair.to_dict(), ensure_ascii=False) + "\n")
    counts = Counter((p.category, p.label, p.split) for p in pairs)
    for (category, label, split), n in sorted(counts.items()):
        print(f"{category:16} {'match' if label else 'no-match':8} {split:4} {n:6}")
    print(f"{len(pairs)} pairs -> {args.out}")


if __name__ == "__main__":
    main()
