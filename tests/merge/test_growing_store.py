"""A store grown the way `marsad watch` grows it keeps merging, and a broken merge is one line.

The first test is the sequence that once left a store stuck (issue 11): 5,000 synthetic
reports in one run, then one, then four rounds of 25, a re-ingest and a reprocess; the
events must equal those of one ingest of all 5,101 documents. The others feed a merge
that gives two events one id, and a store whose events disagree with their reports.
"""
from __future__ import annotations

import copy
import importlib.util
import json
import pickle
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad import pipeline
from marsad.merge import cluster

REPO = Path(__file__).resolve().parents[2]


def generator():
    spec = importlib.util.spec_from_file_location("bench_generate_growing", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def events_by_reports(db: Path) -> dict[frozenset, dict]:
    """Each event keyed by its reports, without its id (ids depend on the order reports came in)."""
    conn = sqlite3.connect(db)
    membership = dict(conn.execute("SELECT report_id, event_id FROM reports"))
    out = {}
    for (data,) in conn.execute("SELECT data FROM events"):
        record = json.loads(data)
        reports = frozenset(r["report_id"] for r in record.pop("reports"))
        record.pop("id")
        responds = record.pop("responds_to")
        record["responds_to"] = None if responds is None else frozenset(
            r for r, e in membership.items() if e == responds)
        out[reports] = record
    conn.close()
    return out


def extract_once(monkeypatch) -> None:
    """Each document is extracted once for the whole test: extraction is a pure function of the document,
    and what this test checks is how the store grows and merges, not extraction (a copy goes out each time,
    since merging may change the candidates it is given)."""
    real, seen = pipeline.extract_document, {}

    def cached(doc, settings):
        key = pickle.dumps((doc, settings))
        if key not in seen:
            seen[key] = real(doc, settings)
        return copy.deepcopy(seen[key])
    monkeypatch.setattr(pipeline, "extract_document", cached)


def test_store_grown_in_rounds_equals_one_ingest(tmp_path: Path, monkeypatch):
    extract_once(monkeypatch)
    gen = generator()
    corpus = gen.write_corpus(gen.generate(5101, seed=7), tmp_path / "corpus")
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    rounds = [lines[:5000], lines[5000:5001]] + [lines[i:i + 25] for i in range(5001, 5101, 25)]
    grown = tmp_path / "grown.db"
    for n, chunk in enumerate(rounds):
        part = corpus.with_name(f"round-{n}.jsonl")
        part.write_text("".join(chunk), encoding="utf-8")
        invoke("ingest", str(part), "--db", str(grown), "--quiet")
    invoke("ingest", str(corpus), "--db", str(grown), "--quiet")  # everything again: nothing new
    invoke("reprocess", "--db", str(grown))
    assert "ok" in invoke("doctor", "--db", str(grown))
    once = tmp_path / "once.db"
    invoke("ingest", str(corpus), "--db", str(once), "--quiet")
    grown_events, once_events = events_by_reports(grown), events_by_reports(once)
    assert len(grown_events) == len(once_events) > 4000
    assert grown_events == once_events


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    invoke("demo", "--db", str(db))
    return db


def test_a_merge_that_gives_two_events_one_id_is_one_line_and_changes_nothing(demo_db, monkeypatch, tmp_path):
    before = sqlite3.connect(demo_db).execute("SELECT event_id, data FROM events ORDER BY event_id").fetchall()
    real = cluster.assign_ids

    def one_id_twice(clusters, previous, forced=None):
        out = real(clusters, previous, forced)
        return [(out[0][0], cl) for _, cl in out]
    monkeypatch.setattr("marsad.run.assign_ids", one_id_twice)
    extra = tmp_path / "extra.txt"
    extra.write_text("هاجمت طائرة مسيرة مجهولة قاعدة حقل العمر في ريف دير الزور الشرقي صباح اليوم الأحد، "
                     "وقالت مصادر محلية إن الدفاعات الجوية تصدت لها.", encoding="utf-8")
    for args in (["ingest", str(extra), "--published", "2024-06-02"], ["reprocess"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(demo_db)])
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "merging the events failed" in lines[0] and str(demo_db) in lines[0]
        assert "reprocess --full" in lines[0]
    after = sqlite3.connect(demo_db).execute("SELECT event_id, data FROM events ORDER BY event_id").fetchall()
    assert after == before  # nothing half-written


def test_doctor_names_an_event_id_conflict_and_reprocess_full_repairs_it(demo_db):
    conn = sqlite3.connect(demo_db)
    (first, data), (second, _) = conn.execute("SELECT event_id, data FROM events ORDER BY event_id LIMIT 2")
    stolen = conn.execute("SELECT report_id FROM reports WHERE event_id = ? LIMIT 1", (second,)).fetchone()[0]
    record = json.loads(data)
    record["reports"].append({"report_id": stolen})  # one report listed by two events
    with conn:
        conn.execute("UPDATE events SET data = ? WHERE event_id = ?", (json.dumps(record), first))
    conn.close()
    result = CliRunner().invoke(cli, ["doctor", "--db", str(demo_db)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "1 event-id conflicts" in result.output and first in result.output
    assert f"marsad reprocess --full --db {demo_db}" in result.output
    invoke("reprocess", "--full", "--db", str(demo_db))
    assert "ok" in invoke("doctor", "--db", str(demo_db))


def test_an_edited_document_keeps_the_id_of_an_event_whose_report_did_not_change(tmp_path: Path):
    """Two outlets tell one attack (the id comes from the first); the first outlet then rewrites its
    story about another base; the second appends a sentence to its own. The second's report did not
    change, so its event keeps the id it had."""
    omar = "هاجمت طائرة مسيرة مجهولة قاعدة حقل العمر في ريف دير الزور الشرقي صباح اليوم الأحد."
    asad = "هاجمت طائرة مسيرة مجهولة قاعدة عين الأسد في محافظة الأنبار غربي العراق صباح اليوم الأحد."
    recall = " وكانت القاعدة قد تعرضت في 3 من الشهر الجاري لهجوم بثلاثة صواريخ."
    db = str(tmp_path / "edit.db")

    def send(doc_id: str, text: str) -> str:
        line = tmp_path / f"{doc_id}.jsonl"
        line.write_text(json.dumps({"doc_id": doc_id, "text": text, "published": "2024-05-05"}, ensure_ascii=False)
                        + "\n", encoding="utf-8")
        invoke("ingest", str(line), "--db", db, "--quiet")
        conn = sqlite3.connect(db)
        eid = conn.execute("SELECT event_id FROM reports WHERE report_id = 'second#0'").fetchone()
        conn.close()
        return eid[0] if eid else None

    send("first", omar)
    merged = send("second", omar)
    assert send("first", asad) == merged  # the first outlet's story moved: the second keeps the event
    assert send("second", omar + recall) == merged
