"""One scanner over the real bundled lists for the whole session.

Loading the store, the name index, the dictionary automaton and the NER
pipeline takes seconds, so every test shares this one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from embargo.settings import Settings
from embargo.text.scan import Scanner
from tests.shared_data import ARTICLE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"


@pytest.fixture(scope="session")
def text_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("text-lists")
    return Settings.from_env(env={}, data_dir=data_dir, load_bundled=True)


@pytest.fixture(scope="session")
def scanner(text_settings: Settings) -> Scanner:
    return Scanner.load(text_settings)


@pytest.fixture(scope="session")
def article() -> str:
    if not ARTICLE.exists():
        pytest.skip(f"canonical article not present at {ARTICLE}")
    return ARTICLE.read_text("utf-8")


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
