"""The workbench pages in a real browser: Playwright for Python driving Debian's Chromium.

The app runs with uvicorn in a thread on a database of the demo samples plus one
hostile report (script and onerror markup next to a real attack sentence). Each
test asserts what an analyst sees against what the JSON API says, so a page that
drops or misplaces data fails. Screenshots go to tests/serve/artifacts/.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from urllib.request import urlopen

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (pip install playwright)")
uvicorn = pytest.importorskip("uvicorn", reason="browser tests need uvicorn")

from marsad.alerts.store import record  # noqa: E402
from marsad.run import ingest_items, ingest_paths, reprocess  # noqa: E402
from marsad.serve.app import create_app  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.store.store import Store  # noqa: E402
from marsad.types import Article  # noqa: E402

TOKEN = "test-token"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
READY = "body[data-ready]:not([data-loading])"
STRINGS = json.loads((Path(__file__).resolve().parents[2] / "marsad" / "serve" / "static" / "i18n.json")
                     .read_text(encoding="utf-8"))

# A report written for this test: a real attack sentence with markup that would run if a page used innerHTML.
XSS_TEXT = """هجوم بالصواريخ على قاعدة الشدادي

قالت مصادر محلية إن أربعة صواريخ سقطت فجر يوم الثلاثاء على قاعدة الشدادي التي تضم قوات التحالف الدولي جنوب الحسكة. <script>window.__xss=1</script> وأضافت المصادر أن الهجوم لم يسفر عن إصابات. <img src=x onerror="window.__xss=2">
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    (folder / "xss-probe.txt").write_text(XSS_TEXT, encoding="utf-8")
    (folder / "manifest.jsonl").write_text(json.dumps(
        {"doc_id": "xss-probe", "path": "xss-probe.txt", "published": "2024-03-12", "outlet": "Probe Outlet",
         "lang": "ar", "url": "javascript:alert(1)"}) + "\n", encoding="utf-8")
    path = folder / "demo.db"
    samples = resources.files("marsad").joinpath("demo", "samples", "manifest.jsonl")
    with resources.as_file(samples) as manifest, Store(path) as store:
        result = ingest_paths(store, [manifest, folder / "manifest.jsonl"], Settings())
    assert not result.failures and result.events > 10
    return path


# Places for the long store's reports, and the days of its first month, when reports are weekly.
LONG_PLACES = ["قاعدة التنف", "حقل العمر", "حقل كونيكو", "قاعدة عين الأسد", "مدينة البوكمال", "قاعدة الشدادي"]
LONG_START = date(2019, 1, 3)


@pytest.fixture(scope="module")
def long_db(tmp_path_factory) -> Path:
    """Five years of short rocket reports written for this test: weekly in the first month, then one
    every 46 days, so the timeline can be looked at over 1, 12 and 60 months."""
    days = [LONG_START + timedelta(days=7 * i) for i in range(5)]
    days += [LONG_START + timedelta(days=46 * i) for i in range(1, 40)]
    articles = [Article(f"long-{i}", f"long-{i}", text=f"سقطت ثلاثة صواريخ اليوم على {LONG_PLACES[i % len(LONG_PLACES)]} دون إصابات.",
                        title="", outlet="Test Outlet", published=day, lang="ar") for i, day in enumerate(days)]
    path = tmp_path_factory.mktemp("long") / "long.db"
    with Store(path) as store:
        ingest_items(store, articles, Settings())
        assert len({e["date"] for e in store.events()}) == len(days)
    return path


