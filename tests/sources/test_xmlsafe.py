from __future__ import annotations

import pytest

from embargo.sources import SourceError, detect, parse

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>
<FIRST_NAME>&lol3;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE sdnList [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<sdnList><sdnEntry><uid>1</uid><lastName>&xxe;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE data-set SYSTEM "http://127.0.0.1:9/evil.dtd">
<data-set><record><Country>Iran</Country><Entity>X</Entity><Item>1</Item></record></data-set>
"""


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("lol.xml", BILLION_LAUGHS, "un_sc"),
        ("xxe.xml", EXTERNAL_ENTITY, "ofac_xml"),
        ("dtd.xml", EXTERNAL_DTD, "ca_sema"),
    ],
)
def test_entity_declarations_and_external_dtds_are_refused(tmp_path, name, text, fmt):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(SourceError, match="entity declarations not allowed") as err:
        detect([path])
    assert name in str(err.value)
    with pytest.raises(SourceError, match="entity declarations not allowed"):
        list(parse(path, format=fmt).entities)


def test_doctype_hidden_behind_a_long_comment_is_still_found(tmp_path):
    path = tmp_path / "hidden.xml"
    path.write_text(BILLION_LAUGHS.replace("<!DOCTYPE", "<!-- " + "x" * 70_000 + " -->\n<!DOCTYPE", 1))
    with pytest.raises(SourceError, match="entity declarations not allowed"):
        list(parse(path, format="un_sc").entities)


def test_doctype_beyond_the_prolog_scan_is_caught_by_the_parser(tmp_path):
    path = tmp_path / "far.xml"
    path.write_text(BILLION_LAUGHS.replace("<!DOCTYPE", "<!-- " + "x" * 2_000_000 + " -->\n<!DOCTYPE", 1))
    with pytest.raises(SourceError, match="entity declarations not allowed"):
        list(parse(path, format="un_sc").entities)
