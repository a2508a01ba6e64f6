"""Shared fixtures: a small hand-built index and the real bundled lists."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from embargo.model import Entity
from embargo.names import Matcher, NameIndex, Query
from embargo.settings import Settings


@dataclass
class FakeVersion:
    dataset: str
    version: int
    sha256: str = "0" * 64


def make_entity(eid: str, schema: str, *names: str, dataset: str = "test_list", **props: str) -> Entity:
    entity = Entity(eid, schema, datasets=[dataset])
    for i, name in enumerate(names):
        lang = None if name.isascii() else "und"
        entity.add("name" if i == 0 else "alias", name, f"row {eid}", lang=lang)
    for prop, value in props.items():
        entity.add(prop, value, f"row {eid}")
    return entity


FILLER_GIVEN = ["Mohammed", "Ali", "Ahmed", "Abdul", "Hassan", "Omar", "Ibrahim", "Yusuf"]
FILLER_FAMILY = ["Karimov", "Haddad", "Nasser", "Farouk", "Saleh", "Rahimi", "Osmani", "Qureshi"]


def small_entities() -> list[Entity]:
    entities = [
        make_entity(
            "putin",
            "Person",
            "PUTIN, Vladimir Vladimirovich",
            "Владимир Владимирович Путин",
            birthDate="1952-10-07",
            nationality="ru",
            gender="male",
        ),
        make_entity(
            "peskov-s",
            "Person",
            "Dmitry Sergeyevich PESKOV",
            "ПЕСКОВ Дмитрий Сергеевич",
            birthDate="1967-10-17",
            nationality="ru",
        ),
        make_entity("peskov-n", "Person", "Песков Дмитрий Николаевич", "Dmitry PESKOV", nationality="ru"),
        make_entity(
            "asma",
            "Person",
            "AL-ASSAD, Asma",
            "أسماء الأسد",
            birthDate="1975-08-11",
            nationality="sy",
            gender="female",
        ),
        make_entity("gaddafi", "Person", "QADHAFI, Muammar", birthDate="1942"),
        make_entity("xi", "Person", "习近平"),
        make_entity("kim", "Person", "김정은", birthDate="1984-01-08"),
        make_entity("smith", "Person", "John Smith", passportNumber="AB 123456"),
        make_entity("vessel", "Vessel", "John Smith", imoNumber="IMO 9123456"),
        make_entity("romashka", "Company", "ООО Ромашка"),
        make_entity("kony", "Person", "Joseph KONY"),
    ]
    n = 0
    for given in FILLER_GIVEN:
        for family in FILLER_FAMILY:
            n += 1
            entities.append(make_entity(f"filler-{n}", "Person", f"{given} {family}"))
    return entities


@pytest.fixture(scope="session")
def small_index() -> NameIndex:
    return NameIndex.build(small_entities(), [FakeVersion("test_list", 3)])


@pytest.fixture(scope="session")
def small_matcher(small_index) -> Matcher:
    return Matcher(small_index, Settings(data_dir=__import__("pathlib").Path("/nonexistent")))


@pytest.fixture
def score_of(small_matcher):
    """Score of entity ``eid`` for a query (0.0 when not returned at all)."""

    def score(eid: str, name: str, schema: str | None = "Person", **fields) -> float:
        hits = small_matcher.match(Query(names=[name], schema=schema, **fields), floor=0.0, limit=0)
        return next((h.score for h in hits if h.id == eid), 0.0)

    return score


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("names-store"))


@pytest.fixture(scope="session")
def real_matcher(real_settings) -> Matcher:
    from embargo.names import load_matcher

    return load_matcher(real_settings)
