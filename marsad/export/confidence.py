"""How much of an event the text states rather than marsad infers: a confidence an analyst can filter on.

Five things make an account of an incident solid, each worth a fifth: the text
states the day (not only the publication date), names the place in its own
words (not by an anaphor or by inference from a counter-strike), states how it
was done (an attack type from a trigger or weapon word), tells it as the report's
main incident (not a passing mention), and more than one outlet tells it. The
basis lists which held, so the figure is never a black box.
"""
from __future__ import annotations

from marsad.types import Candidate

INFERRED_PLACE = ("anaphor:", "counterstrike:")
SIGNALS = ("stated_date", "stated_place", "stated_type", "main_report", "several_outlets")


def _stated_place(c: Candidate) -> bool:
    return any(e.field == "location" and not e.rule.startswith(INFERRED_PLACE) for e in c.evidence)


def confidence(candidates: list[Candidate], outlets: set[str]) -> tuple[float, list[str]]:
    """The event's confidence (0–1, in fifths) and the signals that make it up."""
    held = {
        "stated_date": any(c.date_explicit for c in candidates),
        "stated_place": any(_stated_place(c) for c in candidates),
        "stated_type": any(c.sub_event_type and any(e.field == "sub_event_type" for e in c.evidence)
                           for c in candidates),
        "main_report": any(c.role == "main" for c in candidates),
        "several_outlets": len(outlets) > 1,
    }
    basis = [name for name in SIGNALS if held[name]]
    return round(len(basis) / len(SIGNALS), 2), basis
