"""--dask runs the per-document stages on a dask.distributed LocalCluster with the same result."""
from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli

pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install 'marsad[dask]')")

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "corpus" / "manifest.jsonl"


def _synthetic_manifest(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate_dask", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.write_corpus(module.generate(60, seed=3), out)


def _export(db: Path, *ingest_args: str) -> list[dict]:
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", *ingest_args, "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    out = db.with_suffix(".jsonl")
    assert runner.invoke(cli, ["export", "--db", str(db), "-o", str(out)]).exit_code == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _same(single: list[dict], parallel: list[dict]) -> None:
    assert [e["id"] for e in parallel] == [e["id"] for e in single]
    assert parallel == single


# Workers build the stored rows (search body, report JSON); every table's content must match.
STORED = {
    "documents": "SELECT doc_id, source, url, outlet, published, lang, title, raw, text, sha FROM documents "
                 "ORDER BY doc_id",
    "reports": "SELECT * FROM reports ORDER BY report_id",
    "evidence": "SELECT * FROM evidence ORDER BY report_id, start, \"end\", field",
    "search": "SELECT m.doc_id, f.body FROM search_docs m JOIN documents_fts f ON f.rowid = m.fts_rowid "
              "ORDER BY m.doc_id",
    "events": "SELECT event_id, data FROM events ORDER BY event_id",  # not when each was stored
    "event_index": "SELECT * FROM event_index ORDER BY event_id",
}


def _stored(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {table: conn.execute(sql).fetchall() for table, sql in STORED.items()}


def test_dask_matches_single_process_on_synthetic_corpus(tmp_path: Path) -> None:
    manifest = _synthetic_manifest(tmp_path / "corpus")
    single = _export(tmp_path / "single.db", str(manifest))
    assert single, "the synthetic corpus should give events"
    _same(single, _export(tmp_path / "dask.db", str(manifest), "--dask", "--workers", "2"))
    assert _stored(tmp_path / "dask.db") == _stored(tmp_path / "single.db")


def test_dask_matches_single_process_on_shared_corpus(tmp_path: Path) -> None:
    if not SHARED.exists():
        pytest.skip("../shared corpus not available (user clone)")
    _same(_export(tmp_path / "single.db", str(SHARED)),
          _export(tmp_path / "dask.db", str(SHARED), "--dask", "--workers", "2"))


def test_dask_flags_without_dask_say_how_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    manifest = _synthetic_manifest(tmp_path / "corpus")
    result = CliRunner().invoke(cli, ["ingest", str(manifest), "--db", str(tmp_path / "x.db"), "--dask"])
    assert result.exit_code != 0
    assert "pip install 'marsad[dask]'" in result.output


def test_reprocess_on_the_cluster_stores_what_reprocess_here_stores(tmp_path: Path) -> None:
    manifest = _synthetic_manifest(tmp_path / "corpus")
    _export(tmp_path / "ingested.db", str(manifest))
    for name in ("here.db", "dask.db"):
        shutil.copy(tmp_path / "ingested.db", tmp_path / name)
        with closing(sqlite3.connect(tmp_path / name)) as conn, conn:  # reports lost: re-extraction must restore them
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("DELETE FROM reports")
    runner = CliRunner()
    here = runner.invoke(cli, ["reprocess", "--db", str(tmp_path / "here.db")])
    there = runner.invoke(cli, ["reprocess", "--db", str(tmp_path / "dask.db"), "--dask", "--workers", "2"])
    assert here.exit_code == there.exit_code == 0, (here.output, there.output)
    assert here.output == there.output
    assert _stored(tmp_path / "dask.db") == _stored(tmp_path / "here.db")
    assert _stored(tmp_path / "dask.db")["reports"] == _stored(tmp_path / "ingested.db")["reports"]
