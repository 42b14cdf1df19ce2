"""Reads the workbench needs, done in SQL so a store of 100,000 events answers in milliseconds.

Filters mean what `marsad export`'s EventFilter means (the tests hold the two
to the same answers); they run on event_index, which keeps each event's values
folded the way EventFilter folds them.
"""
from __future__ import annotations

import json
import queue
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

from marsad.clean.normalize import fold
from marsad.export.acled_csv import EVENT_TYPES
from marsad.export.filters import EventFilter
from marsad.export.probability import model
from marsad.resolve.gazetteer import load_gazetteer
from marsad.review.apply import CHECKED, audit_entries
from marsad.search.fts import matching_documents_sql
from marsad.store.db import SQLITE, Connection, id_list
from marsad.store.db import connect as connect_db

Period = Literal["day", "week", "month"]
ReviewState = Literal["unreviewed", "reviewed", "rejected"]
Group = Literal["type", "admin1", "actor"]
MMAP_BYTES = 1 << 30  # address space, not memory: pages are shared with the OS cache
CACHE_KB = 16 * 1024
MAX_FILLED_PERIODS = 3660  # ten years of days: a longer series is sent without its empty periods
NEIGHBOUR_DAYS = 3  # the review queue proposes merging with events at the same place this close in time
MAX_NEIGHBOURS = 5
# The event_index column a statistic groups by (folded; shown as exported, see _shown): actor is the attacker.
GROUP_COLUMNS = {"type": "i.sub_event_type", "admin1": "i.admin1", "actor": "i.attacker"}
# First day of the period an ISO date falls in, per dialect; weeks start on Monday (strftime %w: Sunday = 0).
PERIOD_SQL = {
    "day": "i.date",
    "month": "substr(i.date, 1, 7) || '-01'",
}
WEEK_SQL = {
    "sqlite": "date(i.date, '-' || ((CAST(strftime('%w', i.date) AS INTEGER) + 6) % 7) || ' days')",
    "postgresql": "to_char(date_trunc('week', CAST(i.date AS date)), 'YYYY-MM-DD')",
}


@dataclass(frozen=True)
class EventQuery:
    """An EventFilter plus what only the workbench asks: weapon, text search, rejected events,
    review state, what changed since a moment (UTC ISO seconds, as the store writes it), confidence,
    probability."""

    filter: EventFilter = field(default_factory=EventFilter)
    weapon: str | None = None
    q: str | None = None
    include_rejected: bool = False
    review: ReviewState | None = None
    changed_since: str | None = None
    min_confidence: float | None = None
    min_probability: float | None = None  # as EventFilter's: analyst-confirmed events and those with none kept

    def where(self, conn: Connection) -> tuple[str, list[Any]]:
        """SQL condition on event_index (alias i) and its parameters; a text search is run here,
        once, so the count and the page of one request do not both repeat it."""
        f = self.filter
        conds: list[str] = []
        params: list[Any] = []
        if self.review == "rejected":
            conds.append("i.rejected = 1")
        elif not self.include_rejected:
            conds.append("i.rejected = 0")
        if self.review in ("reviewed", "unreviewed"):
            conds.append(f"i.reviewed = {int(self.review == 'reviewed')}")
        if self.changed_since is not None:
            conds.append("i.event_id IN (SELECT event_id FROM events WHERE changed_at >= ?)")
            params.append(self.changed_since)
        if self.min_confidence is not None:
            conds.append("i.confidence >= ?")
            params.append(self.min_confidence)
        if self.min_probability is not None:
            conds.append("(i.probability IS NULL OR i.probability >= ? OR i.reviewed = 1)")
            params.append(self.min_probability)
        if f.date_from is not None:
            conds.append("i.day_to >= ?")
            params.append(f.date_from.isoformat())
        if f.date_to is not None:
            conds.append("i.day_from <= ?")
            params.append(f.date_to.isoformat())
        if f.place is not None:
            # Test the few places events are at (event_places), not every event; the place_id
            # test lets SQLite use an index, the full tuple keeps the answer exact.
            places = ("FROM event_places WHERE instr(place_id, ?) > 0 OR instr(place_name, ?) > 0 "
                      "OR instr(place_name_ar, ?) > 0 OR instr(admin1, ?) > 0")
            conds.append(f"i.place_id IN (SELECT place_id {places}) AND (i.place_id, i.place_name, "
                         f"i.place_name_ar, i.admin1) IN (SELECT place_id, place_name, place_name_ar, admin1 {places})")
            params += [fold(f.place)] * 8
        for column, value in (("admin1", f.admin1), ("country", f.country), ("sub_event_type", f.sub_event_type)):
            if value is not None:
                conds.append(f"i.{column} = ?")
                params.append(fold(value))
        if f.actor is not None:
            conds.append("(i.attacker = ? OR i.target_actor = ?)")
            params += [fold(f.actor)] * 2
        if self.weapon is not None:
            conds.append("instr(i.weapons, ?) > 0")
            params.append(f",{fold(self.weapon)},")
        search = matching_documents_sql(conn, self.q) if self.q else None
        if search is not None:
            # The events with a document containing every word, as a subquery the database runs
            # itself: a common word matches tens of thousands of documents in a large store.
            docs_sql, words = search
            conds.append(f"i.event_id IN (SELECT event_id FROM reports WHERE event_id IS NOT NULL "
                         f"AND doc_id IN ({docs_sql}))")
            params += words
        return (" AND ".join(conds) or "true"), params


