"""The workbench API on the demo samples: every endpoint and filter, the errors, the headers,
untrusted text kept inert, and review actions over HTTP."""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.alerts.store import record
from marsad.cli import cli
from marsad.export.filters import EventFilter
from marsad.run import ingest_items, ingest_paths
from marsad.search.fts import search
from marsad.serve.app import CSP, create_app
from marsad.settings import Settings
from marsad.store.db import is_postgres_url
from marsad.store.store import Store
from marsad.types import Article

TOKEN = "test-token-0123"
WRITE = {"X-Marsad-Token": TOKEN}
SIGNED = {"who": "analyst-1", "why": "checked the second outlet"}
XSS_DOC = "xss-doc"
# Written for this test: a report whose text and title carry markup that must stay text.
XSS_TEXT = ("سقطت ثلاثة صواريخ على قاعدة التنف اليوم الخميس. <script>alert(1)</script> "
            "وقال شاهد <img src=x onerror=alert(1)> إن الدخان غطى المكان.")


def fill_demo(db: str) -> str:
    """The demo samples and a report with markup in its text and title, ingested into ``db``."""
    manifest = Path(str(resources.files("marsad") / "demo/samples/manifest.jsonl"))
    with Store(db) as store:
        assert not ingest_paths(store, [manifest], Settings()).failures
        ingest_items(store, [Article(XSS_DOC, XSS_DOC, text=XSS_TEXT, title="<script>alert(2)</script>",
                                     outlet="Test", published=date(2024, 1, 4), lang="ar")], Settings())
    return db


@pytest.fixture(scope="module")
def demo_db(module_database: str) -> str:
    return fill_demo(module_database)


@pytest.fixture(scope="module")
def client(demo_db: str) -> TestClient:
    return TestClient(create_app(demo_db, token=TOKEN))


@pytest.fixture(scope="module")
def events(demo_db: str) -> list[dict]:
    with Store(demo_db) as store:
        return store.events()


@pytest.fixture
def writable(demo_db: str, tmp_path: Path, another_database) -> TestClient:
    """A client on a copy of the demo store, for tests that change it."""
    if is_postgres_url(demo_db):
        return TestClient(create_app(fill_demo(another_database("postgresql")), token=TOKEN))
    path = tmp_path / "marsad.db"
    shutil.copy(demo_db, path)
    return TestClient(create_app(str(path), token=TOKEN))


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()["events"]]


def newest_first(events: list[dict]) -> list[str]:
    return [e["id"] for e in sorted(events, key=lambda e: (e["date"] or "", e["id"]), reverse=True)]


# reads -------------------------------------------------------------------------------
def test_list_has_every_event_newest_first_with_its_review(client, events):
    body = client.get("/api/events?limit=500").json()
    assert body["total"] == len(events) and (body["limit"], body["offset"]) == (500, 0)
    assert [e["id"] for e in body["events"]] == newest_first(events)
    assert all(e["review"] == {"rejected": False, "reviewed": False, "corrected_fields": []} for e in body["events"])


def test_pages_cover_every_event_once(client, events):
    seen = []
    for offset in range(0, len(events) + 5, 5):
        body = client.get(f"/api/events?limit=5&offset={offset}").json()
        assert len(body["events"]) <= 5 and body["total"] == len(events)
        seen += [e["id"] for e in body["events"]]
    assert seen == newest_first(events)


