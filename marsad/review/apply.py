"""Analyst reviews read back from the audit log and laid over machine-made event records.

The audit table is the only place a review lives: the current corrections are
the latest `correct` entry of each field, the rejection state is the latest
`reject`/`unreject`, an event is checked once confirmed, corrected or rejected,
and merges and splits are report-level directives. Every
re-merge (new ingest, `marsad reprocess`) rebuilds the records from the reports
and lays the reviews over them again, so no review is lost to re-extraction.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from marsad.export.acled_csv import EVENT_TYPES
from marsad.export.summary import stated_sum
from marsad.lexicon.load import load_lexicon, load_table
from marsad.merge.cluster import Directive
from marsad.resolve.gazetteer import load_gazetteer
from marsad.store.db import Connection, Row

ATTRIBUTIONS = ("unknown", "claimed", "suspected", "confirmed", "accused")
DAMAGE = ("unknown", "none", "material")
MUNITIONS = ("launched", "impacted", "intercepted", "unlaunched")
AUDIT_COLUMNS = ("id", "at", "who", "action", "event_id", "field", "value", "why", "report_id", "other_event_id")
# Actions that mean an analyst looked at the event itself: it leaves the review queue.
CHECKED = ("confirm", "correct", "reject")


@dataclass
class Review:
    """What analysts decided about one event."""

    rejected: bool = False
    reviewed: bool = False  # confirmed, corrected or rejected at least once
    corrections: dict[str, Any] = field(default_factory=dict)  # field → value; the latest wins
    audit: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _actors() -> frozenset[str]:
    return frozenset(r["id"] for r in load_table("lexicons", "actor_names.tsv"))


@lru_cache(maxsize=1)
def _weapons() -> frozenset[str]:
    return frozenset(e.id for e in load_lexicon("weapons").entries) | {"unknown"}


def _one_of(choices: Callable[[], Any] | tuple[str, ...], what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        allowed = choices() if callable(choices) else choices
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(f"{what} must be one of {sorted(allowed)}, not {value!r}")
        return value
    return check


def _count(value: Any) -> int | None:
    """A figure: a whole number ≥ 0, or null for "not stated"."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise ValueError(f"a count must be a whole number from 0 to 100000 or null, not {value!r}")
    return value


def _date(value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError(f"date must be a day as YYYY-MM-DD, not {value!r}")


def _place(value: Any) -> str:
    if not isinstance(value, str) or value not in load_gazetteer().places:
        raise ValueError(f"location must be a place id of the gazetteer (e.g. base_sy_al_omar), not {value!r}")
    return value


def _weapon_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(w, str) for w in value):
        raise ValueError(f"weapons must be a non-empty list of weapon codes, not {value!r}")
    unknown = [w for w in value if w not in _weapons()]
    if unknown:
        raise ValueError(f"unknown weapon codes {unknown}; known: {sorted(_weapons())}")
    return list(dict.fromkeys(value))