def connect(db_path: str) -> Connection:
    """A read-only connection (the writes go through marsad.review with a Store).

    SQLite: memory-mapped reads; a list request touches a few hundred pages of
    event_index, which then cost no read() call each.
    """
    conn = connect_db(db_path, read_only=True)
    if conn.dialect == SQLITE:
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
    return conn


class ReadPool:
    """Read connections kept open between requests: SQLite's page cache belongs to a
    connection, so a connection per request would start every request cold."""

    def __init__(self, db_path: str):
        self.db_path = db_path
        self._idle: queue.SimpleQueue[Connection] = queue.SimpleQueue()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = connect(self.db_path)
        try:
            yield conn
        finally:
            self._idle.put(conn)


def list_events(conn: Connection, query: EventQuery, limit: int, offset: int) -> tuple[int, list[dict]]:
    """(number of matching events, one page of them), newest first."""
    where, params = query.where(conn)
    if query.q:
        # A text search is run once and its matches counted and paged from there: as two statements
        # (the count, then the page) the database would look up every matching document twice.
        rows = conn.execute(f"WITH hits AS MATERIALIZED (SELECT i.event_id, i.date FROM event_index i WHERE {where}) "
                            f"SELECT (SELECT count(*) FROM hits), {ITEM_COLUMNS} FROM (SELECT event_id, date FROM hits "
                            "ORDER BY date DESC NULLS LAST, event_id DESC LIMIT ? OFFSET ?) AS page "
                            f"JOIN events e USING (event_id) {PAGE_ORDER}", [*params, limit, offset]).fetchall()
        if rows:
            return rows[0][0], [list_item(tuple(r)[1:], query.changed_since) for r in rows]
    total = conn.execute(f"SELECT count(*) FROM event_index i WHERE {where}", params).fetchone()[0]
    # The page is cut from event_index alone; only its rows are joined to the (large) records,
    # so a deep offset skips index entries, not records.
    rows = conn.execute(f"SELECT {ITEM_COLUMNS} FROM (SELECT i.event_id, i.date FROM event_index i WHERE {where} "
                        "ORDER BY i.date DESC NULLS LAST, i.event_id DESC LIMIT ? OFFSET ?) AS page "
                        f"JOIN events e USING (event_id) {PAGE_ORDER}", [*params, limit, offset])
    return total, [list_item(r, query.changed_since) for r in rows]


