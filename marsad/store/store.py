"""The store: documents, their reports (one per extracted incident), events, failures.

In a SQLite file or a PostgreSQL database (marsad.store.db), with the same
schema and the same SQL. One transaction per document: a kill mid-run leaves
every document either fully stored or absent, and re-running the ingest skips
what is already there (same doc_id and same cleaned-text hash).
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import astuple
from itertools import islice
from collections.abc import Iterable, Iterator
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from marsad.clean.normalize import fold
from marsad.search import fts
from marsad.store.codec import candidate_from_json
from marsad.store.db import POSTGRESQL, Row, StoreError, cannot_use, connect, id_list, migrate, prepare, stream
from marsad.merge.cluster import MAX_SPAN_DAYS, NEIGHBOURS, UNDATED, block_of
from marsad.merge.compat import MEET_KM
from marsad.resolve.geo import km
from marsad.store.rows import DATA, REPORT_COLUMNS, DocumentRows, document_rows, report_id, report_rows
from marsad.types import Candidate, Doc, Failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT, url TEXT, outlet TEXT, published TEXT, lang TEXT, title TEXT,
    raw TEXT NOT NULL, text TEXT NOT NULL, sha TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,           -- doc_id + anchor offset: stable for the same text
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    anchor INTEGER NOT NULL,
    role TEXT NOT NULL,
    event_id TEXT,
    date TEXT, sub_event_type TEXT, place TEXT, attacker TEXT, target_actor TEXT,
    data TEXT NOT NULL                    -- the full candidate as JSON
);
CREATE INDEX IF NOT EXISTS reports_event ON reports(event_id);
CREATE INDEX IF NOT EXISTS reports_date ON reports(date);
CREATE TABLE IF NOT EXISTS evidence (
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL,
    field TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, rule TEXT
);
CREATE INDEX IF NOT EXISTS evidence_report ON evidence(report_id);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    date TEXT, date_precision TEXT, sub_event_type TEXT, weapons TEXT,
    location TEXT, admin1 TEXT, country TEXT, latitude REAL, longitude REAL,
    attacker TEXT, target_actor TEXT, attribution TEXT,
    launched INTEGER, killed INTEGER, injured INTEGER,
    n_reports INTEGER, outlets TEXT,
    data TEXT NOT NULL                    -- the exported record as JSON
);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT, source TEXT, reason TEXT NOT NULL, at TEXT NOT NULL
);
-- Analyst review (marsad.review): every action, who took it and why. The current corrections,
-- rejections, merges and splits are read back from it, so the log cannot disagree with the data.
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL, who TEXT NOT NULL,
    action TEXT NOT NULL,                 -- confirm | correct | reject | unreject | merge | split
    event_id TEXT NOT NULL,               -- the event acted on (a merge: the surviving event)
    field TEXT, value TEXT,               -- correct: the field and its new value as JSON; merge: report ids
    why TEXT NOT NULL,
    report_id TEXT,                       -- split: the report moved out
    other_event_id TEXT                   -- merge: the event absorbed; split: the new event
);
CREATE INDEX IF NOT EXISTS audit_event ON audit(event_id);
CREATE INDEX IF NOT EXISTS audit_other_event ON audit(other_event_id);
-- Filter columns of each event, folded like EventFilter compares them, so the workbench
-- filters a large store in SQL (marsad.serve.queries) instead of loading every record.
CREATE TABLE IF NOT EXISTS event_index (
    event_id TEXT PRIMARY KEY,
    date TEXT, day_from TEXT, day_to TEXT,
    place_id TEXT, place_name TEXT, place_name_ar TEXT, admin1 TEXT, country TEXT,
    attacker TEXT, target_actor TEXT, sub_event_type TEXT,
    weapons TEXT,                         -- ",rocket,drone,"
    rejected INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS event_index_date ON event_index(rejected, date, event_id, day_to, day_from);
CREATE INDEX IF NOT EXISTS event_index_days ON event_index(rejected, day_to, day_from);
CREATE INDEX IF NOT EXISTS event_index_admin1 ON event_index(admin1, rejected, date, event_id);
CREATE INDEX IF NOT EXISTS event_index_country ON event_index(country, rejected, date, event_id);
CREATE INDEX IF NOT EXISTS event_index_type ON event_index(sub_event_type, rejected, date, event_id);
CREATE INDEX IF NOT EXISTS event_index_attacker ON event_index(attacker, rejected, date, event_id);
CREATE INDEX IF NOT EXISTS event_index_target ON event_index(target_actor, rejected, date, event_id);
CREATE INDEX IF NOT EXISTS event_index_place ON event_index(place_id, rejected, date, event_id);
-- Every place an event has been at: a place-name search tests these few rows, then looks up events by id.
CREATE TABLE IF NOT EXISTS event_places (
    place_id TEXT, place_name TEXT, place_name_ar TEXT, admin1 TEXT,
    PRIMARY KEY (place_id, place_name, place_name_ar, admin1)
);
CREATE INDEX IF NOT EXISTS reports_doc ON reports(doc_id, event_id);
-- For browsing in Datasette: each event with how many reports, documents and evidence spans back it.
CREATE VIEW IF NOT EXISTS events_readable AS
SELECT e.event_id, e.date, e.date_precision, e.sub_event_type, e.weapons,
       e.location, e.admin1, e.country, e.latitude, e.longitude,
       e.attacker, e.target_actor, e.attribution, e.launched, e.killed, e.injured,
       (SELECT count(*) FROM reports r WHERE r.event_id = e.event_id) AS n_reports,
       (SELECT count(DISTINCT r.doc_id) FROM reports r WHERE r.event_id = e.event_id) AS n_documents,
       (SELECT count(*) FROM evidence v JOIN reports r USING (report_id)
         WHERE r.event_id = e.event_id) AS n_evidence,
       e.outlets
FROM events e;
"""


