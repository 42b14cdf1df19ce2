"""`marsad doctor`: is a store sound? SQLite's own integrity check plus marsad's invariants."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from marsad.store.consistency import event_conflicts
from marsad.store.db import Connection, StoreError, connect, is_postgres_url
from marsad.store.faults import describe, lock_timeout

INTEGRITY_LINES = 20  # SQLite stops after this many: a store damaged that badly needs its backup, not a longer list


@dataclass
class Diagnosis:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # not wrong, but worth knowing
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def diagnose(db: str | Path) -> Diagnosis:
    """Check the file, the schema's links, and that every evidence span reproduces its text."""
    result = Diagnosis()
    postgres = is_postgres_url(str(db))
    if postgres:
        try:
            conn = connect(str(db), read_only=True)
        except StoreError as exc:
            result.problems.append(str(exc))
            return result
        result.notes.append("PostgreSQL checks its own pages; the checks below are marsad's")
        errors: tuple[type[Exception], ...] = conn.errors
    else:
        path = Path(db)
        if not path.exists():
            result.problems.append(f"{db}: no such file")
            return result
        try:
            # read-only, so that checking a store never changes it
            conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=lock_timeout())
        except sqlite3.Error as exc:
            result.problems.append(describe(exc, str(db)) or f"{db}: cannot open ({exc})")
            return result
        errors = (sqlite3.DatabaseError,)
    try:
        if not postgres:
            _check_integrity(conn, result)
        _check_links(conn, result)
        _check_events(conn, result, str(db))
        _check_evidence(conn, result)
    except errors as exc:
        said = describe(exc, str(db)) if isinstance(exc, sqlite3.Error) else None
        result.problems.append(said or f"{db}: not a marsad store ({exc})")
    finally:
        conn.close()
    return result


def _check_integrity(conn: sqlite3.Connection, result: Diagnosis) -> None:
    """SQLite's own check; each damaged page is one problem line (it reports them in multi-line rows)."""
    rows = [row[0] for row in conn.execute(f"PRAGMA integrity_check({INTEGRITY_LINES})")]
    if rows == ["ok"]:
        return
    lines = [line for row in rows for line in row.splitlines() if line and not line.startswith("***")]
    result.problems.extend(f"SQLite integrity check: {line}" for line in lines)


def _check_links(conn: Connection, result: Diagnosis) -> None:
    for label, sql in (
        ("reports without their document", "SELECT count(*) FROM reports r LEFT JOIN documents d USING (doc_id) "
                                           "WHERE d.doc_id IS NULL"),
        ("evidence without its report", "SELECT count(*) FROM evidence e LEFT JOIN reports r USING (report_id) "
                                         "WHERE r.report_id IS NULL"),
        ("reports pointing at a missing event", "SELECT count(*) FROM reports r LEFT JOIN events e USING (event_id) "
                                                "WHERE r.event_id IS NOT NULL AND e.event_id IS NULL"),
    ):
        n = conn.execute(sql).fetchone()[0]
        if n:
            result.problems.append(f"{n} {label}")
    unmerged = conn.execute("SELECT count(*) FROM reports WHERE event_id IS NULL").fetchone()[0]
    if unmerged:
        # An ingest stopped before its final merge: the reports are whole, the events lag behind.
        result.notes.append(f"{unmerged} reports not merged into events yet (run the ingest again or `marsad reprocess`)")
    for table in ("documents", "reports", "evidence", "events", "failures"):
        result.checked[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _check_events(conn: Connection, result: Diagnosis, db: str) -> None:
    conflicts = sorted(event_conflicts(conn))
    if conflicts:
        shown = ", ".join(conflicts[:5]) + (" …" if len(conflicts) > 5 else "")
        result.problems.append(f"{len(conflicts)} event-id conflicts: events whose record and reports disagree "
                               f"about which reports they hold ({shown}); run `marsad reprocess --full --db {db}`")


def _check_evidence(conn: Connection, result: Diagnosis) -> None:
    bad = conn.execute(
        'SELECT e.report_id, e.field, e.start, e."end" FROM evidence e JOIN documents d USING (doc_id) '
        'WHERE substr(d.text, CAST(e.start + 1 AS INTEGER), CAST(e."end" - e.start AS INTEGER)) != e.text').fetchall()
    for report, name, start, end in bad[:20]:
        result.problems.append(f"evidence {report} {name} {start}:{end} does not reproduce its text")
    if len(bad) > 20:
        result.problems.append(f"... and {len(bad) - 20} more evidence spans that do not reproduce their text")
