"""Ingest throughput single-process and on a Dask LocalCluster with 1 and 2 workers.

    python benchmarks/scale.py --corpus benchmarks/out/corpus [--limit 20000]

Each run is a fresh `marsad ingest` into a new SQLite file, timed end to end
(start-up, cluster start, storing and the final merge included), so the
speed-up is what a user sees. Prints a Markdown table and writes
benchmarks/out/scale.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out" / "scale.json"
RUNS = (("single process", []), ("--dask --workers 1", ["--dask", "--workers", "1"]),
        ("--dask --workers 2", ["--dask", "--workers", "2"]))


def limited_manifest(corpus: Path, limit: int | None, tmp: Path) -> tuple[Path, int]:
    lines = (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    lines = lines[:limit] if limit else lines
    manifest = corpus / f"manifest-{len(lines)}.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest, len(lines)


def timed_ingest(manifest: Path, db: Path, extra: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "marsad", "ingest", str(manifest), "--db", str(db), "--quiet", *extra],
                   env=env, check=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent / "out" / "corpus")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        manifest, n = limited_manifest(args.corpus, args.limit, Path(tmp))
        rows = []
        for label, extra in RUNS:
            seconds = timed_ingest(manifest, Path(tmp) / f"{len(rows)}.db", extra)
            rows.append({"run": label, "docs": n, "seconds": round(seconds, 1), "docs_per_s": round(n / seconds, 1)})
    base = {r["run"]: r["docs_per_s"] for r in rows}
    print("| run | docs | seconds | docs/s | speed-up vs 1 worker |\n|---|---:|---:|---:|---:|")
    for r in rows:
        speedup = r["docs_per_s"] / base["--dask --workers 1"]
        print(f"| {r['run']} | {r['docs']} | {r['seconds']} | {r['docs_per_s']} | {speedup:.2f}× |")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
