from __future__ import annotations

import os
import shutil

import pytest

from embargo.sources import DATASETS, FORMATS, SourceError, detect, parse

from .conftest import REAL, cons_csv_set, real_path

EXPECTED = {
    "ofac_sdn": ("ofac_csv", "us_ofac_sdn"),
    "ofac_sdn_primary": ("ofac_csv", "us_ofac_sdn"),
    "ofac_cons_csv": ("ofac_csv", "us_ofac_cons"),
    "ofac_cons_xml": ("ofac_xml", "us_ofac_cons"),
    "ofac_enhanced": ("ofac_enhanced", "us_ofac_cons"),
    "uk": ("uk_hmt", "gb_hmt_sanctions"),
    "un": ("un_sc", "un_sc_sanctions"),
    "au": ("au_dfat", "au_dfat_sanctions"),
    "ca": ("ca_sema", "ca_dfatd_sema_sanctions"),
    "ftm": ("ftm", "opensanctions"),
}


def test_public_format_and_dataset_names():
    assert set(FORMATS) == {
        "ofac_csv", "ofac_xml", "ofac_enhanced", "uk_hmt", "un_sc", "au_dfat", "ca_sema", "ftm", "custom_csv"
    }  # fmt: skip
    assert {fmt_ds[1] for fmt_ds in EXPECTED.values()} <= set(DATASETS)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_real_file_is_recognised(key):
    path = real_path(key)
    fmt, dataset = EXPECTED[key]
    assert detect([path]) == fmt
    assert parse(path).dataset == dataset


@pytest.mark.parametrize("key", ["un", "uk", "ofac_cons_xml"])
def test_detection_reads_content_not_file_names(tmp_path, key):
    disguised = tmp_path / "download.bin"
    shutil.copy(real_path(key), disguised)
    assert detect([disguised]) == EXPECTED[key][0]


def test_renamed_ofac_csv_files_are_told_apart_by_columns(tmp_path):
    folder = tmp_path / "ofac"
    folder.mkdir()
    for index, source in enumerate(cons_csv_set()):
        shutil.copy(source, folder / f"part{index}.csv")
    assert detect([folder]) == "ofac_csv"
    assert sum(1 for _ in parse(folder).entities) == 442


def test_a_folder_mixing_lists_is_refused_with_the_files_named():
    with pytest.raises(SourceError, match="cons_prim.csv.*consolidated.xml|consolidated.xml.*cons_prim.csv"):
        detect([REAL["ofac_cons_xml"].parent])


def test_png_named_like_a_list_is_refused(tmp_path):
    fake = tmp_path / "sdn.csv"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    with pytest.raises(SourceError, match=r"sdn\.csv.*PNG image"):
        detect([fake])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "file is empty"),
        ("notes.txt", b"hello, world\n", "not a recognised list format"),
        ("junk.csv", os.urandom(256) + b"\x00", "binary content|not a sanctions list"),
        ("other.xml", b"<?xml version='1.0'?><catalog><book/></catalog>", "root <catalog>"),
        ("data.json", b'{"hello": 1}\n', "not FollowTheMoney"),
        ("u16.csv", '1,"A"'.encode("utf-16"), "UTF-16"),
    ],
)
def test_unrecognised_files_get_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message) as err:
        parse(path)
    assert name in str(err.value)


def test_missing_path_is_reported(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        parse(tmp_path / "nope.xml")


def test_unknown_format_name_is_refused():
    with pytest.raises(SourceError, match="unknown format"):
        parse(real_path("un"), format="eu_fsf")