FILTERS = [  # API parameters, the same condition as an EventFilter (or a test on the record)
    ({"date_from": "2023-12-01"}, {"date_from": date(2023, 12, 1)}),
    ({"date_to": "2023-11-30"}, {"date_to": date(2023, 11, 30)}),
    ({"date_from": "2023-11-09", "date_to": "2023-11-13"}, {"date_from": date(2023, 11, 9), "date_to": date(2023, 11, 13)}),
    ({"date_from": "2023-11-15", "date_to": ""}, {"date_from": date(2023, 11, 15)}),  # an empty form field
    ({"country": "IQ"}, {"country": "IQ"}),
    ({"country": "sy"}, {"country": "SY"}),
    ({"admin1": "Anbar"}, {"admin1": "Anbar"}),
    ({"admin1": "deir ez-zor"}, {"admin1": "Deir ez-Zor"}),
    ({"place": "عين الاسد"}, {"place": "عين الاسد"}),
    ({"place": "omar"}, {"place": "omar"}),
    ({"actor": "sdf"}, {"actor": "sdf"}),
    ({"actor": "us_coalition"}, {"actor": "us_coalition"}),
    ({"type": "Air/drone strike"}, {"sub_event_type": "Air/drone strike"}),
    ({"type": "air/drone strike", "admin1": "Deir ez-Zor"}, {"sub_event_type": "Air/drone strike", "admin1": "Deir ez-Zor"}),
    ({"min_probability": "0.8"}, {"min_probability": 0.8}),
    ({"weapon": "drone"}, lambda e: "drone" in e["weapons"]),
    ({"weapon": "rocket", "country": "SY"}, lambda e: "rocket" in e["weapons"] and e["location"]["country"] == "SY"),
]


@pytest.mark.parametrize("params, condition", FILTERS, ids=[json.dumps(p, ensure_ascii=False) for p, _ in FILTERS])
def test_filter_selects_what_export_filter_selects(client, events, params, condition):
    keep = EventFilter(**condition).matches if isinstance(condition, dict) else condition
    expected = [e for e in events if keep(e)]
    assert 0 < len(expected) < len(events)  # the filter discriminates on the demo store
    body = client.get("/api/events", params={**params, "limit": 500}).json()
    assert body["total"] == len(expected)
    assert [e["id"] for e in body["events"]] == newest_first(expected)


@pytest.mark.parametrize("offset", [0, 1, 10_000])
def test_text_search_counts_every_match_and_pages_them(client, demo_db, events, offset):
    """The count and the page of a text search come from one run of the search (queries.list_events);
    a page past the end still tells how many events match."""
    with Store(demo_db) as store:
        docs = set(search(store.conn, "صواريخ"))
    expected = newest_first([e for e in events if docs & {r["doc_id"] for r in e["reports"]}])
    body = client.get("/api/events", params={"q": "صواريخ", "limit": 2, "offset": offset}).json()
    assert body["total"] == len(expected) > 2
    assert [e["id"] for e in body["events"]] == expected[offset:offset + 2]


@pytest.mark.parametrize("q, must_include", [("صواريخ", "Shelling/artillery/missile attack"),
                                             ("البوكمال", "Air/drone strike"), ("drones", None)])
def test_text_search_finds_events_of_matching_documents(client, demo_db, events, q, must_include):
    with Store(demo_db) as store:
        docs = set(search(store.conn, q))
    expected = [e for e in events if docs & {r["doc_id"] for r in e["reports"]}]
    assert 0 < len(expected) < len(events)
    assert ids(client.get("/api/events", params={"q": q, "limit": 500})) == newest_first(expected)
    if must_include:
        assert must_include in {e["sub_event_type"] for e in expected}


def period(day: str, by: str) -> str:
    d = date.fromisoformat(day)
    if by == "week":
        d -= timedelta(days=d.weekday())
    elif by == "month":
        d = d.replace(day=1)
    return d.isoformat()


GROUPS = {"type": lambda e: e["sub_event_type"], "admin1": lambda e: (e["location"] or {}).get("admin1"),
          "actor": lambda e: e["attacker"]}


@pytest.mark.parametrize("by", ["day", "week", "month"])
@pytest.mark.parametrize("group", ["type", "admin1", "actor"])
def test_stats_count_events_per_period_and_group(client, events, by, group):
    body = client.get("/api/stats", params={"by": by, "group": group, "country": "SY"}).json()
    assert (body["by"], body["group"]) == (by, group)
    expected = Counter((period(e["date"], by), GROUPS[group](e) or "unknown") for e in events
                       if e["date"] and e["location"]["country"] == "SY")
    got = Counter({(s["period"], k): n for s in body["series"] for k, n in s["counts"].items()})
    assert got == expected
    periods = [date.fromisoformat(s["period"]) for s in body["series"]]
    step = {"day": 1, "week": 7}.get(by)
    assert all((b - a).days == step if step else (a.day, b.day, (b - a).days <= 31) == (1, 1, True)
               for a, b in zip(periods, periods[1:]))  # consecutive periods, empty ones included
    if by == "week":
        assert {p.weekday() for p in periods} == {0}


