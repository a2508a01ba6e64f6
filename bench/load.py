"""Loading benchmark: every bundled list into a fresh store.

Run: ``python -m bench.load [--repeat N]``. Baseline, measured in the same
run: parsing the same files without a store (entities consumed and
dropped), so the ratio store-load / parse-only shows what versioned storage
costs on top of the unavoidable parsing. Each figure is the best of N runs
(default 3), which keeps the ratio stable on a busy machine. Targets: whole
bundle < 10 s, peak RSS < 1 GB. "peak MB" is the process's peak RSS after
that dataset was stored (it includes the first-run load measured before).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from embargo.settings import Settings
from embargo.sources import parse
from embargo.store import Store, open_store
from embargo.store.bundle import read_manifest, unpack


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _store_once(entry: dict[str, Any], files: list[Path], db: Path, settings: Settings) -> tuple[float, int]:
    db.unlink(missing_ok=True)
    with Store(db) as store:
        started = time.perf_counter()
        result = parse(files, format=entry["format"], dataset=entry["dataset"], settings=settings)
        info = store.load(result, sha256=entry["sha256"], source="bench")
        return time.perf_counter() - started, info.entities


def _parse_once(entry: dict[str, Any], files: list[Path], settings: Settings) -> tuple[float, int]:
    started = time.perf_counter()
    result = parse(files, format=entry["format"], dataset=entry["dataset"], settings=settings)
    count = sum(1 for _ in result.entities)
    return time.perf_counter() - started, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    args = parser.parse_args(argv)
    manifest = read_manifest()
    rows = []
    with tempfile.TemporaryDirectory(prefix="embargo-bench-") as tmp:
        root = Path(tmp)
        settings = Settings(data_dir=root / "first-run", load_bundled=True)

        # What a user waits for on first use: unpack + parse + store, all lists.
        started = time.perf_counter()
        open_store(settings).close()
        first_run = time.perf_counter() - started
        db_bytes = settings.store_path.stat().st_size

        for entry in manifest:
            target = root / "files" / entry["dataset"]
            target.mkdir(parents=True)
            files = unpack(entry, target)
            stored = [_store_once(entry, files, root / "bench.sqlite3", settings) for _ in range(args.repeat)]
            rss = _peak_rss_mb()
            parsed = [_parse_once(entry, files, settings) for _ in range(args.repeat)]
            entities = stored[0][1]
            assert all(n == entities for _, n in stored + parsed), f"{entry['dataset']}: counts differ"
            rows.append(
                (entry["dataset"], entities, min(t for t, _ in stored), min(t for t, _ in parsed), rss)
            )

    print(f"best of {args.repeat} runs per figure")
    print(f"{'dataset':<26}{'entities':>9}{'store s':>9}{'parse s':>9}{'ratio':>7}{'ent/s':>9}{'peak MB':>9}")
    for dataset, entities, stored_s, parsed_s, rss in rows:
        print(
            f"{dataset:<26}{entities:>9,}{stored_s:>9.2f}{parsed_s:>9.2f}{stored_s / parsed_s:>7.2f}"
            f"{entities / stored_s:>9,.0f}{rss:>9.0f}"
        )
    entities = sum(r[1] for r in rows)
    stored_s = sum(r[2] for r in rows)
    parsed_s = sum(r[3] for r in rows)
    peak = _peak_rss_mb()
    print(
        f"{'total':<26}{entities:>9,}{stored_s:>9.2f}{parsed_s:>9.2f}{stored_s / parsed_s:>7.2f}"
        f"{entities / stored_s:>9,.0f}{peak:>9.0f}"
    )
    print(f"first run (unpack + parse + store, all bundled lists): {first_run:.2f} s  (target < 10 s)")
    print(f"store load vs parse-only baseline: {stored_s / parsed_s:.2f}x")
    print(f"peak RSS: {peak:.0f} MB  (target < 1024 MB)")
    print(f"store file after first run: {db_bytes / 1e6:.1f} MB for {entities:,} entities")
    return 0 if first_run < 10 and peak < 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
