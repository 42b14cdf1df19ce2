"""Latency of the workbench's event list on a store of 100,000 events.

The store is built directly, without extraction: the synthetic reports of
``benchmarks/merge.py`` (incidents over two years at 40 gazetteer places),
each stored as one document, one report and one event, with a one-line Arabic
text for the search. Then ``GET /api/events`` (limit 50) is timed in-process
through FastAPI's TestClient, so the figures include routing, validation and
JSON encoding but no network.

    python benchmarks/api.py [--n 100000] [--requests 200] [--seed 1] [--db PATH]

An existing ``--db`` is measured as it is (build it once, then time changes to the queries).

Prints a Markdown table (p50 and p95 per query) and writes ``benchmarks/out/api.json``.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import platform
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "out" / "api.json"
if importlib.util.find_spec("marsad") is None:  # measure this checkout when not installed
    sys.path.insert(0, str(REPO))

from fastapi.testclient import TestClient  # noqa: E402

from marsad.export.record import event_record  # noqa: E402
from marsad.merge.cluster import Cluster  # noqa: E402
from marsad.review.apply import apply_review  # noqa: E402
from marsad.search.fts import index_text  # noqa: E402
from marsad.serve.app import create_app  # noqa: E402
from marsad.store.codec import candidate_to_json  # noqa: E402
from marsad.store.store import Store  # noqa: E402

_SPEC = importlib.util.spec_from_file_location("marsad_bench_merge", Path(__file__).with_name("merge.py"))
merge_bench = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = merge_bench
_SPEC.loader.exec_module(merge_bench)

# One line per document, written for this benchmark: the weapon and place are what search finds.
WEAPON_AR = {"rocket": "صواريخ", "missile": "صاروخ", "mortar": "قذائف هاون", "artillery": "قصف مدفعي",
             "drone": "طائرة مسيرة", "aircraft": "غارة جوية", "ied": "عبوة ناسفة", "small_arms": "اشتباك مسلح"}
TEXTS = ("أفادت مصادر محلية بوقوع هجوم استخدمت فيه {weapon} قرب {place}.",
         "قال مراسلنا إن {weapon} استهدفت موقعا في {place} صباح اليوم.",
         "ذكر بيان عسكري أن {weapon} ضربت محيط {place} دون تفاصيل عن الخسائر.")
QUERIES = {  # name → parameters of GET /api/events
    "no filter": {},
    "page 1,000 (offset 50,000)": {"offset": 50_000},
    "one month": {"date_from": "2023-03-01", "date_to": "2023-03-31"},
    "admin1": {"admin1": "Deir ez-Zor"},
    "country + type": {"country": "IQ", "type": "Air/drone strike"},
    "actor": {"actor": "isis"},
    "weapon": {"weapon": "mortar"},
    "place (substring)": {"place": "tanf"},
    "text search (word in 1 of 4 documents)": {"q": "صواريخ"},
    "text search (place name)": {"q": "التنف"},
    "text search + month": {"q": "طائرة مسيرة", "date_from": "2022-06-01", "date_to": "2022-06-30"},
    "everything": {"date_from": "2022-01-01", "date_to": "2022-12-31", "country": "SY", "actor": "us_coalition",
                   "weapon": "rocket", "q": "صواريخ"},
}


def build(path: Path, n: int, seed: int) -> float:
    """Write ``n`` one-report events; returns the seconds it took."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    reports = merge_bench.candidates(n, 40, seed)
    docs, fts, rows, events, membership = [], [], [], [], {}
    for i, (rid, cand) in enumerate(reports):
        eid = f"evt-{i:012d}"
        loc = cand.location
        text = rng.choice(TEXTS).format(weapon=WEAPON_AR[cand.weapons[0]], place=loc.name_ar)
        published = cand.date.isoformat()
        docs.append((cand.doc_id, "bench", None, f"Outlet {i % 7}", published, "ar", None, text, text,
                     hashlib.sha1(text.encode()).hexdigest(), published))
        fts.append((i + 1, index_text(text)))
        rows.append((rid, cand.doc_id, 0, "main", None, published, cand.sub_event_type, loc.place_id,
                     cand.attacker, cand.target_actor, json.dumps(candidate_to_json(cand), ensure_ascii=False)))
        cluster = Cluster()
        cluster.add(rid, cand)
        events.append(apply_review(event_record(eid, cluster, {rid: {"outlet": f"Outlet {i % 7}",
                                                                   "published": published}}), None))
        membership[rid] = eid
    with Store(path) as store:
        with store.conn:
            store.conn.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)", docs)
            store.conn.executemany("INSERT INTO documents_fts (rowid, body) VALUES (?,?)", fts)
            store.conn.executemany("INSERT INTO search_docs (fts_rowid, doc_id) VALUES (?,?)",
                                   [(i + 1, d[0]) for i, d in enumerate(docs)])
            store.conn.executemany("INSERT INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        store.replace_events(events, membership)
    return time.perf_counter() - t0


def measure(client: TestClient, params: dict, requests: int, path: str = "/api/events") -> dict:
    """Milliseconds per request (after one warm-up), and how many events the query matched."""
    if path == "/api/events":
        params = {**params, "limit": 50}
    first = client.get(path, params=params)
    assert first.status_code == 200, first.text
    body = first.json()
    matched = body["total"] if "total" in body else sum(sum(s["counts"].values()) for s in body["series"])
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(path, params=params)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    times.sort()
    return {"total": matched, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1), "max_ms": round(times[-1], 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of events")
    ap.add_argument("--requests", type=int, default=200, help="timed requests per query")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", type=Path, help="where to build the store (default: a temporary folder)")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")  # TestClient's httpx deprecation notice

    db = args.db or Path(tempfile.mkdtemp(prefix="marsad-api-bench-")) / "bench.db"
    if db.exists():  # a store an earlier run built with the same --n and --seed
        build_s = 0.0
    else:
        build_s = build(db, args.n, args.seed)
    client = TestClient(create_app(str(db), token="bench"))
    results = {name: measure(client, params, args.requests) for name, params in QUERIES.items()}
    results["stats by week × type"] = measure(client, {}, args.requests, "/api/stats")
    out = {"events": args.n, "requests": args.requests, "seed": args.seed, "build_s": round(build_s, 1),
           "db_mb": round(db.stat().st_size / 2**20, 1), "queries": results,
           "python": platform.python_version(), "platform": platform.platform()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.n:,} events, store built in {build_s:.1f} s (0: reused) ({out['db_mb']} MB); "
          f"{args.requests} requests per query, limit 50\n")
    print("| query | matching events | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['total']:,} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
