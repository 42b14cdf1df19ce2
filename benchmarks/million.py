"""Issue 14: does the observatory stay fast as the store grows to a million reports?

The store is built directly, not through ``marsad ingest`` (which would take hours
at a million): a pool of synthetic documents (``generate.py``) goes once through
the pipeline, and each of its documents is then cloned many times with a new
doc_id, another outlet, a publication day spread over ten years and a gazetteer
place with coordinates, its reports shifted with it. Each incident is told by
1–3 clones of one pool document. The clones are grouped into events by marsad's
own clustering and record builder (``cluster_reports``, ``assign_ids``,
``MergePlan.records``), so the stored events are those a full merge would make;
documents, search index, reports and events are written with the store's own
statements (``fts.index_document``, ``INSERT_REPORT``, ``replace_some_events``).
Clustering runs one window of days at a time: 150 days of incidents, then 20
days without any, wider than the days a report can meet another across (a pool
document's reports lie within 10 days before its publication), so windows never
meet and clustering them apart equals clustering them together.

Then, on that store, each in a fresh process:

1. ``marsad ingest`` of 100 new synthetic documents (seconds, peak RSS);
2. ``marsad watch --once`` on those documents again: a round with nothing new;
3. ``GET /api/events`` (limit 100) with filters and a text search, p50/p95 through
   FastAPI's TestClient, in process;
4. ``marsad export --format csv`` of every event to a file (seconds, peak RSS).

    python benchmarks/million.py --sizes 10000,100000 [--backend sqlite|postgresql]
        [--db-dir /work/scratch/h4/stores] [--json out.json] [--check] [--keep]

PostgreSQL: ``--pg-url`` (default $MARSAD_TEST_PG_URL); each size gets its own
schema, dropped afterwards unless ``--keep``. ``--check`` runs ``marsad doctor``
on each built store and checks that an incremental and a full merge change no event.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from generate import generate, load_templates, write_corpus  # benchmarks/, next to this script
from run import REPO, command_env, maxrss_mb

from marsad.merge.cluster import assign_ids, cluster_reports
from marsad.resolve.gazetteer import load_gazetteer
from marsad.run import MergePlan
from marsad.search import fts
from marsad.settings import Settings
from marsad.pipeline import process_safely
from marsad.store.db import id_list
from marsad.store.rows import report_rows
from marsad.store.store import INSERT_REPORT, Store
from marsad.types import Article, Candidate, Doc, Failure, Location

POOL_DOCS = 400  # documents run through the pipeline; every stored document is a clone of one
POOL_SEED, NEW_SEED = 7, 99
DOC_BYTES = 1536  # small documents keep a million of them within a few GB
FIRST_DAY = date(2016, 1, 1)
WINDOW_DAYS, GAP_DAYS, WINDOWS = 150, 20, 21  # ≈ ten years of incidents, clustered a window at a time
REPORT_SPREAD_DAYS = 10  # a kept report lies within this many days before its document's publication
REPORTS_PER_INCIDENT = ((1, 0.6), (2, 0.3), (3, 0.1))
EMPTY_DOC_SHARE = 0.2  # documents without any report (prices, harvests...), as in the generated corpus
NEW_DOCS = 100
AFTER_STORE = date(2026, 1, 5)  # the store's reports are published up to the end of 2025
MEMORY_CAP_MB = 8192
REQUESTS = 50
QUERIES = {  # name → GET /api/events parameters (limit 100)
    "country": {"country": "SY"},
    "type": {"type": "Air/drone strike"},
    "date range (one month)": {"date_from": "2021-03-01", "date_to": "2021-03-31"},
    "actor": {"actor": "iran_backed_militias"},
    "text search": {"q": "طائرة مسيرة"},
    "all of them": {"country": "SY", "type": "Air/drone strike", "date_from": "2021-01-01",
                    "date_to": "2021-12-31", "actor": "us_coalition", "q": "طائرة مسيرة"},
}
Pooled = tuple[Doc, list[Candidate], str]  # a pool document, its reports, its search-index body


# --- building ---------------------------------------------------------------------------

def pool(n: int = POOL_DOCS) -> list[Pooled]:
    """Pool documents through the pipeline once; reports outside the last REPORT_SPREAD_DAYS before
    publication (a recalled earlier attack) are dropped, so that a window of days stays closed."""
    out = []
    for d in generate(n, seed=POOL_SEED, size=DOC_BYTES):
        got = process_safely(Article(d.doc_id, "million", text=d.text, outlet=d.outlet, published=d.published,
                                     lang=d.lang), Settings())
        if isinstance(got, Failure):
            raise SystemExit(f"pool document {got.doc_id} failed: {got.reason}")
        doc, cands = got
        recent = [c for c in cands if c.date is not None and _within(c, doc.published)]
        out.append((doc, recent, fts.index_text(doc.text)))
    return out


def _within(c: Candidate, published: date) -> bool:
    lo, hi = c.date_range or (c.date, c.date)
    return published - timedelta(days=REPORT_SPREAD_DAYS) <= lo and hi <= published


def places() -> list[Location]:
    """Every gazetteer place finer than a governorate: where the clones' incidents happen."""
    found = sorted((p for p in load_gazetteer().places.values() if p.precision in ("site", "town", "district")),
                   key=lambda p: p.id)
    return [Location(p.id, p.name_en, p.name_ar, p.admin1, p.country, p.lat, p.lon, p.precision) for p in found]


