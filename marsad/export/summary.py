"""Values every flat export derives from an event record the same way (CSV, GeoJSON)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


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


def event_value(event: dict, name: str) -> Any:
    if name in ("killed", "injured"):
        return casualty_total(event, name)
    if name in ("launched", "impacted", "intercepted"):
        return (event.get("munitions") or {}).get(name)
    return event.get(name)


def claimed(event: dict, name: str) -> list[dict]:
    return [c for c in event.get("claims") or [] if c["field"] == name and c.get("value") is not None]


def versions(event: dict, name: str) -> list[tuple[Any, list[str]]]:
    """Each distinct value of a field with the outlets that give it, in first-seen order."""
    out: dict[Any, list[str]] = {}
    for c in claimed(event, name):
        who = c.get("outlet") or c.get("doc_id") or ""
        out.setdefault(c["value"], [])
        if who not in out[c["value"]]:
            out[c["value"]].append(who)
    if not out and event_value(event, name) not in (None, "unknown"):
        out[event_value(event, name)] = []
    return list(out.items())


def disputes(event: dict, name: str, shown: Callable[[Any], str] = str) -> str:
    """"8 (DeirEzzor24) · 3 (SOHR)": each distinct value of a field with who gives it."""
    return " · ".join(f"{shown(v)} ({', '.join(who)})" if who else shown(v) for v, who in versions(event, name))
