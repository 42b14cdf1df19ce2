"""Alert tables in the marsad database: what fired, where it was sent, which events were checked.

``alerts`` has UNIQUE(rule_id, event_id): an alert fires once per rule and
event, across re-ingests, `marsad reprocess` and restarts. ``sent`` becomes 1
when every output has it; ``alert_deliveries`` says which have, so a webhook
that was down is sent the alert next round without the JSONL file getting it twice.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from marsad.store.db import Connection, migrate

SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    at TEXT NOT NULL,                     -- when it fired (UTC)
    payload TEXT NOT NULL,                -- what the outputs are sent, as JSON
    sent INTEGER NOT NULL DEFAULT 0,      -- 1: every output has it
    UNIQUE (rule_id, event_id)
);
CREATE TABLE IF NOT EXISTS alert_deliveries (
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    output TEXT NOT NULL,                 -- type:path-or-url
    at TEXT NOT NULL,
    PRIMARY KEY (alert_id, output)
);
-- Each event's record hash (with the rules) when last checked: only new or changed events are checked.
CREATE TABLE IF NOT EXISTS alert_checked (
    event_id TEXT PRIMARY KEY,
    digest TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Alert:
    id: int
    rule_id: str
    event_id: str
    at: str
    payload: dict


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def ensure_schema(conn: Connection) -> None:
    migrate(conn, "0004_alerts", SCHEMA)


def checked(conn: Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute("SELECT event_id, digest FROM alert_checked")}


def record(conn: Connection, fired: list[tuple[str, str, dict]], digests: dict[str, str]) -> list[Alert]:
    """Store new alerts (rule_id, event_id, payload) and the digests checked, in one transaction.

    Returns the alerts that are new; one already fired for its rule and event is left as it was.
    """
    at = now()
    new = []
    with conn:
        for rule_id, event_id, payload in fired:
            row = conn.execute("INSERT INTO alerts (rule_id, event_id, at, payload) VALUES (?,?,?,?) "
                               "ON CONFLICT (rule_id, event_id) DO NOTHING RETURNING id",
                               (rule_id, event_id, at, json.dumps(payload, ensure_ascii=False))).fetchone()
            if row is not None:
                new.append(Alert(row[0], rule_id, event_id, at, payload))
        # Events gone (merged away, rejected) leave the table, so it stays as large as the events.
        conn.execute("DELETE FROM alert_checked")
        conn.executemany("INSERT INTO alert_checked VALUES (?,?)", digests.items())
    return new


def pending(conn: Connection) -> list[tuple[Alert, set[str]]]:
    """Alerts some output has not had yet, oldest first, with the outputs that have."""
    rows = conn.execute("SELECT id, rule_id, event_id, at, payload FROM alerts WHERE sent = 0 ORDER BY id").fetchall()
    out = []
    for r in rows:
        done = {d[0] for d in conn.execute("SELECT output FROM alert_deliveries WHERE alert_id = ?", (r[0],))}
        out.append((Alert(r[0], r[1], r[2], r[3], json.loads(r[4])), done))
    return out


def delivered(conn: Connection, alert_id: int, output: str, complete: bool) -> None:
    with conn:
        conn.execute("INSERT INTO alert_deliveries VALUES (?,?,?) ON CONFLICT DO NOTHING", (alert_id, output, now()))
        if complete:
            conn.execute("UPDATE alerts SET sent = 1 WHERE id = ?", (alert_id,))


def recent(conn: Connection, limit: int) -> list[dict]:
    """The newest alerts for the workbench: rule, event, when it fired, its one-line summary,
    and whether every output has had it."""
    rows = conn.execute("SELECT id, rule_id, event_id, at, payload, sent FROM alerts ORDER BY id DESC LIMIT ?",
                        (limit,))
    return [{"id": r["id"], "rule": r["rule_id"], "event_id": r["event_id"], "at": r["at"],
             "summary": json.loads(r["payload"]).get("summary"), "sent": bool(r["sent"])} for r in rows]
