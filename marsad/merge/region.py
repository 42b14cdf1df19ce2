"""Which reports an incremental merge must cluster again, so that it ends where a full merge would.

Clustering (marsad.merge.cluster) is greedy in a stable order, but a report only
ever meets reports in its block neighbourhood; so the stored clustering of a set of
reports that no chain of meetings links to a change is exactly what a full merge
would produce again. A merge therefore starts from the reports never merged and the
events a replaced document or an analyst touched, and widens that set until it is
closed under every link that makes one report's result depend on another's:
neighbouring blocks, one document (an event names the event its report responds
to), one stored event (ids go to the cluster holding most of an event's reports),
and one analyst merge or split.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from marsad.merge.cluster import Directive


def directive_links(directives: list[Directive]) -> Callable[[set[str]], set[str]]:
    """report ids → the other reports named by the analysts' merges and splits that name them."""
    groups: dict[str, set[str]] = defaultdict(set)
    for d in directives:
        for rid in d.report_ids:
            groups[rid].update(d.report_ids)
    return lambda rids: set().union(*(groups.get(rid, set()) for rid in rids))


def closed_region(seeds: set[str], links: Callable[[set[str]], set[str]]) -> set[str]:
    """The smallest set holding ``seeds`` and everything ``links`` reaches from it."""
    region, frontier = set(seeds), set(seeds)
    while frontier:
        frontier = links(frontier) - region
        region |= frontier
    return region
