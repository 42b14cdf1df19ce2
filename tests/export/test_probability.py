"""The learned probability: a shipped data file, in every record, in the store's index, and a filter."""
from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.export.filters import EventFilter
from marsad.export.probability import Model, features, model, probability
from marsad.run import remerge
from marsad.store.store import Store
from marsad.types import Candidate, Casualty, Evidence, Location


def _stated() -> Candidate:
    c = Candidate(doc_id="d", anchor=0, sub_event_type="Air/drone strike", weapons=["drone"], attacker="isis",
                  target_actor="us_coalition", date_explicit=True, date_precision="day")
    c.evidence.append(Evidence("sub_event_type", 0, 5, "قصفت", "trigger:verb"))
    return c


TOWN = Location("town_x", "X", None, "A", "IQ", 33.0, 44.0, "town")


def test_a_stated_attack_and_a_passing_guess_differ_where_the_text_differs():
    stated = Candidate("d1", 10, role="main", date=date(2024, 1, 2), date_precision="day", date_explicit=True,
                       location=TOWN, attacker="isis", target_actor="iraqi_government", weapons=["ied"],
                       casualties=[Casualty("iraqi_government", killed=3)], sub_event_type="Armed clash",
                       evidence=[Evidence("event", 10, 15, "هجوم", "triggers:attack_noun"),
                                 Evidence("location", 20, 21, "X", "gazetteer:town_x"),
                                 Evidence("sub_event_type", 10, 15, "هجوم", "types:assault")])
    guessed = Candidate("d2", 50, role="background", attacker="isis", attacker_inferred=True,
                        responds_to_anchor=10, evidence=[Evidence("event", 50, 54, "ضربة", "triggers:strike_verb")])
    a = features([stated], {"one outlet"}, 1)
    b = features([guessed], {"another"}, 4)
    assert (a["stated_day"], a["stated_attacker"], a["counted_casualties"], a["a_response"]) == (1.0, 1.0, 1.0, 0.0)
    assert (b["stated_day"], b["stated_attacker"], b["counted_casualties"], b["a_response"]) == (0.0, 0.0, 0.0, 1.0)
    assert (a["only_noun_triggers"], b["only_noun_triggers"]) == (1.0, 0.0)
    assert (a["log_accounts_in_doc"], b["log_accounts_in_doc"]) == (0.0, math.log(4))
    assert a["main_report"] == 1.0 and b["main_report"] == 0.0
    assert set(a) == set(b)


def test_the_shipped_model_weighs_exactly_the_features_marsad_computes():
    shipped = model()
    assert set(shipped.weights) == set(features([_stated()], {"a"}, 1))
    assert 0 < shipped.threshold < 1
    raw = json.loads(Path(__file__).resolve().parents[2].joinpath("marsad", "data", "models",
                                                                  "event_probability.json").read_text("utf-8"))
    assert "tools/learned_decision.py" in raw["source"] and "dev" in raw["source"]


def test_probability_is_the_logistic_of_the_intercept_and_the_weighed_features():
    toy = Model({"a": 2.0, "b": -1.0}, intercept=0.5, threshold=0.3)
    values = {"a": 1.0, "b": 3.0}
    assert toy.contributions(values) == {"b": -3.0, "a": 2.0}  # strongest first
    assert toy.probability(values) == pytest.approx(1 / (1 + math.exp(0.5)))


def test_an_event_told_by_several_outlets_with_its_sides_stated_is_more_probable_than_a_bare_one():
    bare = Candidate(doc_id="d", anchor=0)
    assert probability([_stated()], {"a", "b"}, 1) > probability([bare], {"a"}, 1)
    assert probability([_stated()], {"a"}, 1) > probability([_stated()], {"a"}, 12)  # a crowded document


def test_every_record_carries_its_probability_and_the_index_holds_it(told_twice_db):
    with Store(told_twice_db) as store:
        events = store.events()
        indexed = {r["event_id"]: r["probability"] for r in store.conn.execute(
            "SELECT event_id, probability FROM event_index")}
    assert events and all(0 <= e["probability"] <= 1 for e in events)
    assert indexed == {e["id"]: e["probability"] for e in events}
    main = next(e for e in events if {r["doc_id"] for r in e["reports"]} == {"conf-a", "conf-b"})
    recalled = next(e for e in events if all(r["role"] == "background" for r in e["reports"]))
    assert main["probability"] > recalled["probability"]


def test_the_filter_keeps_the_probable_the_unscored_and_what_an_analyst_confirmed():
    keep = EventFilter(min_probability=0.5)
    assert keep.matches({"probability": 0.5}) and not keep.matches({"probability": 0.49})
    assert keep.matches({}), "an event stored before the model has no probability and is kept"
    assert keep.matches({"probability": 0.1, "review": {"reviewed": True}})
    assert EventFilter().matches({"probability": 0.0})


def test_export_keeps_every_event_unless_asked_and_min_probability_narrows_it(told_twice_db, tmp_path):
    db = told_twice_db
    with Store(db) as store:
        chances = sorted(e["probability"] for e in store.events())
    assert len(chances) == 2 and chances[0] < chances[1]
    cut = (chances[0] + chances[1]) / 2
    for args, expected in (([], chances), (["--min-probability", f"{cut:.3f}"], chances[1:])):
        out = tmp_path / "out.jsonl"
        result = CliRunner().invoke(cli, ["export", "--db", str(db), "-o", str(out), *args])
        assert result.exit_code == 0, result.output
        assert sorted(json.loads(line)["probability"] for line in out.read_text("utf-8").splitlines()) == expected


def test_probability_outside_zero_to_one_is_refused_in_one_line(told_twice_db):
    result = CliRunner().invoke(cli, ["export", "--db", str(told_twice_db), "--min-probability", "1.5"])
    assert result.exit_code == 2 and "Traceback" not in result.output and "--min-probability" in result.output


def test_a_store_from_before_the_model_gets_probabilities_at_its_next_merge(told_twice_db):
    db = told_twice_db
    with Store(db) as store:  # as an older marsad left it: no column, no probability in the records
        conn = store.conn
        with conn:
            for r in conn.execute("SELECT event_id, data FROM events").fetchall():
                data = json.loads(r["data"])
                del data["probability"]
                conn.execute("UPDATE events SET data = ? WHERE event_id = ?", (json.dumps(data), r["event_id"]))
            conn.execute("ALTER TABLE event_index DROP COLUMN probability")
            conn.execute("DELETE FROM schema_migrations WHERE name = '0008_event_probability'")
        before = {e["id"] for e in store.events()}
    with Store(db) as store:
        assert store.dirty_event_ids() == before
        assert all("probability" not in e for e in store.events())
        remerge(store)
        events = store.events()
    assert {e["id"] for e in events} == before and all(0 <= e["probability"] <= 1 for e in events)
