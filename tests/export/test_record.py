"""The exported record: which account's value each field shows."""
from __future__ import annotations

from datetime import date

from marsad.export.record import event_record
from marsad.merge.cluster import Cluster
from marsad.types import Candidate, Casualty, Evidence


def account(doc_id: str, launched: int, rule: str) -> Candidate:
    cand = Candidate(doc_id=doc_id, anchor=0, date=date(2024, 2, 7), date_precision="day", launched=launched)
    cand.evidence.append(Evidence("munitions.launched", 0, 1, "x", rule))
    return cand


def test_a_stated_figure_is_shown_before_one_read_from_a_singular_noun() -> None:
    # The newer report says "a drone" (one); the older says "three missiles": the record shows three.
    cluster = Cluster(members=[("r1", account("old", 3, "numbers:number>noun")),
                               ("r2", account("new", 1, "singular-munition-noun"))], doc_ids={"old", "new"})
    meta = {"r1": {"published": "2024-02-07"}, "r2": {"published": "2024-02-08"}}
    assert event_record("e1", cluster, meta)["munitions"]["launched"] == 3


def test_the_dead_and_the_wounded_may_come_from_two_accounts() -> None:
    # The newer report counts six dead and no wounded; the older about 18 wounded: both are shown.
    newer = Candidate(doc_id="new", anchor=0, casualties=[Casualty("sdf", killed=6)])
    older = Candidate(doc_id="old", anchor=0, casualties=[Casualty("sdf", killed=7, injured=18)])
    cluster = Cluster(members=[("r1", older), ("r2", newer)], doc_ids={"old", "new"})
    meta = {"r1": {"published": "2024-02-05"}, "r2": {"published": "2024-02-06"}}
    assert event_record("e1", cluster, meta)["casualties"] == [{"party": "sdf", "killed": 6, "injured": 18}]


def test_the_toll_most_accounts_give_outvotes_the_newest() -> None:
    # Two older reports count three dead; the newest counts five: three is shown, from the first of the two.
    cands = [Candidate(doc_id=d, anchor=0, casualties=[Casualty(party, killed=n)])
             for d, party, n in (("a", "pmf", 3), ("b", "unknown", 3), ("c", "pmf", 5))]
    cluster = Cluster(members=[(f"r{i}", c) for i, c in enumerate(cands)], doc_ids={"a", "b", "c"})
    meta = {"r0": {"published": "2024-02-05"}, "r1": {"published": "2024-02-06"}, "r2": {"published": "2024-02-07"}}
    assert event_record("e1", cluster, meta)["casualties"] == [{"party": "unknown", "killed": 3, "injured": None}]


def test_rounds_that_hit_stand_for_those_fired_only_when_none_are_counted() -> None:
    hit_only = Candidate(doc_id="a", anchor=0, impacted=30)
    both = Candidate(doc_id="b", anchor=0, launched=14, impacted=3)
    meta = {"r1": {"published": "2024-02-05"}}
    alone = event_record("e1", Cluster(members=[("r1", hit_only)], doc_ids={"a"}), meta)["munitions"]
    counted = event_record("e2", Cluster(members=[("r1", both)], doc_ids={"b"}), meta)["munitions"]
    assert (alone["launched"], alone["impacted"]) == (30, 30)
    assert (counted["launched"], counted["impacted"]) == (14, 3)


def test_rounds_shot_down_and_rounds_that_hit_are_all_fired_when_none_are_counted() -> None:
    # "Air defences shot down three drones; a fourth hit the base": four launched.
    told = Candidate(doc_id="a", anchor=0, intercepted=3, impacted=1)
    shot_down = Candidate(doc_id="b", anchor=0, intercepted=2)
    meta = {"r1": {"published": "2024-02-05"}}
    both = event_record("e1", Cluster(members=[("r1", told)], doc_ids={"a"}), meta)["munitions"]
    alone = event_record("e2", Cluster(members=[("r1", shot_down)], doc_ids={"b"}), meta)["munitions"]
    assert (both["launched"], both["intercepted"], both["impacted"]) == (4, 3, 1)
    assert (alone["launched"], alone["intercepted"], alone["impacted"]) == (2, 2, None)


def test_the_firmest_attribution_of_the_events_attacker_is_shown() -> None:
    # The newest outlet just names Israel; an older one quotes the Syrian defence ministry naming it: confirmed.
    def said(doc_id: str, attribution: str) -> Candidate:
        return Candidate(doc_id=doc_id, anchor=0, attacker="israel", attribution=attribution)
    cluster = Cluster(members=[("r1", said("a", "confirmed")), ("r2", said("b", "accused"))], doc_ids={"a", "b"})
    meta = {"r1": {"published": "2023-08-28"}, "r2": {"published": "2023-08-29"}}
    assert event_record("e1", cluster, meta)["attribution"] == "confirmed"


def test_a_stated_day_is_shown_before_a_stated_month() -> None:
    # The newest outlet dates the strike to July only; an older one to 20 July: the day is shown.
    month = Candidate(doc_id="a", anchor=0, date=date(2022, 7, 1), date_precision="month", date_explicit=True)
    day = Candidate(doc_id="b", anchor=0, date=date(2022, 7, 20), date_precision="day", date_explicit=True)
    cluster = Cluster(members=[("r1", day), ("r2", month)], doc_ids={"a", "b"})
    meta = {"r1": {"published": "2022-07-21"}, "r2": {"published": "2022-07-30"}}
    record = event_record("e1", cluster, meta)
    assert (record["date"], record["date_precision"]) == ("2022-07-20", "day")
