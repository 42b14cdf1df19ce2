"""The review queue in a real browser: an analyst works through demo events with the keyboard alone,
and every action lands in the audit log, in the queue's order and in its progress counter."""
from __future__ import annotations

import json
from urllib.request import Request, urlopen

import pytest

from test_browser import READY, STRINGS, TOKEN, api, base_url, browser, db, page, shot  # noqa: F401

WHO = "analyst-k"
# The keys an analyst presses for each of 20 events (each leaves the queue) and the audit entry it makes.
# The demo gives more than 20 events even after the merge test joins two; moving with j/k is tested before they
# are reviewed, and the dashboard tests after it need one event still in the queue.
PLAN = [("c", "confirm"), ("c", "confirm"), ("r", "reject"), ("e", "correct"), ("c", "confirm")] * 4


def progress(page) -> tuple[int, int]:
    node = page.locator("#progress")
    return int(node.get_attribute("data-checked")), int(node.get_attribute("data-total"))


def shown_event(page) -> str:
    return page.locator("#card").get_attribute("data-event-id")


def settled(page, checked: int) -> None:
    """Wait until the queue was read again after the action (its counter says ``checked``)."""
    page.wait_for_function("n => document.querySelector('#progress').dataset.checked == n", arg=str(checked))
    page.wait_for_selector(READY)


def start(page, base_url: str, lang: str = "en") -> None:
    page.goto(f"{base_url}/review?lang={lang}")
    page.wait_for_selector(READY)
    page.keyboard.type(TOKEN)  # the token field has the focus: the queue asks once per session
    page.keyboard.press("Tab")
    page.keyboard.type(WHO)
    page.keyboard.press("Enter")
    page.wait_for_selector("#credentials", state="hidden")


def test_merge_proposes_events_at_the_same_place_and_merges_the_chosen_one(page, base_url):
    queue = api(base_url, "/api/review/queue?limit=500")["events"]
    with_neighbours = [(i, e, api(base_url, f"/api/events/{e['id']}/neighbours")["events"]) for i, e in enumerate(queue)]
    index, event, neighbours = next(x for x in with_neighbours if x[2])
    start(page, base_url)
    for _ in range(index):
        page.keyboard.press("j")
    page.wait_for_function("id => document.querySelector('#card').dataset.eventId === id", arg=event["id"])
    page.keyboard.press("m")
    page.wait_for_selector("#merge-candidates input")
    shown = page.eval_on_selector_all("#merge-candidates input", "inputs => inputs.map(i => i.value)")
    assert shown == [n["id"] for n in neighbours]
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_function("id => !document.body.dataset.loading && document.querySelector('#card').dataset.eventId === id",
                           arg=event["id"])
    merge = [e for e in api(base_url, f"/api/audit?event_id={event['id']}")["audit"] if e["action"] == "merge"]
    assert [(e["other_event_id"], e["who"]) for e in merge] == [(neighbours[0]["id"], WHO)]
    reports = {r["report_id"] for r in api(base_url, f"/api/events/{event['id']}")["reports"]}
    assert {r["report_id"] for r in neighbours[0]["reports"]} <= reports


def test_j_and_k_move_through_the_queue_and_arrows_follow_the_reading_direction(page, base_url):
    order = [e["id"] for e in api(base_url, "/api/review/queue?limit=3")["events"]]
    start(page, base_url, "ar")
    for key, expected in (("j", 1), ("j", 2), ("k", 1), ("ArrowLeft", 2), ("ArrowRight", 1), ("ArrowUp", 0)):
        page.keyboard.press(key)
        page.wait_for_function("id => document.querySelector('#card').dataset.eventId === id", arg=order[expected])
    page.wait_for_selector(READY)
    assert page.locator("#progress").inner_text().startswith(STRINGS["ar"]["review_progress"].split("{")[0])
    shot(page, "review-ar.png")


