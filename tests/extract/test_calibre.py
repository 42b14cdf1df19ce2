"""The calibre of the munitions, when a report states it, with its words."""
from __future__ import annotations

from datetime import date

import pytest

from marsad.pipeline import process_article
from marsad.types import Article


@pytest.mark.parametrize("text, label, words", [
    ("سقطت ثلاثة صواريخ من عيار 107 ملم على قاعدة حقل العمر فجر اليوم.", "107mm", "عيار 107 ملم"),
    ("استهدفت قذائف هاون عيار 120 مم محيط قاعدة التنف صباح اليوم.", "120mm", "عيار 120 مم"),
    ("Militants fired four 122mm rockets at Ain al-Asad air base on Tuesday.", "122mm", "122mm"),
])
def test_calibre_is_read_with_its_words(text: str, label: str, words: str) -> None:
    doc, cands = process_article(Article("cal", "test", text=text, published=date(2024, 1, 4)))
    assert len(cands) == 1
    assert cands[0].calibre == label
    ev = [e for e in cands[0].evidence if e.field == "calibre"]
    assert [e.text for e in ev] == [words] and doc.text[ev[0].start:ev[0].end] == words


def test_no_calibre_when_none_is_stated() -> None:
    _, cands = process_article(Article("cal", "test", text="سقطت ثلاثة صواريخ على قاعدة حقل العمر فجر اليوم.",
                                       published=date(2024, 1, 4)))
    assert cands and cands[0].calibre is None
