"""The JSON API under /api: events, documents, statistics, exports, and the review actions.

Every parameter is checked here, with a message that names it, so a bad
request is a 422 the client can act on and never a 500.
"""
from __future__ import annotations

import io
import re
import secrets
import threading
from collections.abc import Iterator
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from marsad.alerts.store import recent as recent_alerts
from marsad.clean.normalize import fold
from marsad.export.acled_csv import EVENT_TYPES, write_acled_csv
from marsad.export.filters import EventFilter
from marsad.export.geojson import write_geojson
from marsad.export.jsonl import write_jsonl
from marsad.lexicon.load import load_lexicon
from marsad.resolve.gazetteer import KINDS, load_gazetteer
from marsad.review import actions
from marsad.review.apply import audit_entries
from marsad.serve import queries
from marsad.serve.queries import EventQuery, ReviewState
from marsad.store.store import Store
from marsad.store.db import Connection

MAX_LIMIT = 500
MAX_OFFSET = 10_000_000  # past any real store; keeps OFFSET inside SQLite's integer range
MAX_TEXT_PARAM = 200  # a place, governorate or actor name
MAX_QUERY = 500  # a search of a few words, not a pasted article
EXPORTS = {  # format → (media type, file extension)
    "marsad-jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json; charset=utf-8", "geojson"),
}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

router = APIRouter(prefix="/api")
_write_lock = threading.Lock()  # one review action at a time: merges and splits re-merge the store


def _json(content: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status_code)


def invalid(message: str) -> HTTPException:
    return HTTPException(status_code=422, detail=message)


def read_connection(request: Request) -> Iterator[Connection]:
    with request.app.state.readers.connection() as conn:
        yield conn


Conn = Annotated[Connection, Depends(read_connection)]


def _day(name: str, value: str | None) -> date | None:
    if not value:
        return None
    if _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise invalid(f"{name}: not a date as YYYY-MM-DD: {value[:40]!r}")