def test_an_analyst_reviews_twenty_events_with_the_keyboard(page, base_url):
    queue = api(base_url, "/api/review/queue?limit=500")
    order = [e["id"] for e in queue["events"]]
    confidences = [e["confidence"] for e in queue["events"]]
    assert confidences == sorted(confidences) and len(set(confidences)) > 1 and len(order) >= len(PLAN)
    start(page, base_url)
    checked, total = progress(page)
    assert (checked, total) == (0, queue["remaining"])
    assert page.locator("#progress").inner_text() == f"0 of {total} checked today"
    assert page.locator("#reports mark[data-field]").count() > 0  # the evidence is marked in the text
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("?")
    for step, (key, action) in enumerate(PLAN):
        event_id = shown_event(page)
        assert event_id == order[step]  # the head of the queue: the least certain event left
        page.keyboard.press(key)
        if key == "r":
            page.keyboard.type(f"not an attack {step}")
            page.keyboard.press("Enter")
        elif key == "e":  # the field list has the focus; its first field is the date
            page.keyboard.press("Tab")
            page.keyboard.type("2023-11-20")
            page.keyboard.press("Enter")
        settled(page, step + 1)
        assert progress(page) == (step + 1, total)
        entry = api(base_url, f"/api/audit?event_id={event_id}")["audit"][-1]
        assert (entry["action"], entry["who"]) == (action, WHO) and entry["why"]
        if key == "e":
            assert (entry["field"], entry["value"]) == ("date", "2023-11-20")
        if step == 0:
            shot(page, "review-en.png")
    assert [e["id"] for e in api(base_url, "/api/review/queue?limit=500")["events"]] == order[len(PLAN):]
    log = [e for e in api(base_url, "/api/audit")["audit"] if e["who"] == WHO and e["action"] != "merge"]
    assert [(e["event_id"], e["action"]) for e in log] == [(order[i], a) for i, (_, a) in enumerate(PLAN)]


def test_a_wrong_token_is_asked_again_and_changes_nothing(page, base_url):
    page.goto(f"{base_url}/review?lang=en")
    page.wait_for_selector(READY)
    page.keyboard.type("not-the-token")
    page.keyboard.press("Tab")
    page.keyboard.type(WHO)
    page.keyboard.press("Enter")
    before = len(api(base_url, "/api/audit")["audit"])
    page.keyboard.press("c")
    page.wait_for_selector("#credentials", state="visible")
    assert "wrong write token" in page.locator("#action-status").inner_text()
    assert len(api(base_url, "/api/audit")["audit"]) == before


def confirm(base_url: str, event_id: str) -> None:
    body = json.dumps({"who": WHO, "why": "checked"}).encode("utf-8")
    request = Request(f"{base_url}/api/events/{event_id}/confirm", data=body, method="POST",
                      headers={"Content-Type": "application/json", "X-Marsad-Token": TOKEN})
    with urlopen(request) as response:
        assert response.status == 200


def table_ids(page) -> list[str]:
    return page.eval_on_selector_all("#events tbody tr[data-event-id]", "rows => rows.map(r => r.dataset.eventId)")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_dashboard_links_to_the_queue_and_filters_by_review_state(page, base_url, lang):
    confirm(base_url, api(base_url, "/api/review/queue?limit=1")["events"][0]["id"])
    page.goto(f"{base_url}/?lang={lang}")
    page.wait_for_selector(READY)
    page.select_option("select[name=review]", "reviewed")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**review=reviewed**")
    page.wait_for_selector(READY)
    reviewed = [e["id"] for e in api(base_url, "/api/events?review=reviewed&limit=50")["events"]]
    assert table_ids(page) == reviewed and reviewed
    assert "review=reviewed" in page.get_attribute("#feed", "href")
    page.click("#review-link")
    page.wait_for_url(f"**/review?lang={lang}")
    page.wait_for_selector(READY)


@pytest.mark.parametrize("last_visit, expect_rows", [("2000-01-01T00:00:00.000Z", True), ("2999-01-01T00:00:00.000Z", False)])
def test_since_my_last_visit_lists_what_is_new_or_changed(page, base_url, last_visit, expect_rows):
    page.goto(f"{base_url}/?lang=en")
    page.wait_for_selector(READY)
    assert page.locator("#since-label").is_hidden()  # a first visit has nothing to compare with
    page.evaluate("t => { localStorage.setItem('marsad-last-visit', t); sessionStorage.removeItem('marsad-since'); }",
                  last_visit)
    page.reload()
    page.wait_for_selector(READY)
    assert page.locator("#since-text").inner_text().startswith("New and changed since")
    page.check("#since-toggle")
    page.wait_for_url("**changed_since=**")
    page.wait_for_selector(READY)
    listed = api(base_url, f"/api/events?limit=50&changed_since={last_visit}")["events"]
    assert table_ids(page) == [e["id"] for e in listed] and bool(listed) == expect_rows
    assert page.locator("#events tbody .badge.new").count() == sum(e["new"] for e in listed)
    page.uncheck("#since-toggle")
    page.wait_for_function("() => !location.search.includes('changed_since')")
