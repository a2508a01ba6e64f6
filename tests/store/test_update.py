"""`update` against a real HTTP server on 127.0.0.1 serving real and broken lists."""

from __future__ import annotations

import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from lxml import etree

from embargo.settings import Settings
from embargo.store import Store
from embargo.store.update import FAILED, OK, UNCHANGED, update
from tests.shared_data import LISTS

UN = LISTS / "un" / "consolidated.xml"
pytestmark = pytest.mark.skipif(not UN.is_file(), reason="UN list data not available")
DATASET = "un_sc_sanctions"


def un_with(keep_individuals: int, keep_entities: int) -> bytes:
    """The real UN list cut down to its first records."""
    tree = etree.parse(str(UN), etree.XMLParser(resolve_entities=False, no_network=True))
    root = tree.getroot()
    for group, tag, keep in (
        ("INDIVIDUALS", "INDIVIDUAL", keep_individuals),
        ("ENTITIES", "ENTITY", keep_entities),
    ):
        container = root.find(group)
        for record in container.findall(tag)[keep:]:
            container.remove(record)
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<CONSOLIDATED_LIST dateGenerated="2026-03-28T23:00:02.092Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>1</DATAID><FIRST_NAME>&e;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<CONSOLIDATED_LIST dateGenerated="2026-03-28T23:00:02.092Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>1</DATAID><FIRST_NAME>&secret;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, plus /short/<file> (connection dropped half-way) and /slow."""

    def do_GET(self) -> None:
        if self.path.startswith("/short/"):
            body = (Path(self.directory) / self.path.removeprefix("/short/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path == "/slow":
            time.sleep(3)
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    www = tmp_path_factory.mktemp("www")
    shutil.copyfile(UN, www / "consolidated.xml")
    full = UN.read_bytes()
    (www / "truncated.xml").write_bytes(full[: len(full) // 2])
    (www / "bomb.xml").write_bytes(BOMB)
    (www / "xxe.xml").write_bytes(XXE)
    (www / "empty.xml").write_bytes(b"")
    (www / "collapsed.xml").write_bytes(un_with(100, 0))
    (www / "one-less.xml").write_bytes(un_with(731, 272))
    shutil.copyfile(LISTS / "uk" / "ConList.xlsx", www / "ConList.xlsx")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(www)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, load_bundled=False, source_urls={}, download_timeout=10.0)


@pytest.fixture
def store(tmp_path: Path, server: str, settings: Settings) -> Iterator[Store]:
    with Store(tmp_path / "store.sqlite3") as opened:
        (outcome,) = update(opened, settings, urls={DATASET: f"{server}/consolidated.xml"})
        assert outcome.status == OK, outcome.reason
        yield opened


def snapshot_of(store: Store) -> list[tuple[str, int, str, int]]:
    return [(v.dataset, v.version, v.sha256, v.entities) for v in store.versions()]


def test_update_downloads_parses_and_activates(store: Store) -> None:
    (active,) = store.active()
    assert (active.dataset, active.version, active.entities) == (DATASET, 1, 1004)
    assert active.published is not None and active.published.startswith("2026-03-28")
    assert active.source.endswith("/consolidated.xml")
    first = next(store.iter_entities())
    assert first.id.startswith("unsc-") and store.get_entity(first.id) == first
    assert not list(Path(store.path.parent).glob("download-*")), "temporary download left behind"


class Recorder:
    """Keeps every progress event, and the amounts reported in each phase."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int | None]] = []
        self.amounts: dict[str, list[int]] = {}

    def phase(self, dataset: str, phase: str, total: int | None = None) -> None:
        self.events.append((dataset, phase, total))

    def advance(self, done: int) -> None:
        self.amounts.setdefault(self.events[-1][1], []).append(done)

    def finished(self, dataset: str) -> None:
        self.events.append((dataset, "finished", None))


def test_progress_reports_download_bytes_then_parsing_then_loaded_entities(
    server: str, settings: Settings, tmp_path: Path
) -> None:
    progress = Recorder()
    with Store(tmp_path / "progress.sqlite3") as store:
        (outcome,) = update(store, settings, urls={DATASET: f"{server}/one-less.xml"}, progress=progress)
    assert outcome.status == OK
    size = len(un_with(731, 272))
    assert progress.events == [
        (DATASET, "downloading", size),
        (DATASET, "parsing", None),
        (DATASET, "loading", 1003),
        (DATASET, "finished", None),
    ]
    received, written = progress.amounts["downloading"], progress.amounts["loading"]
    assert received == sorted(received) and received[-1] == size
    assert written == sorted(written) and written[-1] == 1003