def _shift(c: Candidate, doc_id: str, days: timedelta, where: Location) -> Candidate:
    return dataclasses.replace(c, doc_id=doc_id, date=c.date + days, location=where,
                               date_range=(c.date_range[0] + days, c.date_range[1] + days) if c.date_range else None)


def window_docs(w: int, reports: int, pooled: list[Pooled], where: list[Location], outlets: list[str],
                rng: random.Random) -> list[tuple[Doc, list[Candidate], str]]:
    """The cloned documents of window ``w``: incidents until ``reports`` reports, plus report-less documents."""
    start = FIRST_DAY + timedelta(days=w * (WINDOW_DAYS + GAP_DAYS))
    telling = [p for p in pooled if p[1]]
    quiet = [p for p in pooled if not p[1]]
    docs: list[tuple[Doc, list[Candidate], str]] = []
    counted = 0

    def clone(p: Pooled, published: date, at: Location) -> None:
        doc, cands, body = p
        doc_id = f"mil-{w:02d}-{len(docs):07d}"
        days = published - doc.published
        docs.append((dataclasses.replace(doc, doc_id=doc_id, outlet=rng.choice(outlets), published=published,
                                         source="million"), [_shift(c, doc_id, days, at) for c in cands], body))

    while counted < reports:
        p = rng.choice(telling)
        day, at = start + timedelta(days=rng.randrange(WINDOW_DAYS)), rng.choice(where)
        for _ in range(rng.choices([k for k, _ in REPORTS_PER_INCIDENT], [w for _, w in REPORTS_PER_INCIDENT])[0]):
            clone(p, day, at)
            counted += len(p[1])
        if quiet and rng.random() < EMPTY_DOC_SHARE / (1 - EMPTY_DOC_SHARE):
            clone(rng.choice(quiet), day, at)
    return docs


def write_window(store: Store, docs: list[tuple[Doc, list[Candidate], str]]) -> int:
    """Cluster one window's reports as a merge would, then store documents, reports and events; events written."""
    order = sorted(((d.published, d.doc_id, c.anchor, c) for d, cands, _ in docs for c in cands),
                   key=lambda t: t[:3])
    reports = [(f"{doc_id}#{anchor}", c) for _, doc_id, anchor, c in order]
    meta = {f"{d.doc_id}#{c.anchor}": {"outlet": d.outlet, "published": d.published.isoformat(),
                                       "accounts_in_doc": len(cands)} for d, cands, _ in docs for c in cands}
    plan = MergePlan(assign_ids(cluster_reports(reports), {}), meta, {})
    membership = plan.membership
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with store.conn:
        store.conn.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
            (d.doc_id, d.source, d.url, d.outlet, d.published.isoformat(), d.lang, d.title, d.raw, d.text, d.sha, now)
            for d, _, _ in docs])
        for d, _, body in docs:
            fts.index_document(store.conn, d.doc_id, d.text, body=body)
        rows, evidence = [], []
        for d, cands, _ in docs:
            more_rows, more_evidence = report_rows(d, cands)
            rows += [(*r[:4], membership[r[0]], *r[5:]) for r in more_rows]
            evidence += more_evidence
        store.conn.executemany(INSERT_REPORT, rows)
        store.conn.executemany("INSERT INTO evidence VALUES (?,?,?,?,?,?,?)", evidence)
    return store.replace_some_events(plan.records(membership), {}, set(), set())


