"""How likely an event is one the reports really tell: a learned decision over what the rules read.

The rules' confidence (marsad.export.confidence) counts five things a text states. The
probability here weighs those and a dozen more (a stated attacker, target and weapon, an
event made only of attack nouns, how crowded its document is, how many outlets tell it)
by a logistic regression fitted to marsad's coded real reports (`tools/learned_decision.py
--write`, on the `dev` split only; its figures on the untouched `test` split are in the
README). It ranks real events above invented ones better than the confidence does there, so
it is stored, exported, shown on the workbench and offered as a filter (`--min-probability`);
exports keep every event unless asked, because on the texts coded by the evaluation's own
conventions the model's threshold drops real background mentions (README). The weights are a
data file, so the decision is never hidden: ``contributions`` says what each feature added,
and `marsad extract --explain` prints it.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from marsad.export.confidence import confidence
from marsad.types import Candidate

MODEL_FILE = ("data", "models", "event_probability.json")


def features(cands: list[Candidate], outlets: set[str], accounts_in_doc: int) -> dict[str, float]:
    """What the rules know of one event, as numbers. ``accounts_in_doc`` is the fewest accounts any of
    its documents holds (a document telling ten attacks invents more of them than one telling one)."""
    def some(test) -> float:
        return float(any(test(c) for c in cands))
    _, basis = confidence(cands, outlets)
    out = {name: float(name in basis) for name in
           ("stated_date", "stated_place", "stated_type", "main_report", "several_outlets")}
    out.update({
        "stated_day": some(lambda c: c.date_explicit and c.date_precision == "day"),
        "specific_place": some(lambda c: c.location is not None and c.location.precision in ("site", "town")),
        "stated_attacker": some(lambda c: c.attacker is not None and not c.attacker_inferred),
        "stated_target": some(lambda c: c.target_actor is not None),
        "stated_weapon": some(lambda c: any(w != "unknown" for w in c.weapons)),
        "counted_casualties": some(lambda c: bool(c.casualties)),
        "counted_munitions": some(lambda c: c.launched is not None),
        "a_response": some(lambda c: c.responds_to_anchor is not None),
        "quoted_source": some(lambda c: bool(c.said_by)),
        "only_noun_triggers": float(all(any(e.field == "event" and "noun" in e.rule for e in c.evidence)
                                        for c in cands)),
        "log_evidence": math.log1p(max(len(c.evidence) for c in cands)),
        "log_outlets": math.log(max(1, len(outlets))),
        "log_accounts_in_doc": math.log(max(1, accounts_in_doc)),
    })
    return out


@dataclass(frozen=True)
class Model:
    """A logistic regression: the weight of each feature, the intercept, and the probability dev's events
    (all) F1 was best above (the workbench marks events under it; `--min-probability` takes it)."""

    weights: dict[str, float]
    intercept: float
    threshold: float

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        """What each feature adds to the log-odds, strongest first."""
        parts = {name: w * values[name] for name, w in self.weights.items()}
        return dict(sorted(parts.items(), key=lambda kv: -abs(kv[1])))

    def probability(self, values: dict[str, float]) -> float:
        return 1 / (1 + math.exp(-(self.intercept + sum(self.contributions(values).values()))))


@lru_cache(maxsize=1)
def model() -> Model:
    """The shipped model (marsad/data/models/event_probability.json)."""
    raw = json.loads(resources.files("marsad").joinpath(*MODEL_FILE).read_text(encoding="utf-8"))
    return Model({k: float(v) for k, v in raw["weights"].items()}, float(raw["intercept"]), float(raw["threshold"]))


def probability(cands: list[Candidate], outlets: set[str], accounts_in_doc: int) -> float:
    """The event's probability (0–1, two decimals) of being one the reports tell."""
    return round(model().probability(features(cands, outlets, accounts_in_doc)), 2)
