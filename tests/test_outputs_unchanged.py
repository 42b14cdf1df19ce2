"""Exports stay byte for byte the same: a guard for work that must not change results (speed-ups).

A synthetic corpus (benchmarks/generate.py, fixed seed) and the shared development
corpus are ingested with ``marsad ingest`` and exported in every format; the sha256
of each export is pinned below. Exports hold no ingest times (``timestamp`` in the
CSV is always empty), so nothing is left out of the digests. A change that is meant
to change results (rules, lexicons, templates, export columns) updates the digests
here in the same commit, with the failure message's new value.
"""
from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SHARED_MANIFEST = ROOT.parent / "shared" / "corpus" / "manifest.jsonl"
FORMATS = ("marsad-jsonl", "csv", "geojson")
SYNTHETIC_DOCS, SYNTHETIC_SEED = 300, 3

SYNTHETIC_DIGESTS = {
    "marsad-jsonl": "b3f32382a22d5751812bed20ef7a8039bea41bc0f18c1f63cce52f7a474f1869",
    "csv": "ebc486faf14ab32db80517b42e5c598938af38e62002fca35066846cc0fc66f0",
    "geojson": "5523357987db6597c26f6b3eae350cba2038671bb50dbecee7e00b7cdde3eb75",
}
DEVELOPMENT_DIGESTS = {
    "marsad-jsonl": "7642da8dd08bee3c484adc9bf4d4ddabc15306d124ecb4e70ba6bd9d9fc2d756",
    "csv": "b2d0aa58cce53491e8cf217207c5358cd3a6a7bb8e8d02b4d736f3fadfe4b460",
    "geojson": "7df9454cee6b1aab4a49a547215c58d3bd280426a75f40bbfaf91b662f52cfdd",
}


def load_generator():
    path = ROOT / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("marsad_bench_generate", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


def export_digests(manifest: Path, folder: Path) -> dict[str, str]:
    """Ingest ``manifest`` into a new store with the CLI and hash each format's export."""
    db = folder / "marsad.db"
    runner = CliRunner()
    done = runner.invoke(cli, ["ingest", str(manifest), "--db", str(db), "--quiet"])
    assert done.exit_code == 0, done.output
    digests = {}
    for fmt in FORMATS:
        out = folder / f"export.{fmt}"
        done = runner.invoke(cli, ["export", "--db", str(db), "--format", fmt, "-o", str(out)])
        assert done.exit_code == 0, done.output
        digests[fmt] = hashlib.sha256(out.read_bytes()).hexdigest()
    return digests


def test_synthetic_corpus_exports_are_unchanged(tmp_path: Path) -> None:
    generate = load_generator()
    manifest = generate.write_corpus(generate.generate(SYNTHETIC_DOCS, SYNTHETIC_SEED), tmp_path / "corpus")
    assert export_digests(manifest, tmp_path) == SYNTHETIC_DIGESTS


def test_development_corpus_exports_are_unchanged(tmp_path: Path) -> None:
    if not SHARED_MANIFEST.is_file():
        pytest.skip("../shared/corpus/manifest.jsonl not available (a clone without the development corpus)")
    assert export_digests(SHARED_MANIFEST, tmp_path) == DEVELOPMENT_DIGESTS
