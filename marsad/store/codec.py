"""Candidate ↔ JSON, so the store keeps every field of a report losslessly."""
from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from marsad.types import Candidate, Casualty, Evidence, Location


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain(value: Any) -> Any:
    """``dataclasses.asdict``'s result without its deep copies and per-call field lookups, which made
    it most of the time a report took to store; the values are the same, so the JSON is too."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        fields_of = ((name, getattr(value, name)) for name in _field_names(type(value)))
        return {name: v if type(v) in _ATOMS else _plain(v) for name, v in fields_of}
    return value


_ATOMS = frozenset({str, int, float, bool, type(None)})  # kept as they are, without a call each


def candidate_to_json(c: Candidate) -> dict[str, Any]:
    data = _plain(c)
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
