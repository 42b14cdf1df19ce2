"""marsad doctor: sound stores pass, damaged ones are named."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.doctor import diagnose


def _demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    assert CliRunner().invoke(cli, ["demo", "--db", str(db)]).exit_code == 0
    return db


def test_doctor_passes_a_fresh_store(tmp_path: Path) -> None:
    result = diagnose(_demo_db(tmp_path))
    assert result.ok, result.problems
    assert result.checked["evidence"] > 0


def test_doctor_names_an_evidence_span_that_no_longer_matches(tmp_path: Path) -> None:
    db = _demo_db(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE evidence SET text = 'شيء آخر' WHERE rowid = 1")
    result = diagnose(db)
    assert any("does not reproduce its text" in p for p in result.problems)


def test_doctor_reports_orphan_reports(tmp_path: Path) -> None:
    db = _demo_db(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM documents WHERE doc_id = (SELECT doc_id FROM reports LIMIT 1)")
    assert any("reports without their document" in p for p in diagnose(db).problems)


def test_doctor_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("ليس قاعدة بيانات", encoding="utf-8")
    result = CliRunner().invoke(cli, ["doctor", "--db", str(bad)])
    assert result.exit_code == 1
    assert f"database {bad}: it is not a SQLite database" in result.output


def test_doctor_notes_reports_waiting_for_a_merge(tmp_path: Path) -> None:
    db = _demo_db(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE reports SET event_id = NULL WHERE rowid = 1")
    result = diagnose(db)
    assert result.ok and any("not merged" in n for n in result.notes)


def test_doctor_lists_a_damaged_page_on_a_line_of_its_own(tmp_path: Path) -> None:
    db = _demo_db(tmp_path)
    with closing(sqlite3.connect(db)) as conn:
        try:
            page = conn.execute("SELECT pageno FROM dbstat WHERE name = 'documents' AND pagetype = 'overflow' "
                                "ORDER BY pageno LIMIT 1").fetchone()[0]
        except sqlite3.OperationalError:
            pytest.skip("this SQLite is built without the dbstat table that finds a text's overflow page")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(db, "r+b") as f:  # an overflow page starts with the number of the next one: point past the file
        f.seek((page - 1) * size)
        f.write((10**6).to_bytes(4, "big"))
    problems = diagnose(db).problems
    # SQLite reports it as "*** in database main ***" and the page on a second line of one row
    assert problems[0].startswith("SQLite integrity check: On tree page ")
    assert problems[0].endswith("invalid page number 1000000")
    assert not any("***" in p or "\n" in p for p in problems)