def instant(name: str, value: str | None) -> str | None:
    """A moment as the store writes them (UTC ISO seconds); one without a zone is UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
    except (ValueError, OverflowError):  # not a moment, or one past year 9999 in UTC
        raise invalid(f"{name}: not an ISO date and time (2024-03-01T08:00:00Z): {value[:40]!r}") from None


def _text(name: str, value: str | None, longest: int = MAX_TEXT_PARAM) -> str | None:
    """An optional text parameter; empty means not given (a form sends `date_to=`)."""
    if value is None or not value.strip():
        return None
    if len(value) > longest:
        raise invalid(f"{name}: longer than {longest} characters")
    return value.strip()


@lru_cache(maxsize=1)
def _weapons() -> frozenset[str]:
    return frozenset(e.id for e in load_lexicon("weapons").entries) | {"unknown"}


_TYPES = {fold(t): t for t in EVENT_TYPES}


def event_query(
    date_from: Annotated[str | None, Query(description="Events on or after this day (YYYY-MM-DD)")] = None,
    date_to: Annotated[str | None, Query(description="Events on or before this day (YYYY-MM-DD)")] = None,
    country: Annotated[str | None, Query(description="ISO country code: SY, IQ, JO")] = None,
    admin1: Annotated[str | None, Query(description="Governorate as exported, e.g. Deir ez-Zor")] = None,
    place: Annotated[str | None, Query(description="Text in the place id, English or Arabic name, or admin1")] = None,
    actor: Annotated[str | None, Query(description="Actor code as attacker or target, e.g. us_coalition")] = None,
    type: Annotated[str | None, Query(description="ACLED sub_event_type")] = None,  # noqa: A002 (the contract's name)
    weapon: Annotated[str | None, Query(description="Weapon code: rocket, drone, ...")] = None,
    q: Annotated[str | None, Query(description="Words the event's documents contain (Arabic or English)")] = None,
    include_rejected: Annotated[bool, Query(description="Also events an analyst rejected")] = False,
    review: Annotated[ReviewState | None, Query(description="Only events not yet checked, checked, or rejected "
                                                            "(rejected ones whatever include_rejected says)")] = None,
    changed_since: Annotated[str | None, Query(description="Only events stored or changed at or after this "
                                                           "moment (ISO date and time, UTC unless it says)")] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1, description="Only events at least this "
                                                                         "certain (0 to 1)")] = None,
    min_probability: Annotated[float | None, Query(ge=0, le=1, description="Only events at least this probable "
                                                   "by the learned model (0 to 1), and those an analyst "
                                                   "confirmed")] = None,
) -> EventQuery:
    """The filters every list, statistic and export takes."""
    country = _text("country", country)
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise invalid(f"country: a two-letter ISO code (SY, IQ), not {country[:40]!r}")
    sub_event_type = _text("type", type)
    if sub_event_type is not None and fold(sub_event_type) not in _TYPES:
        raise invalid(f"type: one of {sorted(EVENT_TYPES)}, not {sub_event_type!r}")
    weapon = _text("weapon", weapon)
    if weapon is not None and weapon not in _weapons():
        raise invalid(f"weapon: one of {sorted(_weapons())}, not {weapon!r}")
    try:
        keep = EventFilter(date_from=_day("date_from", date_from), date_to=_day("date_to", date_to),
                           place=_text("place", place), admin1=_text("admin1", admin1), country=country,
                           actor=_text("actor", actor), sub_event_type=sub_event_type)
    except ValueError as exc:  # the window ends before it starts
        raise invalid(f"date_to: {exc}") from None
    return EventQuery(keep, weapon=weapon, q=_text("q", q, MAX_QUERY), include_rejected=include_rejected,
                      review=review, changed_since=instant("changed_since", changed_since),
                      min_confidence=min_confidence, min_probability=min_probability)


Filters = Annotated[EventQuery, Depends(event_query)]


# reads -------------------------------------------------------------------------
@router.get("/events", summary="Events matching the filters, newest first")
def list_events(conn: Conn, query: Filters,
                limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
                offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> JSONResponse:
    total, events = queries.list_events(conn, query, limit, offset)
    return _json({"total": total, "limit": limit, "offset": offset, "events": events})


@router.get("/review/queue", summary="Events not yet checked, least certain first, and today's progress")
def review_queue(conn: Conn, query: Filters, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
                 since: Annotated[str | None, Query(description="Start of the reviewer's day (ISO date and "
                                                                "time); UTC midnight unless given")] = None
                 ) -> JSONResponse:
    day_start = instant("since", since) or datetime.now(timezone.utc).date().isoformat() + "T00:00:00+00:00"
    return _json(queries.review_queue(conn, query, limit, day_start))


@router.get("/events/{event_id}/neighbours", summary="Up to 5 events at the same place within 3 days: merge candidates")
def get_neighbours(conn: Conn, event_id: str) -> JSONResponse:
    event = queries.event_detail(conn, event_id)
    if event is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return _json({"events": queries.neighbours(conn, event)})


@router.get("/events/{event_id}", summary="One event with its documents and audit log")
def get_event(conn: Conn, event_id: str) -> JSONResponse:
    event = queries.event_detail(conn, event_id)
    if event is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return _json(event)


@router.get("/documents/{doc_id}", summary="A document's cleaned text and the evidence spans in it")
def get_document(conn: Conn, doc_id: str) -> JSONResponse:
    doc = queries.document_detail(conn, doc_id)
    if doc is None:
        raise HTTPException(404, f"no document {doc_id!r}")
    return _json(doc)


@router.get("/stats", summary="Counts of events per period and group")
def get_stats(conn: Conn, query: Filters, by: Literal["day", "week", "month"] = "week",
              group: Literal["type", "admin1", "actor"] = "type") -> JSONResponse:
    return _json({"by": by, "group": group, "series": queries.stats(conn, query, by, group)})


@router.get("/export", summary="The filtered events as a file, the same bytes as `marsad export`")
def export(conn: Conn, query: Filters,
           format: Literal["marsad-jsonl", "csv", "geojson"] = "marsad-jsonl") -> Response:  # noqa: A002
    events = queries.export_events(conn, query)
    out = io.StringIO(newline="")
    if format == "csv":
        write_acled_csv(events, out)
    elif format == "geojson":
        write_geojson(events, out)
    else:
        write_jsonl(events, out)
    media_type, ext = EXPORTS[format]
    return Response(out.getvalue().encode("utf-8"), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="marsad-events.{ext}"'})


@router.get("/audit", summary="The review log, oldest first")
def get_audit(conn: Conn, event_id: str | None = None) -> JSONResponse:
    return _json({"audit": audit_entries(conn, event_id or None)})


@router.get("/places", summary="Places of the packaged gazetteer (the map labels its major towns)")
def get_places(kind: Annotated[str | None, Query(description="Only this kind: city, town, base, ...")] = None
               ) -> JSONResponse:
    kind = _text("kind", kind)
    if kind is not None and kind not in KINDS:
        raise invalid(f"kind: one of {sorted(KINDS)}, not {kind[:40]!r}")
    places = [{"id": p.id, "kind": p.kind, "name": p.name_en, "name_ar": p.name_ar, "admin1": p.admin1,
               "country": p.country, "lat": p.lat, "lon": p.lon}
              for p in load_gazetteer().places.values() if kind is None or p.kind == kind]
    return _json({"places": places})


@router.get("/alerts", summary="The newest alerts that fired (marsad watch --alerts), newest first")
def get_alerts(conn: Conn, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20) -> JSONResponse:
    return _json({"alerts": recent_alerts(conn, limit)})


# writes ------------------------------------------------------------------------
def require_token(request: Request,
                  x_marsad_token: Annotated[str | None, Header()] = None,
                  authorization: Annotated[str | None, Header()] = None) -> None:
    """Writes need the token `marsad serve` printed, as X-Marsad-Token or a Bearer token."""
    given = x_marsad_token
    if given is None and authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not given:
        raise HTTPException(401, "this action needs the write token (header X-Marsad-Token)",
                            headers={"WWW-Authenticate": "Bearer"})
    if not secrets.compare_digest(given.encode("utf-8"), request.app.state.token.encode("utf-8")):
        raise HTTPException(403, "wrong write token")


Writer = Annotated[None, Depends(require_token)]


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(v) for v in value.values())
    return isinstance(value, list) and any(_holds_nul(v) for v in value)


class Signed(BaseModel):
    """Who takes the action and why: both go into the audit log."""

    model_config = ConfigDict(extra="forbid")
    who: str = Field(min_length=1, max_length=actions.MAX_TEXT)
    why: str = Field(min_length=1, max_length=actions.MAX_TEXT)

    @model_validator(mode="after")
    def _no_nul(self) -> "Signed":
        """No stored value holds a NUL character (PostgreSQL refuses one in text)."""
        if _holds_nul(self.model_dump()):
            raise ValueError("the request contains a NUL character")
        return self


class Correction(Signed):
    field: str = Field(max_length=100, description="date, sub_event_type, attacker, target_actor, attribution, "
                                                   "launched, killed, injured, location (place id), weapons, ...")
    value: Any = Field(description="The new value: a string, a whole number, null, or a list of weapon codes")


class Merge(Signed):
    event_ids: list[Annotated[str, Field(max_length=200)]] = Field(min_length=2, max_length=actions.MAX_MERGE)


class Split(Signed):
    report_id: str = Field(max_length=500)


def _act(request: Request, action, *args) -> Any:
    """Run a review action on a fresh store connection, one at a time; map refusals to 404/422."""
    with _write_lock, Store(request.app.state.db_path) as store:
        try:
            return action(store, *args)
        except actions.NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except actions.Invalid as exc:
            raise invalid(str(exc)) from None


@router.post("/events/merge", summary="Merge events into the first one")
def merge(request: Request, _: Writer, body: Merge) -> JSONResponse:
    return _json({"event_id": _act(request, actions.merge, body.event_ids, body.who, body.why)})


@router.post("/events/{event_id}/confirm", summary="Mark an event checked and right")
def confirm(request: Request, _: Writer, event_id: str, body: Signed) -> JSONResponse:
    return _json(_act(request, actions.confirm, event_id, body.who, body.why))


@router.post("/events/{event_id}/correct", summary="Correct one field of an event")
def correct(request: Request, _: Writer, event_id: str, body: Correction) -> JSONResponse:
    return _json(_act(request, actions.correct, event_id, body.field, body.value, body.who, body.why))


@router.post("/events/{event_id}/reject", summary="Hide an event from lists and exports")
def reject(request: Request, _: Writer, event_id: str, body: Signed) -> JSONResponse:
    return _json(_act(request, actions.reject, event_id, body.who, body.why))


@router.post("/events/{event_id}/unreject", summary="Undo a rejection")
def unreject(request: Request, _: Writer, event_id: str, body: Signed) -> JSONResponse:
    return _json(_act(request, actions.unreject, event_id, body.who, body.why))


@router.post("/events/{event_id}/split", summary="Move one report out into an event of its own")
def split(request: Request, _: Writer, event_id: str, body: Split) -> JSONResponse:
    return _json({"event_id": _act(request, actions.split, event_id, body.report_id, body.who, body.why)})
