"""Golden extraction cases: short reports written for these tests, with the events they state.

Each case in tests/golden/extraction.yaml gives a text, its publication day and
the events a reader takes from it, with only the fields the case is about.
Every expected event must match a distinct extracted event on all its fields
and evidence; ``n_events`` (when given) is the exact number of events. A case
the extractor is known to get wrong carries ``xfail: "<reason>"`` and runs as a
strict xfail, so fixing the rule turns it into an unexpected pass that says so.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from marsad.pipeline import process_article
from marsad.types import Article, Candidate, Doc

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "extraction.yaml"
SCALARS = ("role", "sub_event_type", "date_precision", "time", "attacker", "target_actor", "attribution",
           "hedged", "launched", "impacted", "intercepted", "unlaunched", "damage")
SETS = ("weapons", "said_by")
KNOWN_KEYS = set(SCALARS) | set(SETS) | {"date", "place", "launch_site", "killed", "injured", "evidence"}
CASE_KEYS = {"id", "phenomenon", "published", "text", "expect", "n_events", "xfail"}


def _load() -> list[dict[str, Any]]:
    return yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _actual(c: Candidate, key: str) -> Any:
    if key == "date":
        return c.date.isoformat() if c.date else None
    if key in ("place", "launch_site"):
        loc = c.location if key == "place" else c.launch_site
        return loc.place_id if loc else None
    if key in ("killed", "injured"):
        return {x.party: getattr(x, key) for x in c.casualties if getattr(x, key) is not None}
    if key in SETS:
        return sorted(getattr(c, key))
    return getattr(c, key)


def _wanted(key: str, value: Any) -> Any:
    if key == "date":
        return _day(value).isoformat()
    if key in SETS:
        return sorted(value)
    return value


def mismatches(doc: Doc, c: Candidate, want: dict[str, Any]) -> list[str]:
    """What in ``c`` differs from the expected event ``want`` (empty when it matches)."""
    out = []
    for key, value in want.items():
        if key == "evidence":
            continue
        got = _actual(c, key)
        if key in ("killed", "injured"):
            # the parties listed must have these counts; {} means the text gives no count of that kind
            bad = {p: got.get(p) for p, n in value.items() if got.get(p) != n} if value else got
            if bad:
                out.append(f"{key}: want {value}, got {got}")
        elif got != _wanted(key, value):
            out.append(f"{key}: want {_wanted(key, value)!r}, got {got!r}")
    for ev in want.get("evidence", []):
        found = [e for e in c.evidence if e.field == ev["field"] and e.text == ev["text"]]
        if not found:
            have = [e.text for e in c.evidence if e.field == ev["field"]]
            out.append(f"evidence {ev['field']}: want «{ev['text']}», got {have}")
        elif any(doc.text[e.start:e.end] != e.text for e in found):
            out.append(f"evidence {ev['field']}: offsets do not give «{ev['text']}»")
    return out


def _describe(c: Candidate) -> str:
    fields = {k: _actual(c, k) for k in ("role", "sub_event_type", "date", "place", "attacker", "target_actor")}
    return f"{fields}"


def _params() -> list:
    out = []
    for case in _load():
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


def test_cases_are_well_formed() -> None:
    cases = _load()
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for case in cases:
        assert set(case) <= CASE_KEYS, (case["id"], set(case) - CASE_KEYS)
        assert case["text"].strip() and case["phenomenon"]
        assert case.get("n_events", len(case["expect"])) >= len(case["expect"]), case["id"]
        for want in case["expect"]:
            assert set(want) <= KNOWN_KEYS, (case["id"], set(want) - KNOWN_KEYS)
        if case["expect"]:
            assert any(w.get("evidence") for w in case["expect"]), f"{case['id']}: no evidence listed"


@pytest.mark.parametrize("case", _params())
def test_golden_extraction(case: dict[str, Any]) -> None:
    doc, cands = process_article(Article(case["id"], "golden", text=case["text"], published=_day(case["published"])))
    if "n_events" in case:
        assert len(cands) == case["n_events"], [_describe(c) for c in cands]
    free = list(cands)
    for i, want in enumerate(case["expect"]):
        problems = {id(c): mismatches(doc, c, want) for c in free}
        match = next((c for c in free if not problems[id(c)]), None)
        assert match is not None, (f"expected event {i} matches none of {len(free)} unmatched events: "
                                   f"{[problems[id(c)] for c in free]}")
        free.remove(match)
