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
    "marsad-jsonl": "afca13bd71b4ec943eacea6c0befacba4bed4aca2d6ca7f66e22da365eb75fb4",
    "csv": "332b70b79a0de9bf29acb4a510fc9ecc3f6a83e2eb7c5d66d61f51ffc00d0270",
    "geojson": "18e5087b3d1e72ca48336443afd8fa39a8ee3fccfab7a8044ea900cf8840499b",
}
DEVELOPMENT_DIGESTS = {
    "marsad-jsonl": "1dea5a66ee0b33d609c434bb3279cc8d0bd40cdf3112232ad58287b4c3956ea8",
    "csv": "d5ba7e74d5c93872bc85a7d6012035155c7971399bcf088986b26122838082f0",
    "geojson": "593a0f14ab5232e6088a970dba6c43cbef4a1a2758a6e2cd28455b682c7baa0f",
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
