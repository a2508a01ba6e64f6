"""Read the bundled lists the way the product does, so pair ids are index ids.

The store is opened in a private data directory under ``bench/out/`` and
filled from the bundled snapshot on first use; later runs reuse it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from embargo.model import Entity
from embargo.settings import Settings

BENCH_OUT = Path(__file__).resolve().parents[1] / "out"


def bench_settings(data_dir: Path | None = None) -> Settings:
    return Settings.from_env(data_dir=data_dir or BENCH_OUT / "store", load_bundled=True)


def load_listed(data_dir: Path | None = None) -> tuple[list[Entity], list[Any]]:
    """All active entities of every bundled list, and the store's version records."""
    from embargo.store import open_store
    from embargo.store.bundle import load_bundle, read_manifest

    settings = bench_settings(data_dir)
    store = open_store(settings)
    try:
        bundled = {entry["dataset"] for entry in read_manifest()}
        if bundled - set(store.snapshot().datasets):
            # A list whose parser was missing when the store was first filled.
            load_bundle(store, settings)
        snap = store.snapshot()
        entities = list(snap.iter_entities())
        versions = list(snap.versions)
    finally:
        store.close()
    if not entities:
        sys.exit(f"no listed entities in {settings.data_dir}: did the bundled lists load?")
    return entities, versions
