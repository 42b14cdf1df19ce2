"""An Atom feed of the workbench's events, so an analyst's feed reader shows what arrived.

Takes the event list's filters as query parameters; the newest 100 events by
when they were first stored. The XML is built with ElementTree, which escapes
every text, so a hostile outlet name or filter value stays text in the feed.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from marsad.serve import queries
from marsad.serve.api import Conn, Filters

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
ENTRIES = 100
STRINGS = Path(__file__).resolve().parent / "static" / "i18n.json"

router = APIRouter()
ET.register_namespace("", ATOM)


@lru_cache(maxsize=2)
def _labels(lang: str) -> dict[str, Any]:
    """The workbench's names (event types, actors, the feed's words) in ``lang``."""
    return json.loads(STRINGS.read_text(encoding="utf-8"))[lang]


def entry_id(event_id: str) -> str:
    """A URI that names the event whatever host serves the feed."""
    return f"urn:marsad:event:{event_id}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def _place(event: dict, lang: str) -> str:
    loc = event.get("location") or {}
    return (lang == "ar" and loc.get("name_ar")) or loc.get("name") or loc.get("id") or "?"


def entry_title(event: dict, lang: str) -> str:
    """Type, place and day: "Air/drone strike · Al-Tanf · 2024-01-04"."""
    labels = _labels(lang)
    kind = labels["event_types"].get(event.get("sub_event_type") or "", event.get("sub_event_type") or "?")
    return f"{kind} · {_place(event, lang)} · {event.get('date') or '?'}"


def entry_summary(event: dict, lang: str) -> str:
    """Who against whom, the figures, the outlets and the confidence, as one plain line."""
    labels = _labels(lang)
    actors = labels["actors"]
    parts = [f"{actors.get(event.get('attacker') or 'unknown', event.get('attacker'))} → "
             f"{actors.get(event.get('target_actor') or 'unknown', event.get('target_actor'))}"]
    launched = (event.get("munitions") or {}).get("launched")
    if launched is not None:
        parts.append(f"{labels['launched']} {launched}")
    for key in ("killed", "injured"):
        figures = [c[key] for c in event.get("casualties") or [] if c.get(key) is not None]
        if figures:
            parts.append(f"{labels[key]} {sum(figures)}")
    outlets = sorted({r.get("outlet") for r in event.get("reports") or []} - {None, ""})
    if outlets:
        parts.append(f"{labels['outlets']}: {', '.join(outlets)}")
    if event.get("confidence") is not None:
        parts.append(f"{labels['field_names']['confidence']} {round(event['confidence'] * 100)} %")
    return " · ".join(parts)


def atom_feed(events: list[dict], self_url: str, site: str, lang: str) -> bytes:
    """The feed document: one entry per event, in the order given."""
    labels = _labels(lang)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    _sub(feed, "id", self_url)
    _sub(feed, "title", f"{labels['app_name']} · {labels['feed_title']}")
    changed = [e["changed_at"] for e in events if e.get("changed_at")]
    _sub(feed, "updated", max(changed) if changed else datetime.now(timezone.utc).isoformat(timespec="seconds"))
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=f"{site}/?lang={lang}", type="text/html")
    _sub(_sub(feed, "author"), "name", "marsad")
    for event in events:
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(event["id"]))
        _sub(entry, "title", entry_title(event, lang))
        _sub(entry, "updated", event.get("changed_at") or event.get("first_seen") or "")
        if event.get("first_seen"):
            _sub(entry, "published", event["first_seen"])
        _sub(entry, "link", rel="alternate", href=f"{site}/events/{event['id']}?lang={lang}", type="text/html")
        _sub(entry, "summary", entry_summary(event, lang))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@router.get("/feed.atom", summary="The newest 100 matching events as an Atom feed (the event list's filters)")
def feed(request: Request, conn: Conn, query: Filters,
         lang: Annotated[Literal["ar", "en"], Query(description="Language of titles and summaries")] = "ar"
         ) -> Response:
    events = queries.newest_events(conn, query, ENTRIES)
    site = str(request.base_url).rstrip("/")
    return Response(atom_feed(events, str(request.url), site, lang), media_type=MEDIA_TYPE)
