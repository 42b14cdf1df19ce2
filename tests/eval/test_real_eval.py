"""tools/real_eval.py on the real-report sets: skips where the texts are not cached (a clone, CI)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "real_eval.py"
spec = importlib.util.spec_from_file_location("real_eval", TOOL)
real_eval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(real_eval)

GOLD = real_eval.load_jsonl(real_eval.OWN_GOLD)
PLACES = json.loads(real_eval.OWN_PLACES.read_text(encoding="utf-8"))


def test_the_set_meets_its_spread():
    docs = {g["doc_id"]: g for g in GOLD}
    assert len(docs) == len(GOLD) >= 150
    assert len({g["outlet"] for g in GOLD}) >= 30
    assert sum(g["kind"] != "incident" for g in GOLD) >= 40
    assert sum(g["lang"] == "en" for g in GOLD) >= 25
    told_by: dict[str, set[str]] = {}
    for g in GOLD:
        for ev in g["events"]:
            told_by.setdefault(ev["eid"], set()).add(g["doc_id"])
    assert sum(len(d) >= 2 for d in told_by.values()) >= 40
    assert sum(g["split"] == "test" for g in GOLD) >= 60


def test_no_incident_and_no_query_crosses_the_split():
    split_of: dict[str, set[str]] = {}
    for g in GOLD:
        split_of.setdefault("q:" + g["query"], set()).add(g["split"])
        for ev in g["events"]:
            if ev["role"] == "main" and not ev.get("optional"):
                split_of.setdefault("e:" + ev["eid"], set()).add(g["split"])
    assert [k for k, v in split_of.items() if len(v) > 1] == []


def test_every_place_has_coordinates_and_a_source():
    used = {p for g in GOLD for ev in g["events"]
            for p in (ev["place"] if isinstance(ev["place"], list) else [ev["place"]]) if p}
    assert used <= PLACES.keys()
    assert all(isinstance(PLACES[p]["lat"], float) and PLACES[p].get("coord_basis") for p in used)


def test_gold_lines_hold_facts_only():
    allowed = {"doc_id", "split", "url", "query", "outlet", "published", "published_basis", "lang", "kind", "events", "note"}
    assert all(set(g) <= allowed for g in GOLD)


def test_three_sets_score_when_the_texts_are_cached(capsys):
    cache = real_eval.CACHE
    if not (cache / "realset").is_dir() or not (real_eval.SHARED / "eval" / "score.py").exists():
        pytest.skip(f"real-report texts are not cached in {cache} (eval/real/README.md rebuilds them) "
                    "or ../shared is absent")
    assert real_eval.main([]) == 0
    out = capsys.readouterr().out
    assert "events (main) F1" in out and "dev: what marsad gets wrong" in out
    assert "test:" not in out and "holdout:" not in out  # scored, never listed
