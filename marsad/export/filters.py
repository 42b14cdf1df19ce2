"""Which events an export keeps: a date window, a place, a side, a kind of attack.

Every export format takes the same filter, so `--from 2024-01-01 --place omar`
selects the same events whether they are written as JSONL, CSV or GeoJSON.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from marsad.clean.normalize import fold


def _span(event: dict) -> tuple[date, date] | None:
    """The days the event may have happened on: its range if it has one, else its day."""
    if event.get("date_range"):
        start, end = event["date_range"]
        return date.fromisoformat(start), date.fromisoformat(end)
    if event.get("date"):
        day = date.fromisoformat(event["date"])
        return day, day
    return None


def _same(a: str | None, b: str | None) -> bool:
    return fold(a or "") == fold(b or "")


@dataclass(frozen=True)
class EventFilter:
    """Conditions an event must all meet; a condition left as None is not checked.

    A date window keeps an event whose possible days overlap it: a report dated
    only "الشهر الماضي" (a month) is kept by a window holding any day of that
    month, since it may have happened then. An undated event fails any window.
    """

    date_from: date | None = None
    date_to: date | None = None
    place: str | None = None  # substring of the place id, English or Arabic name, or admin1
    admin1: str | None = None
    country: str | None = None  # ISO alpha-2 code, as stored ("SY")
    actor: str | None = None  # actor code, as attacker or as target
    sub_event_type: str | None = None
    min_confidence: float | None = None  # keep events at least this confident (marsad.export.confidence)
    # Keep events at least this probable (marsad.export.probability), and any an analyst confirmed; an event
    # stored before marsad had a probability has none and is kept.
    min_probability: float | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date window ends ({self.date_to}) before it starts ({self.date_from})")

    def matches(self, event: dict) -> bool:
        loc = event.get("location") or {}
        return (self._dates_fit(event)
                and (self.place is None or self._place_fits(loc))
                and (self.admin1 is None or _same(loc.get("admin1"), self.admin1))
                and (self.country is None or _same(loc.get("country"), self.country))
                and (self.actor is None or _same(event.get("attacker"), self.actor)
                     or _same(event.get("target_actor"), self.actor))
                and (self.sub_event_type is None or _same(event.get("sub_event_type"), self.sub_event_type))
                and (self.min_confidence is None or (event.get("confidence") or 0) >= self.min_confidence)
                and (self.min_probability is None or event.get("probability") is None
                     or event["probability"] >= self.min_probability or bool((event.get("review") or {}).get("reviewed"))))

    def select(self, events: Iterable[dict]) -> Iterator[dict]:
        return (e for e in events if self.matches(e))

    def _dates_fit(self, event: dict) -> bool:
        if self.date_from is None and self.date_to is None:
            return True
        span = _span(event)
        if span is None:
            return False
        return (self.date_from is None or span[1] >= self.date_from) and \
            (self.date_to is None or span[0] <= self.date_to)

    def _place_fits(self, loc: dict) -> bool:
        # Folded like a document, so "عين الاسد" typed without hamza finds "قاعدة عين الأسد".
        needle = fold(self.place or "")
        return any(needle in fold(loc.get(k) or "") for k in ("id", "name", "name_ar", "admin1"))
