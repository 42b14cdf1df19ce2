"""SQLite store: documents, their reports (one per extracted incident), events, failures.

One transaction per document, WAL journal: a kill mid-run leaves every
document either fully stored or absent, and re-running the ingest skips what
is already there (same doc_id and same cleaned-text hash).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

from marsad.errors import MarsadError
from marsad.store.codec import candidate_from_json, candidate_to_json
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


class StoreError(MarsadError):
    """The database cannot be opened or written (not SQLite, missing folder, read-only, locked)."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def report_id(doc_id: str, anchor: int) -> str:
    return f"{doc_id}#{anchor}"


class Store:
    """A marsad database in one SQLite file."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot use database {self.path}: {exc}") from exc

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
        with self.conn:
            self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
            self.conn.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (doc.doc_id, doc.source, doc.url, doc.outlet,
                 doc.published.isoformat() if doc.published else None, doc.lang, doc.title,
                 doc.raw, doc.text, doc.sha, _now()))
            self._insert_reports(doc, candidates)

    def replace_reports(self, doc: Doc, candidates: list[Candidate]) -> None:
        """Re-extraction of a stored document: new reports, same document row."""
        with self.conn:
            self.conn.execute("DELETE FROM reports WHERE doc_id = ?", (doc.doc_id,))
            self._insert_reports(doc, candidates)

    def _insert_reports(self, doc: Doc, candidates: list[Candidate]) -> None:
        for c in candidates:
            for e in c.evidence:
                if doc.text[e.start:e.end] != e.text:
                    raise ValueError(f"{doc.doc_id}: evidence {e.field} {e.start}:{e.end} does not match the text")
            rid = report_id(doc.doc_id, c.anchor)
            self.conn.execute(
                "INSERT INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (rid, doc.doc_id, c.anchor, c.role, None, c.date.isoformat() if c.date else None,
                 c.sub_event_type, c.location.place_id if c.location else None, c.attacker,
                 c.target_actor, json.dumps(candidate_to_json(c), ensure_ascii=False)))
            self.conn.executemany(
                'INSERT INTO evidence VALUES (?,?,?,?,?,?,?)',
                [(rid, doc.doc_id, e.field, e.start, e.end, e.text, e.rule) for e in c.evidence])

    def record_failure(self, failure: Failure) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO failures (doc_id, source, reason, at) VALUES (?,?,?,?)",
                              (failure.doc_id, failure.source, failure.reason, _now()))

    def failures(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM failures ORDER BY id").fetchall()

    def document(self, doc_id: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()

    def documents(self) -> Iterator[Doc]:
        for row in self.conn.execute("SELECT * FROM documents ORDER BY doc_id"):
            yield Doc(row["doc_id"], row["text"], row["raw"], row["sha"], row["url"], row["outlet"],
                      date.fromisoformat(row["published"]) if row["published"] else None,
                      row["lang"], row["title"], row["source"])

    def reports(self) -> list[tuple[Candidate, sqlite3.Row]]:
        """Every stored report with its document's metadata, in a stable order."""
        rows = self.conn.execute(
            "SELECT r.*, d.outlet, d.published, d.ingested_at FROM reports r JOIN documents d USING (doc_id) "
            "ORDER BY d.published, r.doc_id, r.anchor").fetchall()
        return [(candidate_from_json(json.loads(r["data"])), r) for r in rows]

    # events ------------------------------------------------------------------
    def existing_event_ids(self) -> dict[str, str]:
        """report_id → event_id as last merged, so ids survive re-merging."""
        return {r["report_id"]: r["event_id"] for r in
                self.conn.execute("SELECT report_id, event_id FROM reports WHERE event_id IS NOT NULL")}

    def replace_events(self, events: list[dict], membership: dict[str, str]) -> None:
        """Write the merged events and each report's event in one transaction."""
        with self.conn:
            self.conn.execute("DELETE FROM events")
            self.conn.execute("UPDATE reports SET event_id = NULL")
            self.conn.executemany("UPDATE reports SET event_id = ? WHERE report_id = ?",
                                  [(eid, rid) for rid, eid in membership.items()])
            self.conn.executemany(
                "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_event_row(e) for e in events])

    def events(self) -> list[dict]:
        return [json.loads(r["data"]) for r in self.conn.execute("SELECT data FROM events ORDER BY date, event_id")]

    def event(self, event_id: str) -> dict | None:
        row = self.conn.execute("SELECT data FROM events WHERE event_id = ?", (event_id,)).fetchone()
        return json.loads(row["data"]) if row else None


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
