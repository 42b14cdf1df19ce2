"""ingest → store, end to end: bad inputs fail alone, re-runs add nothing, a kill loses nothing stored."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import marsad.pipeline
import marsad.run
from marsad.run import IngestResult, ingest_paths, reprocess
from marsad.settings import Settings
from marsad.store.store import Store

PUBLISHED = date(2024, 1, 4)  # a Thursday: "اليوم الخميس" is this day
TABLES = ("documents", "reports", "evidence", "events", "failures")

# Two short reports written for these tests: different bases, different countries, so two events.
OMAR = ("استهدفت عدة صواريخ قاعدة حقل العمر التي تتمركز فيها القوات الأمريكية في ريف دير الزور "
        "الشرقي اليوم الخميس. ولم ترد أنباء عن وقوع إصابات بين الجنود. واتهمت مصادر محلية "
        "الميليشيات الموالية لإيران بإطلاق الصواريخ.")
ASAD = ("سقطت ثلاثة صواريخ على قاعدة عين الأسد الجوية في محافظة الأنبار غرب العراق اليوم الخميس. "
        "وقال مسؤول أمني إن الهجوم لم يسفر عن خسائر بشرية.")
GOOD = {"a-omar": OMAR, "b-asad": ASAD}
# Which base each good report must end up at, so "stored with its events" means the right events.
GOOD_PLACES = {"a-omar": "base_sy_al_omar", "b-asad": "base_iq_ain_al_asad"}


def write_good(folder: Path) -> None:
    for doc_id, text in GOOD.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")


def write_manifest(folder: Path, extra: str) -> None:
    """A manifest listing both good reports, then one more line."""
    lines = [json.dumps({"doc_id": d, "path": f"{d}.txt", "published": PUBLISHED.isoformat()})
             for d in GOOD]
    (folder / "manifest.jsonl").write_text("\n".join([*lines, extra]) + "\n", encoding="utf-8")


def ingest(folder: Path, db: Path, settings: Settings = Settings(), **kw) -> IngestResult:
    with Store(db) as store:
        return ingest_paths(store, [folder], settings, published=PUBLISHED, **kw)


def rows(db: Path, sql: str, *args) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def counts(db: Path) -> dict[str, int]:
    return {t: rows(db, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in TABLES}


def event_ids(db: Path) -> list[str]:
    return [r["event_id"] for r in rows(db, "SELECT event_id FROM events ORDER BY event_id")]


def assert_evidence_matches_text(db: Path) -> None:
    """Every evidence row's text is its document's text at its offsets (SQLite counts characters)."""
    total = rows(db, "SELECT count(*) AS n FROM evidence")[0]["n"]
    bad = rows(db, 'SELECT e.doc_id, e.field, e.start, e."end", e.text FROM evidence e '
                   'LEFT JOIN documents d USING (doc_id) '
                   'WHERE d.text IS NULL OR substr(d.text, e.start + 1, e."end" - e.start) != e.text')
    assert total > 0
    assert [tuple(r) for r in bad] == []


def assert_no_orphans(db: Path) -> None:
    """Nothing half-written: every report has its document, every evidence row its report."""
    assert rows(db, "SELECT report_id FROM reports WHERE doc_id NOT IN (SELECT doc_id FROM documents)") == []
    assert rows(db, "SELECT report_id FROM evidence WHERE report_id NOT IN (SELECT report_id FROM reports)") == []
    assert rows(db, "SELECT doc_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM reports)") == []


def assert_good_stored(db: Path) -> None:
    """Both good reports are stored, each with a main report in an event at its own base."""
    assert [r["doc_id"] for r in rows(db, "SELECT doc_id FROM documents ORDER BY doc_id")] == sorted(GOOD)
    for doc_id, place in GOOD_PLACES.items():
        found = rows(db, "SELECT r.role, r.place, ev.event_id FROM reports r "
                         "JOIN events ev ON ev.event_id = r.event_id WHERE r.doc_id = ?", doc_id)
        assert [(r["role"], r["place"]) for r in found] == [("main", place)]
    with Store(db) as store:
        dates = {e["reports"][0]["doc_id"]: (e["date"], e["date_precision"]) for e in store.events()}
    assert dates == {d: ("2024-01-04", "day") for d in GOOD}


# --- one bad input next to two good reports ----------------------------------

def bad_empty(folder: Path) -> None:
    write_good(folder)
    (folder / "c-empty.txt").write_bytes(b"")


def bad_binary(folder: Path) -> None:
    write_good(folder)
    (folder / "c-binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")


def bad_undecodable(folder: Path) -> None:
    write_good(folder)
    # Every high byte in order: invalid UTF-8, and no legacy Arabic or other code page reads it as text.
    (folder / "c-garbled.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)


def bad_truncated_html(folder: Path) -> None:
    write_good(folder)
    (folder / "c-cut.html").write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title',
                                       encoding="utf-8")


def bad_too_large(folder: Path) -> None:
    write_good(folder)
    (folder / "c-large.txt").write_text("ا" * 1500, encoding="utf-8")  # 3000 bytes


def bad_too_short(folder: Path) -> None:
    write_good(folder)
    (folder / "c-short.txt").write_text("قصف صاروخي.", encoding="utf-8")


def bad_manifest_json(folder: Path) -> None:
    write_good(folder)
    write_manifest(folder, '{"doc_id": "c-broken", "path": ')


def bad_manifest_missing(folder: Path) -> None:
    write_good(folder)
    write_manifest(folder, json.dumps({"doc_id": "c-ghost", "path": "nowhere.txt"}))


SMALL = Settings(max_bytes=2000)  # the good reports are under 500 bytes


@pytest.mark.parametrize("make, settings, doc_id, reason, source", [
    (bad_empty, Settings(), "c-empty", "empty file", "c-empty.txt"),
    (bad_binary, Settings(), "c-binary", "binary file, not text", "c-binary.txt"),
    (bad_undecodable, Settings(), "c-garbled", "not valid UTF-8 and no known encoding fits", "c-garbled.txt"),
    (bad_truncated_html, Settings(), "c-cut", "no article text found in HTML", "c-cut.html"),
    (bad_too_large, SMALL, "c-large", "file too large: 3000 bytes > limit 2000", "c-large.txt"),
    (bad_too_short, Settings(), "c-short", "no text after cleaning (11 chars < 40)", "c-short.txt"),
    (bad_manifest_json, Settings(), "manifest:3",
     "manifest line 3: invalid JSON: Expecting value (column 32)", "manifest.jsonl:3"),
    (bad_manifest_missing, Settings(), "c-ghost", "manifest line 3: file not found: {folder}/nowhere.txt",
     "manifest.jsonl:3"),
], ids=["empty", "binary", "undecodable", "truncated-html", "too-large", "too-short",
        "manifest-bad-json", "manifest-missing-path"])
def test_bad_input_fails_alone_and_good_reports_are_stored(
        tmp_path: Path, make: Callable[[Path], None], settings: Settings, doc_id: str, reason: str,
        source: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    make(folder)
    db = tmp_path / "marsad.db"

    result = ingest(folder, db, settings)

    reason = reason.format(folder=folder)
    assert [(f.doc_id, f.reason, f.source) for f in result.failures] == [(doc_id, reason, str(folder / source))]
    with Store(db) as store:
        assert [(r["doc_id"], r["reason"], r["source"]) for r in store.failures()] == [
            (doc_id, reason, str(folder / source))]
    assert (result.stored, result.unchanged, result.events) == (2, 0, 2)
    assert_good_stored(db)
    assert_evidence_matches_text(db)
    assert_no_orphans(db)


def test_sparse_50mb_file_is_refused_without_reading(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder)
    with open(folder / "c-huge.txt", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no disk used, but stat says 50 MB
    original = Path.read_bytes

    def guarded(self: Path) -> bytes:
        assert self.name != "c-huge.txt", "a file over the size limit was read"
        return original(self)
    monkeypatch.setattr(Path, "read_bytes", guarded)

    result = ingest(folder, tmp_path / "marsad.db")

    assert [(f.doc_id, f.reason) for f in result.failures] == [
        ("c-huge", f"file too large: {50 * 1024 * 1024} bytes > limit {Settings().max_bytes}")]
    assert_good_stored(tmp_path / "marsad.db")


def test_extraction_bug_on_one_document_is_a_failure_not_a_crash(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder)
    (folder / "c-third.txt").write_text(ASAD.replace("ثلاثة", "أربعة"), encoding="utf-8")
    real = marsad.pipeline.process_article

    def buggy(article, settings, known=None):
        if article.doc_id == "c-third":
            raise IndexError("list index out of range")
        return real(article, settings, known)
    monkeypatch.setattr(marsad.pipeline, "process_article", buggy)

    result = ingest(folder, tmp_path / "marsad.db")

    assert [(f.doc_id, f.reason) for f in result.failures] == [
        ("c-third", "internal error: IndexError: list index out of range")]
    assert_good_stored(tmp_path / "marsad.db")


# --- re-running ----------------------------------------------------------------

@pytest.mark.parametrize("layout", ["folder", "manifest"])
def test_reingest_stores_nothing_new(tmp_path: Path, layout: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder)
    if layout == "manifest":
        write_manifest(folder, "")
    db = tmp_path / "marsad.db"
    first = ingest(folder, db)
    before, ids, data = counts(db), event_ids(db), rows(db, "SELECT * FROM events ORDER BY event_id")

    again = ingest(folder, db)

    assert (first.stored, first.unchanged, first.events) == (2, 0, 2)
    assert (again.stored, again.unchanged, again.failures, again.events) == (0, 2, [], 2)
    assert counts(db) == before
    assert before["documents"] == 2 and before["evidence"] > 0
    assert event_ids(db) == ids
    assert [tuple(r) for r in rows(db, "SELECT * FROM events ORDER BY event_id")] == [tuple(r) for r in data]


def test_reingest_extracts_only_what_changed(tmp_path: Path, monkeypatch) -> None:
    # A watch round reads whole feeds again: a document stored unchanged is not extracted again.
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder)
    db = tmp_path / "marsad.db"
    ingest(folder, db)
    real, extracted = marsad.pipeline.process_doc, []

    def counting(doc, settings):
        extracted.append(doc.doc_id)
        return real(doc, settings)
    monkeypatch.setattr(marsad.pipeline, "process_doc", counting)
    (folder / "b-asad.txt").write_text(ASAD.replace("ثلاثة صواريخ", "خمسة صواريخ"), encoding="utf-8")

    again = ingest(folder, db)

    assert extracted == ["b-asad"]
    assert (again.stored, again.unchanged) == (1, 1)


def test_reingest_with_a_bad_input_keeps_stored_rows(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad_binary(folder)
    db = tmp_path / "marsad.db"
    ingest(folder, db)
    before, ids = counts(db), event_ids(db)

    again = ingest(folder, db)

    assert (again.stored, again.unchanged, [f.doc_id for f in again.failures]) == (0, 2, ["c-binary"])
    assert {t: n for t, n in counts(db).items() if t != "failures"} == {
        t: n for t, n in before.items() if t != "failures"}
    assert event_ids(db) == ids


def test_edited_document_replaces_its_old_reports(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder)
    db = tmp_path / "marsad.db"
    ingest(folder, db)
    (folder / "b-asad.txt").write_text(ASAD.replace("ثلاثة صواريخ", "خمسة صواريخ"), encoding="utf-8")

    result = ingest(folder, db)

    assert (result.stored, result.unchanged) == (1, 1)
    assert counts(db)["documents"] == 2
    with Store(db) as store:
        launched = {e["reports"][0]["doc_id"]: e["munitions"]["launched"] for e in store.events()}
    assert launched["b-asad"] == 5
    assert_evidence_matches_text(db)
    assert_no_orphans(db)


# --- interrupted runs ----------------------------------------------------------

def interrupt_in_on_item(monkeypatch) -> dict:
    """Ctrl-C arrives while the progress callback reports the first stored document."""
    def on_item(item, status):
        if status == "stored":
            raise KeyboardInterrupt
    return {"on_item": on_item}


def interrupt_in_extraction(monkeypatch) -> dict:
    """Ctrl-C arrives while the second document is being extracted."""
    real = marsad.pipeline.process_article

    def slow(article, settings, known=None):
        if article.doc_id == "b-asad":
            raise KeyboardInterrupt
        return real(article, settings, known)
    monkeypatch.setattr(marsad.pipeline, "process_article", slow)
    return {}


def interrupt_while_saving(monkeypatch) -> dict:
    """Ctrl-C arrives after the second document's rows are written but before its commit."""
    real = Store._insert_document

    def killed(self, rows):
        real(self, rows)
        if rows.doc.doc_id == "b-asad":
            raise KeyboardInterrupt
    monkeypatch.setattr(Store, "_insert_document", killed)
    return {}


