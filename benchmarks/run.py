"""Throughput and peak memory of marsad on a generated corpus.

Two stages, each measured in a fresh subprocess so that one stage's memory
peak cannot hide another's:

* extract: ``marsad.pipeline.process_article`` on every manifest line, in one
  process pinned to one core (documents/s, KB/s, candidates/document, peak RSS;
  a second, smaller run under tracemalloc gives the peak of Python allocations);
* ingest: the ``marsad ingest <manifest> --db ... --quiet`` command into a new
  SQLite file (documents/s, KB/s, peak RSS of the command).

    python benchmarks/run.py --corpus benchmarks/out/corpus [--limit N]

Results go to ``benchmarks/out/results.json``; a Markdown table is printed.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "out" / "results.json"
MANIFEST = "manifest.jsonl"
TRACE_DOCS = 200  # tracemalloc slows Python several times: a sample is enough for a peak
STAGES = ("extract", "ingest")

if importlib.util.find_spec("marsad") is None:  # measure this checkout when not installed
    sys.path.insert(0, str(REPO))


class BenchmarkError(RuntimeError):
    """A stage cannot be measured (missing command, unimplemented pipeline, ...)."""


@dataclass
class StageResult:
    """What one stage measured; rates are derived so the JSON stays consistent."""

    stage: str
    docs: int
    kbytes: float
    seconds: float
    peak_rss_mb: float
    baseline_rss_mb: float | None = None  # peak RSS once imports, texts and a first document are in
    first_call_s: float | None = None  # the first document, with lexicons loading
    candidates_per_doc: float | None = None
    tracemalloc_peak_mb: float | None = None
    tracemalloc_docs: int | None = None
    db_mb: float | None = None
    failures: int = 0
    first_failure: str | None = None

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else float("nan")

    @property
    def kb_per_s(self) -> float:
        return self.kbytes / self.seconds if self.seconds else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "docs_per_s": round(self.docs_per_s, 2),
                "kb_per_s": round(self.kb_per_s, 2)}


# --- reading the corpus -------------------------------------------------------

def manifest_rows(manifest: Path, limit: int | None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return rows[:limit] if limit is not None else rows


def corpus_bytes(manifest: Path, rows: list[dict[str, Any]]) -> int:
    return sum((manifest.parent / row["path"]).stat().st_size for row in rows)


def load_articles(manifest: Path, rows: list[dict[str, Any]]) -> list[Any]:
    """Manifest lines → ``marsad.types.Article`` with the file's text."""
    from marsad.types import Article

    return [Article(doc_id=row["doc_id"], source=row["path"],
                    text=(manifest.parent / row["path"]).read_text(encoding="utf-8"),
                    published=date.fromisoformat(row["published"]) if row.get("published") else None,
                    outlet=row.get("outlet"), lang=row.get("lang"))
            for row in rows]


# --- memory -------------------------------------------------------------------

