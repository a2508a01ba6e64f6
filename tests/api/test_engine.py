"""Engine swapping: a new engine replaces the old one whole, or not at all."""

from __future__ import annotations

from datetime import UTC, datetime

from embargo.api.engine import Engine, EngineHolder, list_age_days
from embargo.store import VersionInfo

from .conftest import version_info


def _engine(*versions: VersionInfo) -> Engine:
    return Engine(versions=tuple(versions), snapshot=None, matcher=object())


class _Store:
    """Stands in for the store: which versions are active, and what building sees."""

    def __init__(self) -> None:
        self.active = [version_info("a", 1)]
        self.fail = False
        self.builds = 0

    def build(self) -> Engine:
        self.builds += 1
        if self.fail:
            raise RuntimeError("index build failed")
        return _engine(*self.active)

    def fingerprint(self) -> tuple[tuple[str, int, str], ...]:
        return tuple(sorted((v.dataset, v.version, v.sha256) for v in self.active))


def test_unchanged_lists_do_not_rebuild() -> None:
    store = _Store()
    holder = EngineHolder(store.build, store.fingerprint)
    holder.load()
    assert holder.refresh_if_changed() is False
    assert store.builds == 1


def test_new_active_version_swaps_in_a_new_engine_and_old_holders_keep_theirs() -> None:
    store = _Store()
    swaps: list[Engine] = []
    holder = EngineHolder(store.build, store.fingerprint, on_swap=swaps.append)
    before = holder.load()
    store.active = [version_info("a", 2)]
    assert holder.refresh_if_changed() is True
    after = holder.current
    assert before.version_map == {"a": 1}  # a request that took the old engine still sees v1
    assert after.version_map == {"a": 2}
    assert swaps == [before, after]


def test_failed_rebuild_keeps_serving_the_previous_engine() -> None:
    store = _Store()
    holder = EngineHolder(store.build, store.fingerprint)
    first = holder.load()
    store.active = [version_info("a", 2)]
    store.fail = True
    assert holder.refresh_if_changed() is False
    assert holder.current is first
    assert holder.last_error and "previous lists" in holder.last_error


def test_lists_header_names_every_dataset_in_order() -> None:
    engine = _engine(version_info("b", 7), version_info("a", 2))
    assert engine.lists_header == "a=2,b=7"
    assert engine.version_map == {"a": 2, "b": 7}


def test_age_counts_from_publication_else_from_loading() -> None:
    now = datetime(2026, 1, 11, tzinfo=UTC)
    published = version_info("a", 1, published="2026-01-01")
    undated = version_info("b", 1, published=None, loaded_at="2026-01-10T00:00:00+00:00")
    assert list_age_days(published, now) == 10.0
    assert list_age_days(undated, now) == 1.0
    engine = _engine(published, undated)
    assert engine.stale_datasets(5, now) == ["a"]
    assert engine.stale_datasets(0, now) == []  # 0 disables the age check
