"""The store on each backend: the same events from the same reports, named migrations applied
once, idempotent writes, evidence checked, and the CLI working on a postgresql:// URL."""
from __future__ import annotations

import hashlib
import json
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.run import ingest_items, ingest_paths, reprocess
from marsad.settings import Settings
from marsad.store.db import POSTGRESQL, SQLITE, StoreError, connect, ddl, id_list, postgres_sql
from marsad.store.store import Store
from marsad.types import Article, Candidate, Doc, Evidence, Location

DEMO = Path(str(resources.files("marsad") / "demo/samples/manifest.jsonl"))
# Written for these tests.
OMAR = "سقطت خمسة صواريخ على قاعدة حقل العمر في ريف دير الزور اليوم الخميس دون وقوع إصابات."


def doc(doc_id: str, text: str) -> Doc:
    return Doc(doc_id, text, text, hashlib.sha256(text.encode()).hexdigest())


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The demo's events as the SQLite store keeps them: the reference for every backend."""
    with Store(tmp_path_factory.mktemp("ref") / "ref.db") as store:
        ingest_paths(store, [DEMO], Settings())
        return store.events()


def test_demo_gives_the_same_events_on_every_backend(database, sqlite_demo):
    with Store(database) as store:
        result = ingest_paths(store, [DEMO], Settings())
        assert result.failures == [] and result.events == len(sqlite_demo)
        assert store.events() == sqlite_demo  # ids, fields, claims, evidence offsets
        reprocess(store, Settings())
        assert store.events() == sqlite_demo


def test_events_written_a_few_at_a_time_are_the_same_events(database, sqlite_demo, monkeypatch):
    monkeypatch.setattr("marsad.store.store.EVENT_CHUNK", 2)  # the demo's events span many chunks
    with Store(database) as store:
        assert ingest_paths(store, [DEMO], Settings()).events == len(sqlite_demo) > 2 * 2
        assert store.events() == sqlite_demo
        indexed = store.conn.execute("SELECT count(*) FROM event_index").fetchone()[0]
        assert indexed == len(sqlite_demo)


def test_migrations_are_named_and_run_once(database):
    with Store(database) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
        expected = ["0001_core", "0002_search", "0005_incremental_merge", "0006_review_queue", "0007_report_places",
                    "0008_event_probability"]
        assert names == (["0000_postgres_functions"] if store.conn.dialect == POSTGRESQL else []) + expected
        applied = [tuple(r) for r in store.conn.execute("SELECT * FROM schema_migrations ORDER BY name")]
    with Store(database) as store:  # a second open applies nothing again
        assert [tuple(r) for r in store.conn.execute("SELECT * FROM schema_migrations ORDER BY name")] == applied


def _placed(doc_id: str, lat: float, lon: float) -> tuple[Doc, list[Candidate]]:
    """One report dated 2024-05-05 at an invented town at (lat, lon)."""
    d = doc(doc_id, OMAR)
    where = Location(f"town-{doc_id}", doc_id, None, None, "SY", lat, lon, "town")
    return d, [Candidate(doc_id, 0, date=date(2024, 5, 5), date_explicit=True, date_precision="day",
                         location=where)]


def test_a_merge_looks_only_at_reports_near_enough_to_meet(database):
    """Reports in neighbouring map cells on the same day meet only within MEET_KM of each other."""
    with Store(database) as store:
        store.save_document(*_placed("new", 35.01, 40.49))
        store.save_document(*_placed("near", 35.01, 40.76))  # about 25 km east, the next cell
        store.save_document(*_placed("far", 35.49, 40.99))  # about 70 km north-east, the next cell diagonally
        assert store.meeting_reports({"new#0"}) == {"new#0", "near#0"}


def test_reports_of_an_older_store_get_their_places_when_it_is_opened(database):
    with Store(database) as store:
        store.save_document(*_placed("old", 35.01, 40.49))
        before = tuple(store.conn.execute("SELECT cell_x, cell_y, day_lo, day_hi, lat, lon FROM reports").fetchone())
        with store.conn:  # as a marsad before step 0007 left it
            store.conn.execute("ALTER TABLE reports DROP COLUMN lat")
            store.conn.execute("ALTER TABLE reports DROP COLUMN lon")
            store.conn.execute("DELETE FROM schema_migrations WHERE name = '0007_report_places'")
    with Store(database) as store:
        after = tuple(store.conn.execute("SELECT cell_x, cell_y, day_lo, day_hi, lat, lon FROM reports").fetchone())
    assert after == before and before[4:] == (35.01, 40.49)


