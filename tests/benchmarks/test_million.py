"""benchmarks/million.py builds its stores without ingesting: they must still be stores a merge agrees with."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from marsad.doctor import diagnose

_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(_DIR))  # million.py imports generate.py and run.py, its neighbours
try:
    _SPEC = importlib.util.spec_from_file_location("marsad_bench_million", _DIR / "million.py")
    million = importlib.util.module_from_spec(_SPEC)
    sys.modules[_SPEC.name] = million
    _SPEC.loader.exec_module(million)
finally:
    sys.path.remove(str(_DIR))


def test_a_built_store_is_sound_and_merging_it_again_changes_no_event(database: str) -> None:
    built = million.build(database, 500)
    assert built["reports"] >= 500 and 0 < built["events"] < built["reports"]  # some incidents told twice
    diagnosis = diagnose(database)
    assert diagnosis.ok, diagnosis.problems
    unchanged = {"added": 0, "dropped": 0, "changed": 0}
    assert million.merge_changes(database) == {"incremental": unchanged, "full": unchanged}
