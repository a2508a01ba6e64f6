"""Versioning, atomicity, retention, diff, snapshots, audit and keys of the store."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from embargo.model import Entity, Relation
from embargo.sources.base import ParseResult, SourceError
from embargo.store import Store, StoreError


def person(entity_id: str, name: str, *, dataset: str = "test_list", **props: str) -> Entity:
    entity = Entity(entity_id, "Person", datasets=[dataset])
    entity.add("name", name, "list.csv:row 1")
    for prop, value in props.items():
        entity.add(prop, value, "list.csv:row 1")
    return entity


def result(entities: list[Entity] | Iterator[Entity], dataset: str = "test_list", **kw) -> ParseResult:
    return ParseResult(
        dataset=dataset, format="custom_csv", files=[Path("list.csv")], entities=iter(entities), **kw
    )


def people(count: int, marker: str, dataset: str = "test_list") -> list[Entity]:
    return [person(f"p-{i}", f"Person {i}", dataset=dataset, notes=marker) for i in range(count)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store.sqlite3", retention=3) as opened:
        yield opened


def test_first_load_becomes_version_1_and_is_active(store: Store) -> None:
    info = store.load(result(people(3, "a"), published="2025-01-02"), sha256="h1", source="list.csv")
    assert (info.dataset, info.version, info.entities, info.active) == ("test_list", 1, 3, True)
    assert info.published == "2025-01-02"
    assert [v.version for v in store.active()] == [1]
    assert store.get_entity("p-2") is not None
    assert store.get_entity("p-2").first("name") == "Person 2"


def test_every_load_is_a_new_version_counted_per_dataset(store: Store) -> None:
    store.load(result(people(2, "a")), sha256="h1", source="s")
    store.load(result(people(3, "b")), sha256="h2", source="s")
    store.load(result(people(1, "x", "other"), dataset="other"), sha256="h3", source="s")
    assert [(v.dataset, v.version) for v in store.versions()] == [
        ("other", 1),
        ("test_list", 1),
        ("test_list", 2),
    ]
    assert {v.dataset: v.entities for v in store.active()} == {"other": 1, "test_list": 3}


def test_identical_file_is_unchanged_and_creates_no_version(store: Store) -> None:
    store.load(result(people(2, "a")), sha256="same", source="s")

    def never_read() -> Iterator[Entity]:
        raise AssertionError("an unchanged file must not be parsed again")
        yield

    again = store.load(result(never_read()), sha256="same", source="s")
    assert again.unchanged and again.version == 1
    assert len(store.versions("test_list")) == 1


def test_parser_failing_half_way_changes_nothing(store: Store) -> None:
    store.load(result(people(5, "old")), sha256="h1", source="s")

    def breaks() -> Iterator[Entity]:
        yield from people(700, "new")
        raise SourceError("list.csv", "unexpected end of file", "line 701")

    with pytest.raises(SourceError, match="line 701"):
        store.load(result(breaks()), sha256="h2", source="s")
    assert [(v.version, v.entities) for v in store.versions()] == [(1, 5)]
    assert all(e.first("notes") == "old" for e in store.iter_entities())
    assert store.snapshot().count() == 5


def test_list_without_entities_is_refused(store: Store) -> None:
    store.load(result(people(2, "a")), sha256="h1", source="s")
    with pytest.raises(StoreError, match="no entities"):
        store.load(result([]), sha256="h2", source="s")
    assert [v.version for v in store.versions()] == [1]


def test_duplicate_ids_keep_the_first_record_and_warn(store: Store) -> None:
    entities = [person("d-1", "First"), person("d-1", "Second")]
    info = store.load(result(entities, warnings=["orphan alias row 9"]), sha256="h", source="s")
    assert info.entities == 1
    assert store.get_entity("d-1").caption == "First"
    assert "orphan alias row 9" in info.warnings
    assert any("duplicate entity id d-1" in w for w in info.warnings)
    assert store.versions()[0].warnings == info.warnings


def test_retention_keeps_the_newest_versions_and_the_active_one(store: Store) -> None:
    for n in range(1, 6):
        store.load(result(people(n, str(n))), sha256=f"h{n}", source="s")
    assert [v.version for v in store.versions()] == [3, 4, 5]
    store.activate("test_list", 3)
    store.load(result(people(6, "6")), sha256="h6", source="s")
    # retention 3: the active (now 6) and the two newest before it.
    assert [v.version for v in store.versions()] == [4, 5, 6]
    rows = sqlite3.connect(store.path).execute("SELECT COUNT(*) FROM entities").fetchone()[0]
    assert rows == 4 + 5 + 6


def test_activate_switches_what_readers_see(store: Store) -> None:
    store.load(result(people(2, "first")), sha256="h1", source="s")
    store.load(result(people(4, "second")), sha256="h2", source="s")
    info = store.activate("test_list", 1)
    assert info.active and info.version == 1
    assert store.snapshot().count() == 2
    assert {e.first("notes") for e in store.iter_entities()} == {"first"}
    with pytest.raises(StoreError, match="no retained version 9"):
        store.activate("test_list", 9)


def test_diff_lists_added_removed_and_changed_values_per_property(store: Store) -> None:
    old = [
        person("a", "Anna Alpha", birthDate="1970", nationality="ru"),
        person("b", "Boris Beta"),
        person("c", "Carla Gamma"),
    ]
    new = [
        person("a", "Anna Alpha", birthDate="1971", nationality="ru", alias="Anya Alpha"),
        person("c", "Carla Gamma"),
        person("d", "Dmitri Delta"),
    ]
    new[1].relate(Relation("associate", "Anna Alpha", "a"))
    store.load(result(old), sha256="h1", source="s")
    store.load(result(new), sha256="h2", source="s")
    diff = store.diff("test_list")
    assert (diff.from_version, diff.to_version) == (1, 2)
    assert [e.id for e in diff.added] == ["d"]
    assert [e.id for e in diff.removed] == ["b"]
    changes = {c.id: c for c in diff.changed}
    assert set(changes) == {"a", "c"}
    a = changes["a"].properties
    assert (a["birthDate"].added, a["birthDate"].removed) == (["1971"], ["1970"])
    assert (a["alias"].added, a["alias"].removed) == (["Anya Alpha"], [])
    assert "nationality" not in a and "name" not in a
    assert changes["c"].properties["$relations"].added == ["associate: Anna Alpha [a]"]
    data = diff.to_dict()
    assert data["counts"] == {"added": 1, "removed": 1, "changed": 2}
    assert data["changed"][0]["properties"]["birthDate"] == {"added": ["1971"], "removed": ["1970"]}
    # Explicit versions, reversed direction.
    back = store.diff("test_list", from_version=2, to_version=1)
    assert [e.id for e in back.added] == ["b"] and [e.id for e in back.removed] == ["d"]


def test_diff_ignores_moved_source_rows(store: Store) -> None:
    first = person("a", "Anna Alpha")
    moved = Entity("a", "Person", datasets=["test_list"])
    moved.add("name", "Anna Alpha", "list.csv:row 99")
    store.load(result([first]), sha256="h1", source="s")
    store.load(result([moved]), sha256="h2", source="s")
    assert store.diff("test_list").changed == []


def test_diff_of_first_version_counts_everything_as_added(store: Store) -> None:
    store.load(result(people(3, "a")), sha256="h1", source="s")
    diff = store.diff("test_list")
    assert diff.from_version is None and len(diff.added) == 3
    with pytest.raises(StoreError):
        store.diff("missing")


def test_same_id_in_two_datasets_stays_two_records(store: Store) -> None:
    store.load(result([person("x-1", "From A", dataset="a")], dataset="a"), sha256="ha", source="s")
    store.load(result([person("x-1", "From B", dataset="b")], dataset="b"), sha256="hb", source="s")
    found = store.snapshot().find("x-1")
    assert [(e.caption, v.dataset) for e, v in found] == [("From A", "a"), ("From B", "b")]
    assert [e.caption for e in store.iter_entities(["b"])] == ["From B"]


def test_snapshot_keeps_its_versions_after_a_newer_one_activates(store: Store) -> None:
    store.load(result(people(3, "old")), sha256="h1", source="s")
    snap = store.snapshot()
    store.load(result(people(5, "new")), sha256="h2", source="s")
    assert [v.version for v in snap.versions] == [1]
    assert snap.count() == 3
    assert {e.first("notes") for e in snap.iter_entities()} == {"old"}
    assert snap.get("p-4") is None
    assert store.snapshot().get("p-4") is not None


def test_readers_during_activation_see_old_or_new_never_a_mix(tmp_path: Path) -> None:
    store = Store(tmp_path / "busy.sqlite3", retention=20)
    sizes = {f"v{n}": 200 + 50 * n for n in range(12)}
    store.load(result(people(sizes["v0"], "v0")), sha256="v0", source="s")
    stop = threading.Event()
    seen: list[tuple[str, int]] = []
    errors: list[str] = []

    def read() -> None:
        while not stop.is_set():
            snap = store.snapshot()
            markers = [e.first("notes") for e in snap.iter_entities()]
            kinds = set(markers)
            if len(kinds) != 1:
                errors.append(f"mixed versions {sorted(kinds)}")
                return
            marker = kinds.pop()
            if len(markers) != sizes[marker] or snap.count() != sizes[marker]:
                errors.append(f"{marker}: read {len(markers)} of {sizes[marker]}")
                return
            seen.append((marker, len(markers)))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    for n in range(1, 12):
        store.load(result(people(sizes[f"v{n}"], f"v{n}")), sha256=f"v{n}", source="s")
    # Let the readers also see the final version before stopping them.
    deadline = time.monotonic() + 30
    while sum(marker == "v11" for marker, _ in seen) < 2 and not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    for thread in readers:
        thread.join()
    store.close()
    assert errors == []
    assert {"v11"} < {marker for marker, _ in seen}, "readers should have observed several versions"


def test_iteration_in_progress_survives_retention_deleting_its_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "small.sqlite3", retention=2)
    store.load(result(people(800, "old")), sha256="h0", source="s")
    reading = store.snapshot().iter_entities()
    first = next(reading)
    for n in range(1, 4):
        store.load(result(people(5, f"new{n}")), sha256=f"h{n}", source="s")
    assert [v.version for v in store.versions()] == [3, 4]  # version 1 is gone from the store
    rest = list(reading)
    assert len(rest) == 799 and {e.first("notes") for e in [first, *rest]} == {"old"}
    store.close()


def test_snapshot_whose_versions_were_deleted_fails_loudly(tmp_path: Path) -> None:
    store = Store(tmp_path / "small.sqlite3", retention=2)
    store.load(result(people(3, "old")), sha256="h0", source="s")
    stale = store.snapshot()
    for n in range(1, 4):
        store.load(result(people(5, f"new{n}")), sha256=f"h{n}", source="s")
    with pytest.raises(StoreError, match="snapshot is outdated"):
        list(stale.iter_entities())
    store.close()


def test_store_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with Store(path) as first:
        first.load(result(people(2, "a")), sha256="h1", source="s")
    with Store(path) as again:
        assert [(v.dataset, v.version, v.entities) for v in again.active()] == [("test_list", 1, 2)]
        assert again.snapshot().get("p-1").caption == "Person 1"
        assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_audit_log_returns_newest_entries_first(store: Store) -> None:
    store.record_audit("key:abc", "match", {"name": "Asma"}, {"hits": 2}, {"us_ofac_sdn": 3})
    store.record_audit("key:def", "scan", {"chars": 100}, {"hits": 0}, {"us_ofac_sdn": 4})
    log = store.audit_log()
    assert [entry["action"] for entry in log] == ["scan", "match"]
    assert log[1]["request"] == {"name": "Asma"} and log[1]["versions"] == {"us_ofac_sdn": 3}
    assert len(store.audit_log(limit=1)) == 1


def test_api_keys_verify_until_revoked_and_are_not_stored_in_clear(store: Store) -> None:
    key = store.create_api_key("screener")
    other = store.create_api_key("admin")
    verified, verified_other = store.verify_api_key(key), store.verify_api_key(other)
    assert verified is not None and verified_other is not None
    assert (verified.role, verified_other.role) == ("screener", "admin")
    assert verified.key_id != verified_other.key_id and verified.key_id in key
    assert verified.key_id not in other
    assert store.verify_api_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert store.verify_api_key("not a key") is None
    raw = store.path.read_bytes() + Path(str(store.path) + "-wal").read_bytes()
    assert key.split("_", 2)[2].encode() not in raw
    key_id = verified.key_id
    assert [k["role"] for k in store.list_api_keys() if k["key_id"] == key_id] == ["screener"]
    assert store.revoke_api_key(key_id) is True
    assert store.revoke_api_key(key_id) is False
    assert store.verify_api_key(key) is None
    assert store.verify_api_key(other) == verified_other
