from __future__ import annotations

import pytest

from embargo.text.formats import ScanInputError, detect_format, read_document

from .conftest import fixture_bytes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("story.txt", "text"),
        ("page.html", "html"),
        ("mt103.txt", "mt103"),
        ("mt103-clean.txt", "mt103"),
        ("pacs008.xml", "pacs008"),
    ],
)
def test_format_is_detected_from_content(name: str, expected: str) -> None:
    assert detect_format(fixture_bytes(name)) == expected


def test_mt103_parties_carry_field_tags_and_exact_offsets() -> None:
    doc = read_document(fixture_bytes("mt103.txt"), "mt103.txt")
    by_field = {p.field: p for p in doc.parties}
    assert by_field["50K"].name == "ASMA AL-ASSAD"  # account line skipped
    assert by_field["59"].name == "GREENLEAF CONSULTING SARL"
    assert by_field["52A"].bic == "DEUTDEFFXXX" and by_field["52A"].name == ""
    assert by_field["57D"].name == "FIRST EXAMPLE BANK"
    for party in doc.parties:
        assert doc.text[party.start : party.end] == (party.name or party.bic)
    fields = [s.field for s in doc.segments]
    assert fields == ["70", "72"]
    remittance = doc.text[doc.segments[0].start : doc.segments[0].end]
    assert "VLADIMIR PUTIN" in remittance and ":71A:" not in remittance


def test_mt103_option_f_reads_numbered_name_lines_and_country() -> None:
    doc = read_document(fixture_bytes("mt103-clean.txt"), "clean.txt")
    ordering = next(p for p in doc.parties if p.field == "50F")
    assert ordering.name == "JANE ELIZABETH HOLLOWAY"
    assert ordering.country == "GB"
    assert doc.text[ordering.start : ordering.end] == ordering.name


def test_mt103_with_unclosed_block_is_a_clear_error() -> None:
    data = b"{1:F01X}{4:\n:20:REF\n:59:SOMEONE\n"
    with pytest.raises(ScanInputError, match=r"bad\.fin.*not closed"):
        read_document(data, "bad.fin", "mt103")


def test_pacs008_parties_and_remittance_are_found_by_local_name() -> None:
    doc = read_document(fixture_bytes("pacs008.xml"), "p.xml")
    by_field = {p.field: p for p in doc.parties}
    assert by_field["Cdtr"].name == "Dmitry Sergeyevich Peskov"
    assert by_field["Cdtr"].country == "RU"
    assert by_field["Dbtr"].name == "Northwind Garden Supplies Ltd"
    assert by_field["DbtrAgt"].bic == "NWBKGB2LXXX"
    assert by_field["CdtrAgt"].schema == "Organization"
    for party in doc.parties:
        assert doc.text[party.start : party.end] == (party.name or party.bic)
    (ustrd,) = doc.segments
    assert doc.text[ustrd.start : ustrd.end] == "Advance for services arranged by Fawaz Akhras"


def test_pacs008_with_external_entity_is_refused_without_reading_it() -> None:
    with pytest.raises(ScanInputError, match="DTD or entities") as info:
        read_document(fixture_bytes("pacs008-xxe.xml"), "xxe.xml")
    assert "root:" not in str(info.value)


def test_entity_declared_after_a_long_prolog_is_still_not_expanded() -> None:
    padding = b"<!--" + b"x" * 70000 + b"-->"
    data = (
        b'<?xml version="1.0"?>' + padding + b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<Document><FIToFICstmrCdtTrf><CdtTrfTxInf><Dbtr><Nm>&e;</Nm></Dbtr>"
        b"</CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"
    )
    try:
        doc = read_document(data, "late.xml", "pacs008")
    except ScanInputError:
        return
    assert all("root:" not in p.name for p in doc.parties)


def test_malformed_pacs008_names_the_line() -> None:
    with pytest.raises(ScanInputError, match=r"broken\.xml:line 5: malformed XML"):
        read_document(fixture_bytes("pacs008-broken.xml"), "broken.xml")


def test_xml_that_is_not_a_credit_transfer_is_refused() -> None:
    with pytest.raises(ScanInputError, match="not a pacs.008"):
        read_document(b"<?xml version='1.0'?><Invoice><Nm>A</Nm></Invoice>", "inv.xml", "pacs008")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_bad_input_is_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(ScanInputError, match=message):
        read_document(data, "in.bin")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ScanInputError, match="unknown format"):
        read_document(b"hello", "x", "docx")


def test_saved_page_keeps_the_article_and_drops_navigation_and_scripts() -> None:
    doc = read_document(fixture_bytes("page.html"), "page.html")
    assert doc.format == "html"
    assert "Fawaz Akhras" in doc.text
    assert "Ignore Me Completely" not in doc.text
    assert "Markets" not in doc.text


def test_utf8_bom_is_not_part_of_the_text() -> None:
    doc = read_document("\ufeffAsma al-Assad".encode(), "bom.txt")
    assert doc.text == "Asma al-Assad"