def test_failed_download_still_finishes_its_progress(server: str, settings: Settings, tmp_path: Path) -> None:
    progress = Recorder()
    with Store(tmp_path / "progress.sqlite3") as store:
        (outcome,) = update(store, settings, urls={DATASET: f"{server}/missing.xml"}, progress=progress)
    assert outcome.status == FAILED
    assert progress.events == [(DATASET, "finished", None)]


def test_same_file_again_is_unchanged(store: Store, server: str, settings: Settings) -> None:
    (outcome,) = update(store, settings, urls={DATASET: f"{server}/consolidated.xml"})
    assert outcome.status == UNCHANGED and outcome.version is not None and outcome.version.version == 1
    assert len(store.versions()) == 1


def test_a_changed_list_becomes_the_next_version(store: Store, server: str, settings: Settings) -> None:
    (outcome,) = update(store, settings, urls={DATASET: f"{server}/one-less.xml"})
    assert outcome.status == OK and outcome.previous_version == 1
    assert outcome.version is not None and (outcome.version.version, outcome.version.entities) == (2, 1003)
    diff = store.diff(DATASET)
    assert (len(diff.added), len(diff.removed), len(diff.changed)) == (0, 1, 0)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/truncated.xml", "truncated"),
        ("/bomb.xml", "entit"),
        ("/xxe.xml", "entit"),
        ("/missing.xml", "404"),
        ("/empty.xml", "empty"),
        ("/short/consolidated.xml", "consolidated.xml"),
        ("/ConList.xlsx", "not how un_sc_sanctions is published"),
    ],
)
def test_bad_download_leaves_active_version_untouched(
    store: Store, server: str, settings: Settings, path: str, reason: str
) -> None:
    before = snapshot_of(store)
    (outcome,) = update(store, settings, urls={DATASET: server + path})
    assert outcome.status == FAILED
    assert outcome.reason is not None and reason in outcome.reason
    assert server + path.split("/")[-1] in outcome.reason or path in outcome.reason
    assert snapshot_of(store) == before
    assert not list(Path(store.path.parent).glob("download-*"))


def test_download_over_the_size_cap_is_refused(store: Store, server: str, settings: Settings) -> None:
    before = snapshot_of(store)
    settings.max_download_bytes = 100_000
    (outcome,) = update(store, settings, urls={DATASET: f"{server}/one-less.xml"})
    assert outcome.status == FAILED and "100,000-byte limit" in (outcome.reason or "")
    assert snapshot_of(store) == before


def test_slow_server_times_out(store: Store, server: str, settings: Settings) -> None:
    before = snapshot_of(store)
    settings.download_timeout = 0.5
    (outcome,) = update(store, settings, urls={DATASET: f"{server}/slow"})
    assert outcome.status == FAILED and "timed out" in (outcome.reason or "")
    assert snapshot_of(store) == before


def test_collapsed_entity_count_is_refused_unless_forced(
    store: Store, server: str, settings: Settings
) -> None:
    before = snapshot_of(store)
    urls = {DATASET: f"{server}/collapsed.xml"}
    (refused,) = update(store, settings, urls=urls)
    assert refused.status == FAILED
    assert "100 entities against 1,004" in (refused.reason or "") and "--force" in (refused.reason or "")
    assert snapshot_of(store) == before
    (forced,) = update(store, settings, urls=urls, force=True)
    assert forced.status == OK and forced.version is not None
    assert (forced.version.version, forced.version.entities) == (2, 100)
    assert [v.entities for v in store.active()] == [100]


def test_one_failing_source_does_not_stop_the_others(store: Store, server: str, settings: Settings) -> None:
    settings.source_urls = {DATASET: f"{server}/missing.xml", "gb_hmt_sanctions": f"{server}/ConList.xlsx"}
    outcomes = {o.dataset: o for o in update(store, settings)}
    assert outcomes[DATASET].status == FAILED
    assert outcomes["gb_hmt_sanctions"].status == OK
    assert {v.dataset: v.version for v in store.active()} == {DATASET: 1, "gb_hmt_sanctions": 1}


def test_unconfigured_dataset_is_reported(store: Store, settings: Settings) -> None:
    (outcome,) = update(store, settings, datasets=["nowhere"])
    assert outcome.status == FAILED and "no source URL" in (outcome.reason or "")
