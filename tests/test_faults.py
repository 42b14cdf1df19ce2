"""kill -9 in the middle of an ingest leaves a sound store, and a re-run equals a clean run."""
from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marsad.doctor import diagnose

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
    return gen.write_corpus(gen.generate(40, seed=7), out)


def _ingest(manifest: Path, db: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "marsad", "ingest", str(manifest), "--db", str(db), "--quiet"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _export(db: Path) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "marsad", "export", "--db", str(db)], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def _comparable(events: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in e.items() if k != "reports"} for e in events), key=lambda e: e["id"])


def test_kill_nine_at_random_moments_then_rerun_equals_clean_run(corpus: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.db"
    assert _ingest(corpus, clean).wait(timeout=300) == 0
    expected = _comparable(_export(clean))

    db = tmp_path / "killed.db"
    rng = random.Random(11)
    killed_mid_run = 0
    for _ in range(KILLS):
        proc = _ingest(corpus, db)
        deadline = time.time() + 60  # start-up time varies with the machine's load: kill once it writes
        while not db.exists() and proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid_run += 1
        proc.wait(timeout=60)
        if db.exists():
            assert diagnose(db).ok, diagnose(db).problems  # sound after every kill
    assert killed_mid_run > 0, "the ingest finished before any kill: make the corpus larger"

    assert _ingest(corpus, db).wait(timeout=300) == 0
    assert diagnose(db).ok and not diagnose(db).notes
    assert _comparable(_export(db)) == expected
