"""Do the stored events agree with their reports? The check `marsad doctor` and `reprocess --full` share.

Each report names its event (reports.event_id) and each event's record lists its
reports; a merge writes both in one transaction, so they agree unless something
wrote them apart (a bug, a hand edit, an older marsad). An event whose record
lists a report stored under another event, or whose reports are not all listed,
has an id that cannot be trusted: the same id names two different groupings.
"""
from __future__ import annotations

import json
from collections import defaultdict

from marsad.store.db import Connection


def event_conflicts(conn: Connection) -> set[str]:
    """Ids of events whose record and reports disagree about which reports they hold."""
    stored: dict[str, set[str]] = defaultdict(set)
    waiting = set()  # stored by an ingest that stopped before its merge: not wrong, only not merged yet
    for row in conn.execute("SELECT report_id, event_id FROM reports"):
        if row[1] is None:
            waiting.add(row[0])
        else:
            stored[row[1]].add(row[0])
    conflicts = set()
    for row in conn.execute("SELECT event_id, data FROM events"):
        listed = {r.get("report_id") for r in json.loads(row[1]).get("reports") or []} - waiting
        if listed != stored.pop(row[0], set()):
            conflicts.add(row[0])
    return conflicts