def test_stats_default_to_weeks_by_type(client):
    body = client.get("/api/stats").json()
    assert (body["by"], body["group"]) == ("week", "type") and body["series"]


def cli_export(db: Path, tmp_path: Path, fmt: str, args: list[str]) -> bytes:
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", fmt, "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["marsad-jsonl", "csv", "geojson"])
@pytest.mark.parametrize("params, args", [
    ({}, []),
    ({"date_from": "2023-12-01", "country": "SY"}, ["--from", "2023-12-01", "--country", "SY"]),
    ({"place": "البوكمال", "actor": "us_coalition"}, ["--place", "البوكمال", "--actor", "us_coalition"]),
    ({"type": "Air/drone strike", "admin1": "Hasakah"}, ["--type", "Air/drone strike", "--admin1", "Hasakah"]),
])
def test_export_is_the_bytes_marsad_export_writes(client, demo_db, tmp_path, fmt, params, args):
    response = client.get("/api/export", params={"format": fmt, **params})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content == cli_export(demo_db, tmp_path, fmt, args)
    assert len(response.content) > 100


def test_event_has_its_documents_and_audit(client, events):
    event = next(e for e in events if len({r["doc_id"] for r in e["reports"]}) > 1)
    body = client.get(f"/api/events/{event['id']}").json()
    assert body["id"] == event["id"] and body["reports"] == event["reports"] and body["audit"] == []
    assert body["probability"] == event["probability"] and 0 < body["probability_threshold"] < 1
    assert [d["doc_id"] for d in body["documents"]] == list(dict.fromkeys(r["doc_id"] for r in event["reports"]))
    assert all({"title", "outlet", "published", "url"} <= d.keys() for d in body["documents"])


def test_document_has_its_text_and_every_span_in_it(client, events):
    event = events[0]
    doc_id = event["reports"][0]["doc_id"]
    body = client.get(f"/api/documents/{doc_id}").json()
    assert body["doc_id"] == doc_id and body["lang"] == "ar"
    assert body["spans"] and all(body["text"][s["start"]:s["end"]] == s["text"] for s in body["spans"])
    cited = {(e["start"], e["end"], e["field"]) for r in event["reports"] if r["doc_id"] == doc_id
             for e in r["evidence"]}
    assert cited <= {(s["start"], s["end"], s["field"]) for s in body["spans"] if s["event_id"] == event["id"]}


def test_openapi_documents_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/events", "/api/events/{event_id}", "/api/documents/{doc_id}", "/api/stats", "/api/export",
            "/api/audit", "/api/events/{event_id}/correct", "/api/events/merge"} <= paths.keys()
    assert client.get("/docs").status_code == 200


