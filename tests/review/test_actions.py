"""Analyst actions: each is logged, shows in the store and in `marsad export`, and outlives
`marsad reprocess` and later ingests (which rebuild every event from its reports)."""
from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.review import actions
from marsad.run import ingest_items, reprocess
from marsad.settings import Settings
from marsad.store.store import Store
from marsad.types import Article

PUBLISHED = date(2024, 1, 4)  # a Thursday: "اليوم الخميس" is this day
# Written for these tests: two outlets on one rocket attack on حقل العمر (one event), a drone
# attack on عين الأسد in Iraq (another), and a later report on التنف ingested after the review.
FIRST = {
    "omar-a": ("Outlet A", "قصفت الميليشيات الموالية لإيران قاعدة حقل العمر التي تتمركز فيها القوات الأمريكية "
                           "في ريف دير الزور بخمسة صواريخ اليوم الخميس."),
    "omar-b": ("Outlet B", "سقطت خمسة صواريخ على قاعدة حقل العمر في ريف دير الزور الشرقي اليوم الخميس "
                           "دون وقوع إصابات."),
    "asad-c": ("Outlet C", "تعرضت قاعدة عين الأسد الجوية في محافظة الأنبار غرب العراق لهجوم بطائرتين "
                           "مسيرتين اليوم الخميس."),
}
LATER = {"tanf-d": ("Outlet D", "أسقطت القوات الأمريكية طائرة مسيرة قرب قاعدة التنف في البادية السورية "
                                "اليوم الخميس.")}
WHO, WHY = "analyst-1", "checked against the outlet's video"


def articles(reports: dict[str, tuple[str, str]]) -> list[Article]:
    return [Article(d, d, text=t, outlet=o, published=PUBLISHED, lang="ar") for d, (o, t) in reports.items()]


@pytest.fixture
def store(database: str):
    with Store(database) as s:
        result = ingest_items(s, articles(FIRST), Settings())
        assert (result.stored, result.events) == (3, 2)
        yield s


def event_of(store: Store, doc_id: str, include_rejected: bool = False) -> dict:
    return next(e for e in store.events(include_rejected) if doc_id in {r["doc_id"] for r in e["reports"]})


