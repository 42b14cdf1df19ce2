"""What the watcher has already read, per source, in the store's own database.

One row per (source, key): a feed URL keeps the ETag and Last-Modified it was
last answered with and an ``entry:`` row per entry read; a file keeps its
sha256; a manifest a ``line:`` row per line's sha256. Rows are written only
after the documents they stand for are stored, so a watcher killed mid-round
reads those documents again next time and never skips one.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from marsad.store.db import Connection, migrate

SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_state (
    source TEXT NOT NULL,                 -- URL, or the absolute path of a file
    key TEXT NOT NULL,                    -- etag | last-modified | sha256 | entry:<doc_id> | line:<sha256>
    value TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (source, key)
);
"""


@dataclass(frozen=True)
class Mark:
    """A fact to remember about a source once this round's documents are stored."""

    source: str
    key: str
    value: str | None


class WatchState:
    def __init__(self, conn: Connection):
        self.conn = conn
        migrate(conn, "0003_watch_state", SCHEMA)

    def get(self, source: str, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM watch_state WHERE source = ? AND key = ?",
                                (source, key)).fetchone()
        return row[0] if row else None

    def with_prefix(self, source: str, prefix: str) -> dict[str, str | None]:
        """key (without the prefix) → value, for every key of ``source`` starting with ``prefix``."""
        rows = self.conn.execute("SELECT key, value FROM watch_state WHERE source = ? AND substr(key, 1, ?) = ?",
                                 (source, len(prefix), prefix))
        return {key[len(prefix):]: value for key, value in rows}

    def put(self, marks: Iterable[Mark]) -> None:
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.conn:
            self.conn.executemany("INSERT INTO watch_state VALUES (?,?,?,?) ON CONFLICT (source, key) "
                                  "DO UPDATE SET value = excluded.value, at = excluded.at",
                                  [(m.source, m.key, m.value, at) for m in marks])
