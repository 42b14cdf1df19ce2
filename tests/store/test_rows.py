"""Rows built away from the database store the same document, and a batch of them is all-or-nothing."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from marsad.search.fts import index_text, search
from marsad.store.rows import document_rows, report_rows
from marsad.store.store import Store
from marsad.types import Candidate, Doc, Evidence

# Written for these tests.
TEXTS = {"a": "سقطت ثلاثة صواريخ على قاعدة حقل العمر.", "b": "استهدفت طائرة مسيرة قاعدة الشدادي بالصواريخ."}


def doc(doc_id: str) -> Doc:
    text = TEXTS[doc_id]
    return Doc(doc_id, text, text, hashlib.sha256(text.encode()).hexdigest())


def candidate(d: Doc, word: str) -> Candidate:
    start = d.text.index(word)
    return Candidate(d.doc_id, start, evidence=[Evidence("sub_event_type", start, start + len(word), word, "test")])


def test_rows_carry_the_search_body_and_one_row_per_report_and_evidence_span() -> None:
    d = doc("a")
    rows = document_rows(d, [candidate(d, "صواريخ"), candidate(d, "قاعدة")])
    assert rows.search_body == index_text(d.text)
    assert [r[0] for r in rows.reports] == [f"a#{d.text.index('صواريخ')}", f"a#{d.text.index('قاعدة')}"]
    assert [e[5] for e in rows.evidence] == ["صواريخ", "قاعدة"]


def test_rows_refuse_evidence_that_does_not_reproduce_the_text() -> None:
    d = doc("a")
    wrong = Candidate("a", 0, evidence=[Evidence("sub_event_type", 0, 4, "غارة", "test")])
    with pytest.raises(ValueError, match="does not match the text"):
        report_rows(d, [wrong])


def test_rows_saved_in_a_batch_are_found_by_search(tmp_path: Path) -> None:
    with Store(tmp_path / "m.db") as store:
        store.save_documents([document_rows(doc(i), [candidate(doc(i), "قاعدة")]) for i in "ab"])
        assert sorted(search(store.conn, "صواريخ")) == ["a", "b"]
        assert store.conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 2


def test_rows_batch_is_stored_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    real = Store._insert_document

    def fail_on_b(self, rows):
        if rows.doc.doc_id == "b":
            raise sqlite3.OperationalError("disk I/O error")
        real(self, rows)
    monkeypatch.setattr(Store, "_insert_document", fail_on_b)
    with Store(tmp_path / "m.db") as store:
        with pytest.raises(sqlite3.OperationalError):
            store.save_documents([document_rows(doc(i), [candidate(doc(i), "قاعدة")]) for i in "ab"])
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
        assert search(store.conn, "قاعدة") == []