# Incremental merging (marsad.merge.region): each report's block, the events a stored or
# re-extracted document left behind, and when each event was first stored and last changed.
MERGE_SCHEMA = """
ALTER TABLE reports ADD COLUMN cell_x INTEGER;
ALTER TABLE reports ADD COLUMN cell_y INTEGER;
ALTER TABLE reports ADD COLUMN day_lo TEXT;
ALTER TABLE reports ADD COLUMN day_hi TEXT;
CREATE INDEX IF NOT EXISTS reports_block ON reports(cell_x, cell_y, day_lo);
CREATE TABLE IF NOT EXISTS dirty_events (event_id TEXT PRIMARY KEY);
-- Where in merging order (publication day, document) a replaced document stood: a merge replays from there.
CREATE TABLE IF NOT EXISTS merge_from (id INTEGER PRIMARY KEY AUTOINCREMENT, published TEXT, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_order ON documents(published, doc_id);
ALTER TABLE events ADD COLUMN first_seen TEXT;
ALTER TABLE events ADD COLUMN changed_at TEXT;
CREATE INDEX IF NOT EXISTS events_changed ON events(changed_at);
ALTER TABLE event_index ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;
"""
# Each report's coordinates, so a merge looks only at reports near enough to meet (marsad.merge.compat.near).
PLACE_SCHEMA = """
ALTER TABLE reports ADD COLUMN lat REAL;
ALTER TABLE reports ADD COLUMN lon REAL;
"""
# The review queue (marsad.serve): unchecked events, least certain first, read from the index alone.
QUEUE_SCHEMA = """
ALTER TABLE event_index ADD COLUMN confidence REAL;
CREATE INDEX IF NOT EXISTS event_index_queue ON event_index(reviewed, rejected, confidence, date, event_id);
"""
# The learned probability (marsad.export.probability) beside the confidence. Events an older marsad stored have
# none: they are left to merge again, so the next ingest or reprocess gives them one.
PROBABILITY_SCHEMA = """
ALTER TABLE event_index ADD COLUMN probability REAL;
INSERT INTO dirty_events SELECT event_id FROM events WHERE true ON CONFLICT DO NOTHING;
"""
EVENT_COLUMNS = ("event_id", "date", "date_precision", "sub_event_type", "weapons", "location", "admin1", "country",
                 "latitude", "longitude", "attacker", "target_actor", "attribution", "launched", "killed", "injured",
                 "n_reports", "outlets", "data", "first_seen", "changed_at")