def build(db: str, n: int, seed: int = 1) -> dict:
    """A store of about ``n`` reports (whole incidents: a few more); what was written and how long it took."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    pooled, where, outlets = pool(), places(), load_templates()["outlets"]
    counts = {"documents": 0, "reports": 0, "events": 0}
    with Store(db) as store:
        if store.conn.dialect == "sqlite":
            store.conn.execute("PRAGMA synchronous=OFF")  # this connection only: a crash loses a benchmark
        for w in range(WINDOWS):
            share = n * (w + 1) // WINDOWS - n * w // WINDOWS
            docs = window_docs(w, share, pooled, where, outlets, rng)
            counts["events"] += write_window(store, docs)
            counts["documents"] += len(docs)
            counts["reports"] += sum(len(c) for _, c, _ in docs)
    return {**counts, "build_s": round(time.perf_counter() - t0, 1)}


# --- checking ---------------------------------------------------------------------------

def events_snapshot(store: Store) -> dict[str, str]:
    return {r["event_id"]: r["data"] for r in store.conn.execute("SELECT event_id, data FROM events")}


def merge_changes(db: str) -> dict:
    """How many events an incremental merge, then a full merge, of the untouched store add, drop or change."""
    from marsad.run import remerge

    out = {}
    with Store(db) as store:
        for name, full in (("incremental", False), ("full", True)):
            before = events_snapshot(store)
            remerge(store, full=full)
            after = events_snapshot(store)
            out[name] = {"added": len(after.keys() - before.keys()), "dropped": len(before.keys() - after.keys()),
                         "changed": sum(before[k] != after[k] for k in before.keys() & after.keys())}
    return out


def merge_region(db: str, manifest: str) -> dict:
    """How many stored reports an incremental merge re-clusters for the documents of ``manifest``
    (marsad.run.merge_region, as if they had just been stored), and the seconds finding them takes."""
    from marsad.run import merge_region as region_of

    doc_ids = [json.loads(line)["doc_id"] for line in Path(manifest).read_text(encoding="utf-8").splitlines()]
    with Store(db) as store:
        where, params = id_list(store.conn, "doc_id", doc_ids)
        store.conn.execute("BEGIN")  # undone below: the store is left as it was
        try:
            seeds = store.conn.execute(f"UPDATE reports SET event_id = NULL WHERE {where}", params).rowcount
            t0 = time.perf_counter()
            region = region_of(store).reports
            seconds = time.perf_counter() - t0
        finally:
            store.conn.execute("ROLLBACK")
        return {"seeds": seeds, "region": len(region), "seconds": round(seconds, 2)}


# --- timing -----------------------------------------------------------------------------

def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_MB * 2**20, MEMORY_CAP_MB * 2**20))


def measure(command: list[str]) -> dict:
    """Run ``python -m marsad <command>`` as this process's only child: wall seconds and its peak RSS.
    The command may take at most MEMORY_CAP_MB of address space: on a shared machine, a command
    that does not bound its memory fails (status 1, MemoryError) instead of starving the others."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "marsad", *command], env=command_env(), capture_output=True,
                          text=True, preexec_fn=_cap_memory)
    if done.returncode not in (0, 1):
        raise SystemExit(f"marsad {command[0]} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return {"seconds": round(time.perf_counter() - t0, 2), "peak_rss_mb": round(maxrss_mb(resource.RUSAGE_CHILDREN), 1),
            "status": done.returncode, "output": (done.stdout + done.stderr).strip()[-300:]}


def timed(command: list[str]) -> dict:
    """``measure`` in a fresh interpreter, so that its RSS is that command's alone."""
    return _self(["--measure", *command])