# errors ------------------------------------------------------------------------------
@pytest.mark.parametrize("url, status, names", [
    ("/api/events?date_from=2023-13-45", 422, "date_from"),
    ("/api/events?date_to=yesterday", 422, "date_to"),
    ("/api/events?date_from=2024-02-01&date_to=2024-01-01", 422, "before it starts"),
    ("/api/events?limit=100000", 422, "limit"),
    ("/api/events?limit=-1", 422, "limit"),
    ("/api/events?limit=0", 422, "limit"),
    ("/api/events?limit=ten", 422, "limit"),
    ("/api/events?offset=-1", 422, "offset"),
    ("/api/events?offset=99999999999999999999999999", 422, "offset"),
    ("/api/events?type=Riot", 422, "type"),
    ("/api/events?weapon=catapult", 422, "weapon"),
    ("/api/events?country=Syria", 422, "country"),
    ("/api/events?include_rejected=maybe", 422, "include_rejected"),
    ("/api/events?q=" + "صاروخ " * 300, 422, "q"),
    ("/api/events?place=" + "x" * 5000, 422, "place"),
    ("/api/stats?by=year", 422, "by"),
    ("/api/stats?group=outlet", 422, "group"),
    ("/api/stats?date_from=2023-02-30", 422, "date_from"),
    ("/api/export?format=xlsx", 422, "format"),
    ("/api/events/evt-000000000000", 404, "evt-000000000000"),
    ("/api/documents/no-such-doc", 404, "no-such-doc"),
    ("/api/events?admin1=%00", 422, "NUL"),
    ("/api/events?review=done", 422, "review"),
    ("/api/events?changed_since=yesterday", 422, "changed_since"),
    ("/api/events?changed_since=9999-12-31T23:00:00-05:00", 422, "changed_since"),
    ("/api/events?min_confidence=2", 422, "min_confidence"),
    ("/api/review/queue?since=noon", 422, "since"),
    ("/api/events/evt-000000000000/neighbours", 404, "evt-000000000000"),
    ("/feed.atom?type=Riot", 422, "type"),
    ("/api/documents/doc%00", 422, "NUL"),
])
def test_bad_request_gets_a_clear_message(client, url, status, names):
    response = client.get(url)
    assert response.status_code == status
    detail = response.json()["detail"]
    assert isinstance(detail, str) and names in detail


@pytest.mark.parametrize("q", ['"', "NOT", "a OR", "صواريخ) OR (", "*", "'; DROP TABLE events; --", "؟!", "ب ال و"])
def test_search_syntax_is_plain_text(client, q):
    assert client.get("/api/events", params={"q": q}).status_code == 200


GARBAGE = st.text(max_size=30)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["date_from", "date_to", "country", "admin1", "place", "actor", "type", "weapon", "q",
                             "include_rejected", "limit", "offset", "by", "group", "format", "review",
                             "changed_since", "min_confidence", "since", "lang"]),
       value=GARBAGE, endpoint=st.sampled_from(["/api/events", "/api/stats", "/api/export", "/api/review/queue",
                                                "/feed.atom"]))
def test_garbage_parameters_never_break_the_server(client, name, value, endpoint):
    response = client.get(endpoint, params={name: value})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert isinstance(response.json()["detail"], str)


# security ----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/?lang=en", "/events/{event}", "/documents/demo-06-tanf-drones-en",
                                  "/api/events", "/api/events/nope", "/api/stats", "/static/i18n.json",
                                  "/openapi.json", "/no/such/page"])
def test_security_headers_on_every_response(client, events, path):
    response = client.get(path.format(event=events[0]["id"]))
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_tile_server_is_allowed_for_images_only_and_named_on_the_map(demo_db):
    tiles = "https://tiles.example.org/osm/{z}/{x}/{y}.png"
    client = TestClient(create_app(demo_db, token=TOKEN, tiles=tiles))
    policy = client.get("/api/events").headers["content-security-policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in policy
    assert policy.replace(" https://tiles.example.org", "") == CSP  # nothing else is let in
    assert f'data-tiles="{tiles}"' in client.get("/").text


@pytest.mark.parametrize("tiles", ["https://tiles.example.org/{z}/{x}.png", "ftp://tiles.example.org/{z}/{x}/{y}",
                                   "https://{s}.tiles.example.org/{z}/{x}/{y}.png", "https://a b/{z}/{x}/{y}"])
def test_a_tile_url_that_is_not_an_xyz_template_is_refused(demo_db, tiles):
    with pytest.raises(ValueError, match="tile URL"):
        create_app(demo_db, token=TOKEN, tiles=tiles)


def test_serve_refuses_a_bad_tile_url_with_one_line(demo_db, monkeypatch):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("served despite a bad --tiles"))
    result = CliRunner().invoke(cli, ["serve", "--db", demo_db, "--tiles", "https://tiles.example.org/{z}.png"])
    assert result.exit_code == 1 and "needs {x}, {y}" in result.output and "Traceback" not in result.output


