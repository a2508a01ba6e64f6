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


def test_mt103_with_crlf_lines_and_a_name_continued_on_the_next_line() -> None:
    long_name = "INTERNATIONAL GRAIN AND FREIGHT TRA"  # 35 characters: the line is full
    assert len(long_name) == 35
    message = (
        "{1:F01BANKGB2LAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\r\n"
        ":20:REF1\r\n:32A:240611EUR1,00\r\n"
        f":50K:/12345678\r\n{long_name}\r\nDING LIMITED\r\n1 DOCK ROAD\r\n"
        ":59:JOHN DOE\r\n:70:PAYMENT\r\n-}"
    )
    doc = read_document(message.encode(), "crlf.fin")
    assert doc.format == "mt103"
    ordering = next(p for p in doc.parties if p.field == "50K")
    assert ordering.name == f"{long_name} DING LIMITED"
    assert doc.text[ordering.start : ordering.end] == f"{long_name}\r\nDING LIMITED"
    beneficiary = next(p for p in doc.parties if p.field == "59")
    assert beneficiary.name == "JOHN DOE" and doc.text[beneficiary.start : beneficiary.end] == "JOHN DOE"
    (remittance,) = doc.segments
    assert doc.text[remittance.start : remittance.end] == "PAYMENT"


def test_bare_mt103_fields_without_blocks_are_read() -> None:
    doc = read_document(b":20:X\n:32A:240101USD5,00\n:50A:/ACC1\nDEUTDEFF\n:59:ACME LTD\n", "bare.txt")
    assert doc.format == "mt103"
    assert {p.field: (p.name or p.bic) for p in doc.parties} == {"50A": "DEUTDEFF", "59": "ACME LTD"}


def test_pacs008_with_byte_order_mark_and_prefixed_namespace_is_detected_and_read() -> None:
    data = (
        b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>'
        b'<p:Document xmlns:p="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.02"><p:FIToFICstmrCdtTrf>'
        b"<p:CdtTrfTxInf><p:Cdtr><p:Nm>Example Freight GmbH</p:Nm></p:Cdtr></p:CdtTrfTxInf>"
        b"<p:CdtTrfTxInf><p:Dbtr><p:Nm>Second Debtor SA</p:Nm></p:Dbtr></p:CdtTrfTxInf>"
        b"</p:FIToFICstmrCdtTrf></p:Document>"
    )
    assert detect_format(data) == "pacs008"
    doc = read_document(data, "bom.xml")
    assert [(p.field, p.name) for p in doc.parties] == [
        ("Cdtr", "Example Freight GmbH"),
        ("Dbtr", "Second Debtor SA"),
    ]


def test_block_4_starting_on_the_same_line_is_read_to_its_end_marker() -> None:
    message = "{1:F01X}{2:I103Y}{4::20:REF9\n:32A:240101EUR5,00\n:50K:ACME LTD\n:59:BETA GMBH\n:70:INVOICE 7-}{5:{CHK:1}}"
    doc = read_document(message.encode(), "inline.fin")
    assert doc.meta["reference"] == "REF9"
    (remittance,) = doc.segments
    assert doc.text[remittance.start : remittance.end] == "INVOICE 7"


def test_mt103_tag_lookalikes_inside_a_line_stay_part_of_the_field() -> None:
    message = (
        "{4::20:R1\n:32A:240101EUR5,00\n:50K:ACME LTD :52A:NOT A TAG\n:59:BETA GMBH\n:70:PAY :71A: LATER\n-}"
    )
    doc = read_document(message.encode(), "lookalike.fin")
    assert doc.meta["reference"] == "R1"  # a tag right after "{4:" counts
    assert [(p.field, p.name) for p in doc.parties] == [
        ("50K", "ACME LTD :52A:NOT A TAG"),
        ("59", "BETA GMBH"),
    ]
    (remittance,) = doc.segments
    assert doc.text[remittance.start : remittance.end] == "PAY :71A: LATER"


def test_pacs008_party_takes_its_first_non_empty_name_and_skips_comments() -> None:
    data = (
        b"<Document><FIToFICstmrCdtTrf><CdtTrfTxInf><Dbtr><!-- note --><Nm>  </Nm><?pi x?>"
        b"<Nm>Second  Name\n Ltd</Nm><PstlAdr><Ctry>RU</Ctry></PstlAdr></Dbtr>"
        b"<DbtrAgt><FinInstnId><BICFI>NWBKGB2LXXX</BICFI></FinInstnId></DbtrAgt>"
        b"</CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"
    )
    doc = read_document(data, "p.xml", "pacs008")
    debtor, agent = doc.parties
    assert (debtor.name, debtor.country, debtor.bic) == ("Second Name Ltd", "RU", None)
    assert (agent.name, agent.bic, agent.schema) == ("", "NWBKGB2LXXX", "Organization")
    assert doc.text == "Dbtr: Second Name Ltd\nDbtrAgt: NWBKGB2LXXX\n"


def test_mt103_name_line_that_is_only_a_legal_form_goes_on_in_the_next() -> None:
    data = (
        b"{4:\n:20:REF\n:56D:PUBLIC JOINT STOCK COMPANY\nSBERBANK OF RUSSIA\nMOSCOW\n"
        b":57D:VTB BANK PJSC\nMOSCOW\n:59:/123\nGREENLEAF SARL\nGENEVA\n-}"
    )
    doc = read_document(data, "m.txt")
    names = {p.field: p.name for p in doc.parties}
    assert names == {
        "56D": "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA",
        "57D": "VTB BANK PJSC",
        "59": "GREENLEAF SARL",
    }
    party = doc.parties[0]
    assert doc.text[party.start : party.end] == "PUBLIC JOINT STOCK COMPANY\nSBERBANK OF RUSSIA"
