"""Two `marsad watch` processes writing into one PostgreSQL store at once lose nothing and duplicate nothing.

Both watch the same manifest of synthetic reports (benchmarks/generate.py), so they race
to create the same new store's tables, to store the same documents and to merge the
same events: schema steps, documents and merges each take a lock (marsad.store.db,
marsad.store.store.Store.exclusive). Afterwards the store must equal one process's
ingest of the same documents.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from databases import new_database
from marsad.doctor import diagnose
from marsad.run import ingest_paths, plan_merge
from marsad.settings import Settings
from marsad.store.store import Store

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = 160


def _manifest(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate_writers", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.write_corpus(module.generate(DOCUMENTS, seed=11), out)


def _events(db: str) -> dict[str, dict]:
    with Store(db) as store:
        return {e["id"]: e for e in store.events(include_rejected=True)}


def test_two_watchers_on_one_postgresql_store(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path / "corpus")
    shared = new_database("postgresql", tmp_path)  # skips without a server
    alone = new_database("postgresql", tmp_path)
    db, reference = next(shared), next(alone)
    watchers = [subprocess.Popen([sys.executable, "-m", "marsad", "watch", str(manifest), "--once", "-q", "--db", db],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
                for _ in range(2)]
    outputs = [w.communicate(timeout=600) for w in watchers]
    assert [w.returncode for w in watchers] == [0, 0], outputs

    found = diagnose(db)
    assert found.problems == [] and not any("not merged" in n for n in found.notes), (found.problems, found.notes)
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == DOCUMENTS
        assert store.failures() == []
        plan = plan_merge(store)
        assert _events(db) == {e["id"]: e for e in plan.records(plan.membership)}
    with Store(reference) as store:
        assert not ingest_paths(store, [manifest], Settings()).failures
    assert _events(db) == _events(reference)
    for database in (shared, alone):
        database.close()
