"""The store: documents, their reports (one per extracted incident), events, failures.

In a SQLite file or a PostgreSQL database (marsad.store.db), with the same
schema and the same SQL. One transaction per document: a kill mid-run leaves
every document either fully stored or absent, and re-running the ingest skips
what is already there (same doc_id and same cleaned-text hash).
"""
from __future__ import annotations

import json
from itertools import islice
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path

from marsad.clean.normalize import fold
from marsad.search import fts
from marsad.store.codec import candidate_from_json
from marsad.store.db import Row, StoreError, cannot_use, connect, migrate, prepare
from marsad.store.rows import DocumentRows, document_rows, report_id, report_rows
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
    action TEXT NOT NULL,                 -- correct | reject | unreject | merge | split
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


__all__ = ["Store", "StoreError", "report_id"]

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

    # documents and reports -------------------------------------------------
    def has_document(self, doc_id: str, sha: str | None = None) -> bool:
        row = self.conn.execute("SELECT sha FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row is not None and (sha is None or row["sha"] == sha)

    def save_document(self, doc: Doc, candidates: list[Candidate]) -> None:
        """Store a document and its reports in one transaction, replacing an older version."""
        self.save_documents([document_rows(doc, candidates)])

    def save_documents(self, batch: list[DocumentRows]) -> None:
        """Store several documents, built elsewhere (``marsad.store.rows``), in one transaction:
        a kill leaves all of them or none, and one commit costs less than one per document."""
        with self.conn:
            for rows in batch:
                self._insert_document(rows)

    def _insert_document(self, rows: DocumentRows) -> None:
        """Insert a document, or replace a changed one: its reports that come back unchanged keep
        their event, so appending a sentence to a report does not renew its event's id. (A report
        that changed may now tell another incident: it is merged afresh.)"""
        doc = rows.doc
        kept = self._event_ids_of(doc.doc_id, unchanged_in=rows.reports)
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
            self.conn.execute("DELETE FROM reports WHERE doc_id = ?", (doc.doc_id,))
            self._insert_reports(doc, candidates)
            self._restore_event_ids(kept)

    def _event_ids_of(self, doc_id: str, unchanged_in: list[tuple] | None = None) -> list[tuple[str, str]]:
        """(event_id, report_id) of the document's merged reports, to give back after they are rewritten;
        with ``unchanged_in`` (new report rows), only of the reports whose stored data stays the same."""
        rows = self.conn.execute("SELECT report_id, event_id, data FROM reports WHERE doc_id = ? "
                                 "AND event_id IS NOT NULL", (doc_id,)).fetchall()
        if unchanged_in is not None:
            new_data = {row[0]: row[-1] for row in unchanged_in}
            rows = [r for r in rows if new_data.get(r["report_id"]) == r["data"]]
        return [(r["event_id"], r["report_id"]) for r in rows]

    def _restore_event_ids(self, kept: list[tuple[str, str]]) -> None:
        self.conn.executemany("UPDATE reports SET event_id = ? WHERE report_id = ?", kept)

    def _insert_reports(self, doc: Doc, candidates: list[Candidate]) -> None:
        self._insert_report_rows(*report_rows(doc, candidates))

    def _insert_report_rows(self, reports: list[tuple], evidence: list[tuple]) -> None:
        self.conn.executemany("INSERT INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?)", reports)
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

    def reports(self) -> list[tuple[str, Candidate, dict[str, str | None]]]:
        """Every stored report as (report_id, candidate, its document's outlet and publication day),
        in a stable order. The rows are read one at a time and their JSON dropped once decoded:
        a merge holds every report, so this is what its memory grows with."""
        rows = self.conn.execute(
            "SELECT r.report_id, r.data, d.outlet, d.published FROM reports r JOIN documents d USING (doc_id) "
            "ORDER BY d.published NULLS FIRST, r.doc_id, r.anchor")
        return [(r["report_id"], candidate_from_json(json.loads(r["data"])),
                 {"outlet": r["outlet"], "published": r["published"]}) for r in rows]

    # events ------------------------------------------------------------------
    def existing_event_ids(self) -> dict[str, str]:
        """report_id → event_id as last merged, so ids survive re-merging."""
        return {r["report_id"]: r["event_id"] for r in
                self.conn.execute("SELECT report_id, event_id FROM reports WHERE event_id IS NOT NULL")}

    def replace_events(self, events: Iterable[dict], membership: dict[str, str]) -> int:
        """Write the merged events and each report's event in one transaction; how many were written.

        ``events`` is consumed a chunk at a time, so a merge never holds every
        event record and its stored rows at once."""
        written = 0
        with self.conn:
            self.conn.execute("DELETE FROM events")
            self.conn.execute("DELETE FROM event_index")
            self.conn.execute("UPDATE reports SET event_id = NULL")
            self.conn.executemany("UPDATE reports SET event_id = ? WHERE report_id = ?",
                                  [(eid, rid) for rid, eid in membership.items()])
            events = iter(events)
            while chunk := list(islice(events, EVENT_CHUNK)):
                self.conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                      [_event_row(e) for e in chunk])
                self.conn.executemany(f"INSERT INTO event_index VALUES ({','.join('?' * 14)})",
                                      [_index_row(e) for e in chunk])
                written += len(chunk)
            self.conn.execute(_REMEMBER_PLACES.format("true"))
        return written

    def update_event(self, event: dict) -> None:
        """Rewrite one event's record (after an analyst correction), keeping its reports."""
        with self.conn:
            self.conn.execute("DELETE FROM events WHERE event_id = ?", (event["id"],))
            self.conn.execute("DELETE FROM event_index WHERE event_id = ?", (event["id"],))
            self.conn.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                              _event_row(event))
            self.conn.execute(f"INSERT INTO event_index VALUES ({','.join('?' * 14)})", _index_row(event))
            self.conn.execute(_REMEMBER_PLACES.format("event_id = ?"), (event["id"],))

    def reindex_events(self) -> int:
        """Fill event_index for events stored before it existed (a database from an older marsad)."""
        rows = self.conn.execute("SELECT data FROM events WHERE event_id NOT IN "
                                 "(SELECT event_id FROM event_index)").fetchall()
        with self.conn:
            self.conn.executemany(f"INSERT INTO event_index VALUES ({','.join('?' * 14)})",
                                  [_index_row(json.loads(r["data"])) for r in rows])
            self.conn.execute(_REMEMBER_PLACES.format("true"))
        return len(rows)

    def events(self, include_rejected: bool = False) -> list[dict]:
        """Every event in date order; those an analyst rejected only when asked for."""
        where = "" if include_rejected else \
            "WHERE event_id NOT IN (SELECT event_id FROM event_index WHERE rejected = 1) "
        return [json.loads(r["data"]) for r in
                self.conn.execute(f"SELECT data FROM events {where}ORDER BY date NULLS FIRST, event_id")]

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


def _event_row(e: dict) -> tuple:
    loc = e.get("location") or {}
    outlets = sorted({r.get("outlet") or "" for r in e["reports"]} - {""})
    return (e["id"], e.get("date"), e.get("date_precision"), e.get("sub_event_type"),
            ", ".join(e.get("weapons") or []), loc.get("name"), loc.get("admin1"), loc.get("country"),
            loc.get("lat"), loc.get("lon"), e.get("attacker"), e.get("target_actor"), e.get("attribution"),
            (e.get("munitions") or {}).get("launched"), _total(e.get("casualties") or [], "killed"),
            _total(e.get("casualties") or [], "injured"), len(e["reports"]), "; ".join(outlets),
            json.dumps(e, ensure_ascii=False))


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
            int(bool((e.get("review") or {}).get("rejected"))))
