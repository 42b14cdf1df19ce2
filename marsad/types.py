"""Typed records that cross stage boundaries.

Offsets are half-open ``[start, end)`` Python string indices into ``Doc.text``,
the cleaned text the store keeps. No stage ever holds offsets into the
normalised matching view: they are mapped back before a ``Span`` is made.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Article:
    """One source document as ingested, before cleaning."""

    doc_id: str
    source: str  # path, URL or manifest line the document came from
    text: str | None = None  # plain text, if the source gave text
    html: str | None = None  # raw HTML, if the source gave HTML
    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    lang: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Span:
    """A piece of ``Doc.text``; ``text`` is a copy kept for checking."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Doc:
    """Cleaned document: ``text`` is the frozen coordinate system for evidence."""

    doc_id: str
    text: str
    raw: str
    sha: str
    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    lang: str | None = None
    title: str | None = None
    source: str | None = None

    def span(self, start: int, end: int) -> Span:
        """Make a span, refusing ranges outside the text."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside document {self.doc_id}")
        return Span(start, end, self.text[start:end])


@dataclass(frozen=True)
class Mention:
    """A lexicon hit: which entry fired, where, in which lexicon."""

    start: int
    end: int
    text: str
    kind: str  # lexicon kind: place, actor, weapon, trigger, cue, ...
    entry_id: str
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Evidence:
    """Why a field has its value: the words and the rule or entry that set it."""

    field: str  # dotted export path: "munitions.launched", "location", ...
    start: int
    end: int
    text: str
    rule: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "start": self.start, "end": self.end,
                "text": self.text, "rule": self.rule}


@dataclass
class Location:
    place_id: str | None
    name: str | None
    name_ar: str | None
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    precision: str  # site | town | district | admin1 | country | unknown
    # A governorate's capital named bare by the governorate's own name ("دير الزور", not "مدينة دير الزور"):
    # within one report it may mean the governorate (merge/compat.py). Not exported.
    bare_capital: bool = field(default=False, compare=False)
    # Named only as a reference point ("شمال بغداد", "north of Baghdad"): the incident is somewhere off it, so
    # the name neither places it for certain nor tells it from an incident at a named place nearby. Not exported.
    off: bool = field(default=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.place_id, "name": self.name, "name_ar": self.name_ar,
                "admin1": self.admin1, "country": self.country, "lat": self.lat,
                "lon": self.lon, "precision": self.precision}


@dataclass
class Casualty:
    party: str
    killed: int | None = None
    injured: int | None = None


@dataclass
class Candidate:
    """One event as one document states it (becomes a Report after merging)."""

    doc_id: str
    anchor: int  # offset of the trigger that opened it; part of the stable id
    role: str = "main"  # main | background
    sub_event_type: str | None = None
    weapons: list[str] = field(default_factory=list)
    calibre: str | None = None
    date: date | None = None
    date_precision: str = "unknown"
    date_range: tuple[date, date] | None = None
    date_explicit: bool = False  # the text stated the date (not the publication day)
    date_published: bool = False  # no date in the text before it: the publication day, which the incident may precede
    time: str | None = None
    location: Location | None = None
    launch_site: Location | None = None
    listed_with: tuple[str, ...] = ()  # place ids its clause names beside it as one area ("بلدتي ذيبان والطيانة")
    target_actor: str | None = None
    target_name: str | None = None
    attacker: str | None = None
    attacker_name: str | None = None
    attribution: str = "unknown"
    attacker_inferred: bool = False  # the attacker is only guessed (where the fire came from): no reason to split
    launched: int | None = None
    impacted: int | None = None
    intercepted: int | None = None
    unlaunched: int | None = None
    casualties: list[Casualty] = field(default_factory=list)
    damage: str = "unknown"
    damage_text: str | None = None
    said_by: list[str] = field(default_factory=list)
    hedged: bool = False
    responds_to_anchor: int | None = None  # anchor of the candidate it retaliates for
    confidence: float = 1.0
    evidence: list[Evidence] = field(default_factory=list)

    def cite(self, field_name: str, span: Span | Mention, rule: str) -> None:
        """Record the words behind a field value."""
        self.evidence.append(Evidence(field_name, span.start, span.end, span.text, rule))

    def total(self, kind: str) -> int | None:
        """The account's dead (``kind`` "killed") or wounded ("injured") over all parties; None when it states none."""
        values = [getattr(x, kind) for x in self.casualties if getattr(x, kind) is not None]
        return sum(values) if values else None


@dataclass
class Report:
    """A candidate attached to an event: one document's account."""

    candidate: Candidate
    outlet: str | None = None
    published: date | None = None


@dataclass
class Event:
    """A merged real-world incident with every document's account under it."""

    event_id: str
    reports: list[Report]


@dataclass(frozen=True)
class Failure:
    """An input that could not be ingested, and why."""

    doc_id: str
    source: str
    reason: str