PAGE_ORDER = "ORDER BY page.date DESC NULLS LAST, page.event_id DESC"


ITEM_COLUMNS = "e.data, e.first_seen, e.changed_at"


def list_item(row: Any, since: str | None = None) -> dict:
    """A listed event: its record with when it was first stored and last changed, and with a
    moment ``since``, whether it is new since then (else it only changed)."""
    event = with_review(json.loads(row[0]))
    event["first_seen"], event["changed_at"] = row[1], row[2]
    if since is not None:
        event["new"] = bool(row[1]) and row[1] >= since
    return event


def review_queue(conn: Connection, query: EventQuery, limit: int, day_start: str) -> dict[str, Any]:
    """The unchecked, unrejected events among those ``query`` selects, least certain first (an event
    without a confidence first of all), then newest; with how many are left and how many events
    were checked since ``day_start`` (the reviewer's midnight, UTC ISO seconds)."""
    where, params = replace(query, review="unreviewed", include_rejected=False).where(conn)
    remaining = conn.execute(f"SELECT count(*) FROM event_index i WHERE {where}", params).fetchone()[0]
    rows = conn.execute(f"SELECT {ITEM_COLUMNS} FROM (SELECT i.event_id, i.confidence, i.date FROM event_index i "
                        f"WHERE {where} ORDER BY i.confidence NULLS FIRST, i.date DESC NULLS LAST, i.event_id "
                        "LIMIT ?) AS page JOIN events e USING (event_id) "
                        "ORDER BY page.confidence NULLS FIRST, page.date DESC NULLS LAST, page.event_id",
                        [*params, limit])
    checked = conn.execute(f"SELECT count(DISTINCT event_id) FROM audit WHERE at >= ? AND action IN "
                           f"({', '.join('?' * len(CHECKED))})", [day_start, *CHECKED]).fetchone()[0]
    return {"remaining": remaining, "checked_today": checked, "events": [list_item(r) for r in rows]}


def neighbours(conn: Connection, event: dict) -> list[dict]:
    """Up to five other unrejected events at the event's place within three days of it, nearest
    in time first: what the review queue proposes to merge it with."""
    place, day = (event.get("location") or {}).get("id"), event.get("date")
    if not place or not day:
        return []
    center = date.fromisoformat(day)
    lo, hi = ((center + timedelta(days=d)).isoformat() for d in (-NEIGHBOUR_DAYS, NEIGHBOUR_DAYS))
    rows = conn.execute(f"SELECT {ITEM_COLUMNS} FROM event_index i JOIN events e USING (event_id) "
                        "WHERE i.place_id = ? AND i.rejected = 0 AND i.event_id <> ? AND i.date >= ? AND i.date <= ?",
                        (fold(place), event["id"], lo, hi)).fetchall()
    found = [list_item(r) for r in rows]
    found.sort(key=lambda e: (abs((date.fromisoformat(e["date"]) - center).days), e["id"]))
    return found[:MAX_NEIGHBOURS]


def newest_events(conn: Connection, query: EventQuery, limit: int) -> list[dict]:
    """The matching events stored most recently first (a feed's entries)."""
    where, params = query.where(conn)
    rows = conn.execute(f"SELECT {ITEM_COLUMNS} FROM event_index i JOIN events e USING (event_id) WHERE {where} "
                        "ORDER BY e.first_seen DESC NULLS LAST, e.event_id DESC LIMIT ?", [*params, limit])
    return [list_item(r) for r in rows]


def export_events(conn: Connection, query: EventQuery) -> list[dict]:
    """Every matching event in the order `marsad export` writes them (date, then id)."""
    where, params = query.where(conn)
    rows = conn.execute(f"SELECT e.data FROM event_index i JOIN events e USING (event_id) WHERE {where} "
                        "ORDER BY e.date NULLS FIRST, e.event_id", params)
    return [json.loads(r[0]) for r in rows]


