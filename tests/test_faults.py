"""kill -9 in the middle of an ingest, a reprocess or a watch round leaves a sound store,
and a re-run equals a clean run."""
from __future__ import annotations

import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from marsad.doctor import diagnose
from marsad.store.db import StoreError, connect, is_postgres_url
from marsad.store.store import Store

REPO = Path(__file__).resolve().parents[1]
KILLS = 6


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    gen = _generator()
    out = tmp_path_factory.mktemp("corpus")
    return gen.write_corpus(gen.generate(120, seed=7), out)  # long enough that kills land mid-run


def _marsad(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "marsad", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _ingest(manifest: Path, db: str) -> subprocess.Popen:
    return _marsad("ingest", str(manifest), "--db", db, "--quiet")


def _export(db: str) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "marsad", "export", "--db", db], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def _comparable(events: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in e.items() if k != "reports"} for e in events), key=lambda e: e["id"])


def _has_store(db: str) -> bool:
    """The store exists: the process got past start-up and may be writing."""
    if not is_postgres_url(db):
        return Path(db).exists()
    try:
        conn = connect(db, read_only=True)
    except StoreError:
        return False
    try:
        return conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()[0]
    finally:
        conn.close()


def _kill_at_random_moments(start: Callable[[], subprocess.Popen], db: str, seed: int) -> int:
    """Start the job KILLS times and kill -9 it at a random moment; the store is sound after each kill.
    Returns how many kills landed before the job finished."""
    rng = random.Random(seed)
    killed_mid_run = 0
    for _ in range(KILLS):
        proc = start()
        deadline = time.time() + 60  # start-up time varies with the machine's load: kill once it writes
        while not _has_store(db) and proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.8))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid_run += 1
        proc.wait(timeout=60)
        if _has_store(db):
            assert diagnose(db).ok, diagnose(db).problems
    return killed_mid_run


def _sound_and_finished(db: str) -> None:
    """doctor finds no problem and no report left unmerged."""
    found = diagnose(db)
    assert found.ok, found.problems
    assert not [note for note in found.notes if "not merged" in note], found.notes


@pytest.fixture(scope="module")
def clean_run(corpus: Path, tmp_path_factory) -> tuple[Path, list[dict]]:
    """A store the corpus was ingested into without interruption, and its events."""
    clean = tmp_path_factory.mktemp("clean") / "clean.db"
    assert _ingest(corpus, str(clean)).wait(timeout=300) == 0
    return clean, _comparable(_export(str(clean)))


def test_kill_nine_during_ingest_then_rerun_equals_clean_run(corpus: Path, clean_run, database: str) -> None:
    killed = _kill_at_random_moments(lambda: _ingest(corpus, database), database, seed=11)
    assert killed > 0, "the ingest finished before any kill: make the corpus larger"
    assert _ingest(corpus, database).wait(timeout=300) == 0
    _sound_and_finished(database)
    assert _comparable(_export(database)) == clean_run[1]


def test_kill_nine_during_reprocess_then_rerun_equals_clean_run(corpus: Path, clean_run, tmp_path: Path) -> None:
    db = tmp_path / "reprocessed.db"
    shutil.copy(clean_run[0], db)
    killed = _kill_at_random_moments(lambda: _marsad("reprocess", "--db", str(db)), str(db), seed=12)
    assert killed > 0, "reprocess finished before any kill: make the corpus larger"
    assert _marsad("reprocess", "--db", str(db)).wait(timeout=300) == 0
    _sound_and_finished(str(db))
    assert _comparable(_export(str(db))) == clean_run[1]


def test_kill_nine_during_watch_then_restart_reads_each_document_once(corpus: Path, clean_run,
                                                                       database: str) -> None:
    def watch_once() -> subprocess.Popen:
        return _marsad("watch", str(corpus), "--db", database, "--once", "--quiet")

    killed = _kill_at_random_moments(watch_once, database, seed=13)
    assert killed > 0, "the watcher finished its round before any kill: make the corpus larger"
    assert watch_once().wait(timeout=300) == 0
    _sound_and_finished(database)
    assert _comparable(_export(database)) == clean_run[1]
    with Store(database) as store:
        lines = store.conn.execute("SELECT count(*) FROM watch_state WHERE key LIKE 'line:%'").fetchone()[0]
        assert lines == len(corpus.read_text(encoding="utf-8").splitlines())
