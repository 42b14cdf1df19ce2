"""The shared evaluation corpus, end to end: ingest its manifest, export, score against gold.

The corpus lives next to the repository (``../shared``), not in it, so a plain
clone skips this test.
"""
from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType

import pytest

from marsad.export.jsonl import write_jsonl
from marsad.run import ingest_paths
from marsad.settings import Settings
from marsad.store.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MANIFEST = SHARED / "corpus" / "manifest.jsonl"
MIN_MAIN_F1 = 0.6


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("marsad_shared_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MANIFEST.is_file():
        pytest.skip("../shared corpus not available (user clone)")
    db = tmp_path_factory.mktemp("corpus") / "marsad.db"
    with Store(db) as store:
        result = ingest_paths(store, [MANIFEST], Settings())
    assert result.failures == []
    assert result.stored == sum(1 for line in MANIFEST.read_text(encoding="utf-8").splitlines() if line.strip())
    return db


def exported(db: Path) -> list[dict]:
    """The events exactly as `marsad export --format marsad-jsonl` writes them, read back."""
    out = io.StringIO()
    with Store(db) as store:
        write_jsonl(store.events(), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_corpus_main_events_reach_f1(corpus_db: Path) -> None:
    scorer = load_scorer()
    gold = scorer.load_jsonl(SHARED / "corpus" / "gold.jsonl")
    places = json.loads((SHARED / "eval" / "places.json").read_text(encoding="utf-8"))

    result = scorer.score(gold, exported(corpus_db), places)

    f1 = result["events_main"][2]  # (precision, recall, F1)
    assert f1 >= MIN_MAIN_F1, result


def test_corpus_evidence_reproduces_the_stored_text(corpus_db: Path) -> None:
    events = exported(corpus_db)
    with Store(corpus_db) as store:
        texts = {d.doc_id: d.text for d in store.documents()}
    spans = [(rep["doc_id"], e) for ev in events for rep in ev["reports"] for e in rep["evidence"]]

    wrong = [(doc_id, e) for doc_id, e in spans if texts[doc_id][e["start"]:e["end"]] != e["text"]]

    assert len(spans) > 0 and wrong == []