def test_places_lists_the_gazetteer_towns_for_the_map(client):
    cities = client.get("/api/places", params={"kind": "city"}).json()["places"]
    assert {"Damascus", "Baghdad", "Raqqa"} <= {p["name"] for p in cities}
    assert all(p["kind"] == "city" and p["name_ar"] and -90 <= p["lat"] <= 90 for p in cities)
    assert len(client.get("/api/places").json()["places"]) > len(cities)
    assert "kind" in client.get("/api/places", params={"kind": "planet"}).json()["detail"]


def test_api_returns_markup_in_a_document_as_plain_json_text(client):
    response = client.get(f"/api/documents/{XSS_DOC}")
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert "<script>alert(1)</script>" in body["text"] and "<img src=x onerror=alert(1)>" in body["text"]
    assert body["title"] == "<script>alert(2)</script>"


@pytest.mark.parametrize("path", [f"/documents/{XSS_DOC}", "/events/%3Cscript%3Ealert(1)%3Cb%3E",
                                  "/documents/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E?lang=en"])
def test_pages_never_carry_markup_from_the_store_or_the_url(client, path):
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
    assert "<script>alert(" not in response.text and "<img src=x" not in response.text
    assert "alert(2)" not in response.text  # the title is fetched by the page, never templated


@pytest.mark.parametrize("query, lang, direction", [("", "ar", "rtl"), ("?lang=en", "en", "ltr"),
                                                    ("?lang=xx", "ar", "rtl")])
def test_page_language_and_direction(client, query, lang, direction):
    response = client.get("/" + query)
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in response.text


def test_unknown_event_page_is_404(client):
    assert client.get("/events/evt-000000000000").status_code == 404


# writes ------------------------------------------------------------------------------
def first_with_reports(client: TestClient, n: int) -> dict:
    return next(e for e in client.get("/api/events?limit=500").json()["events"] if len(e["reports"]) >= n)


@pytest.mark.parametrize("headers, status", [({}, 401), ({"X-Marsad-Token": "wrong"}, 403),
                                             ({"Authorization": "Bearer wrong"}, 403),
                                             ({"Authorization": "Basic " + TOKEN}, 401)])
@pytest.mark.parametrize("action, body", [
    ("correct", {"field": "launched", "value": 3, **SIGNED}), ("reject", SIGNED), ("unreject", SIGNED),
    ("confirm", SIGNED),
    ("split", {"report_id": "x#0", **SIGNED}),
])
def test_writes_need_the_token(writable, action, body, headers, status):
    event = first_with_reports(writable, 1)
    response = writable.post(f"/api/events/{event['id']}/{action}", json=body, headers=headers)
    assert response.status_code == status
    assert writable.post("/api/events/merge", json={"event_ids": ["a", "b"], **SIGNED},
                         headers=headers).status_code == status
    assert writable.get("/api/audit").json() == {"audit": []}


@pytest.mark.parametrize("body, names", [
    ({"field": "casualties", "value": 3, **SIGNED}, "casualties"),
    ({"field": "launched", "value": 3, "who": "a", "why": "b", "extra": 1}, "extra"),
    ({"field": "launched", "value": 3, "why": "b"}, "who"),
    ({"field": "launched", "value": 3, "who": "a", "why": "  "}, "why"),
    ({"field": "date", "value": "2024-13-01", **SIGNED}, "YYYY-MM-DD"),
    ({"value": 3, **SIGNED}, "field"),
    ({"field": "attacker", "value": "isis\x00", **SIGNED}, "NUL"),
    ({"field": "launched", "value": 3, "who": "a\x00", "why": "b"}, "NUL"),
])
def test_bad_correction_is_422(writable, body, names):
    event = first_with_reports(writable, 1)
    response = writable.post(f"/api/events/{event['id']}/correct", json=body, headers=WRITE)
    assert response.status_code == 422 and names in response.json()["detail"]


