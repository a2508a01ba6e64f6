"""The bundled snapshot: the official files, unmodified, loadable offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from embargo.settings import Settings
from embargo.store import Store, open_store
from embargo.store.bundle import BUNDLE, BUNDLE_DIR, load_bundle, read_manifest, unpack
from embargo.store.hashing import file_sha256, files_sha256
from tests.shared_data import LISTS


def test_bundle_holds_the_official_files_byte_for_byte(tmp_path: Path) -> None:
    for entry, spec in zip(read_manifest(), BUNDLE, strict=True):
        assert entry["dataset"] == spec.dataset
        files = unpack(
            entry, tmp_path / entry["dataset"] if (tmp_path / entry["dataset"]).mkdir() is None else tmp_path
        )
        assert files_sha256(files) == entry["sha256"]
        if LISTS.is_dir():
            originals = [LISTS / rel for rel in spec.files]
            assert [file_sha256(p) for p in files] == [file_sha256(p) for p in originals]


def test_bundle_ships_each_list_once_and_no_non_commercial_data() -> None:
    datasets = [entry["dataset"] for entry in read_manifest()]
    assert len(datasets) == len(set(datasets))
    names = [p.name.lower() for p in BUNDLE_DIR.rglob("*") if p.is_file()]
    assert not any(
        "ftm" in n or "opensanctions" in n or "enhanced" in n or n.startswith("cons_") for n in names
    )
    notice = (BUNDLE_DIR.parent / "NOTICE").read_text("utf-8")
    for entry in read_manifest():
        assert entry["dataset"] in notice and entry["published"] in notice
    assert "Open Government Licence v3.0" in notice and "CC BY 4.0" in notice
    total = sum(p.stat().st_size for p in BUNDLE_DIR.rglob("*") if p.is_file())
    assert total < 6_000_000


def test_a_damaged_bundled_file_is_reported_and_the_rest_still_loads(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    entries = [e for e in read_manifest() if e["dataset"] in ("un_sc_sanctions", "ca_dfatd_sema_sanctions")]
    for entry in entries:
        shutil.copytree(BUNDLE_DIR / entry["dataset"], bundle / entry["dataset"])
    (bundle / "manifest.json").write_text(json.dumps({"datasets": entries}))
    damaged = bundle / "ca_dfatd_sema_sanctions" / "sema-lmes.xml.xz"
    damaged.write_bytes(damaged.read_bytes()[:-100])
    settings = Settings(data_dir=tmp_path / "data", load_bundled=False)
    with Store(tmp_path / "s.sqlite3") as store:
        outcomes = {o.dataset: o for o in load_bundle(store, settings, bundle_dir=bundle)}
        assert outcomes["un_sc_sanctions"].info is not None and outcomes["un_sc_sanctions"].error is None
        assert outcomes["ca_dfatd_sema_sanctions"].info is None
        assert "sema-lmes.xml.xz" in (outcomes["ca_dfatd_sema_sanctions"].error or "")
        assert [v.dataset for v in store.active()] == ["un_sc_sanctions"]
    assert not list((tmp_path / "data").glob("bundle-*")), "unpacked files left behind"


def test_open_store_leaves_an_empty_store_empty_when_bundling_is_off(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "new" / "dir", load_bundled=False)
    with open_store(settings) as store:
        assert store.active() == [] and settings.store_path.exists()
