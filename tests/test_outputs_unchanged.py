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
    "marsad-jsonl": "7ffb1f9cb55fd70fcef42da4b9eb85c159e8bebf205ee395ea070b69df1f4fbe",
    "csv": "604db6985fa09eeeebf0079ae24ec18b2053b55ca21212f99d2b604913a5c5dc",
    "geojson": "c470ed062c94c83241cb51dbc3e25a224c7ade3222397d22d0923e8aeb0ae91d",
}
DEVELOPMENT_DIGESTS = {
    "marsad-jsonl": "e05b932cf9868c5abeac5238f7b1381d68d9a0dfc74ec01cdcbace39f1dde991",
    "csv": "223cf2c6711e1cc1025a8bef2ece2fd460b4f760e0296eb7a75cc75999927302",
    "geojson": "3bcc2cb316ae3efac3757757b2624f4052949f73acef358579c5cdc97c540584",
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