def test_correction_over_http_shows_everywhere(writable):
    event = first_with_reports(writable, 2)
    response = writable.post(f"/api/events/{event['id']}/correct", headers={"Authorization": f"Bearer {TOKEN}"},
                             json={"field": "launched", "value": 11, **SIGNED})
    assert response.status_code == 200 and response.json()["munitions"]["launched"] == 11
    shown = writable.get(f"/api/events/{event['id']}").json()
    assert shown["munitions"]["launched"] == 11 and shown["review"]["corrected_fields"] == ["launched"]
    assert [(a["action"], a["field"], a["value"], a["who"]) for a in shown["audit"]] == \
        [("correct", "launched", 11, "analyst-1")]
    exported = [json.loads(line) for line in writable.get("/api/export").text.splitlines()]
    assert next(e for e in exported if e["id"] == event["id"])["munitions"]["launched"] == 11
    assert writable.get(f"/api/audit?event_id={event['id']}").json()["audit"] == shown["audit"]


def test_reject_over_http_hides_from_lists_stats_and_exports(writable):
    event = first_with_reports(writable, 1)
    total = writable.get("/api/events").json()["total"]
    assert writable.post(f"/api/events/{event['id']}/reject", json=SIGNED, headers=WRITE).status_code == 200
    assert event["id"] not in ids(writable.get("/api/events?limit=500"))
    assert writable.get("/api/events").json()["total"] == total - 1
    assert event["id"] in ids(writable.get("/api/events?limit=500&include_rejected=true"))
    assert event["id"] not in writable.get("/api/export").text
    assert event["id"] in writable.get("/api/export?include_rejected=true").text
    assert writable.get(f"/api/events/{event['id']}").json()["review"]["rejected"] is True
    assert writable.post(f"/api/events/{event['id']}/unreject", json=SIGNED, headers=WRITE).status_code == 200
    assert writable.get("/api/events").json()["total"] == total


def test_merge_and_split_over_http(writable):
    a, b = [e["id"] for e in writable.get("/api/events?limit=2").json()["events"]]
    reports = {r["report_id"] for e in (a, b) for r in writable.get(f"/api/events/{e}").json()["reports"]}
    response = writable.post("/api/events/merge", json={"event_ids": [a, b], **SIGNED}, headers=WRITE)
    assert response.json() == {"event_id": a}
    assert {r["report_id"] for r in writable.get(f"/api/events/{a}").json()["reports"]} == reports
    assert writable.get(f"/api/events/{b}").status_code == 404
    moved = sorted(reports)[0]
    response = writable.post(f"/api/events/{a}/split", json={"report_id": moved, **SIGNED}, headers=WRITE)
    new = response.json()["event_id"]
    assert [r["report_id"] for r in writable.get(f"/api/events/{new}").json()["reports"]] == [moved]
    assert moved not in {r["report_id"] for r in writable.get(f"/api/events/{a}").json()["reports"]}


def test_unknown_event_in_a_write_is_404(writable):
    assert writable.post("/api/events/evt-nope/reject", json=SIGNED, headers=WRITE).status_code == 404
    assert writable.post("/api/events/merge", json={"event_ids": ["evt-nope", "evt-nada"], **SIGNED},
                         headers=WRITE).status_code == 404


def test_filters_follow_a_correction(writable):
    """The SQL filter columns are rewritten with the record: a moved event is found at its new place."""
    event = next(e for e in writable.get("/api/events?country=IQ&limit=500").json()["events"])
    assert event["id"] not in ids(writable.get("/api/events?place=conoco&limit=500"))
    writable.post(f"/api/events/{event['id']}/correct", headers=WRITE,
                  json={"field": "location", "value": "base_sy_conoco", **SIGNED})
    assert event["id"] in ids(writable.get("/api/events?place=conoco&country=SY&limit=500"))
    assert event["id"] not in ids(writable.get("/api/events?country=IQ&limit=500"))