def test_reingest_and_resave_write_nothing_twice(database):
    articles = [Article("omar", "omar", text=OMAR, outlet="Test", published=None, lang="ar")]
    with Store(database) as store:
        first = ingest_items(store, articles, Settings())
        again = ingest_items(store, articles, Settings())
        assert (first.stored, again.stored, again.unchanged) == (1, 0, 1)
        d = doc("omar", OMAR)
        store.save_document(d, [])
        store.save_document(d, [])
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert store.conn.execute("SELECT count(*) FROM search_docs").fetchone()[0] == 1


def test_evidence_that_does_not_reproduce_the_text_is_refused_and_nothing_is_written(database):
    bad = Candidate("bad", 0, evidence=[Evidence("weapons", 0, 4, "not in the text")])
    with Store(database) as store:
        with pytest.raises(ValueError, match="does not match the text"):
            store.save_document(doc("bad", OMAR), [bad])
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_coordinates_keep_their_precision(database):
    with Store(database) as store:
        ingest_paths(store, [DEMO], Settings())
        event = next(e for e in store.events() if (e.get("location") or {}).get("lat"))
        lat, lon = store.conn.execute("SELECT latitude, longitude FROM events WHERE event_id = ?",
                                      (event["id"],)).fetchone()
    assert (lat, lon) == (event["location"]["lat"], event["location"]["lon"])


def test_cli_runs_on_the_database_it_is_given(database, tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(DEMO), "--db", database, "--quiet"]).exit_code == 0
    out = tmp_path / "events.jsonl"
    exported = runner.invoke(cli, ["export", "--db", database, "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    events = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert events and all(e["reports"] for e in events)
    shown = runner.invoke(cli, ["show", events[0]["id"], "--db", database])
    assert shown.exit_code == 0 and events[0]["id"] in shown.output
    doctor = runner.invoke(cli, ["doctor", "--db", database])
    assert doctor.exit_code == 0, doctor.output


def test_doctor_finds_evidence_that_no_longer_matches(database):
    with Store(database) as store:
        ingest_paths(store, [DEMO], Settings())
        with store.conn:
            store.conn.execute("UPDATE evidence SET text = ? WHERE rowid IN (SELECT rowid FROM evidence LIMIT 1)"
                               if store.conn.dialect == SQLITE else
                               "UPDATE evidence SET text = ? WHERE ctid IN (SELECT ctid FROM evidence LIMIT 1)",
                               ("tampered",))
    result = CliRunner().invoke(cli, ["doctor", "--db", database])
    assert result.exit_code != 0 and "does not reproduce its text" in result.output


def test_an_unreachable_server_is_a_clear_error():
    with pytest.raises(StoreError, match=r"cannot use database postgresql://marsad:\*\*\*@127\.0\.0\.1:9/"):
        Store("postgresql://marsad:secret@127.0.0.1:9/none", timeout=1)


def test_postgres_sql_translates_parameters_and_keeps_percent_signs():
    assert postgres_sql("SELECT ? WHERE a LIKE '%x' AND b = ?") == "SELECT %s WHERE a LIKE '%%x' AND b = %s"


class _Dialect:
    def __init__(self, dialect: str):
        self.dialect = dialect


def test_ddl_widens_types_for_postgresql_and_leaves_sqlite_as_written():
    script = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, x REAL, s TEXT);"
    assert ddl(_Dialect(SQLITE), script) == script
    assert ddl(_Dialect(POSTGRESQL), script) == (
        'CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT, x DOUBLE PRECISION, '
        's TEXT COLLATE "C");')


def test_id_list_is_one_parameter_on_each_backend(database):
    with Store(database) as store:
        store.save_document(doc("a", OMAR), [])
        store.save_document(doc("b", OMAR + " ثانية"), [])
        cond, params = id_list(store.conn, "doc_id", ["b", "zz"])
        assert [r[0] for r in store.conn.execute(f"SELECT doc_id FROM documents WHERE {cond}", params)] == ["b"]
        cond, params = id_list(store.conn, "doc_id", [])
        assert store.conn.execute(f"SELECT count(*) FROM documents WHERE {cond}", params).fetchone()[0] == 0


def test_read_only_connection_refuses_writes(database):
    Store(database).close()
    conn = connect(database, read_only=True)
    try:
        with pytest.raises(conn.errors):
            conn.execute("DELETE FROM documents")
    finally:
        conn.close()
