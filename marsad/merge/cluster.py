"""Cross-document merging: reports of one incident from several outlets become one event.

Blocking keeps the cost near-linear: a report is compared only with the
events indexed under the map cells around its place (cells of half a degree,
wider than the largest distance two accounts of one place may lie apart) and
the days its date range covers (±1), never with the whole store.
"""
from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from marsad.merge.compat import SAME_PLACE_KM, compatible, date_range, near
from marsad.types import Candidate, Location

MAX_INDEX_DAYS = 31  # a month-precision report is indexed under each of its days
CELL_DEGREES = 0.5  # ≈ 55 km: two places within SAME_PLACE_KM lie in neighbouring cells
assert CELL_DEGREES * 110 > SAME_PLACE_KM


@dataclass
class Cluster:
    members: list[tuple[str, Candidate]] = field(default_factory=list)  # (report_id, candidate)
    doc_ids: set[str] = field(default_factory=set)
    locations: list[Location] = field(default_factory=list)

    @property
    def candidates(self) -> list[Candidate]:
        return [c for _, c in self.members]

    def add(self, rid: str, cand: Candidate) -> None:
        self.members.append((rid, cand))
        self.doc_ids.add(cand.doc_id)
        if cand.location is not None:
            self.locations.append(cand.location)


def _days(c: Candidate) -> list[date | None]:
    rng = date_range(c)
    if rng is None:
        return [None]
    start, end = rng[0] - timedelta(days=1), rng[1] + timedelta(days=1)
    n = min((end - start).days, MAX_INDEX_DAYS + 2)
    return [start + timedelta(days=i) for i in range(n + 1)]


def _cell(loc: Location) -> tuple[int, int]:
    return math.floor(loc.lat / CELL_DEGREES), math.floor(loc.lon / CELL_DEGREES)


def _neighbours(cell: tuple[int, int]) -> list[tuple[int, int]]:
    return [(cell[0] + i, cell[1] + j) for i in (-1, 0, 1) for j in (-1, 0, 1)]


def cluster_reports(reports: list[tuple[str, Candidate]]) -> list[Cluster]:
    """Group (report_id, candidate) pairs into incidents, in the given (stable) order.

    A report without coordinates cannot be matched across outlets and stays an event of its own.
    """
    clusters: list[Cluster] = []
    index: dict[tuple[tuple[int, int], date | None], list[int]] = defaultdict(list)
    for rid, cand in reports:
        home = None
        if cand.location is not None and cand.location.lat is not None:
            cell = _cell(cand.location)
            seen: set[int] = set()
            for day in _days(cand):
                for around in _neighbours(cell):
                    for ci in index.get((around, day), ()):
                        if ci in seen or (home is not None and ci > home):
                            continue
                        seen.add(ci)
                        cl = clusters[ci]
                        if (cand.doc_id not in cl.doc_ids and any(near(loc, cand.location) for loc in cl.locations)
                                and compatible(cl.candidates, cand, slack_days=1)):
                            home = ci
        if home is None:
            clusters.append(Cluster())
            home = len(clusters) - 1
        clusters[home].add(rid, cand)
        if cand.location is not None and cand.location.lat is not None:
            for day in _days(cand):
                bucket = index[(_cell(cand.location), day)]
                if home not in bucket:
                    bucket.append(home)
    return clusters


def event_id(cluster: Cluster, previous: dict[str, str]) -> str:
    """Keep the id an earlier merge gave to any member; else derive it from the first report."""
    for rid, _ in cluster.members:
        if rid in previous:
            return previous[rid]
    first = cluster.members[0][0]
    return "evt-" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:12]


def assign_ids(clusters: list[Cluster], previous: dict[str, str]) -> list[tuple[str, Cluster]]:
    """Stable, unique ids: two clusters never share one even if they split from one event."""
    used: set[str] = set()
    out = []
    for cl in clusters:
        eid = event_id(cl, previous)
        if eid in used:
            eid = "evt-" + hashlib.sha1(cl.members[0][0].encode("utf-8")).hexdigest()[:12]
        used.add(eid)
        out.append((eid, cl))
    return out


@dataclass(frozen=True)
class Directive:
    """An analyst's merge or split (marsad.review), re-applied every time reports are clustered.

    merge: ``report_ids`` are every report of the merged events, the surviving event's first;
    split: ``report_ids`` is the one report moved into an event of its own.
    ``event_id`` is the id the resulting event keeps, so corrections keyed by it still apply.
    """

    kind: str  # merge | split
    report_ids: tuple[str, ...]
    event_id: str


def apply_directives(clusters: list[Cluster], directives: list[Directive]) -> tuple[list[Cluster], dict[str, str]]:
    """Clusters with the directives applied in order, and report_id → the event id a directive fixes.

    Reports a directive names that are no longer stored are ignored; a split-off report
    goes into a new cluster at the end, so the event it left keeps its place and id.
    """
    clusters = list(clusters)
    forced: dict[str, str] = {}
    for d in directives:
        where = {rid: i for i, cl in enumerate(clusters) for rid, _ in cl.members}
        present = [rid for rid in d.report_ids if rid in where]
        if not present:
            continue
        if d.kind == "merge":
            home, *others = dict.fromkeys(where[rid] for rid in present)
            for i in others:
                for rid, cand in clusters[i].members:
                    clusters[home].add(rid, cand)
                clusters[i] = Cluster()
        elif d.kind == "split":
            i = where[present[0]]
            if len(clusters[i].members) > 1:
                rest = Cluster()
                for rid, cand in clusters[i].members:
                    if rid != present[0]:
                        rest.add(rid, cand)
                alone = Cluster()
                alone.add(present[0], next(c for r, c in clusters[i].members if r == present[0]))
                clusters[i] = rest
                clusters.append(alone)
        else:
            raise ValueError(f"unknown directive {d.kind!r}")
        forced.update((rid, d.event_id) for rid in present)
    return [cl for cl in clusters if cl.members], forced
