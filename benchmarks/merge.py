"""Time and peak memory of cross-document merging on synthetic reports.

Merging is the one stage that looks at every stored report at once (``marsad
ingest`` re-merges the whole store after each run), so its cost decides how
large a store stays practical. The candidates are made directly, without text:
incidents spread over two years and about 40 gazetteer places, each reported by
one to three documents, plus dated-to-the-week/month reports, with random sides
and weapons.

    python benchmarks/merge.py [--n 100000] [--places 40] [--seed 1]

Prints one Markdown table row and writes ``benchmarks/out/merge.json``.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "out" / "merge.json"
if importlib.util.find_spec("marsad") is None:  # measure this checkout when not installed
    sys.path.insert(0, str(REPO))

from marsad.merge.cluster import cluster_reports  # noqa: E402
from marsad.resolve.gazetteer import Place, load_gazetteer  # noqa: E402
from marsad.types import Candidate, Location  # noqa: E402

START = date(2022, 1, 1)
DAYS = 730  # two years
# (attacker, target, sub_event_type, weapon): the sides and kinds of incident the corpus reports.
KINDS = (
    ("iran_backed_militias", "us_coalition", "Shelling/artillery/missile attack", "rocket"),
    ("iran_backed_militias", "us_coalition", "Air/drone strike", "drone"),
    ("us_coalition", "iran_backed_militias", "Air/drone strike", "aircraft"),
    ("isis", "sdf", "Remote explosive/landmine/IED", "ied"),
    ("sdf", "isis", "Armed clash", "small_arms"),
    ("turkey", "sdf", "Air/drone strike", "drone"),
    (None, "us_coalition", "Shelling/artillery/missile attack", "rocket"),
    (None, None, "Shelling/artillery/missile attack", "mortar"),
)
REPORTS_PER_INCIDENT = ((1, 0.6), (2, 0.3), (3, 0.1))  # how many documents tell one incident


def places(n: int, rng: random.Random) -> list[Place]:
    """``n`` gazetteer places finer than a governorate, where incidents are reported."""
    pool = sorted((p for p in load_gazetteer().places.values() if p.precision in ("site", "town", "district")),
                  key=lambda p: p.id)
    return rng.sample(pool, min(n, len(pool)))


def location(p: Place) -> Location:
    return Location(p.id, p.name_en, p.name_ar, p.admin1, p.country, p.lat, p.lon, p.precision)


def dating(rng: random.Random, day: date) -> dict[str, Any]:
    """Mostly a stated day; some reports only know the week or the month."""
    roll = rng.random()
    if roll < 0.8:
        return {"date": day, "date_precision": "day", "date_explicit": True}
    if roll < 0.95:
        start = day - timedelta(days=day.weekday())
        return {"date": day, "date_precision": "week", "date_range": (start, start + timedelta(days=6))}
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return {"date": day, "date_precision": "month", "date_range": (first, last)}


def candidates(n: int, n_places: int, seed: int) -> list[tuple[str, Candidate]]:
    """``n`` (report_id, candidate) pairs; an incident's reports come from different documents."""
    rng = random.Random(seed)
    where = places(n_places, rng)
    sizes, weights = zip(*REPORTS_PER_INCIDENT)
    out: list[tuple[str, Candidate]] = []
    while len(out) < n:
        attacker, target, sub_event_type, weapon = rng.choice(KINDS)
        place, day = rng.choice(where), START + timedelta(days=rng.randrange(DAYS))
        launched = rng.randint(1, 12)
        for _ in range(min(rng.choices(sizes, weights)[0], n - len(out))):
            doc_id = f"doc-{len(out):06d}"
            # Outlets disagree on the count, and some leave the attacker out.
            cand = Candidate(doc_id, 0, sub_event_type=sub_event_type, weapons=[weapon],
                             location=location(place), target_actor=target,
                             attacker=attacker if rng.random() < 0.8 else None,
                             launched=max(1, launched + rng.randint(-2, 2)), **dating(rng, day))
            out.append((f"{doc_id}#0", cand))
    rng.shuffle(out)  # documents arrive in no particular order
    return out


def maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of reports")
    ap.add_argument("--places", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    reports = candidates(args.n, args.places, args.seed)
    rss_before = maxrss_mb()
    t0 = time.perf_counter()
    clusters = cluster_reports(reports)
    seconds = time.perf_counter() - t0
    result = {"reports": len(reports), "places": args.places, "seed": args.seed, "events": len(clusters),
              "seconds": round(seconds, 2), "reports_per_s": round(len(reports) / seconds),
              "rss_before_mb": round(rss_before, 1), "peak_rss_mb": round(maxrss_mb(), 1),
              "python": platform.python_version(), "platform": platform.platform()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("| reports | places | events | seconds | reports/s | RSS before MB | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {result['reports']:,} | {args.places} | {result['events']:,} | {result['seconds']:,.1f} "
          f"| {result['reports_per_s']:,} | {result['rss_before_mb']:,.1f} | {result['peak_rss_mb']:,.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
