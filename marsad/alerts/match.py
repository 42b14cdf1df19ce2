"""Does an event meet a rule? Field conditions, and surges (more than N events in H hours).

Text is compared folded, like `marsad export --place`, so a rule written
``place: عين الاسد`` (no hamza) matches the place named "عين الأسد".
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from marsad.alerts.config import Conditions
from marsad.clean.normalize import fold


_EPOCH = datetime(1970, 1, 1)  # naive, like the dates: no time zone or DST shift enters a window


def _same(a: str | None, b: str | None) -> bool:
    return fold(a or "") == fold(b or "")


def _total(event: dict, key: str) -> int:
    return sum(c.get(key) or 0 for c in event.get("casualties") or [])


def meets(when: Conditions, event: dict) -> bool:
    """The field conditions (not the surge) against one exported event record."""
    loc = event.get("location") or {}
    checks = (
        (when.place, lambda v: any(_same(loc.get(k), v) for k in ("id", "name", "name_ar"))),
        (when.admin1, lambda v: _same(loc.get("admin1"), v)),
        (when.country, lambda v: _same(loc.get("country"), v)),
        (when.attacker, lambda v: _same(event.get("attacker"), v)),
        (when.target, lambda v: _same(event.get("target_actor"), v)),
        (when.actor, lambda v: _same(event.get("attacker"), v) or _same(event.get("target_actor"), v)),
        (when.sub_event_type, lambda v: _same(event.get("sub_event_type"), v)),
        (when.weapon, lambda v: any(_same(w, v) for w in event.get("weapons") or [])),
        (when.attribution, lambda v: event.get("attribution") == v),
        (when.casualties, lambda v: (_total(event, "killed") + _total(event, "injured") > 0) == v),
        (when.min_killed, lambda v: _total(event, "killed") >= v),
    )
    return all(wanted is None or test(wanted) for wanted, test in checks)


def moment(event: dict) -> float | None:
    """When the event happened, in seconds: its day at its time, or at 00:00 when the time is unknown.

    Day-precise reports ("اليوم الخميس") are the usual case; at 00:00, two of
    them on the same day fall in one 24-hour window, a day apart they do not.
    """
    if not event.get("date"):
        return None
    try:
        at = datetime.fromisoformat(f"{event['date']}T{event.get('time') or '00:00'}")
    except ValueError:  # a time that is not HH:MM
        at = datetime.fromisoformat(event["date"])
    return (at - _EPOCH).total_seconds()


@dataclass(frozen=True)
class Surge:
    count: int
    event_ids: tuple[str, ...]  # the events in the window, in time order


class Timeline:
    """The events meeting a surge rule's field conditions, in time order."""

    def __init__(self, events: Iterable[dict]):
        dated = sorted((t, e["id"]) for e in events if (t := moment(e)) is not None)
        self.times = [t for t, _ in dated]
        self.ids = [i for _, i in dated]

    def surge(self, event: dict, count_over: int, hours: float) -> Surge | None:
        """The fullest window of ``hours`` holding the event, if it holds more than ``count_over`` events.

        Windows start at an event no more than ``hours`` before this one, so an
        event that arrives late still completes the surge it belongs to.
        """
        t = moment(event)
        if t is None:
            return None
        span = hours * 3600
        best: tuple[int, int] | None = None
        for start in range(bisect_right(self.times, t - span), bisect_right(self.times, t)):
            end = bisect_left(self.times, self.times[start] + span)
            if best is None or end - start > best[1] - best[0]:
                best = (start, end)
        if best is None or best[1] - best[0] <= count_over:
            return None
        return Surge(best[1] - best[0], tuple(self.ids[best[0]:best[1]]))