def api_latency(db: str, requests: int = REQUESTS) -> dict:
    """p50/p95 of GET /api/events (limit 100) per query, after one warm-up request each."""
    from fastapi.testclient import TestClient

    from marsad.serve.app import create_app

    warnings.simplefilter("ignore")  # TestClient's httpx deprecation notice
    client = TestClient(create_app(db, token="bench"))
    out = {}
    for name, params in QUERIES.items():
        params = {**params, "limit": 100}
        first = client.get("/api/events", params=params)
        if first.status_code != 200:
            raise SystemExit(f"GET /api/events {params}: {first.status_code} {first.text[:200]}")
        times = []
        for _ in range(requests):
            t0 = time.perf_counter()
            client.get("/api/events", params=params)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        out[name] = {"total": first.json()["total"], "p50_ms": round(statistics.median(times), 1),
                     "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}
    return out


def _self(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True,
                          env=command_env())
    if done.returncode != 0:
        raise SystemExit(f"million.py {args[0]} failed: {done.stderr.strip()[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- one size ---------------------------------------------------------------------------

def store_name(backend: str, size: int, db_dir: Path, pg_url: str | None) -> str:
    if backend == "sqlite":
        return str(db_dir / f"million-{size}.db")
    if not pg_url:
        raise SystemExit("--backend postgresql needs --pg-url or MARSAD_TEST_PG_URL (bash tools/test-postgres.sh)")
    return _pg_schema_url(pg_url, f"h4_million_{size}")


def _pg_schema_url(url: str, schema: str) -> str:
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"


def _pg_schema(url: str, schema: str, create: bool) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        if create:
            conn.execute(f"CREATE SCHEMA {schema}")


def _db_mb(db: str, backend: str, pg_url: str | None, size: int) -> float:
    if backend == "sqlite":
        return round(sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*")) / 2**20, 1)
    import psycopg

    with psycopg.connect(pg_url) as conn:
        got = conn.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                           "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                           (f"h4_million_{size}",)).fetchone()[0]
    return round(int(got or 0) / 2**20, 1)


def newest(docs: list) -> list:
    """The new documents as a monitoring round brings them: published after everything stored (moved
    by whole weeks, so the weekdays their texts name stay right)."""
    return [dataclasses.replace(d, published=d.published + timedelta(weeks=-(-(AFTER_STORE - d.published).days // 7)))
            for d in docs]


def _drop_store(db: str, backend: str, db_dir: Path, pg_url: str | None, size: int, recreate: bool) -> None:
    """Remove a store of this size (its SQLite files, or its PostgreSQL schema, made anew if ``recreate``)."""
    if backend == "sqlite":
        for old in db_dir.glob(Path(db).name + "*"):
            old.unlink()
    else:
        _pg_schema(pg_url, f"h4_million_{size}", create=recreate)


def one_size(size: int, backend: str, db_dir: Path, pg_url: str | None, check: bool, keep: bool) -> dict:
    db = store_name(backend, size, db_dir, pg_url)
    _drop_store(db, backend, db_dir, pg_url, size, recreate=True)
    print(f"[{size:,} {backend}] building", file=sys.stderr, flush=True)
    result: dict = {"size": size, "backend": backend, **_self(["--build", db, str(size)])}
    result["db_mb"] = _db_mb(db, backend, pg_url, size)
    print(f"[{size:,} {backend}] built: {result}", file=sys.stderr, flush=True)
    if check:
        doctor = measure(["doctor", "--db", db])
        result["doctor"] = {"ok": doctor["status"] == 0, "output": doctor["output"]}
        result["merge_changes"] = _self(["--merge-check", db])
    new = db_dir / f"new-{size}"
    shutil.rmtree(new, ignore_errors=True)
    manifest = write_corpus(newest(generate(NEW_DOCS, seed=NEW_SEED, size=DOC_BYTES)), new)
    result["add_100"] = timed(["ingest", str(manifest), "--db", db, "--quiet"])
    result["merge_region"] = _self(["--region", db, str(manifest)])
    timed(["watch", str(manifest), "--db", db, "--once", "--quiet"])  # learns the 100 files
    result["watch_round"] = timed(["watch", str(manifest), "--db", db, "--once", "--quiet"])
    result["api"] = _self(["--api", db])
    csv = db_dir / f"export-{size}.csv"
    result["export_csv"] = timed(["export", "--db", db, "--format", "csv", "-o", str(csv)])
    result["export_csv"]["mb"] = round(csv.stat().st_size / 2**20, 1) if csv.exists() else None
    csv.unlink(missing_ok=True)
    shutil.rmtree(new)
    if not keep:
        _drop_store(db, backend, db_dir, pg_url, size, recreate=False)
    print(f"[{size:,} {backend}] {json.dumps(result, ensure_ascii=False)}", file=sys.stderr, flush=True)
    return result


def table(results: list[dict]) -> str:
    names = list(QUERIES)
    lines = ["| reports | events | build s | +100 docs s | +100 peak MB | reports re-clustered | watch round s | "
             + " | ".join(f"API p95 ms: {n}" for n in names) + " | CSV export s | CSV peak MB |",
             "|" + "---:|" * (9 + len(names))]
    for r in results:
        lines.append(f"| {r['reports']:,} | {r['events']:,} | {r['build_s']} | {r['add_100']['seconds']} | "
                     f"{r['add_100']['peak_rss_mb']} | {r['merge_region']['region']:,} | {r['watch_round']['seconds']} | "
                     + " | ".join(str(r["api"][n]["p95_ms"]) for n in names)
                     + f" | {r['export_csv']['seconds']} | {r['export_csv']['peak_rss_mb']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    modes = {"--measure": lambda a: measure(a), "--build": lambda a: build(a[0], int(a[1])),
             "--merge-check": lambda a: merge_changes(a[0]), "--api": lambda a: api_latency(a[0]),
             "--region": lambda a: merge_region(a[0], a[1])}
    if argv[:1] and argv[0] in modes:
        print(json.dumps(modes[argv[0]](argv[1:]), ensure_ascii=False))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="reports per store, comma-separated")
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--db-dir", type=Path, default=REPO / "benchmarks" / "out" / "million",
                    help="where the SQLite stores, the new documents and the CSV go")
    ap.add_argument("--pg-url", default=os.environ.get("MARSAD_TEST_PG_URL"))
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--check", action="store_true", help="doctor and merge checks on each built store")
    ap.add_argument("--keep", action="store_true", help="keep the stores")
    args = ap.parse_args(argv)
    args.db_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results.append(one_size(size, args.backend, args.db_dir, args.pg_url, args.check, args.keep))
        if args.json:
            args.json.write_text(json.dumps({"results": results, "nproc": os.cpu_count(),
                                             "python": platform.python_version()}, indent=1, ensure_ascii=False))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
