"""Cross-document merging: reports of one incident from several outlets become one event.

Blocking keeps the cost near-linear: a report is compared only with the
events indexed under its country and the days its date range covers (±1),
never with the whole store.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from marsad.merge.compat import compatible, date_range
from marsad.types import Candidate

MAX_INDEX_DAYS = 31  # a month-precision report is indexed under each of its days


@dataclass
class Cluster:
    members: list[tuple[str, Candidate]] = field(default_factory=list)  # (report_id, candidate)

    @property
    def candidates(self) -> list[Candidate]:
        return [c for _, c in self.members]

    @property
    def doc_ids(self) -> set[str]:
        return {c.doc_id for _, c in self.members}


def _days(c: Candidate) -> list[date | None]:
    rng = date_range(c)
    if rng is None:
        return [None]
    start, end = rng[0] - timedelta(days=1), rng[1] + timedelta(days=1)
    n = min((end - start).days, MAX_INDEX_DAYS + 2)
    return [start + timedelta(days=i) for i in range(n + 1)]


def _country(c: Candidate) -> str | None:
    return c.location.country if c.location else None


def cluster_reports(reports: list[tuple[str, Candidate]]) -> list[Cluster]:
    """Group (report_id, candidate) pairs into incidents, in the given (stable) order."""
    clusters: list[Cluster] = []
    index: dict[tuple[str | None, date | None], list[int]] = defaultdict(list)
    for rid, cand in reports:
        seen: set[int] = set()
        home = None
        for day in _days(cand):
            for ci in index[(_country(cand), day)]:
                if ci in seen:
                    continue
                seen.add(ci)
                cl = clusters[ci]
                if cand.doc_id not in cl.doc_ids and compatible(cl.candidates, cand, slack_days=1) \
                        and _same_place(cl, cand):
                    home = ci if home is None else min(home, ci)
        if home is None:
            clusters.append(Cluster())
            home = len(clusters) - 1
        clusters[home].members.append((rid, cand))
        for day in _days(cand):
            if home not in index[(_country(cand), day)]:
                index[(_country(cand), day)].append(home)
    return clusters


def _same_place(cl: Cluster, cand: Candidate) -> bool:
    """Across outlets a shared country is not enough: the places must meet."""
    from marsad.merge.compat import near

    locs = [c.location for c in cl.candidates if c.location]
    return cand.location is not None and any(near(loc, cand.location) for loc in locs)


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
