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
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date, timedelta

from marsad.merge.compat import MEET_KM, compatible, near, outlet_range, same_toll
from marsad.types import Candidate, Location

MAX_INDEX_DAYS = 31  # a month-precision report is indexed under each of its days
CELL_DEGREES = 0.5  # ≈ 55 km: two places within MEET_KM lie in neighbouring cells
assert CELL_DEGREES * 110 > MEET_KM


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
    rng = outlet_range(c)
    if rng is None:
        return [None]
    start, end = rng[0] - timedelta(days=1), rng[1] + timedelta(days=1)
    n = min((end - start).days, MAX_INDEX_DAYS + 2)
    return [start + timedelta(days=i) for i in range(n + 1)]


def _cell(loc: Location) -> tuple[int, int]:
    return math.floor(loc.lat / CELL_DEGREES), math.floor(loc.lon / CELL_DEGREES)


NEIGHBOURS = [(i, j) for i in (-1, 0, 1) for j in (-1, 0, 1)]


def _neighbours(cell: tuple[int, int]) -> list[tuple[int, int]]:
    return [(cell[0] + i, cell[1] + j) for i, j in NEIGHBOURS]


UNDATED = ""  # the day span of a report without a date: it meets only other undated reports
MAX_SPAN_DAYS = MAX_INDEX_DAYS + 3  # the longest day span a report is indexed under


@dataclass(frozen=True)
class Block:
    """Where a report is indexed for merging: its map cell and the span of days it is indexed under
    (ISO days; ``UNDATED`` for both ends without a date). Two reports can meet in a merge only if
    their cells are neighbours and their spans overlap, so a merge need only re-cluster the reports
    linked to what changed by chains of such meetings (marsad.merge.region)."""

    cell_x: int
    cell_y: int
    day_lo: str
    day_hi: str
    lat: float  # the place itself: reports more than MEET_KM apart never meet (compat.near, compat.same_toll)
    lon: float


def block_of(c: Candidate) -> Block | None:
    """The report's block; None for a report without coordinates, which never meets another."""
    if c.location is None or c.location.lat is None:
        return None
    days = _days(c)
    lo, hi = (UNDATED, UNDATED) if days[0] is None else (days[0].isoformat(), days[-1].isoformat())
    return Block(*_cell(c.location), lo, hi, c.location.lat, c.location.lon)


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
            best: tuple[bool, int] | None = None  # (not the same toll, cluster): the same toll first, then the earliest
            for day in _days(cand):
                for around in _neighbours(cell):
                    for ci in index.get((around, day), ()):
                        if ci in seen or (best is not None and best < (False, ci)):
                            continue  # seen, or an earlier cluster with the same toll already wins
                        seen.add(ci)
                        cl = clusters[ci]
                        if cand.doc_id in cl.doc_ids:
                            continue
                        toll = same_toll(cl.candidates, cand)
                        if best is not None and best < (not toll, ci):
                            continue
                        if ((toll or any(near(loc, cand.location) for loc in cl.locations))
                                and compatible(cl.candidates, cand, slack_days=1)):
                            best = (not toll, ci)
            home = best[1] if best else None
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


def derived_id(report_id: str, taken: Container[str]) -> str:
    """A new event's id from its first report, salted until no earlier or present event has it."""
    salt, eid = 0, "evt-" + hashlib.sha1(report_id.encode("utf-8")).hexdigest()[:12]
    while eid in taken:
        salt += 1
        eid = "evt-" + hashlib.sha1(f"{report_id}#{salt}".encode("utf-8")).hexdigest()[:12]
    return eid


class _Taken:
    """The ids no new event may take: those of ``previous``, those given in this merge, and
    ``more`` (in an incremental merge, the store's ids outside the reports re-clustered)."""

    def __init__(self, ids: set[str], more: Container[str] | None):
        self.ids, self.more = ids, more

    def __contains__(self, eid: object) -> bool:
        return eid in self.ids or (self.more is not None and eid in self.more)

    def add(self, eid: str) -> None:
        self.ids.add(eid)


def assign_ids(clusters: list[Cluster], previous: dict[str, str], forced: dict[str, str] | None = None,
               in_use: Container[str] | None = None) -> list[tuple[str, Cluster]]:
    """Give every cluster an id, unique by construction and stable across later merges.

    ``previous`` maps report_id → the id its event has in the store; ``forced`` maps
    report_id → the id an analyst's merge or split named for its event. The rule:
    1. a stored id goes to the one cluster that holds most of the reports that carry it
       (tie: the cluster first in the stable report order), so an event that gains or
       loses a few reports keeps its id, and no id is ever given twice;
    2. a cluster that wins several stored ids (it bridges events) keeps the one an
       analyst's merge named, else the one most of its reports carried (tie: the one its
       earliest report carried); the others retire;
    3. a cluster that wins none takes the id an analyst's split named for one of its
       reports if no event has it, else an id derived from its first report, salted until
       no event has it and no other cluster here was given it.
    ``in_use`` holds further ids a new event must not take (see ``_Taken``).
    Stored ids outrank the analysts' named ids: those name an event when the merge or
    split is made, and the store carries them from then on, while an old directive's
    reports may since have moved on. Ids of events whose reports did not change are
    therefore unchanged.
    """
    forced = forced or {}
    taken = _Taken(set(previous.values()), in_use)
    votes: dict[str, dict[int, int]] = defaultdict(dict)  # stored id → cluster index → reports
    for i, cl in enumerate(clusters):
        for rid, _ in cl.members:
            if (old := previous.get(rid)) is not None:
                votes[old][i] = votes[old].get(i, 0) + 1
    won: dict[int, list[str]] = defaultdict(list)
    for old, by_cluster in votes.items():
        won[max(by_cluster, key=lambda i: (by_cluster[i], -i))].append(old)
    out = []
    for i, cl in enumerate(clusters):
        named = [forced[rid] for rid, _ in cl.members if rid in forced]
        if won[i]:
            first_seen: dict[str | None, int] = {}
            for k, (rid, _) in enumerate(cl.members):
                first_seen.setdefault(previous.get(rid), k)
            eid = max(won[i], key=lambda old: (old in named, votes[old][i], -first_seen[old]))
        else:
            eid = next((e for e in named if e not in taken), None) or derived_id(cl.members[0][0], taken)
        taken.add(eid)
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
    events: tuple[str, ...] = ()  # every event the analyst's action named (merged, split from, made)


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