def exported(store: Store, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["export", "--db", store.path, *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def reprocess_and_ingest(store: Store) -> None:
    """What happens to a store after a review: rules change, new reports arrive."""
    reprocess(store, Settings())
    ingest_items(store, articles(LATER), Settings())


def total(event: dict, key: str) -> int | None:
    values = [c[key] for c in event["casualties"] if c[key] is not None]
    return sum(values) if values else None


# field, value sent, how to read the shown value back from a record, the value expected there
CORRECTIONS = [
    ("launched", 7, lambda e: e["munitions"]["launched"], 7),
    ("killed", 2, lambda e: total(e, "killed"), 2),
    ("injured", 4, lambda e: total(e, "injured"), 4),
    ("date", "2024-01-03", lambda e: (e["date"], e["date_precision"], e["date_range"]),
     ("2024-01-03", "day", ["2024-01-03", "2024-01-03"])),
    ("sub_event_type", "Air/drone strike", lambda e: e["sub_event_type"], "Air/drone strike"),
    ("attacker", "isis", lambda e: e["attacker"], "isis"),
    ("target_actor", "sdf", lambda e: e["target_actor"], "sdf"),
    ("attribution", "claimed", lambda e: e["attribution"], "claimed"),
    ("location", "base_sy_conoco", lambda e: (e["location"]["id"], e["location"]["admin1"]),
     ("base_sy_conoco", "Deir ez-Zor")),
    ("weapons", ["drone", "rocket"], lambda e: e["weapons"], ["drone", "rocket"]),
    ("time", "23:30", lambda e: e["time"], "23:30"),
]


@pytest.mark.parametrize("field, value, shown, expected", CORRECTIONS, ids=[c[0] for c in CORRECTIONS])
def test_correction_shows_in_store_export_and_audit_and_outlives_reprocess(store, field, value, shown, expected):
    eid = event_of(store, "omar-a")["id"]
    assert shown(store.event(eid)) != expected  # the correction changes something
    record = actions.correct(store, eid, field, value, WHO, WHY)
    assert shown(record) == expected and record["review"]["corrected_fields"] == [field]
    assert shown(store.event(eid)) == expected
    assert shown(next(e for e in exported(store) if e["id"] == eid)) == expected
    [entry] = actions.audit_log(store, eid)
    assert (entry["action"], entry["who"], entry["why"], entry["field"], entry["value"]) == \
        ("correct", WHO, WHY, field, value)
    assert store.event(eid)["audit"] == [entry]
    reprocess_and_ingest(store)
    assert event_of(store, "tanf-d")  # the later report is in
    assert shown(store.event(eid)) == expected
    assert store.event(eid)["review"]["corrected_fields"] == [field]


def test_latest_correction_of_a_field_wins(store):
    eid = event_of(store, "omar-a")["id"]
    actions.correct(store, eid, "launched", 7, WHO, WHY)
    actions.correct(store, eid, "launched", 9, "analyst-2", "second look")
    reprocess(store, Settings())
    assert store.event(eid)["munitions"]["launched"] == 9
    assert [e["value"] for e in actions.audit_log(store, eid)] == [7, 9]


def test_correction_filters_by_its_new_value(store):
    """The filter columns follow the correction: the event is found under its corrected place."""
    eid = event_of(store, "asad-c")["id"]
    actions.correct(store, eid, "location", "base_sy_al_tanf", WHO, WHY)
    assert [e["id"] for e in exported(store, "--country", "SY", "--place", "tanf")] == [eid]


@pytest.mark.parametrize("field, value, message", [
    ("casualties", 3, "cannot be corrected"),
    ("launched", -1, "count"),
    ("launched", "five", "count"),
    ("launched", True, "count"),
    ("killed", 2.5, "count"),
    ("date", "2024-02-30", "YYYY-MM-DD"),
    ("date", "4/1/2024", "YYYY-MM-DD"),
    ("sub_event_type", "Riot", "sub_event_type must be one of"),
    ("attacker", "martians", "attacker must be one of"),
    ("location", "atlantis", "place id"),
    ("weapons", [], "non-empty list"),
    ("weapons", ["catapult"], "unknown weapon"),
    ("time", "25:00", "HH:MM"),
])
def test_invalid_correction_is_refused_and_not_logged(store, field, value, message):
    eid = event_of(store, "omar-a")["id"]
    with pytest.raises(actions.Invalid, match=message):
        actions.correct(store, eid, field, value, WHO, WHY)
    assert actions.audit_log(store) == []


@pytest.mark.parametrize("who, why", [("", WHY), ("   ", WHY), (WHO, ""), (WHO, None), (None, WHY)])
def test_every_action_needs_who_and_why(store, who, why):
    eid = event_of(store, "omar-a")["id"]
    with pytest.raises(actions.Invalid, match="must be a non-empty string"):
        actions.reject(store, eid, who, why)
    assert actions.audit_log(store) == []


def test_unknown_event_is_not_found(store):
    with pytest.raises(actions.NotFound, match="evt-nope"):
        actions.correct(store, "evt-nope", "launched", 1, WHO, WHY)
    with pytest.raises(actions.NotFound):
        actions.merge(store, [event_of(store, "omar-a")["id"], "evt-nope"], WHO, WHY)


def test_reject_hides_from_lists_and_exports_until_unrejected(store):
    eid = event_of(store, "asad-c")["id"]
    actions.reject(store, eid, WHO, "not an attack: an exercise")
    assert eid not in {e["id"] for e in store.events()}
    assert eid not in {e["id"] for e in exported(store)}
    hidden = next(e for e in exported(store, "--include-rejected") if e["id"] == eid)
    assert hidden["review"] == {"rejected": True, "reviewed": True, "corrected_fields": []}
    reprocess_and_ingest(store)
    assert eid not in {e["id"] for e in store.events()}
    assert store.event(eid)["review"]["rejected"] is True
    actions.unreject(store, eid, WHO, "the exercise story was wrong")
    assert eid in {e["id"] for e in exported(store)}
    assert [e["action"] for e in actions.audit_log(store, eid)] == ["reject", "unreject"]


def reviewed_ids(store: Store) -> set[str]:
    """The events the store's index marks checked (what the review queue leaves out)."""
    return {r["event_id"] for r in store.conn.execute("SELECT event_id FROM event_index WHERE reviewed = 1")}


def test_confirm_is_logged_marks_the_event_checked_and_outlives_reprocess(store):
    omar, asad = event_of(store, "omar-a")["id"], event_of(store, "asad-c")["id"]
    assert reviewed_ids(store) == set() and store.event(omar)["review"]["reviewed"] is False
    confirmed = actions.confirm(store, omar, WHO, "checked")
    assert confirmed["review"] == {"rejected": False, "reviewed": True, "corrected_fields": []}
    [entry] = actions.audit_log(store, omar)
    assert (entry["action"], entry["who"], entry["why"], entry["field"]) == ("confirm", WHO, "checked", None)
    reprocess_and_ingest(store)
    assert store.event(omar)["review"]["reviewed"] is True and store.event(asad)["review"]["reviewed"] is False
    assert reviewed_ids(store) == {omar}
    assert next(e for e in exported(store) if e["id"] == omar)["review"]["reviewed"] is True


@pytest.mark.parametrize("act", [
    lambda store, eid: actions.correct(store, eid, "launched", 4, WHO, WHY),
    lambda store, eid: actions.reject(store, eid, WHO, WHY),
], ids=["correct", "reject"])
def test_a_correction_or_rejection_also_counts_as_checked(store, act):
    eid = event_of(store, "asad-c")["id"]
    act(store, eid)
    reprocess_and_ingest(store)
    assert store.event(eid)["review"]["reviewed"] is True and reviewed_ids(store) == {eid}


def test_confirm_needs_who_why_and_a_known_event(store):
    with pytest.raises(actions.Invalid, match="who must be"):
        actions.confirm(store, event_of(store, "omar-a")["id"], " ", WHY)
    with pytest.raises(actions.NotFound, match="evt-nope"):
        actions.confirm(store, "evt-nope", WHO, WHY)
    assert actions.audit_log(store) == []


def test_merge_keeps_first_id_with_every_report_and_outlives_reprocess(store):
    omar, asad = event_of(store, "omar-a")["id"], event_of(store, "asad-c")["id"]
    actions.correct(store, omar, "launched", 6, WHO, WHY)
    assert actions.merge(store, [omar, asad], WHO, "one salvo, two targets") == omar
    for _ in range(2):
        merged = store.event(omar)
        assert {r["report_id"] for r in merged["reports"]} == {"omar-a#0", "omar-b#0", "asad-c#0"}
        assert store.event(asad) is None
        assert merged["munitions"]["launched"] == 6  # the survivor keeps its corrections
        assert [e["action"] for e in merged["audit"]] == ["correct", "merge"]
        reprocess_and_ingest(store)
    assert len(store.events()) == 2  # the merged event and the later report


def test_split_moves_one_report_out_and_outlives_reprocess(store):
    omar = event_of(store, "omar-a")["id"]
    new = actions.split(store, omar, "omar-b#0", WHO, "a second, later salvo")
    assert new != omar
    for _ in range(2):
        assert [r["report_id"] for r in store.event(omar)["reports"]] == ["omar-a#0"]
        assert [r["report_id"] for r in store.event(new)["reports"]] == ["omar-b#0"]
        assert [e["action"] for e in store.event(new)["audit"]] == ["split"]
        reprocess_and_ingest(store)


def test_split_then_merge_back_then_split_gives_a_fresh_id(store):
    omar = event_of(store, "omar-a")["id"]
    first = actions.split(store, omar, "omar-b#0", WHO, WHY)
    actions.merge(store, [omar, first], WHO, WHY)
    assert {r["report_id"] for r in store.event(omar)["reports"]} == {"omar-a#0", "omar-b#0"}
    second = actions.split(store, omar, "omar-b#0", WHO, WHY)
    reprocess(store, Settings())
    assert [r["report_id"] for r in store.event(second)["reports"]] == ["omar-b#0"]
    assert [r["report_id"] for r in store.event(omar)["reports"]] == ["omar-a#0"]


@pytest.mark.parametrize("doc_id, report, error", [
    ("asad-c", "asad-c#0", actions.Invalid),  # the event's only report
    ("omar-a", "asad-c#0", actions.NotFound),  # a report of another event
    ("omar-a", "nope#0", actions.NotFound),
])
def test_split_refuses_what_cannot_be_split(store, doc_id, report, error):
    with pytest.raises(error):
        actions.split(store, event_of(store, doc_id)["id"], report, WHO, WHY)
    assert actions.audit_log(store) == []


@pytest.mark.parametrize("ids", [["one"], []])
def test_merge_needs_two_events(store, ids):
    with pytest.raises(actions.Invalid, match="2 to"):
        actions.merge(store, [event_of(store, "omar-a")["id"]] * 2 if ids == ["one"] else ids, WHO, WHY)


def test_directives_skip_reports_no_longer_stored():
    """A re-extraction can drop a report a directive names; the rest of the directive still holds."""
    from marsad.merge.cluster import Cluster, Directive, apply_directives
    from marsad.types import Candidate

    def cluster(*rids: str) -> Cluster:
        cl = Cluster()
        for rid in rids:
            cl.add(rid, Candidate(rid.split("#")[0], 0))
        return cl

    merged, forced = apply_directives(
        [cluster("a#0"), cluster("b#0", "c#0"), cluster("d#0")],
        [Directive("merge", ("a#0", "gone#0", "d#0"), "evt-a"), Directive("split", ("c#0",), "evt-c"),
         Directive("split", ("gone#1",), "evt-x")])
    assert [[rid for rid, _ in cl.members] for cl in merged] == [["a#0", "d#0"], ["b#0"], ["c#0"]]
    assert forced == {"a#0": "evt-a", "d#0": "evt-a", "c#0": "evt-c"}


# Written for this test: three reports of an attack on one base on one day. One names no weapon, one a drone,
# one rockets; the report naming no weapon shares the drone's event, and the rockets' event stands apart.
SPLIT_NEIGHBOURS = {
    "shad-a": ("Outlet A", "تعرضت قاعدة الشدادي في ريف الحسكة الجنوبي لهجوم اليوم الخميس دون وقوع إصابات."),
    "shad-b": ("Outlet B", "استهدفت طائرة مسيرة قاعدة الشدادي في ريف الحسكة اليوم الخميس."),
    "shad-c": ("Outlet C", "سقطت ثلاثة صواريخ على قاعدة الشدادي في ريف الحسكة اليوم الخميس."),
}


def test_after_a_split_the_store_is_what_a_full_merge_would_make(database: str):
    from marsad.run import plan_merge

    with Store(database) as store:
        ingest_items(store, articles(SPLIT_NEIGHBOURS), Settings())
        drone = event_of(store, "shad-b")
        assert {r["doc_id"] for r in drone["reports"]} == {"shad-a", "shad-b"}
        actions.split(store, drone["id"], "shad-b#0", WHO, "a separate salvo")
        full = plan_merge(store)
        expected = sorted(sorted(rids) for rids in _groups(full.membership))
        stored = sorted(sorted(r["report_id"] for r in e["reports"]) for e in store.events(include_rejected=True))
        assert stored == expected  # what the split left is merged as a full merge of the store would merge it


def _groups(membership: dict[str, str]) -> list[set[str]]:
    out: dict[str, set[str]] = {}
    for rid, eid in membership.items():
        out.setdefault(eid, set()).add(rid)
    return list(out.values())
