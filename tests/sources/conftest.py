"""Real official list files, each parsed once per test session.

The files are read where they are kept (``EMBARGO_TEST_LISTS``, default
``../shared/data/lists`` beside the repository); tests needing them are skipped when absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from embargo.model import Entity
from embargo.sources import ParseResult, parse
from tests.shared_data import LISTS

REAL = {
    "ofac_sdn": LISTS / "ofac" / "sdn",
    "ofac_sdn_primary": LISTS / "ofac" / "sdn" / "sdn.csv",
    "ofac_cons_csv": LISTS / "ofac" / "non-sdn" / "cons_prim.csv",
    "ofac_cons_xml": LISTS / "ofac" / "non-sdn" / "consolidated.xml",
    "ofac_enhanced": LISTS / "ofac" / "non-sdn" / "CONS_ENHANCED.ZIP",
    "uk": LISTS / "uk" / "ConList.xlsx",
    "un": LISTS / "un" / "consolidated.xml",
    "au": LISTS / "au" / "regulation8_consolidated.xlsx",
    "ca": LISTS / "ca" / "sema-lmes.xml",
    "ftm": LISTS / "opensanctions" / "entities.ftm.json",
}


@dataclass
class Parsed:
    result: ParseResult
    entities: dict[str, Entity]


def real_path(key: str) -> Path:
    path = REAL[key]
    if not path.exists():
        pytest.skip(f"real list file not available: {path}")
    return path


def cons_csv_set() -> list[Path]:
    """The consolidated list's four legacy CSV files (their folder also holds XML)."""
    folder = real_path("ofac_cons_csv").parent
    return [folder / f"cons_{name}.csv" for name in ("prim", "alt", "add", "comments")]


_cache: dict[str, Parsed] = {}


@pytest.fixture(scope="session")
def real():
    """``real("uk")`` -> Parsed (result + entities by id), parsed once per session."""

    def get(key: str) -> Parsed:
        if key not in _cache:
            source = cons_csv_set() if key == "ofac_cons_set" else real_path(key)
            result = parse(source)
            entities: dict[str, Entity] = {}
            for entity in result.entities:
                assert entity.id not in entities, f"duplicate id {entity.id}"
                entities[entity.id] = entity
            _cache[key] = Parsed(result, entities)
        return _cache[key]

    return get