def maxrss_mb(who: int) -> float:
    """Peak resident set size in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


# --- the stages, each run inside its own subprocess ---------------------------

def stage_extract(manifest: Path, limit: int | None, trace: bool) -> StageResult:
    """Clean + extract every document in this process, on one core."""
    from marsad.pipeline import process_article

    if hasattr(os, "sched_setaffinity"):  # the figure is per core, whatever the machine
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rows = manifest_rows(manifest, limit)
    articles = load_articles(manifest, rows)
    started = time.perf_counter()
    process_article(articles[0])  # lexicons load here; timed apart from the steady state
    first_call = time.perf_counter() - started
    baseline = maxrss_mb(resource.RUSAGE_SELF)
    if trace:
        tracemalloc.start()
    candidates = failures = 0
    first_failure = None
    started = time.perf_counter()
    for article in articles:
        try:
            _, found = process_article(article)
        except NotImplementedError:
            raise
        except Exception as exc:  # one bad document must not hide the throughput of the rest
            failures += 1
            first_failure = first_failure or f"{article.doc_id}: {type(exc).__name__}: {exc}"
            continue
        candidates += len(found)
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    return StageResult(
        stage="extract", docs=len(articles), kbytes=corpus_bytes(manifest, rows) / 1024,
        seconds=seconds, peak_rss_mb=maxrss_mb(resource.RUSAGE_SELF), baseline_rss_mb=baseline,
        first_call_s=first_call, candidates_per_doc=candidates / max(len(articles) - failures, 1),
        tracemalloc_peak_mb=traced, tracemalloc_docs=len(articles) if trace else None,
        failures=failures, first_failure=first_failure)


def marsad_command() -> list[str]:
    """The installed console script next to this Python, else ``python -m marsad``."""
    script = Path(sys.executable).with_name("marsad")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "marsad"]


def command_env() -> dict[str, str]:
    """Let ``python -m marsad`` find this checkout when the package is not installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def stage_ingest(manifest: Path, limit: int | None) -> StageResult:
    """Run ``marsad ingest`` as this process's only child and read the child's peak."""
    rows = manifest_rows(manifest, limit)
    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as tmp:
        source = manifest
        if limit is not None:  # a shorter manifest, its paths made absolute
            source = Path(tmp) / MANIFEST
            source.write_text("".join(
                json.dumps({**row, "path": str((manifest.parent / row["path"]).resolve())},
                           ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
        db = Path(tmp) / "bench.db"
        command = [*marsad_command(), "ingest", str(source), "--db", str(db), "--quiet"]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=command_env())
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise BenchmarkError(f"`{' '.join(command)}` exited with {done.returncode}:\n"
                                 f"{done.stderr.strip()[-2000:]}")
        db_mb = sum(f.stat().st_size for f in Path(tmp).glob("bench.db*")) / 2**20
    return StageResult(stage="ingest", docs=len(rows),
                       kbytes=corpus_bytes(manifest, rows) / 1024, seconds=seconds,
                       peak_rss_mb=maxrss_mb(resource.RUSAGE_CHILDREN), db_mb=db_mb)


def run_stage(stage: str, manifest: Path, limit: int | None, trace: bool = False) -> StageResult:
    """Measure one stage in a fresh interpreter; its result comes back as JSON."""
    command = [sys.executable, str(Path(__file__).resolve()), "--stage", stage,
               "--corpus", str(manifest.parent)]
    if limit is not None:
        command += ["--limit", str(limit)]
    if trace:
        command.append("--trace")
    done = subprocess.run(command, capture_output=True, text=True, env=command_env())
    if done.returncode != 0:
        raise BenchmarkError(f"stage {stage} failed:\n{done.stderr.strip()[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    data.pop("docs_per_s"), data.pop("kb_per_s")
    return StageResult(**data)


# --- checks before measuring ----------------------------------------------------

def pipeline_problem(manifest: Path) -> str | None:
    """Why ``process_article`` cannot be benchmarked yet, or None when it runs."""
    try:
        from marsad.pipeline import process_article
    except ImportError as exc:
        return f"cannot import marsad.pipeline.process_article: {exc}"
    article = load_articles(manifest, manifest_rows(manifest, 1))[0]
    try:
        process_article(article)
    except NotImplementedError:
        return "marsad.pipeline.process_article is not implemented yet (it raises NotImplementedError)"
    except Exception as exc:
        return f"marsad.pipeline.process_article fails on {article.doc_id}: {type(exc).__name__}: {exc}"
    return None


def ingest_problem() -> str | None:
    """Why ``marsad ingest`` cannot be benchmarked yet, or None when it answers --help."""
    command = [*marsad_command(), "ingest", "--help"]
    done = subprocess.run(command, capture_output=True, text=True, env=command_env())
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        return f"the `marsad ingest` command is not available yet (`{' '.join(command)}`: {last[0]})"
    return None


# --- report -----------------------------------------------------------------------

def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                  if line.startswith("model name")]
        cpu = models[0] if models else cpu
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    commit = None
    if shutil.which("git"):
        done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True)
        commit = done.stdout.strip() or None
    from marsad import __version__

    return {"cpu": cpu, "nproc": nproc, "python": platform.python_version(),
            "platform": platform.platform(), "marsad": __version__, "commit": commit}


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def markdown(results: dict[str, Any], stages: list[StageResult]) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['cpu']}, nproc {m['nproc']}, Python {m['python']} ({m['platform']}); "
        f"marsad {m['marsad']}{' @ ' + m['commit'] if m['commit'] else ''}.",
        f"Corpus: {results['docs']} documents, {results['kbytes'] / 1024:.1f} MB "
        f"({results['kbytes'] / max(results['docs'], 1):.1f} KB/document).",
        "",
        "| stage | N | docs/s | KB/s | candidates/doc | peak RSS MB | tracemalloc peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = {"extract": "clean + extract (1 process, 1 core)",
             "ingest": "`marsad ingest` into SQLite"}
    for s in stages:
        traced = (f"{_fmt(s.tracemalloc_peak_mb)} ({s.tracemalloc_docs} docs)"
                  if s.tracemalloc_peak_mb is not None else "–")
        lines.append(f"| {names[s.stage]} | {s.docs} | {_fmt(s.docs_per_s)} | {_fmt(s.kb_per_s)} "
                     f"| {_fmt(s.candidates_per_doc, 2)} | {_fmt(s.peak_rss_mb)} | {traced} |")
    notes = [f"{s.stage}: {s.failures} documents failed (first: {s.first_failure})"
             for s in stages if s.failures]
    return "\n".join(lines + ([""] + notes if notes else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True,
                        help=f"directory holding {MANIFEST} (see generate.py)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help="comma-separated subset of: " + ", ".join(STAGES))
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help=f"skip the tracemalloc run (on at most {TRACE_DOCS} documents)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON file")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)  # inside a subprocess
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    manifest = args.corpus / MANIFEST
    if not manifest.is_file():
        print(f"error: no {manifest}; write one with benchmarks/generate.py", file=sys.stderr)
        return 2
    rows = manifest_rows(manifest, args.limit)
    if not rows:
        print(f"error: no documents to measure in {manifest} (--limit {args.limit})", file=sys.stderr)
        return 2
    if args.stage is not None:  # we are the subprocess that measures one stage
        try:
            result = (stage_extract(manifest, args.limit, args.trace) if args.stage == "extract"
                      else stage_ingest(manifest, args.limit))
        except BenchmarkError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(json.dumps(result.as_dict()))
        return 0

    wanted = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(STAGES))
    if unknown:
        parser.error(f"unknown stages {unknown}")
    problems = {"extract": pipeline_problem, "ingest": lambda _m: ingest_problem()}
    missing = [p for p in (problems[s](manifest) for s in wanted) if p]
    if missing:
        for problem in missing:
            print(f"error: {problem}", file=sys.stderr)
        print("nothing measured; run again once these exist (or pick --stages)", file=sys.stderr)
        return 2

    measured: list[StageResult] = []
    try:
        for stage in wanted:
            print(f"measuring {stage} on {len(rows)} documents ...", file=sys.stderr)
            result = run_stage(stage, manifest, args.limit)
            if stage == "extract" and not args.no_tracemalloc:
                traced = run_stage(stage, manifest, min(len(rows), TRACE_DOCS), trace=True)
                result.tracemalloc_peak_mb = traced.tracemalloc_peak_mb
                result.tracemalloc_docs = traced.tracemalloc_docs
            measured.append(result)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    results = {"machine": machine(), "corpus": str(args.corpus.resolve()), "docs": len(rows),
               "kbytes": corpus_bytes(manifest, rows) / 1024,
               "stages": {s.stage: s.as_dict() for s in measured}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(results, measured))
    print(f"\nwritten {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