# alerts --------------------------------------------------------------------------------
def test_alerts_are_listed_newest_first_with_their_event(writable):
    assert writable.get("/api/alerts").json() == {"alerts": []}
    first, second = [e["id"] for e in writable.get("/api/events?limit=2").json()["events"]]
    with Store(writable.app.state.db_path) as store:
        record(store.conn, [("casualties-at-bases", first, {"summary": f"{first}: two killed"})], {})
        record(store.conn, [("surge-deir-ez-zor", second, {"summary": f"{second}: third attack in 24 h"})], {})
    alerts = writable.get("/api/alerts").json()["alerts"]
    assert [(a["rule"], a["event_id"], a["summary"], a["sent"]) for a in alerts] == [
        ("surge-deir-ez-zor", second, f"{second}: third attack in 24 h", False),
        ("casualties-at-bases", first, f"{first}: two killed", False)]
    assert [a["event_id"] for a in writable.get("/api/alerts?limit=1").json()["alerts"]] == [second]
    assert writable.get("/api/alerts?limit=0").status_code == 422


# review queue, what changed, feed ------------------------------------------------------
def review_ids(client: TestClient, state: str) -> set[str]:
    return set(ids(client.get(f"/api/events?review={state}&limit=500")))


def test_review_filter_follows_confirm_correct_and_reject(writable):
    a, b, c, d = [e["id"] for e in writable.get("/api/events?limit=4").json()["events"]]
    everything = review_ids(writable, "unreviewed")
    assert review_ids(writable, "reviewed") == review_ids(writable, "rejected") == set()
    for event_id, action, body in ((a, "confirm", SIGNED), (b, "correct", {"field": "launched", "value": 2, **SIGNED}),
                                   (c, "reject", SIGNED)):
        assert writable.post(f"/api/events/{event_id}/{action}", json=body, headers=WRITE).status_code == 200
    assert review_ids(writable, "reviewed") == {a, b}
    assert review_ids(writable, "rejected") == {c}
    assert review_ids(writable, "unreviewed") == everything - {a, b, c} and d in everything
    assert writable.get(f"/api/events/{a}").json()["review"]["reviewed"] is True
    assert [e["action"] for e in writable.get(f"/api/audit?event_id={a}").json()["audit"]] == ["confirm"]


def test_review_queue_is_least_certain_first_and_counts_todays_checks(writable):
    queue = writable.get("/api/review/queue?limit=500").json()
    unchecked = writable.get("/api/events?review=unreviewed&limit=500").json()["events"]
    assert queue["remaining"] == len(unchecked) == len(queue["events"]) and queue["checked_today"] == 0
    expected = sorted(unchecked, key=lambda e: (e["confidence"], [-ord(ch) for ch in e["date"] or ""], e["id"]))
    assert [e["id"] for e in queue["events"]] == [e["id"] for e in expected]
    assert len({e["confidence"] for e in unchecked}) > 1  # the order is tested on more than one level
    first, second = queue["events"][0]["id"], queue["events"][1]["id"]
    writable.post(f"/api/events/{first}/confirm", json=SIGNED, headers=WRITE)
    writable.post(f"/api/events/{second}/reject", json=SIGNED, headers=WRITE)
    writable.post(f"/api/events/{second}/unreject", json=SIGNED, headers=WRITE)
    after = writable.get("/api/review/queue?limit=500").json()
    assert (after["checked_today"], after["remaining"]) == (2, queue["remaining"] - 2)
    assert [e["id"] for e in after["events"]] == [e["id"] for e in queue["events"][2:]]
    tomorrow = (date.today() + timedelta(days=2)).isoformat() + "T00:00:00Z"
    assert writable.get("/api/review/queue", params={"since": tomorrow}).json()["checked_today"] == 0
    limited = writable.get("/api/review/queue?limit=3&country=IQ").json()
    assert [e["id"] for e in limited["events"]] == [e["id"] for e in after["events"]
                                                     if e["location"]["country"] == "IQ"][:3]


def test_neighbours_are_other_events_at_the_place_within_three_days(client, events):
    def near(e: dict, o: dict) -> bool:
        return (o["id"] != e["id"] and o["location"] and o["location"]["id"] == e["location"]["id"] and o["date"]
                and abs((date.fromisoformat(o["date"]) - date.fromisoformat(e["date"])).days) <= 3)
    located = [e for e in events if e["location"] and e["date"]]
    with_some = [e for e in located if any(near(e, o) for o in events)]
    assert with_some  # the demo has events that could be one
    for event in located:
        found = client.get(f"/api/events/{event['id']}/neighbours").json()["events"]
        assert {e["id"] for e in found} == {o["id"] for o in events if near(event, o)}
        assert len(found) <= 5


