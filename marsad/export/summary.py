"""Values every flat export derives from an event record the same way (CSV, GeoJSON)."""
from __future__ import annotations

from collections.abc import Iterable


def stated_sum(values: Iterable[int | None]) -> int | None:
    """Total of the stated figures; None when none is stated (unknown is not zero)."""
    stated = [v for v in values if v is not None]
    return sum(stated) if stated else None


def casualty_total(event: dict, key: str) -> int | None:
    """The event's killed or injured, summed over the parties."""
    return stated_sum(c.get(key) for c in event.get("casualties") or [])


def outlets(event: dict) -> list[str]:
    """The outlets of the event's reports, each once, in report order."""
    seen: list[str] = []
    for r in event.get("reports") or []:
        if r.get("outlet") and r["outlet"] not in seen:
            seen.append(r["outlet"])
    return seen
