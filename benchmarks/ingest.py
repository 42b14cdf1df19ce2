"""End-to-end ``marsad ingest`` speed on real-text reports, optionally side by side with another commit.

The corpus is the shared development corpus (``../shared/corpus``) varied: document
*i* is text ``i mod 5`` with its body lines (all but the title) rotated by ``i // 5``
places, published ``i // 5`` weeks after the original (a day would chain the copies into one event), under an id of its own. So a
thousand documents keep real wording but are not copies of each other.

Measured, each in a fresh interpreter whose ``PYTHONPATH`` starts with the checkout
under test:

* ingest: ``python -m marsad ingest <manifest> --db <new SQLite file> --quiet``, single
  process, start-up and final merge included;
* clean + extract: ``benchmarks/run.py --stage extract`` (one process, one core).

``--compare REF`` checks REF out with ``git worktree add`` and measures both checkouts
in turns, ``--rounds`` times, so that load from other work on the machine falls on
both alike; the table gives each side's median and the ratio.

    python benchmarks/ingest.py [--n 1000] [--compare a1e83c7 --worktree DIR] [--rounds 3]
    python benchmarks/ingest.py --profile out.prof   # cProfile of one ingest of this checkout
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUN = Path(__file__).resolve().parent / "run.py"
SHARED = REPO.parent / "shared" / "corpus" / "manifest.jsonl"


def varied_corpus(source: Path, n: int, out: Path) -> Path:
    """Write ``n`` documents varied from the texts of ``source``; return the new manifest."""
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [(source.parent / row["path"]).read_text(encoding="utf-8") for row in rows]
    (out / "docs").mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        row, text = rows[i % len(rows)], texts[i % len(rows)]
        turn = i // len(rows)
        title, *body = text.split("\n")
        shift = turn % len(body) if body else 0
        path = f"docs/{i:05d}.txt"
        (out / path).write_text("\n".join([title, *body[shift:], *body[:shift]]), encoding="utf-8")
        published = date.fromisoformat(row["published"]) + timedelta(weeks=turn)
        lines.append(json.dumps({**row, "doc_id": f"{i:05d}_{row['doc_id']}", "path": path,
                                 "published": published.isoformat()}, ensure_ascii=False))
    manifest = out / "manifest.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def env_for(checkout: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(checkout), env.get("PYTHONPATH")) if p)
    return env


def time_ingest(checkout: Path, manifest: Path, tmp: Path, profile: Path | None = None) -> float:
    """Seconds one ``marsad ingest`` of ``manifest`` into a new SQLite file takes with ``checkout``'s code."""
    db = tmp / f"ingest-{time.monotonic_ns()}.db"
    runner = ["-m", "cProfile", "-o", str(profile)] if profile else []
    command = [sys.executable, *runner, "-m", "marsad", "ingest", str(manifest), "--db", str(db), "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env_for(checkout), cwd=tmp)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"error: ingest with {checkout} failed:\n{done.stderr.strip()[-2000:]}")
    for f in tmp.glob(db.name + "*"):
        f.unlink()
    return seconds


def extract_rate(checkout: Path, manifest: Path) -> float:
    """Clean + extract documents/s on one core, with ``checkout``'s code (run.py's extract stage)."""
    command = [sys.executable, str(RUN), "--stage", "extract", "--corpus", str(manifest.parent)]
    done = subprocess.run(command, capture_output=True, text=True, env=env_for(checkout))
    if done.returncode != 0:
        raise SystemExit(f"error: extraction with {checkout} failed:\n{done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["docs_per_s"]


def add_worktree(ref: str, where: Path) -> Path:
    """``ref`` checked out at ``where`` (detached), reusing a worktree already there at that commit."""
    wanted = subprocess.run(["git", "-C", str(REPO), "rev-parse", ref], capture_output=True, text=True,
                            check=True).stdout.strip()
    if where.is_dir():
        there = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"], capture_output=True,
                               text=True).stdout.strip()
        if there != wanted:
            raise SystemExit(f"error: {where} holds {there or 'no checkout'}, not {ref}; pick another --worktree")
        return where
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(where), wanted],
                   check=True, capture_output=True)
    return where


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="documents to ingest")
    parser.add_argument("--source", type=Path, default=SHARED, help="manifest whose texts are varied")
    parser.add_argument("--compare", metavar="REF", help="also measure this git ref, side by side")
    parser.add_argument("--worktree", type=Path, help="where REF is checked out (default: a temporary folder)")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each side, taken in turns")
    parser.add_argument("--no-extract", action="store_true", help="skip the clean + extract measurement")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one ingest of this checkout and stop")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"error: no {args.source} (the development corpus); pass --source MANIFEST", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="marsad-ingest-bench-") as folder:
        tmp = Path(folder)
        manifest = varied_corpus(args.source, args.n, tmp / "corpus")
        if args.profile:
            time_ingest(REPO, manifest, tmp, profile=args.profile.resolve())
            print(f"written {args.profile}", file=sys.stderr)
            return 0
        sides = {"this checkout": REPO}
        if args.compare:
            sides = {args.compare: add_worktree(args.compare, args.worktree or tmp / "ref"), **sides}
        ingest = {name: [] for name in sides}
        extract = {name: [] for name in sides}
        for round_ in range(args.rounds):
            for name, checkout in sides.items():
                ingest[name].append(args.n / time_ingest(checkout, manifest, tmp))
                if not args.no_extract:
                    extract[name].append(extract_rate(checkout, manifest))
                print(f"round {round_ + 1}, {name}: ingest {ingest[name][-1]:.1f} docs/s"
                      + (f", clean + extract {extract[name][-1]:.1f} docs/s" if extract[name] else ""),
                      file=sys.stderr)
        if args.compare and args.worktree is None:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(sides[args.compare])],
                           check=False, capture_output=True)

    print(f"{args.n} documents varied from {args.source}, {args.rounds} rounds in turns, median (all):\n")
    print("| code | `marsad ingest` docs/s | clean + extract docs/s (1 core) |")
    print("|---|---:|---:|")
    for name in sides:
        cells = [f"{statistics.median(v):.1f} ({', '.join(f'{x:.1f}' for x in v)})" if v else "–"
                 for v in (ingest[name], extract[name])]
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    if args.compare:
        ratio = statistics.median(ingest["this checkout"]) / statistics.median(ingest[args.compare])
        print(f"\ningest speed-up over {args.compare}: {ratio:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