def _time(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError(f"time must be HH:MM (24 hours) or null, not {value!r}")
    return value


# Each correctable field and the check that turns a submitted value into the stored one.
CORRECTABLE: dict[str, Callable[[Any], Any]] = {
    "date": _date,
    "sub_event_type": _one_of(tuple(EVENT_TYPES), "sub_event_type"),
    "attacker": _one_of(_actors, "attacker"),
    "target_actor": _one_of(_actors, "target_actor"),
    "attribution": _one_of(ATTRIBUTIONS, "attribution"),
    "damage": _one_of(DAMAGE, "damage"),
    "location": _place,
    "weapons": _weapon_list,
    "time": _time,
    **{name: _count for name in (*MUNITIONS, "killed", "injured")},
}


def validate(name: str, value: Any) -> Any:
    """The value as stored, or ValueError saying what is wrong with the field or the value."""
    if name not in CORRECTABLE:
        raise ValueError(f"field {name!r} cannot be corrected; correctable: {sorted(CORRECTABLE)}")
    return CORRECTABLE[name](value)


def _set_casualties(record: dict, key: str, value: int | None) -> None:
    """One figure for the whole event: per-party figures cannot be told apart from a single total,
    so more than one party collapses into one "unknown" party with both totals."""
    other = "injured" if key == "killed" else "killed"
    rows = record.get("casualties") or []
    if len(rows) == 1:
        row = {**rows[0], key: value}
    else:
        row = {"party": "unknown", key: value, other: stated_sum(r.get(other) for r in rows)}
    row = {"party": row["party"], "killed": row.get("killed"), "injured": row.get("injured")}
    record["casualties"] = [row] if row["killed"] is not None or row["injured"] is not None else []


def correct_record(record: dict, name: str, value: Any) -> None:
    """Put an (already validated) analyst value into the record's displayed field."""
    if name == "date":
        record.update(date=value, date_precision="day", date_range=[value, value])
    elif name == "location":
        p = load_gazetteer().places[value]
        record["location"] = {"id": p.id, "name": p.name_en, "name_ar": p.name_ar, "admin1": p.admin1,
                              "country": p.country, "lat": p.lat, "lon": p.lon, "precision": p.precision}
    elif name in MUNITIONS:
        record["munitions"] = {**(record.get("munitions") or {}), name: value}
    elif name in ("killed", "injured"):
        _set_casualties(record, name, value)
    else:
        record[name] = value


def apply_review(record: dict, review: Review | None) -> dict:
    """The record with the review laid over it and the `review` and `audit` keys added."""
    review = review or Review()
    applied = []
    for name, value in review.corrections.items():
        try:  # a value valid when entered may no longer be (a place removed from the gazetteer)
            correct_record(record, name, validate(name, value))
        except ValueError:
            continue
        applied.append(name)
    record["review"] = {"rejected": review.rejected, "reviewed": review.reviewed, "corrected_fields": applied}
    record["audit"] = review.audit
    return record


def audit_entry(row: Row | tuple) -> dict[str, Any]:
    entry = dict(zip(AUDIT_COLUMNS, row))
    entry["value"] = json.loads(entry["value"]) if entry["value"] is not None else None
    return entry


def audit_entries(conn: Connection, event_id: str | None = None) -> list[dict[str, Any]]:
    """The log, oldest first; with an event id, the entries that name it either way."""
    cols = ", ".join(f'"{c}"' for c in AUDIT_COLUMNS)
    if event_id is None:
        rows = conn.execute(f"SELECT {cols} FROM audit ORDER BY id")
    else:
        rows = conn.execute(f"SELECT {cols} FROM audit WHERE event_id = ? OR other_event_id = ? ORDER BY id",
                            (event_id, event_id))
    return [audit_entry(tuple(r)) for r in rows]


def load_reviews(conn: Connection, event_id: str | None = None) -> dict[str, Review]:
    """event id → its review, from the whole log (or for one event)."""
    reviews: dict[str, Review] = {}
    for entry in audit_entries(conn, event_id):
        eid = entry["event_id"]
        for target in {eid, entry["other_event_id"] if entry["action"] == "split" else None} - {None}:
            reviews.setdefault(target, Review()).audit.append(entry)
        review = reviews.setdefault(eid, Review())
        review.reviewed = review.reviewed or entry["action"] in CHECKED
        if entry["action"] == "correct":
            review.corrections.pop(entry["field"], None)  # re-inserted: fields listed in order of last change
            review.corrections[entry["field"]] = entry["value"]
        elif entry["action"] in ("reject", "unreject"):
            review.rejected = entry["action"] == "reject"
    return reviews


def load_directives(conn: Connection) -> list[Directive]:
    """Every merge and split, in the order analysts made them."""
    out = []
    for e in audit_entries(conn):
        named = (e["event_id"], e["other_event_id"])
        if e["action"] == "merge":
            out.append(Directive("merge", tuple(e["value"]), e["event_id"], named))
        elif e["action"] == "split":
            out.append(Directive("split", (e["report_id"],), e["other_event_id"], named))
    return out
