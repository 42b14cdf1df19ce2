"""Candidate ↔ JSON, so the store keeps every field of a report losslessly."""
from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date
from typing import Any

from marsad.types import Candidate, Casualty, Evidence, Location


def candidate_to_json(c: Candidate) -> dict[str, Any]:
    data = asdict(c)
    data["date"] = c.date.isoformat() if c.date else None
    data["date_range"] = [d.isoformat() for d in c.date_range] if c.date_range else None
    return data


def candidate_from_json(data: dict[str, Any]) -> Candidate:
    data = dict(data)
    data["date"] = date.fromisoformat(data["date"]) if data.get("date") else None
    data["date_range"] = tuple(date.fromisoformat(d) for d in data["date_range"]) if data.get("date_range") else None
    for key in ("location", "launch_site"):
        data[key] = Location(**data[key]) if data.get(key) else None
    data["casualties"] = [Casualty(**c) for c in data.get("casualties") or []]
    data["evidence"] = [Evidence(**e) for e in data.get("evidence") or []]
    known = {f.name for f in fields(Candidate)}
    return Candidate(**{k: v for k, v in data.items() if k in known})
