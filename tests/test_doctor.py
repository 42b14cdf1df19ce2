"""marsad doctor: sound stores pass, damaged ones are named."""
from __future__ import annotations

import sqlite3
from pathlib import Path

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
    assert "not a readable SQLite database" in result.output


def test_doctor_notes_reports_waiting_for_a_merge(tmp_path: Path) -> None:
    db = _demo_db(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE reports SET event_id = NULL WHERE rowid = 1")
    result = diagnose(db)
    assert result.ok and any("not merged" in n for n in result.notes)
