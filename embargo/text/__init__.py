"""Text screening: who a document names, who of them is listed, what risk it describes.

Public API::

    from embargo.text import Scanner, read_document, ScanInputError

    scanner = Scanner.load(settings)            # lists, matcher, dictionary, NER
    doc = read_document(data, "article.html")   # text / html / mt103 / pacs008
    report = scanner.scan(doc)                  # ScanReport
    report.to_dict()                            # JSON shape: embargo.text.report

Batch screening of folders and JSON-lines files is in :mod:`embargo.text.batch`,
the HTML report in :mod:`embargo.text.html_report`.
"""

from embargo.text.formats import (
    FORMATS,
    Document,
    Party,
    ScanInputError,
    Segment,
    detect_format,
    read_document,
)
from embargo.text.report import ScanReport
from embargo.text.scan import Scanner

__all__ = [
    "FORMATS",
    "Document",
    "Party",
    "ScanInputError",
    "ScanReport",
    "Scanner",
    "Segment",
    "detect_format",
    "read_document",
]
