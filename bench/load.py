"""Loading benchmark: every bundled list into a fresh store.

Run: ``python -m bench.load``. Baseline, measured in the same run: parsing
the same files without a store (entities consumed and dropped), so the
ratio store-load / parse-only shows what versioned storage costs on top of
the unavoidable parsing. Targets: whole bundle < 10 s, peak RSS < 1 GB.
"peak MB" is the process's peak RSS after that dataset was stored (it
includes the first-run load measured before).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from embargo.settings import Settings
from embargo.sources import parse
from embargo.store import Store, open_store
from embargo.store.bundle import read_manifest, unpack


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    manifest = read_manifest()
    with tempfile.TemporaryDirectory(prefix="embargo-bench-") as tmp:
        root = Path(tmp)
        settings = Settings(data_dir=root / "first-run", load_bundled=True)

        # What a user waits for on first use: unpack + parse + store, all lists.
        started = time.perf_counter()
        open_store(settings).close()
        first_run = time.perf_counter() - started

        files: dict[str, list[Path]] = {}
        for entry in manifest:
            target = root / "files" / entry["dataset"]
            target.mkdir(parents=True)
            files[entry["dataset"]] = unpack(entry, target)

        rows = []
        store = Store(root / "bench.sqlite3")
        for entry in manifest:
            dataset = entry["dataset"]
            t0 = time.perf_counter()
            result = parse(files[dataset], format=entry["format"], dataset=dataset, settings=settings)
            info = store.load(result, sha256=entry["sha256"], source="bench")
            stored = time.perf_counter() - t0
            rows.append([dataset, info.entities, stored, _peak_rss_mb()])
        store.close()
        rss_after_store = _peak_rss_mb()
        db_bytes = (root / "bench.sqlite3").stat().st_size

        for row, entry in zip(rows, manifest, strict=True):
            t0 = time.perf_counter()
            result = parse(
                files[entry["dataset"]], format=entry["format"], dataset=entry["dataset"], settings=settings
            )
            count = sum(1 for _ in result.entities)
            row.insert(3, time.perf_counter() - t0)
            assert count == row[1], f"{entry['dataset']}: parse gave {count}, store {row[1]}"

    print(f"{'dataset':<26}{'entities':>9}{'store s':>9}{'parse s':>9}{'ratio':>7}{'ent/s':>9}{'peak MB':>9}")
    for dataset, entities, stored, parsed, rss in rows:
        print(
            f"{dataset:<26}{entities:>9,}{stored:>9.2f}{parsed:>9.2f}{stored / parsed:>7.2f}"
            f"{entities / stored:>9,.0f}{rss:>9.0f}"
        )
    entities = sum(r[1] for r in rows)
    stored = sum(r[2] for r in rows)
    parsed = sum(r[3] for r in rows)
    print(
        f"{'total':<26}{entities:>9,}{stored:>9.2f}{parsed:>9.2f}{stored / parsed:>7.2f}{entities / stored:>9,.0f}"
    )
    print(f"first run (unpack + parse + store, all bundled lists): {first_run:.2f} s  (target < 10 s)")
    print(f"store load vs parse-only baseline: {stored / parsed:.2f}x")
    print(f"peak RSS after store loads: {rss_after_store:.0f} MB  (target < 1024 MB)")
    print(f"store file: {db_bytes / 1e6:.1f} MB for {entities:,} entities")
    ok = first_run < 10 and rss_after_store < 1024
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
