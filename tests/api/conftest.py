"""Shared servers for the HTTP tests.

Loading the bundled lists and indexing them takes seconds, so one store is
filled per test session and one main server is started on it; tests that
need different settings start their own server on the same store, which
reuses the on-disk name index.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from embargo.settings import Settings
from embargo.store import VersionInfo, open_store

from .server import Server, running_server

# Small limits so that the limit tests need small requests.
MAIN_SERVER_ENV = {
    "EMBARGO_MAX_REQUEST_BYTES": "200000",
    "EMBARGO_MAX_QUERIES_PER_BATCH": "20",
    "EMBARGO_MAX_TEXT_CHARS": "5000",
    "EMBARGO_API_KEY_CACHE_SECONDS": "0.3",
}


def version_info(
    dataset: str,
    version: int = 1,
    *,
    sha256: str = "x",
    published: str | None = None,
    loaded_at: str = "2026-01-01T00:00:00+00:00",
    entities: int = 1,
) -> VersionInfo:
    """An active list version as the store reports it, for engines built without a store."""
    return VersionInfo(
        dataset=dataset,
        version=version,
        sha256=sha256,
        published=published,
        loaded_at=loaded_at,
        entities=entities,
        source=f"{dataset}.test",
        active=True,
    )


@dataclass(frozen=True)
class Keys:
    admin: str
    screen: str


@pytest.fixture(scope="session")
def bundled_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("bundled")
    with open_store(Settings(data_dir=data_dir)) as store:
        assert store.active(), "the bundled lists should load into an empty store"
    return data_dir


@pytest.fixture(scope="session")
def keys(bundled_dir: Path) -> Keys:
    with open_store(Settings(data_dir=bundled_dir)) as store:
        return Keys(admin=store.create_api_key("admin"), screen=store.create_api_key("screen"))


@pytest.fixture(scope="session")
def server(bundled_dir: Path, keys: Keys) -> Iterator[Server]:
    with running_server(bundled_dir, MAIN_SERVER_ENV) as running:
        yield running


@pytest.fixture
def screen_client(server: Server, keys: Keys) -> Iterator:
    with server.client(keys.screen) as client:
        yield client


@pytest.fixture
def admin_client(server: Server, keys: Keys) -> Iterator:
    with server.client(keys.admin) as client:
        yield client
