"""Versioned storage of the loaded lists: the only way later stages read them.

Public API: :class:`Store`, :func:`open_store`, :class:`Snapshot`,
:class:`VersionInfo`, :class:`Diff`, :class:`StoreError`,
:func:`files_sha256`, :class:`ApiKey`; downloads live in :mod:`embargo.store.update`.
"""

from __future__ import annotations

import sys

from embargo.settings import Settings
from embargo.store.diff import Diff, EntityChange, PropertyChange
from embargo.store.errors import StoreError
from embargo.store.hashing import files_sha256
from embargo.store.keys import ApiKey
from embargo.store.snapshot import Snapshot
from embargo.store.store import ProgressCallback, Store
from embargo.store.versions import DATASET_TITLES, VersionInfo, dataset_title

__all__ = [
    "DATASET_TITLES",
    "ApiKey",
    "Diff",
    "EntityChange",
    "ProgressCallback",
    "PropertyChange",
    "Snapshot",
    "Store",
    "StoreError",
    "VersionInfo",
    "dataset_title",
    "files_sha256",
    "open_store",
]


def open_store(settings: Settings) -> Store:
    """Open (creating if needed) the store in ``settings.data_dir``.

    A store that has never held any version is filled from the bundled
    snapshot first (unless ``settings.load_bundled`` is off), so that a fresh
    install screens against real lists without network access.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.store_path, retention=settings.retention)
    if settings.load_bundled and store.is_empty():
        _load_bundle_with_progress(store, settings)
    return store


def _load_bundle_with_progress(store: Store, settings: Settings) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from embargo.store.bundle import load_bundle, read_manifest

    console = Console(stderr=True)
    if not console.is_terminal:
        print("embargo: empty store: loading the bundled lists", file=sys.stderr, flush=True)
        outcomes = load_bundle(store, settings)
    else:
        datasets = [entry["dataset"] for entry in read_manifest()]
        with Progress(
            TextColumn("loading bundled lists"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} {task.fields[dataset]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("bundle", total=len(datasets), dataset="")
            done: set[str] = set()

            def step(dataset: str, _count: int) -> None:
                if dataset not in done:
                    done.add(dataset)
                    bar.update(task, completed=len(done) - 1, dataset=dataset)

            outcomes = load_bundle(store, settings, progress=step)
            bar.update(task, completed=len(datasets), dataset="")
    for outcome in outcomes:
        if outcome.error:
            print(f"embargo: bundled list {outcome.dataset} not loaded: {outcome.error}", file=sys.stderr)
