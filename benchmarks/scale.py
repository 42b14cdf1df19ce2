"""Ingest throughput single-process and on a Dask LocalCluster with 1 and 2 workers.

    python benchmarks/scale.py --corpus benchmarks/out/corpus [--limit 20000] [--db-url URL]

Each run is a fresh `marsad ingest` into a new database, timed end to end
(start-up, cluster start, storing and the final merge included), so the
speed-up is what a user sees. Peak RSS is RUSAGE_CHILDREN of a process whose
only child is the command: the largest single process of the run (client or a
worker), not their sum. Prints a Markdown table and writes benchmarks/out/scale.json.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import command_env, maxrss_mb  # benchmarks/run.py, next to this script

OUT = Path(__file__).resolve().parent / "out" / "scale.json"
RUNS = (("single process", []), ("--dask --workers 1", ["--dask", "--workers", "1"]),
        ("--dask --workers 2", ["--dask", "--workers", "2"]))


def limited_manifest(corpus: Path, limit: int | None) -> tuple[Path, int]:
    lines = (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    lines = lines[:limit] if limit else lines
    manifest = corpus / f"manifest-{len(lines)}.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest, len(lines)


def measure(manifest: str, db: str, extra: list[str]) -> dict:
    """Run one ingest as this process's only child: wall seconds and its peak RSS."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "marsad", "ingest", manifest, "--db", db, "--quiet", *extra],
                   env=command_env(), check=True)
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": maxrss_mb(resource.RUSAGE_CHILDREN)}


def timed_ingest(manifest: Path, db: str, extra: list[str]) -> dict:
    """``measure`` in a fresh interpreter, so the RSS of one run does not mix with another's."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", str(manifest), db, *extra],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(rows: list[dict]) -> str:
    one = next(r["docs_per_s"] for r in rows if r["run"] == "--dask --workers 1")
    lines = ["| run | docs | seconds | docs/s | speed-up vs 1 worker | peak RSS MB |", "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['run']} | {r['docs']} | {r['seconds']} | {r['docs_per_s']} | {r['docs_per_s'] / one:.2f}× "
              f"| {r['peak_rss_mb']} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--measure"]:
        print(json.dumps(measure(argv[1], argv[2], argv[3:])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent / "out" / "corpus")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--db-url", help="passed to --db instead of a temporary SQLite file; '{run}' in it becomes "
                                     "0, 1, 2 so that each run starts from its own empty database")
    args = ap.parse_args(argv)
    manifest, n = limited_manifest(args.corpus, args.limit)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, extra) in enumerate(RUNS):
            db = args.db_url.replace("{run}", str(i)) if args.db_url else str(Path(tmp) / f"{i}.db")
            got = timed_ingest(manifest, db, extra)
            rows.append({"run": label, "docs": n, "seconds": round(got["seconds"], 1),
                         "docs_per_s": round(n / got["seconds"], 1), "peak_rss_mb": round(got["peak_rss_mb"], 1)})
    print(table(rows))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