INDEX_COLUMNS = ("event_id", "date", "day_from", "day_to", "place_id", "place_name", "place_name_ar", "admin1",
                 "country", "attacker", "target_actor", "sub_event_type", "weapons", "rejected", "reviewed",
                 "confidence", "probability")


# How many accounts the document of report ``r`` holds (the event probability weighs it), read beside the report.
ACCOUNTS_IN_DOC = "(SELECT count(*) FROM reports a WHERE a.doc_id = r.doc_id) AS accounts_in_doc"


def report_meta(row) -> dict:
    """What an event record needs of a report's document (marsad.export.record.event_record's ``meta``)."""
    return {"outlet": row["outlet"], "published": row["published"], "accounts_in_doc": row["accounts_in_doc"]}


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


INSERT_REPORT = _insert("reports", REPORT_COLUMNS)
INSERT_EVENT = _insert("events", EVENT_COLUMNS)
INSERT_INDEX = _insert("event_index", INDEX_COLUMNS)

__all__ = ["Store", "StoreError", "report_id"]

# PostgreSQL advisory lock classes (the first key): a merge, and one document being stored. Advisory
# locks belong to the database, so the second key names the store's schema: stores in two schemas
# of one database never wait for each other.
MERGE_LOCK, DOCUMENT_LOCK = 0x6D617273, 0x6D617274
EVENT_CHUNK = 500  # event records built and written at a time by a merge


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """A marsad database: a SQLite file (a path) or a PostgreSQL database (a postgresql:// URL)."""

    def __init__(self, path: str | Path, timeout: float | None = None):
        self.path = str(path)
        self.conn = connect(self.path, timeout)
        try:
            prepare(self.conn)
            migrate(self.conn, "0001_core", SCHEMA)
            backfill = migrate(self.conn, "0005_incremental_merge", MERGE_SCHEMA)
            if migrate(self.conn, "0006_review_queue", QUEUE_SCHEMA):
                self._backfill_confidence()
            if migrate(self.conn, "0007_report_places", PLACE_SCHEMA) or backfill:
                self._backfill_blocks()
            migrate(self.conn, "0008_event_probability", PROBABILITY_SCHEMA)
            fts.ensure_schema(self.conn)
        except self.conn.errors as exc:
            self.conn.close()
            raise cannot_use(self.conn.name, exc) from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _backfill_blocks(self) -> None:
        """Blocks of the reports an older marsad stored (before incremental merging, or before their places)."""
        rows = self.conn.execute("SELECT report_id, data FROM reports").fetchall()
        blocks = [(*astuple(b), r["report_id"]) for r in rows
                  if (b := block_of(candidate_from_json(json.loads(r["data"])))) is not None]
        with self.conn:
            self.conn.executemany("UPDATE reports SET cell_x = ?, cell_y = ?, day_lo = ?, day_hi = ?, lat = ?, "
                                  "lon = ? WHERE report_id = ?", blocks)

    def _backfill_confidence(self) -> None:
        """The index's confidence of the events a marsad before the review queue stored."""
        rows = self.conn.execute("SELECT event_id, data FROM events").fetchall()
        with self.conn:
            self.conn.executemany("UPDATE event_index SET confidence = ? WHERE event_id = ?",
                                  [(json.loads(r["data"]).get("confidence"), r["event_id"]) for r in rows])

    # documents and reports -------------------------------------------------
    def has_document(self, doc_id: str, sha: str | None = None) -> bool:
        row = self.conn.execute("SELECT sha FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row is not None and (sha is None or row["sha"] == sha)

    def save_document(self, doc: Doc, candidates: list[Candidate]) -> None:
        """Store a document and its reports in one transaction, replacing an older version."""
        self.save_documents([document_rows(doc, candidates)])

    def save_documents(self, batch: list[DocumentRows]) -> None:
        """Store several documents, built elsewhere (``marsad.store.rows``), in one transaction:
        a kill leaves all of them or none, and one commit costs less than one per document.

        Another process may be storing the same document at the same time (two `marsad watch`
        on one PostgreSQL store): each document is locked, then skipped if it is now there."""
        with self.conn:
            for rows in batch:
                if self.conn.dialect == POSTGRESQL:
                    self.conn.execute("SELECT pg_advisory_xact_lock(?, hashtext(coalesce(current_schema(), '') || ?))",
                                      (DOCUMENT_LOCK, rows.doc.doc_id))
                    if self.has_document(rows.doc.doc_id, rows.doc.sha):
                        continue
                self._insert_document(rows)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """One transaction that no other process's ``exclusive`` runs beside: a merge reads the
        store, then writes what it read, and two merges at once would each undo the other."""
        with self.conn:
            if self.conn.dialect == POSTGRESQL:
                self.conn.execute("SELECT pg_advisory_xact_lock(?, hashtext(coalesce(current_schema(), '')))",
                                  (MERGE_LOCK,))
            elif not self.conn.in_transaction:  # SQLite: take the write lock now, not at the first write
                self.conn.execute("BEGIN IMMEDIATE")
            yield

    def _insert_document(self, rows: DocumentRows) -> None:
        """Insert a document, or replace a changed one: its reports that come back unchanged keep
        their event, so appending a sentence to a report does not renew its event's id. (A report
        that changed may now tell another incident: it is merged afresh.)"""
        doc = rows.doc
        kept = self._event_ids_of(doc.doc_id, unchanged_in=rows.reports)
        self._mark_dirty_of(doc.doc_id)
        self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
        self.conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (doc.doc_id, doc.source, doc.url, doc.outlet,
             doc.published.isoformat() if doc.published else None, doc.lang, doc.title,
             doc.raw, doc.text, doc.sha, _now()))
        fts.index_document(self.conn, doc.doc_id, doc.text, body=rows.search_body)
        self._insert_report_rows(rows.reports, rows.evidence)
        self._restore_event_ids(kept)

    def replace_reports(self, doc: Doc, candidates: list[Candidate]) -> None:
        """Re-extraction of a stored document: new reports, same document row.

        A report that comes back with the same id keeps its event, so re-merging
        keeps event ids, and the analyst corrections keyed by them, across `marsad reprocess`.
        """
        with self.conn:
            kept = self._event_ids_of(doc.doc_id)
            self._mark_dirty_of(doc.doc_id)
            self.conn.execute("DELETE FROM reports WHERE doc_id = ?", (doc.doc_id,))
            self._insert_reports(doc, candidates)
            self._restore_event_ids(kept)

    def _event_ids_of(self, doc_id: str, unchanged_in: list[tuple] | None = None) -> list[tuple[str, str]]:
        """(event_id, report_id) of the document's merged reports, to give back after they are rewritten;
        with ``unchanged_in`` (new report rows), only of the reports whose stored data stays the same."""
        rows = self.conn.execute("SELECT report_id, event_id, data FROM reports WHERE doc_id = ? "
                                 "AND event_id IS NOT NULL", (doc_id,)).fetchall()
        if unchanged_in is not None:
            new_data = {row[0]: row[DATA] for row in unchanged_in}
            rows = [r for r in rows if new_data.get(r["report_id"]) == r["data"]]
        return [(r["event_id"], r["report_id"]) for r in rows]

    def _mark_dirty_of(self, doc_id: str) -> None:
        """The events of a document about to be replaced are merged again, with or without it
        (its outlet or day may have changed even where its reports did not)."""
        self.conn.execute("INSERT INTO dirty_events SELECT DISTINCT event_id FROM reports "
                          "WHERE doc_id = ? AND event_id IS NOT NULL ON CONFLICT DO NOTHING", (doc_id,))
        self.conn.execute("INSERT INTO merge_from (published, doc_id) SELECT published, doc_id FROM documents "
                          "WHERE doc_id = ?", (doc_id,))

    def mark_dirty(self, event_ids: Iterable[str]) -> None:
        """These events are merged again by the next merge (an analyst's merge or split)."""
        with self.conn:
            self.conn.executemany("INSERT INTO dirty_events VALUES (?) ON CONFLICT DO NOTHING",
                                  [(eid,) for eid in event_ids])

    def _restore_event_ids(self, kept: list[tuple[str, str]]) -> None:
        self.conn.executemany("UPDATE reports SET event_id = ? WHERE report_id = ?", kept)

    def _insert_reports(self, doc: Doc, candidates: list[Candidate]) -> None:
        self._insert_report_rows(*report_rows(doc, candidates))

    def _insert_report_rows(self, reports: list[tuple], evidence: list[tuple]) -> None:
        self.conn.executemany(INSERT_REPORT, reports)
        self.conn.executemany("INSERT INTO evidence VALUES (?,?,?,?,?,?,?)", evidence)

    def record_failure(self, failure: Failure) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO failures (doc_id, source, reason, at) VALUES (?,?,?,?)",
                              (failure.doc_id, failure.source, failure.reason, _now()))

    def failures(self) -> list[Row]:
        return self.conn.execute("SELECT * FROM failures ORDER BY id").fetchall()

    def document(self, doc_id: str) -> Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()

    def documents(self) -> Iterator[Doc]:
        for row in self.conn.execute("SELECT * FROM documents ORDER BY doc_id"):
            yield Doc(row["doc_id"], row["text"], row["raw"], row["sha"], row["url"], row["outlet"],
                      date.fromisoformat(row["published"]) if row["published"] else None,
                      row["lang"], row["title"], row["source"])

    def reports(self, ids: set[str] | None = None) -> list[tuple[str, Candidate, dict[str, str | None]]]:
        """The stored reports (those in ``ids``, or all) as (report_id, candidate, its document's outlet and
        publication day), in the stable order merging reads them in. The rows are read one at a time and
        their JSON dropped once decoded: a full merge holds every report, so this is what its memory grows with."""
        where, params = id_list(self.conn, "r.report_id", sorted(ids)) if ids is not None else ("true", [])
        rows = self.conn.execute(
            f"SELECT r.report_id, r.data, d.outlet, d.published, {ACCOUNTS_IN_DOC} FROM reports r "
            f"JOIN documents d USING (doc_id) WHERE {where} ORDER BY d.published NULLS LAST, r.doc_id, r.anchor", params)
        return [(r["report_id"], candidate_from_json(json.loads(r["data"])), report_meta(r)) for r in rows]

    # events ------------------------------------------------------------------
    def existing_event_ids(self, ids: set[str] | None = None) -> dict[str, str]:
        """report_id → event_id as last merged (of the reports in ``ids``, or all), so ids survive re-merging."""
        where, params = id_list(self.conn, "report_id", sorted(ids)) if ids is not None else ("true", [])
        return {r["report_id"]: r["event_id"] for r in self.conn.execute(
            f"SELECT report_id, event_id FROM reports WHERE event_id IS NOT NULL AND {where}", params)}

    def count_events(self) -> int:
        return self.conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def event_id_in_use(self, event_id: str) -> bool:
        """Does a stored report carry this event id (a new event may not take it)?"""
        return self.conn.execute("SELECT 1 FROM reports WHERE event_id = ? LIMIT 1", (event_id,)).fetchone() is not None

    # incremental merging: what a merge must look at again ----------------------
    def reports_of_events(self, event_ids: set[str]) -> set[str]:
        where, params = id_list(self.conn, "event_id", sorted(event_ids))
        return {r[0] for r in self.conn.execute(f"SELECT report_id FROM reports WHERE {where}", params)}

    def event_ids_of(self, report_ids: set[str]) -> set[str]:
        where, params = id_list(self.conn, "report_id", sorted(report_ids))
        return {r[0] for r in self.conn.execute(
            f"SELECT DISTINCT event_id FROM reports WHERE event_id IS NOT NULL AND {where}", params)}

    def sharing_reports(self, report_ids: set[str]) -> set[str]:
        """The reports that share a document or a stored event with one of ``report_ids``."""
        where, params = id_list(self.conn, "report_id", sorted(report_ids))
        rows = self.conn.execute(f"SELECT doc_id, event_id FROM reports WHERE {where}", params).fetchall()
        out: set[str] = set()
        for column in ("doc_id", "event_id"):
            values = sorted({r[column] for r in rows if r[column] is not None})
            if values:
                where, params = id_list(self.conn, column, values)
                out.update(r[0] for r in self.conn.execute(f"SELECT report_id FROM reports WHERE {where}", params))
        return out

    def meeting_reports(self, report_ids: set[str]) -> set[str]:
        """The reports that could meet one of ``report_ids`` in a merge: overlapping day spans and places
        within MEET_KM (marsad.merge.cluster.Block), looked up by neighbouring map cell."""
        where, params = id_list(self.conn, "report_id", sorted(report_ids))
        rows = self.conn.execute(f"SELECT cell_x, cell_y, day_lo, day_hi, lat, lon FROM reports WHERE {where}",
                                 params)
        around: dict[tuple[int, int], list[tuple[str, str, float, float]]] = defaultdict(list)
        for r in rows:
            if r["cell_x"] is not None:
                for dx, dy in NEIGHBOURS:
                    around[(r["cell_x"] + dx, r["cell_y"] + dy)].append((r["day_lo"], r["day_hi"], r["lat"], r["lon"]))
        out: set[str] = set()
        for (x, y), mine in around.items():
            for lo, hi in _merged([(a, b) for a, b, _, _ in mine]):
                earliest = lo if lo == UNDATED else (date.fromisoformat(lo) - timedelta(days=MAX_SPAN_DAYS)).isoformat()
                out.update(r[0] for r in self.conn.execute(
                    "SELECT report_id, day_lo, day_hi, lat, lon FROM reports WHERE cell_x = ? AND cell_y = ? "
                    "AND day_lo >= ? AND day_lo <= ? AND day_hi >= ?", (x, y, earliest, hi, lo))
                    if any(r[1] <= b and a <= r[2] and km((r[3], r[4]), (lat, lon)) <= MEET_KM
                           for a, b, lat, lon in mine))
        return out

    def replay_start(self) -> tuple[tuple[str | None, str] | None, int]:
        """(the earliest (publication day, document) in merging order that changed: a report never merged,
        or a replaced document's old place; None if none) and the last merge_from row read."""
        keys = [(r["published"], r["doc_id"]) for r in self.conn.execute(
            "SELECT DISTINCT d.published, d.doc_id FROM reports r JOIN documents d USING (doc_id) "
            "WHERE r.event_id IS NULL")]
        marks = self.conn.execute("SELECT id, published, doc_id FROM merge_from").fetchall()
        keys += [(r["published"], r["doc_id"]) for r in marks]
        start = min(keys, key=lambda k: (k[0] is None, k[0] or "", k[1]), default=None)
        return start, max((r["id"] for r in marks), default=0)

    def reports_from(self, start: tuple[str | None, str]) -> set[str]:
        """The reports of every document at or after ``start`` in merging order (publication day, then
        document id; undated documents last, so that one does not make every later merge replay the
        store): those a merge clusters again in order."""
        published, doc_id = start
        if published is None:
            where, params = "d.published IS NULL AND d.doc_id >= ?", (doc_id,)
        else:
            where, params = ("d.published > ? OR (d.published = ? AND d.doc_id >= ?) OR d.published IS NULL",
                             (published, published, doc_id))
        return {r[0] for r in self.conn.execute(
            f"SELECT r.report_id FROM reports r JOIN documents d USING (doc_id) WHERE {where}", params)}

    def replace_events(self, events: Iterable[dict], membership: dict[str, str]) -> int:
        """A full merge: every event is written anew with each report's event, in one transaction;
        how many were written. ``events`` is consumed a chunk at a time, so a merge never holds
        every event record and its stored rows at once."""
        with self.conn:
            seen = self._seen(None)
            for table in ("events", "event_index", "dirty_events", "merge_from"):
                self.conn.execute(f"DELETE FROM {table}")
            self.conn.execute("UPDATE reports SET event_id = NULL")
            return self._write_events(events, membership, seen)

    def replace_some_events(self, events: Iterable[dict], membership: dict[str, str], replaced: set[str],
                            done: set[str], replayed_to: int = 0) -> int:
        """An incremental merge: the events in ``replaced`` (those the re-clustered reports were in)
        give way to ``events``, which are written only where they changed; the events ``done``
        leave the dirty list, and the replay marks up to ``replayed_to``; every other event stays as
        it is. How many were written."""
        with self.conn:
            seen = self._seen(replaced)
            self.conn.executemany("UPDATE reports SET event_id = ? WHERE report_id = ?",
                                  [(eid, rid) for rid, eid in membership.items()])
            written = self._write_events(events, {}, seen, replace=True)
            for table in ("events", "event_index"):
                self.conn.executemany(f"DELETE FROM {table} WHERE event_id = ?", [(eid,) for eid in seen])
            self.conn.executemany("DELETE FROM dirty_events WHERE event_id = ?", [(eid,) for eid in done])
            self.conn.execute("DELETE FROM merge_from WHERE id <= ?", (replayed_to,))
        return written

    def _seen(self, ids: set[str] | None) -> dict[str, tuple[str | None, str | None, bytes]]:
        """event_id → (first_seen, changed_at, digest of the record) of the stored events in ``ids``
        (all when None), so a rewritten event keeps its first day and an unchanged one its last change."""
        if ids is None:
            rows: Iterable[Row] = self.conn.execute("SELECT event_id, first_seen, changed_at, data FROM events")
        else:
            where, params = id_list(self.conn, "event_id", sorted(ids))
            rows = self.conn.execute(f"SELECT event_id, first_seen, changed_at, data FROM events WHERE {where}", params)
        return {r["event_id"]: (r["first_seen"], r["changed_at"], _digest(r["data"])) for r in rows}

    def _write_events(self, events: Iterable[dict], membership: dict[str, str],
                      seen: dict[str, tuple[str | None, str | None, bytes]], replace: bool = False) -> int:
        """Insert the events (chunk by chunk) with their times; with ``replace``, an event that is in
        ``seen`` unchanged is left as stored, and every event written or kept leaves ``seen``, so
        that what remains there is what the caller deletes."""
        now, written = _now(), 0
        self.conn.executemany("UPDATE reports SET event_id = ? WHERE report_id = ?",
                              [(eid, rid) for rid, eid in membership.items()])
        events = iter(events)
        while chunk := list(islice(events, EVENT_CHUNK)):
            rows, index = [], []
            for e in chunk:
                data = json.dumps(e, ensure_ascii=False)
                stored = seen.pop(e["id"], None)
                first, changed, digest = stored or (None, None, b"")
                unchanged = digest == _digest(data)
                if replace and stored is not None:
                    if unchanged:
                        continue
                    self.conn.execute("DELETE FROM events WHERE event_id = ?", (e["id"],))
                    self.conn.execute("DELETE FROM event_index WHERE event_id = ?", (e["id"],))
                rows.append(_event_row(e, data, first or now, changed if unchanged and changed else now))
                index.append(_index_row(e))
            self.conn.executemany(INSERT_EVENT, rows)
            self.conn.executemany(INSERT_INDEX, index)
            if replace:
                self.conn.executemany(_REMEMBER_PLACES.format("event_id = ?"), [(r[0],) for r in rows])
            written += len(rows)
        if not replace:
            self.conn.execute(_REMEMBER_PLACES.format("true"))
        return written

    def update_event(self, event: dict) -> None:
        """Rewrite one event's record (after an analyst correction), keeping its reports and first day."""
        with self.conn:
            first, _, _ = self._seen({event["id"]}).get(event["id"], (None, None, b""))
            self.conn.execute("DELETE FROM events WHERE event_id = ?", (event["id"],))
            self.conn.execute("DELETE FROM event_index WHERE event_id = ?", (event["id"],))
            self.conn.execute(INSERT_EVENT, _event_row(event, json.dumps(event, ensure_ascii=False),
                                                       first or _now(), _now()))
            self.conn.execute(INSERT_INDEX, _index_row(event))
            self.conn.execute(_REMEMBER_PLACES.format("event_id = ?"), (event["id"],))

    def dirty_event_ids(self) -> set[str]:
        return {r["event_id"] for r in self.conn.execute("SELECT event_id FROM dirty_events")}

    def reindex_events(self) -> int:
        """Fill event_index for events stored before it existed (a database from an older marsad)."""
        rows = self.conn.execute("SELECT data FROM events e WHERE NOT EXISTS "  # not NOT IN: see fts.backfill
                                 "(SELECT 1 FROM event_index i WHERE i.event_id = e.event_id)").fetchall()
        with self.conn:
            self.conn.executemany(INSERT_INDEX, [_index_row(json.loads(r["data"])) for r in rows])
            self.conn.execute(_REMEMBER_PLACES.format("true"))
        return len(rows)

    def events(self, include_rejected: bool = False) -> list[dict]:
        """Every event in date order; those an analyst rejected only when asked for."""
        return list(self.iter_events(include_rejected))

    def iter_events(self, include_rejected: bool = False) -> Iterator[dict]:
        """``events``, read a batch of rows at a time (an export of a million events holds a few)."""
        where = "" if include_rejected else \
            "WHERE event_id NOT IN (SELECT event_id FROM event_index WHERE rejected = 1) "
        for r in stream(self.conn, f"SELECT data FROM events {where}ORDER BY date NULLS FIRST, event_id"):
            yield json.loads(r["data"])

    def event(self, event_id: str) -> dict | None:
        row = self.conn.execute("SELECT data FROM events WHERE event_id = ?", (event_id,)).fetchone()
        return json.loads(row["data"]) if row else None

    def event_ids_starting(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` event ids that begin with ``prefix`` (an id shortened by hand), in id order."""
        rows = self.conn.execute("SELECT event_id FROM events WHERE substr(event_id, 1, ?) = ? "
                                 "ORDER BY event_id LIMIT ?", (len(prefix), prefix, limit))
        return [r["event_id"] for r in rows]


def _total(casualties: list[dict], key: str) -> int | None:
    vals = [c[key] for c in casualties if c.get(key) is not None]
    return sum(vals) if vals else None


def _merged(spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Overlapping day spans joined, so a busy cell is looked up once per run of days."""
    out: list[tuple[str, str]] = []
    for lo, hi in sorted(set(spans)):
        if out and lo <= out[-1][1] and (lo == UNDATED) == (out[-1][0] == UNDATED):
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _digest(data: str) -> bytes:
    return hashlib.sha1(data.encode("utf-8")).digest()


def _event_row(e: dict, data: str, first_seen: str, changed_at: str) -> tuple:
    loc = e.get("location") or {}
    outlets = sorted({r.get("outlet") or "" for r in e["reports"]} - {""})
    return (e["id"], e.get("date"), e.get("date_precision"), e.get("sub_event_type"),
            ", ".join(e.get("weapons") or []), loc.get("name"), loc.get("admin1"), loc.get("country"),
            loc.get("lat"), loc.get("lon"), e.get("attacker"), e.get("target_actor"), e.get("attribution"),
            (e.get("munitions") or {}).get("launched"), _total(e.get("casualties") or [], "killed"),
            _total(e.get("casualties") or [], "injured"), len(e["reports"]), "; ".join(outlets),
            data, first_seen, changed_at)


# WHERE before ON CONFLICT, always: SQLite would read the ON of "FROM t ON CONFLICT" as a join's.
_REMEMBER_PLACES = ("INSERT INTO event_places "
                    "SELECT DISTINCT place_id, place_name, place_name_ar, admin1 FROM event_index WHERE {} "
                    "ON CONFLICT DO NOTHING")


def _index_row(e: dict) -> tuple:
    """event_index row: the values EventFilter compares, folded the way it folds them."""
    loc = e.get("location") or {}
    span = e.get("date_range") or ([e["date"], e["date"]] if e.get("date") else [None, None])
    return (e["id"], e.get("date"), span[0], span[1],
            *(fold(loc.get(k) or "") for k in ("id", "name", "name_ar", "admin1", "country")),
            fold(e.get("attacker") or ""), fold(e.get("target_actor") or ""), fold(e.get("sub_event_type") or ""),
            "," + ",".join(fold(w) for w in e.get("weapons") or []) + ",",
            int(bool((e.get("review") or {}).get("rejected"))), int(bool((e.get("review") or {}).get("reviewed"))),
            e.get("confidence"), e.get("probability"))