def with_review(event: dict) -> dict:
    """An event stored before reviews existed still answers with an empty review."""
    event.setdefault("review", {"rejected": False, "reviewed": False, "corrected_fields": []})
    event.setdefault("audit", [])
    return event


def event_detail(conn: Connection, event_id: str) -> dict | None:
    """The record, its documents' metadata and its audit entries; None for an unknown id."""
    row = conn.execute("SELECT data FROM events WHERE event_id = ?", (event_id,)).fetchone()
    if row is None:
        return None
    event = with_review(json.loads(row[0]))
    doc_ids = list(dict.fromkeys(r["doc_id"] for r in event.get("reports") or []))
    cond, params = id_list(conn, "doc_id", doc_ids)
    found = {r["doc_id"]: dict(r) for r in conn.execute(
        f"SELECT doc_id, title, outlet, published, url FROM documents WHERE {cond}", params)}
    event["documents"] = [found[d] for d in doc_ids if d in found]
    event["audit"] = audit_entries(conn, event_id)
    event["probability_threshold"] = model().threshold  # the workbench marks an event under it
    return event


def document_detail(conn: Connection, doc_id: str) -> dict | None:
    """The cleaned text and every evidence span in it, with the report and event it backs."""
    row = conn.execute("SELECT doc_id, title, outlet, published, url, lang, text FROM documents WHERE doc_id = ?",
                       (doc_id,)).fetchone()
    if row is None:
        return None
    spans = conn.execute('SELECT v.field, v.start, v."end", v.text, v.rule, r.event_id, v.report_id '
                         'FROM evidence v JOIN reports r USING (report_id) WHERE v.doc_id = ? '
                         'ORDER BY v.start, v."end", v.field', (doc_id,))
    return {**dict(row), "spans": [dict(s) for s in spans]}


@lru_cache(maxsize=3)
def _shown(group: Group) -> dict[str, str]:
    """Folded value → the spelling exports use ("deir ez-zor" → "Deir ez-Zor"); grouping on
    event_index's folded columns spares a join with the large records."""
    if group == "type":
        return {fold(t): t for t in EVENT_TYPES}
    if group == "admin1":
        return {fold(p.admin1): p.admin1 for p in load_gazetteer().places.values() if p.admin1}
    return {}


def _periods(first: date, last: date, by: Period) -> list[date]:
    out, day = [], first
    while day <= last and len(out) <= MAX_FILLED_PERIODS:
        out.append(day)
        if by == "day":
            day += timedelta(days=1)
        elif by == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return out


def stats(conn: Connection, query: EventQuery, by: Period, group: Group) -> list[dict[str, Any]]:
    """Dated events counted per period and group value, oldest period first.

    Periods between the first and the last with no event are listed with empty
    counts, so a chart's time axis has no holes; undated events are not counted.
    """
    where, params = query.where(conn)
    period = WEEK_SQL[conn.dialect] if by == "week" else PERIOD_SQL[by]
    rows = conn.execute(
        f"SELECT {period} AS period, {GROUP_COLUMNS[group]} AS value, count(*) AS n "
        f"FROM event_index i WHERE {where} AND i.date IS NOT NULL "
        "GROUP BY period, value ORDER BY period, value", params).fetchall()
    shown = _shown(group)
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        name = shown.get(r["value"], r["value"]) or "unknown"
        per = counts.setdefault(r["period"], {})
        per[name] = per.get(name, 0) + r["n"]
    if not counts:
        return []
    filled = _periods(date.fromisoformat(min(counts)), date.fromisoformat(max(counts)), by)
    keys = [d.isoformat() for d in filled] if len(filled) <= MAX_FILLED_PERIODS else sorted(counts)
    return [{"period": k, "counts": counts.get(k, {})} for k in keys]
