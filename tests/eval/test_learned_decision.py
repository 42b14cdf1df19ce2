"""tools/learned_decision.py: the features it gives the model say what the accounts state."""
from __future__ import annotations

import importlib.util
import math
from datetime import date
from pathlib import Path

from marsad.types import Candidate, Casualty, Evidence, Location

TOOL = Path(__file__).resolve().parents[2] / "tools" / "learned_decision.py"
spec = importlib.util.spec_from_file_location("learned_decision", TOOL)
learned_decision = importlib.util.module_from_spec(spec)
spec.loader.exec_module(learned_decision)

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
    a = learned_decision.features([stated], {"one outlet"}, {"d1": 1})
    b = learned_decision.features([guessed], {"another"}, {"d2": 4})
    assert (a["stated_day"], a["stated_attacker"], a["counted_casualties"], a["a_response"]) == (1.0, 1.0, 1.0, 0.0)
    assert (b["stated_day"], b["stated_attacker"], b["counted_casualties"], b["a_response"]) == (0.0, 0.0, 0.0, 1.0)
    assert (a["only_noun_triggers"], b["only_noun_triggers"]) == (1.0, 0.0)
    assert (a["log_accounts_in_doc"], b["log_accounts_in_doc"]) == (0.0, math.log(4))
    assert a["main_report"] == 1.0 and b["main_report"] == 0.0
    assert set(a) == set(b)
