"""Datasette metadata and the events_readable view: every column described, counts that match the tables."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.run import ingest_items
from marsad.settings import Settings
from marsad.store.datasette import datasette_metadata
from marsad.store.store import Store
from marsad.types import Article

RELATIONS = ("documents", "reports", "evidence", "events", "failures", "events_readable", "audit", "event_index",
             "event_places", "search_docs", "dirty_events", "merge_from")
# Two outlets on one attack (written for this test): one event, two reports, two documents.
TWO_OUTLETS = {
    "rukban-a": "أطلقت الميليشيات الموالية لإيران أربعة صواريخ على قاعدة التنف اليوم الخميس.",
    "rukban-b": "سقطت أربعة صواريخ على قاعدة التنف التي تتمركز فيها القوات الأمريكية اليوم الخميس.",
}


def columns(db: Path, relation: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({relation})")]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("datasette") / "marsad.db"
    with Store(path) as store:
        ingest_items(store, [Article(d, d, text=t, outlet=d[-1].upper(), published=date(2024, 1, 4), lang="ar")
                             for d, t in TWO_OUTLETS.items()], Settings())
    return path


@pytest.mark.parametrize("relation", RELATIONS)
def test_every_column_is_described(store_path: Path, relation: str) -> None:
    described = datasette_metadata()["databases"]["marsad"]["tables"][relation]["columns"]
    assert sorted(described) == sorted(columns(store_path, relation))
    assert all(text.strip() for text in described.values())


@pytest.mark.parametrize("db, name", [("marsad.db", "marsad"), ("data/events-2024.db", "events-2024")])
def test_database_is_keyed_by_file_stem_as_datasette_names_it(db: str, name: str) -> None:
    assert list(datasette_metadata(db)["databases"]) == [name]


def test_view_counts_reports_documents_and_evidence(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.row_factory = sqlite3.Row
    try:
        view = conn.execute("SELECT * FROM events_readable").fetchall()
        spans = conn.execute("SELECT text FROM evidence WHERE field = 'location'").fetchall()
        n_evidence = conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
    finally:
        conn.close()
    assert [r["text"] for r in spans] == ["قاعدة التنف", "قاعدة التنف"]
    assert [(r["location"], r["n_reports"], r["n_documents"], r["n_evidence"]) for r in view] == \
        [("Al-Tanf garrison", 2, 2, n_evidence)]


def test_command_writes_the_metadata_file(tmp_path: Path) -> None:
    out = tmp_path / "metadata.json"
    result = CliRunner().invoke(cli, ["datasette-metadata", "--db", "store.db", "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["title"].startswith("marsad")
    tables = written["databases"]["store"]["tables"]
    assert {name for name, meta in tables.items() if not meta.get("hidden")} == set(RELATIONS)
    assert all(name.startswith("documents_fts") for name, meta in tables.items() if meta.get("hidden"))