def test_changed_since_lists_new_and_changed_events_with_their_times(writable):
    before = writable.get("/api/events?limit=500").json()["events"]
    assert all(e["first_seen"] and e["changed_at"] >= e["first_seen"] for e in before)
    last = max(e["changed_at"] for e in before)
    since = writable.get("/api/events", params={"changed_since": last, "limit": 500}).json()["events"]
    assert {e["id"] for e in since} == {e["id"] for e in before if e["changed_at"] >= last}
    assert all(e["new"] is (e["first_seen"] >= last) for e in since)
    # a moment after now written with another offset: two days on, as tomorrow at 00:00+03:00 is already past
    # in the last three hours of a UTC day
    later = (date.today() + timedelta(days=2)).isoformat() + "T00:00:00+03:00"
    assert writable.get("/api/events", params={"changed_since": later}).json()["total"] == 0
    event = before[0]
    writable.post(f"/api/events/{event['id']}/confirm", json=SIGNED, headers=WRITE)
    moment = writable.get(f"/api/events?limit=500&changed_since={event['changed_at'].replace('+00:00', 'Z')}")
    changed = next(e for e in moment.json()["events"] if e["id"] == event["id"])
    assert changed["changed_at"] >= event["changed_at"] and changed["first_seen"] == event["first_seen"]


ATOM = "{http://www.w3.org/2005/Atom}"


def feed_entries(client: TestClient, params: dict) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get("/feed.atom", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


@pytest.mark.parametrize("params", [{}, {"country": "SY", "type": "Air/drone strike"}, {"min_confidence": 0.8},
                                    {"lang": "en", "country": "IQ"}])
def test_feed_has_the_newest_matching_events_as_atom(client, params):
    root, entries = feed_entries(client, params)
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}title").text and root.find(f"{ATOM}updated").text
    assert root.find(f"{ATOM}id").text == root.find(f"{ATOM}link[@rel='self']").get("href")
    api_params = {k: v for k, v in params.items() if k != "lang"}
    listed = client.get("/api/events", params={**api_params, "limit": 500}).json()["events"]
    listed.sort(key=lambda e: (e["first_seen"], e["id"]), reverse=True)
    assert 0 < len(entries) == len(listed[:100])
    for entry, event in zip(entries, listed):
        assert entry.find(f"{ATOM}id").text == f"urn:marsad:event:{event['id']}"
        assert entry.find(f"{ATOM}updated").text == event["changed_at"]
        assert entry.find(f"{ATOM}published").text == event["first_seen"]
        assert entry.find(f"{ATOM}link").get("href").endswith(f"/events/{event['id']}?lang={params.get('lang', 'ar')}")
        assert event["date"] in entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}summary").text
    if "min_confidence" in params:
        assert all(e["confidence"] >= 0.8 for e in listed)


def test_hostile_text_stays_text_in_the_feed(writable):
    outlet = '</summary><entry><title>pwned</title></entry><![CDATA[ & "x" ]]>'
    with Store(writable.app.state.db_path) as store:
        ingest_items(store, [Article("hostile-feed", "hostile-feed", outlet=outlet, published=date(2024, 2, 6), lang="ar",
                                     text="سقطت أربعة صواريخ على قاعدة حقل العمر اليوم الثلاثاء.")], Settings())
    root, entries = feed_entries(writable, {"place": "<script>alert(1)</script>", "include_rejected": "true"})
    assert entries == [] and "place=%3Cscript%3E" in root.find(f"{ATOM}link[@rel='self']").get("href")
    root, entries = feed_entries(writable, {"lang": "en"})
    assert len(entries) == writable.get("/api/events").json()["total"]
    assert "pwned" not in [e.find(f"{ATOM}title").text for e in entries]
    assert any(outlet in e.find(f"{ATOM}summary").text for e in entries)

