from __future__ import annotations

import pytest

from embargo.text import ner


def test_people_and_organisations_come_with_exact_offsets() -> None:
    recogniser = ner.load_recogniser()
    text = "Marta Kowalczyk met officials of the World Bank in Geneva."
    spans = recogniser(text)
    by_label = {(s.label, s.text) for s in spans}
    assert ("PERSON", "Marta Kowalczyk") in by_label
    assert ("ORG", "the World Bank") in by_label or ("ORG", "World Bank") in by_label
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_missing_pipeline_is_a_reason_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner, "_cached", None)
    monkeypatch.setattr(ner, "_failure", None)
    monkeypatch.setattr(ner, "PIPELINE_PACKAGE", "embargo_pipeline_that_is_not_installed")
    with pytest.raises(ner.NerUnavailable, match="unavailable.*dictionary scan only"):
        ner.load_recogniser()
    with pytest.raises(ner.NerUnavailable):  # remembered, not retried per document
        ner.load_recogniser()


def test_long_text_is_recognised_in_pieces_with_offsets_into_the_whole() -> None:
    recogniser = ner.load_recogniser()
    paragraph = "Officials in Paris said nothing new happened this week at the port.\n\n"
    text = paragraph * 900 + "Marta Kowalczyk spoke to reporters in Geneva.\n"
    assert len(text) > 60_000
    spans = recogniser(text)
    person = next(s for s in spans if s.text == "Marta Kowalczyk")
    assert text[person.start : person.end] == "Marta Kowalczyk"
    assert all(text[s.start : s.end] == s.text for s in spans)