@pytest.mark.parametrize("interrupt", [interrupt_in_on_item, interrupt_in_extraction, interrupt_while_saving])
def test_interrupted_run_keeps_whole_documents_and_resumes(tmp_path: Path, monkeypatch, interrupt) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder)
    db = tmp_path / "marsad.db"
    clean_db = tmp_path / "clean.db"
    ingest(folder, clean_db)
    # One document per transaction, so the first is stored before the second is interrupted (a larger
    # batch is kept whole or not at all: tests/store/test_rows.py).
    monkeypatch.setattr("marsad.run.STORE_BATCH", 1)

    with monkeypatch.context() as patch:
        kw = interrupt(patch)
        with pytest.raises(KeyboardInterrupt):
            ingest(folder, db, **kw)

    assert [r["doc_id"] for r in rows(db, "SELECT doc_id FROM documents")] == ["a-omar"]
    assert rows(db, "SELECT count(*) AS n FROM reports WHERE doc_id = 'a-omar'")[0]["n"] >= 1
    assert rows(db, "SELECT count(*) AS n FROM evidence WHERE doc_id = 'a-omar'")[0]["n"] >= 1
    assert rows(db, "SELECT count(*) AS n FROM reports WHERE doc_id != 'a-omar'")[0]["n"] == 0
    assert rows(db, "SELECT count(*) AS n FROM evidence WHERE doc_id != 'a-omar'")[0]["n"] == 0
    assert_no_orphans(db)
    assert_evidence_matches_text(db)

    result = ingest(folder, db)

    assert (result.stored, result.unchanged, result.failures) == (1, 1, [])
    assert counts(db) == counts(clean_db)
    assert event_ids(db) == event_ids(clean_db)
    assert_good_stored(db)
    assert_evidence_matches_text(db)


# --- reprocess -----------------------------------------------------------------

def test_reprocess_with_same_rules_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder)
    db = tmp_path / "marsad.db"
    ingest(folder, db)
    before, ids = counts(db), event_ids(db)

    with Store(db) as store:
        diff = reprocess(store, Settings())

    assert diff == {"new": 0, "changed": 0, "gone": 0}
    assert counts(db) == before
    assert event_ids(db) == ids
    assert_evidence_matches_text(db)
