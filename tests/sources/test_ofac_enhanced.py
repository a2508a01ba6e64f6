from __future__ import annotations

import io
import re
import zipfile

import pytest

from embargo.settings import Settings
from embargo.sources import SourceError, parse

from .conftest import real_path


def test_enhanced_zip_has_every_entity_and_data_date(real):
    parsed = real("ofac_enhanced")
    assert len(parsed.entities) == 443
    assert parsed.result.published == "2025-01-10"
    assert parsed.result.dataset == "us_ofac_cons"


def test_enhanced_names_match_the_xml_publication(real):
    enhanced = real("ofac_enhanced").entities
    xml = real("ofac_cons_xml").entities
    assert set(enhanced) == set(xml)
    assert enhanced["ofac-9639"].get("name") == ["HANIYA, Ismail Abdul Salah"]
    assert set(enhanced["ofac-9639"].get("alias")) == {"HANIYA, Ismail", "HANIYYA, Ismaeel"}


def test_relationships_point_at_ofac_ids(real):
    entities = real("ofac_enhanced").entities
    relations = [r for e in entities.values() for r in e.relations]
    assert len(relations) > 200
    assert all(re.fullmatch(r"ofac-\d+", r.target_id or "") for r in relations)


def test_bare_xml_member_parses_like_the_zip(tmp_path, real):
    with zipfile.ZipFile(real_path("ofac_enhanced")) as archive:
        data = archive.read("CONS_ENHANCED.XML")
    path = tmp_path / "CONS_ENHANCED.XML"
    path.write_bytes(data)
    ids = [e.id for e in parse(path).entities]
    assert sorted(ids) == sorted(real("ofac_enhanced").entities)


def test_zip_bomb_is_refused(tmp_path):
    bomb = tmp_path / "CONS_ENHANCED.ZIP"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CONS_ENHANCED.XML", b"<sanctionsData>" + b" " * 20_000_000 + b"</sanctionsData>")
    bomb.write_bytes(buffer.getvalue())
    with pytest.raises(SourceError, match=r"CONS_ENHANCED\.ZIP.*zip bomb"):
        parse(bomb, format="ofac_enhanced")


def test_archive_larger_than_the_limit_is_refused(tmp_path):
    with pytest.raises(SourceError, match="expands beyond"):
        parse(real_path("ofac_enhanced"), settings=Settings(max_unzipped_bytes=1_000_000))


@pytest.mark.parametrize("fmt", [None, "ofac_enhanced"])
def test_corrupted_archive_is_reported_not_raised_raw(tmp_path, fmt):
    data = bytearray(real_path("ofac_enhanced").read_bytes())
    for index in range(100_000, 100_200):
        data[index] ^= 0xFF
    path = tmp_path / "CONS_ENHANCED.ZIP"
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError, match=r"CONS_ENHANCED\.ZIP"):
        list(parse(path, format=fmt).entities)