def running(db: Path):
    """The workbench on ``db`` in a uvicorn thread; yields its URL and stops it afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(str(db), token=TOKEN), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # readiness poll, not a timing assertion
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(db) -> str:
    yield from running(db)


@pytest.fixture(scope="module")
def long_url(long_db) -> str:
    yield from running(long_db)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page (own sessionStorage) that fails the test on a script error or a CSP violation."""
    context = browser.new_context(viewport={"width": 1360, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and "status of 4" not in msg.text else None)
    yield page
    context.close()
    assert not problems, problems


def api(base_url: str, path: str) -> dict:
    with urlopen(base_url + path) as response:
        return json.load(response)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def table_ids(page) -> list[str]:
    return page.eval_on_selector_all("#events tbody tr[data-event-id]", "rows => rows.map(r => r.dataset.eventId)")


def map_event_ids(page) -> list[str]:
    """Every event the map shows, as a marker of its own or inside a cluster."""
    return page.evaluate("""() => [
      ...[...document.querySelectorAll('#map circle.point')].map(c => c.dataset.eventId),
      ...[...document.querySelectorAll('#map g.cluster')].flatMap(g => g.dataset.eventIds.split(' ')),
    ]""")


def event_with_most_evidence(base_url: str) -> dict:
    events = api(base_url, "/api/events?limit=500")["events"]
    return max(events, key=lambda e: (len(e["reports"]), sum(len(r["evidence"]) for r in e["reports"])))


def test_dashboard_shows_map_points_timeline_bars_and_table_rows(page, base_url):
    everything = api(base_url, "/api/events?limit=500")
    stats = api(base_url, "/api/stats?by=week&group=type")
    page.goto(f"{base_url}/?lang=en")
    page.wait_for_selector(READY)
    located = [e for e in everything["events"] if e["location"] and e["location"]["lat"] is not None]
    assert sorted(map_event_ids(page)) == sorted(e["id"] for e in located) and len(located) > 10
    assert page.locator("#map path.area.admin1").count() >= 40  # governorates of Syria, Iraq and Jordan
    bars = sum(1 for s in stats["series"] for n in s["counts"].values() if n)
    assert page.locator("#timeline rect.bar").count() == bars > 0
    assert table_ids(page) == [e["id"] for e in everything["events"][:50]]
    shot(page, "dashboard-en.png")
    page.goto(f"{base_url}/?lang=ar")
    page.wait_for_selector(READY)
    shot(page, "dashboard-ar.png")


def test_map_point_click_opens_its_event(page, base_url):
    page.goto(f"{base_url}/?lang=en")
    page.wait_for_selector(READY)
    point = page.locator("#map circle.point").first
    event_id = point.get_attribute("data-event-id")
    point.dispatch_event("click")
    page.wait_for_url(f"**/events/{event_id}?lang=en")
    page.wait_for_selector(READY)
    assert event_id in page.locator("#event-title").inner_text()


@pytest.mark.parametrize("fill", [
    {"date_from": "2023-12-01", "date_to": "2024-01-31"},
    {"type": "Air/drone strike"},
    {"type": "Shelling/artillery/missile attack", "date_from": "2023-11-08"},
])
def test_filters_change_the_table_to_what_the_api_returns(page, base_url, fill):
    page.goto(f"{base_url}/?lang=en")
    page.wait_for_selector(READY)
    everything = table_ids(page)
    for name, value in fill.items():
        if name == "type":
            page.select_option(f"#filters [name={name}]", value)
        else:
            page.fill(f"#filters [name={name}]", value)
    page.click("#filters button[type=submit]")
    page.wait_for_selector(READY)
    query = "&".join(f"{k}={v.replace('/', '%2F').replace(' ', '+')}" for k, v in fill.items())
    expected = [e["id"] for e in api(base_url, f"/api/events?limit=50&{query}")["events"]]
    assert table_ids(page) == expected
    assert 0 < len(expected) < len(everything)
    # The filters live in the query string, so a reload and the language switch keep them.
    page.click("#lang-switch")
    page.wait_for_selector(READY)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert table_ids(page) == expected
    assert all(page.input_value(f"#filters [name={k}]") == v for k, v in fill.items())


def marked_text(page) -> dict[str, dict[int, str]]:
    """For each report's text box: span index → the concatenated text of the marks covering it."""
    return page.evaluate("""() => {
      const out = {};
      for (const box of document.querySelectorAll('#reports .doc-text, #doc-text')) {
        const spans = {};
        for (const mark of box.querySelectorAll('mark')) {
          for (const i of mark.dataset.spans.split(' ')) spans[i] = (spans[i] || '') + mark.textContent;
        }
        out[box.dataset.docId || document.body.dataset.docId] = spans;
      }
      return out;
    }""")


def test_event_page_marks_every_evidence_span_with_its_stored_text(page, base_url):
    event = event_with_most_evidence(base_url)
    assert len(event["reports"]) >= 2
    page.goto(f"{base_url}/events/{event['id']}?lang=en")
    page.wait_for_selector(READY)
    marks = marked_text(page)
    for doc_id in {r["doc_id"] for r in event["reports"]}:
        text = api(base_url, f"/api/documents/{doc_id}")["text"]
        evidence = [x for r in event["reports"] if r["doc_id"] == doc_id for x in r["evidence"]]
        assert len(marks[doc_id]) == len(evidence)
        for i, span in enumerate(evidence):
            assert marks[doc_id][str(i)] == text[span["start"]:span["end"]] == span["text"]
        direction = page.get_attribute(f'#reports .doc-text[data-doc-id="{doc_id}"]', "dir")
        assert direction == "rtl"  # the demo reports of this event are Arabic
    # Alternative claims name their outlets; a field name flashes its words in the text.
    outlets = {c["outlet"] for c in event["claims"] if c["field"] == "date"}
    date_claims = page.inner_text('#fields tr[data-field="date"] td.claims')
    assert all(outlet in date_claims for outlet in outlets)
    page.click('#fields button[data-field="date"]')
    flashed = page.eval_on_selector_all("mark.flash", "ms => ms.map(m => m.dataset.fields)")
    assert flashed and all("date" in f.split(" ") for f in flashed)
    shot(page, "event-en.png")


def test_language_switch_turns_the_page_rtl_arabic_and_back(page, base_url):
    event = event_with_most_evidence(base_url)
    page.goto(f"{base_url}/events/{event['id']}?lang=ar")
    page.wait_for_selector(READY)
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.inner_text("#fields thead th >> nth=0") == STRINGS["ar"]["field"]
    shot(page, "event-ar.png")
    page.click("#lang-switch")
    page.wait_for_selector(READY)
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("en", "ltr")
    assert page.inner_text("#fields thead th >> nth=0") == STRINGS["en"]["field"]
    assert page.get_attribute("#reports .doc-text", "dir") == "rtl"  # Arabic text stays right-to-left
    page.click("#lang-switch")
    page.wait_for_selector(READY)
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")


def review(page, token: str, field: str, value: str) -> None:
    page.fill("#token", token)
    page.fill("#who", "browser-test analyst")
    page.fill("#why", "the observatory's later bulletin gives this figure")
    page.select_option("#correct-field", field)
    page.fill("#correct-value", value)
    page.click("#correct-form button[type=submit]")
    page.wait_for_selector("#review-status:not(:empty)")


def test_a_wrong_token_is_refused_and_changes_nothing(page, base_url):
    event = event_with_most_evidence(base_url)
    page.goto(f"{base_url}/events/{event['id']}?lang=en")
    page.wait_for_selector(READY)
    review(page, "not-the-token", "launched", "99")
    assert "error" in page.get_attribute("#review-status", "class")
    assert api(base_url, f"/api/events/{event['id']}")["munitions"] == event["munitions"]


def test_a_correction_survives_reload_and_reprocess(page, base_url, db):
    event = event_with_most_evidence(base_url)
    new = (event["munitions"]["launched"] or 0) + 5
    page.goto(f"{base_url}/events/{event['id']}?lang=en")
    page.wait_for_selector(READY)
    review(page, TOKEN, "launched", str(new))
    assert page.inner_text("#review-status") == STRINGS["en"]["done"]

    def shows_correction() -> None:
        row = page.locator('#fields tr[data-field="launched"] td').first
        assert row.inner_text().startswith(str(new))
        assert row.locator(".badge").count() == 1
        assert "browser-test analyst" in page.inner_text("#audit")

    page.reload()
    page.wait_for_selector(READY)
    assert page.input_value("#token") == TOKEN  # kept in sessionStorage for the session
    shows_correction()
    with Store(db) as store:
        reprocess(store, Settings())
    page.reload()
    page.wait_for_selector(READY)
    shows_correction()
    assert api(base_url, f"/api/events/{event['id']}")["munitions"]["launched"] == new


def xss_event_id(base_url: str) -> str:
    spans = api(base_url, "/api/documents/xss-probe")["spans"]
    return next(s["event_id"] for s in spans if s["event_id"])


@pytest.mark.parametrize("path", ["/events/{event}", "/documents/xss-probe", "/"])
def test_markup_in_a_report_is_shown_as_text_and_never_runs(page, base_url, path):
    page.goto(base_url + path.format(event=xss_event_id(base_url)) + "?lang=en")
    page.wait_for_selector(READY)
    assert page.evaluate("window.__xss") is None
    assert page.locator("main script, main img, main [onerror]").count() == 0
    if path != "/":
        text = page.locator(".doc-text").first.text_content()
        assert "<script>window.__xss=1</script>" in text
        assert '<img src=x onerror="window.__xss=2">' in text
        # The manifest's javascript: URL must not become a link.
        assert page.locator('a[href^="javascript:"]').count() == 0


def test_document_page_marks_all_spans_with_a_legend(page, base_url):
    event = event_with_most_evidence(base_url)
    doc_id = event["reports"][0]["doc_id"]
    doc = api(base_url, f"/api/documents/{doc_id}")
    page.goto(f"{base_url}/documents/{doc_id}?lang=ar")
    page.wait_for_selector(READY)
    marks = marked_text(page)[doc_id]
    assert len(marks) == len(doc["spans"]) > 0
    for i, span in enumerate(doc["spans"]):
        assert marks[str(i)] == doc["text"][span["start"]:span["end"]]
    assert page.get_attribute("#doc-text", "dir") == "rtl"
    assert page.locator("#legend li").count() >= 3
    assert page.locator(f'#doc-events a[href="/events/{event["id"]}?lang=ar"]').count() == 1
    shot(page, "document-ar.png")


def test_reject_hides_the_event_from_the_dashboard_and_unreject_brings_it_back(page, base_url):
    event = api(base_url, "/api/events?limit=500")["events"][-1]
    page.goto(f"{base_url}/events/{event['id']}?lang=en")
    page.wait_for_selector(READY)
    page.fill("#token", TOKEN)
    page.fill("#who", "browser-test analyst")
    page.fill("#why", "a duplicate of an earlier report")
    page.click("#reject-button")
    page.wait_for_selector("#rejected:not([hidden])")
    assert page.inner_text("#reject-button") == STRINGS["en"]["unreject"]
    assert event["id"] not in [e["id"] for e in api(base_url, "/api/events?limit=500")["events"]]
    page.goto(f"{base_url}/?lang=en")
    page.wait_for_selector(READY)
    assert event["id"] not in table_ids(page)
    assert event["id"] not in map_event_ids(page)
    page.goto(f"{base_url}/events/{event['id']}?lang=en")
    page.wait_for_selector(READY)
    assert "rejection" in page.inner_text("#audit")
    page.click("#reject-button")  # the token and who are kept for the session; why is asked again
    page.wait_for_selector("#review-status:not(:empty)")
    assert "error" in page.get_attribute("#review-status", "class")  # no why given
    page.fill("#why", "checked again: a separate attack")
    page.click("#reject-button")
    page.wait_for_selector("#rejected[hidden]", state="attached")
    assert event["id"] in [e["id"] for e in api(base_url, "/api/events?limit=500")["events"]]


def test_dashboard_lists_the_alerts_that_fired_with_links_to_their_events(page, base_url, db):
    event_id = api(base_url, "/api/events?limit=1")["events"][0]["id"]
    with Store(db) as store:
        record(store.conn, [("casualties-at-bases", event_id, {"summary": f"{event_id}: two killed"})], {})
    page.goto(f"{base_url}/?lang=en")
    page.wait_for_selector(READY)
    link = page.locator("#alerts li a").first
    assert link.inner_text() == f"{event_id}: two killed"
    shot(page, "dashboard-alerts-en.png")
    link.click()
    page.wait_for_url(f"**/events/{event_id}?lang=en")


OVERLAPS = """(selector) => {
  const boxes = [...document.querySelectorAll(selector)].map(n => n.getBoundingClientRect());
  const pairs = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) pairs.push([a.x, a.y, b.x, b.y]);
  }));
  return pairs;
}"""


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("date_from, date_to, months", [("2019-01-01", "2019-01-31", 1), ("2020-01-01", "2020-12-31", 12),
                                                         ("", "", 60)])
def test_timeline_tick_labels_never_overlap(page, long_url, lang, date_from, date_to, months):
    page.goto(f"{long_url}/?lang={lang}&date_from={date_from}&date_to={date_to}")
    page.wait_for_selector(READY)
    weeks = api(long_url, f"/api/stats?by=week&date_from={date_from}&date_to={date_to}")["series"]
    assert months * 4 - 4 <= len(weeks) <= months * 5 + 1  # the filter really spans that long
    labels = page.locator("#timeline .time-axis text.tick-x:not(.tick-year)")
    assert labels.count() >= 3
    assert page.evaluate(OVERLAPS, "#timeline .time-axis text") == []
    svg = page.locator("#timeline").bounding_box()
    for box in (labels.nth(i).bounding_box() for i in range(labels.count())):
        assert svg["x"] <= box["x"] and box["x"] + box["width"] <= svg["x"] + svg["width"]
    if months == 60:
        shot(page, f"timeline-60-months-{lang}.png")


def test_map_labels_event_places_without_overlaps_and_clusters_close_markers(page, base_url):
    events = api(base_url, "/api/events?limit=500")["events"]
    page.goto(f"{base_url}/?lang=ar")
    page.wait_for_selector(READY)
    shown = page.eval_on_selector_all("#map .labels text.place-label", "ts => ts.map(t => t.textContent)")
    places = {e["location"]["name_ar"] or e["location"]["name"] for e in events if e["location"]}
    assert len(set(shown) & places) >= 5 and set(shown) <= places
    assert page.locator("#map .labels text.town-label").count() >= 1  # major towns from the gazetteer
    assert page.evaluate(OVERLAPS, "#map .labels text") == []
    # Markers that would overlap are drawn as one cluster whose number is its count of events.
    assert page.evaluate(OVERLAPS, "#map circle.point") == []
    clusters = page.locator("#map g.cluster")
    assert clusters.count() >= 1
    for i in range(clusters.count()):
        ids = clusters.nth(i).get_attribute("data-event-ids").split(" ")
        assert clusters.nth(i).locator("text").text_content() == str(len(ids)) and len(ids) >= 2
    assert page.locator("#map-legend li").count() >= 4
    shot(page, "dashboard-map-ar.png")
    # A click on a cluster zooms in (or fans out one spot's events): its events then sit in more markers.
    ids = set(clusters.first.get_attribute("data-event-ids").split(" "))
    clusters.first.dispatch_event("click")
    after = page.evaluate("""(ids) => [...document.querySelectorAll('#map circle.point, #map g.cluster')]
      .filter(m => (m.dataset.eventIds || m.dataset.eventId).split(' ').some(id => ids.includes(id))).length""", list(ids))
    assert after >= 2
    assert set(ids) <= set(map_event_ids(page))  # the cluster's events are all still on the map, each once
    assert len(map_event_ids(page)) == len(set(map_event_ids(page)))


def test_dragging_across_the_timeline_filters_the_dates(page, base_url):
    everything = api(base_url, "/api/events?limit=500")["events"]
    page.goto(f"{base_url}/?lang=en")
    page.wait_for_selector(READY)
    plot = page.locator("#timeline rect.overlay").bounding_box()
    # Hovering a week with events shows its counts by type.
    bar = page.locator("#timeline g.week:has(rect.bar)").first
    week = bar.get_attribute("data-period")
    box = bar.locator("rect.bar").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, plot["y"] + plot["height"] / 2)
    counts = next(s["counts"] for s in api(base_url, "/api/stats?by=week&group=type")["series"] if s["period"] == week)
    tip = page.locator(".timeline-tip")
    assert tip.is_visible() and week in tip.inner_text()
    assert f"Total: {sum(counts.values())}" in tip.inner_text()
    # Drag over the middle of the chart: the from/to filter becomes those weeks and the table follows.
    y = plot["y"] + plot["height"] / 2
    page.mouse.move(plot["x"] + plot["width"] * 0.3, y)
    page.mouse.down()
    page.mouse.move(plot["x"] + plot["width"] * 0.7, y, steps=8)
    page.mouse.up()
    page.wait_for_url("**date_from=*")
    page.wait_for_selector(READY)
    date_from, date_to = page.input_value("[name=date_from]"), page.input_value("[name=date_to]")
    assert date.fromisoformat(date_from).weekday() == 0 and date.fromisoformat(date_to).weekday() == 6
    expected = [e["id"] for e in api(base_url, f"/api/events?limit=50&date_from={date_from}&date_to={date_to}")["events"]]
    assert table_ids(page) == expected and 0 < len(expected) < len(everything)
    assert all(date_from <= e["date"] <= date_to for e in everything if e["id"] in expected)
    # The button clears the dates and everything is back.
    page.click("#clear-dates")
    page.wait_for_function("!new URLSearchParams(location.search).get('date_from')")
    page.wait_for_selector(READY)
    assert page.input_value("[name=date_from]") == "" and len(table_ids(page)) == min(50, len(everything))
    assert page.locator("#clear-dates").is_hidden()
