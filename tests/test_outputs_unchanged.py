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
    "marsad-jsonl": "9db4f72502d63bca3ea5eda4e1f3d6e0af3498919e1c6aa6cb9ce6ee44f71f1d",
    "csv": "0b204c3868360c26aa775f70751fd618dd37c4e68b8da7cb8753ad86cf87e1f8",
    "geojson": "e289b8e2dc0aa988ff163d39e04bf6305b104aa2cddd277f528fd7bdf92466ea",
}
DEVELOPMENT_DIGESTS = {
    "marsad-jsonl": "02d08d6e6397b304b783140b297293dd451be2535b51f44981356b7474f34cb1",
    "csv": "e67f6afb61bc0e84a0707faa32e00a565e2b2b7ab06f437a6178d4654532c5a6",
    "geojson": "7567de606e151717e9fce520acf975ef3127fe8ca70cd5e4e939121da1f48d23",
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
