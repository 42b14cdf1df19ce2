"""Analyst actions on events: confirm, correct a field, reject, unreject, merge, split.

Each action is one row of the audit table (who, when, what, why) and takes
effect at once: a correction or rejection rewrites its event's record, a merge
or split re-merges the store with the new directive. Later re-merges rebuild
the same result from the log (marsad.review.apply).
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from marsad.errors import MarsadError
from marsad.export.record import event_record
from marsad.merge.cluster import Cluster
from marsad.review.apply import apply_review, audit_entries, load_reviews, validate
from marsad.run import remerge
from marsad.store.codec import candidate_from_json
from marsad.store.store import ACCOUNTS_IN_DOC, Store, report_meta

MAX_TEXT = 2000  # who / why: a name and a reason, not a document
MAX_MERGE = 50


class ReviewError(MarsadError):
    """An action the store refuses."""


class NotFound(ReviewError):
    """The event or report does not exist."""


class Invalid(ReviewError):
    """The action is malformed: a field that cannot be corrected, a bad value, a missing reason."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _require(who: Any, why: Any) -> None:
    for name, value in (("who", who), ("why", why)):
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"{name} must be a non-empty string")
        if len(value) > MAX_TEXT:
            raise Invalid(f"{name} is longer than {MAX_TEXT} characters")


def _event(store: Store, event_id: str) -> dict:
    event = store.event(event_id)
    if event is None:
        raise NotFound(f"no event {event_id!r}")
    return event


def _log(store: Store, action: str, event_id: str, who: str, why: str, *, field: str | None = None,
         value: Any = None, report_id: str | None = None, other_event_id: str | None = None) -> None:
    with store.conn:
        store.conn.execute(
            "INSERT INTO audit (at, who, action, event_id, field, value, why, report_id, other_event_id) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (_now(), who.strip(), action, event_id, field,
             None if value is None and field is None else json.dumps(value, ensure_ascii=False),
             why.strip(), report_id, other_event_id))


def _report_ids(event: dict) -> list[str]:
    """The event's reports in the order its record lists them."""
    return [r["report_id"] for r in event.get("reports") or []]


def refresh(store: Store, event_id: str) -> dict:
    """Rebuild one event's record from its reports and lay its review over it again."""
    old = _event(store, event_id)
    order = {rid: i for i, rid in enumerate(_report_ids(old))}
    rows = store.conn.execute(
        f"SELECT r.report_id, r.data, d.outlet, d.published, {ACCOUNTS_IN_DOC} FROM reports r "
        "JOIN documents d USING (doc_id) WHERE r.event_id = ?", (event_id,)).fetchall()
    rows = sorted(rows, key=lambda r: (order.get(r["report_id"], len(order)), r["report_id"]))
    cluster = Cluster()
    for r in rows:
        cluster.add(r["report_id"], candidate_from_json(json.loads(r["data"])))
    meta = {r["report_id"]: report_meta(r) for r in rows}
    record = event_record(event_id, cluster, meta) if rows else old
    record["responds_to"] = old.get("responds_to")  # depends on other events, which did not change
    record = apply_review(record, load_reviews(store.conn, event_id).get(event_id))
    store.update_event(record)
    return record


def confirm(store: Store, event_id: str, who: str, why: str) -> dict:
    """Record that an analyst checked the event and found it right: it leaves the review queue."""
    _require(who, why)
    _event(store, event_id)
    _log(store, "confirm", event_id, who, why)
    return refresh(store, event_id)


def correct(store: Store, event_id: str, field: str, value: Any, who: str, why: str) -> dict:
    """Set one displayed field of an event; returns the corrected record."""
    _require(who, why)
    _event(store, event_id)
    try:
        stored = validate(field, value)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    _log(store, "correct", event_id, who, why, field=field, value=stored)
    return refresh(store, event_id)


def reject(store: Store, event_id: str, who: str, why: str) -> dict:
    """Hide an event from lists and exports (it stays in the store, marked rejected)."""
    _require(who, why)
    _event(store, event_id)
    _log(store, "reject", event_id, who, why)
    return refresh(store, event_id)


def unreject(store: Store, event_id: str, who: str, why: str) -> dict:
    _require(who, why)
    _event(store, event_id)
    _log(store, "unreject", event_id, who, why)
    return refresh(store, event_id)


def merge(store: Store, event_ids: list[str], who: str, why: str) -> str:
    """One event from several: the first id survives and gets every report."""
    _require(who, why)
    ids = list(dict.fromkeys(event_ids))
    if not 2 <= len(ids) <= MAX_MERGE:
        raise Invalid(f"merge needs 2 to {MAX_MERGE} different event ids, got {len(ids)}")
    events = [_event(store, eid) for eid in ids]
    survivor = ids[0]
    for other, event in zip(ids[1:], events[1:]):
        reports = _report_ids(events[0]) + _report_ids(event)
        _log(store, "merge", survivor, who, why, value=reports, other_event_id=other)
    store.mark_dirty(ids)
    remerge(store)
    return survivor


def split_id(report_id: str) -> str:
    """The id of the event a report is split into: derived from the report, unlike any merged id."""
    return "evt-" + hashlib.sha1(f"split:{report_id}".encode("utf-8")).hexdigest()[:12]


def split(store: Store, event_id: str, report_id: str, who: str, why: str) -> str:
    """Move one report out of an event into an event of its own; returns the new event's id."""
    _require(who, why)
    event = _event(store, event_id)
    reports = _report_ids(event)
    if report_id not in reports:
        raise NotFound(f"event {event_id!r} has no report {report_id!r}")
    if len(reports) < 2:
        raise Invalid(f"event {event_id!r} has only one report; there is nothing to split it from")
    new_id = split_id(report_id)
    n = 1
    while store.event(new_id) is not None:  # split again after a merge brought it back
        new_id, n = f"{split_id(report_id)}-{n}", n + 1
    _log(store, "split", event_id, who, why, report_id=report_id, other_event_id=new_id)
    store.mark_dirty([event_id])
    remerge(store)
    return new_id


def audit_log(store: Store, event_id: str | None = None) -> list[dict[str, Any]]:
    return audit_entries(store.conn, event_id)
