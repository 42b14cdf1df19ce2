"""The synthetic reports of benchmarks/merge.py: the shape the merge benchmark claims to measure."""
from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from marsad.merge.cluster import cluster_reports
from marsad.resolve.gazetteer import load_gazetteer

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "merge.py"
_SPEC = importlib.util.spec_from_file_location("marsad_bench_merge", _PATH)
merge = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = merge
_SPEC.loader.exec_module(merge)


@pytest.fixture(scope="module")
def reports() -> list:
    return merge.candidates(2000, 40, seed=1)


def test_exactly_n_reports_each_from_its_own_document(reports: list) -> None:
    assert len(reports) == 2000
    assert len({rid for rid, _ in reports}) == len({c.doc_id for _, c in reports}) == 2000


def test_places_are_forty_gazetteer_places_finer_than_a_governorate(reports: list) -> None:
    places = load_gazetteer().places
    used = {c.location.place_id for _, c in reports}
    assert len(used) == 40
    assert {places[p].precision for p in used} <= {"site", "town", "district"}


def test_dates_span_two_years_with_coarser_reports_among_them(reports: list) -> None:
    days = sorted(c.date for _, c in reports)
    assert (days[-1] - days[0]).days > 700
    assert set(Counter(c.date_precision for _, c in reports)) == {"day", "week", "month"}


def test_some_incidents_are_told_by_several_documents(reports: list) -> None:
    clusters = cluster_reports(reports)
    sizes = Counter(len(cl.members) for cl in clusters)
    assert sizes[1] < len(clusters) < len(reports)
    assert all(len(cl.doc_ids) == len(cl.members) for cl in clusters)


def test_same_seed_same_reports() -> None:
    first, again = merge.candidates(50, 40, seed=7), merge.candidates(50, 40, seed=7)
    assert [(r, c.location.place_id, c.date, c.attacker) for r, c in first] == \
        [(r, c.location.place_id, c.date, c.attacker) for r, c in again]


def test_main_writes_its_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(merge, "RESULTS", tmp_path / "merge.json")
    assert merge.main(["--n", "300"]) == 0
    result = json.loads((tmp_path / "merge.json").read_text(encoding="utf-8"))
    assert result["reports"] == 300 and 0 < result["events"] < 300
    assert "| 300 | 40 |" in capsys.readouterr().out
