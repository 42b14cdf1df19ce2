"""Confidence: how much of an event the text states; kept in the record and usable as an export filter."""
from __future__ import annotations

import json

from click.testing import CliRunner

from marsad.cli import cli
from marsad.export.filters import EventFilter
from marsad.store.store import Store


def test_a_stated_main_attack_told_by_two_outlets_is_fully_confident_and_a_passing_mention_is_not(told_twice_db):
    with Store(told_twice_db) as store:
        events = store.events()
    main = next(e for e in events if any(r["role"] == "main" for r in e["reports"]))
    recalled = next(e for e in events if all(r["role"] == "background" for r in e["reports"]))
    assert {r["doc_id"] for r in main["reports"]} == {"conf-a", "conf-b"}
    assert main["confidence"] == 1.0
    assert main["confidence_basis"] == ["stated_date", "stated_place", "stated_type", "main_report", "several_outlets"]
    assert recalled["confidence"] < 0.7
    assert "main_report" not in recalled["confidence_basis"] and "several_outlets" not in recalled["confidence_basis"]


def test_export_keeps_only_events_at_least_as_confident_as_asked(told_twice_db, tmp_path):
    db = told_twice_db
    out = tmp_path / "high.jsonl"
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "marsad-jsonl", "--min-confidence", "0.8",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    kept = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(kept) == 1 and kept[0]["confidence"] == 1.0
    assert not EventFilter(min_confidence=0.8).matches({"confidence": 0.6})


def test_confidence_outside_zero_to_one_is_refused_in_one_line(told_twice_db):
    result = CliRunner().invoke(cli, ["export", "--db", str(told_twice_db), "--min-confidence", "2"])
    assert result.exit_code == 2 and "Traceback" not in result.output and "--min-confidence" in result.output
