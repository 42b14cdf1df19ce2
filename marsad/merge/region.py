"""Which reports an incremental merge must cluster again, so that it ends where a full merge would.

Clustering (marsad.merge.cluster) is greedy in a stable order (publication day,
document, offset): a report's event depends only on the reports before it. So
the stored clustering of every report before the earliest change (a report never
merged, or the old place of a replaced document) is what a full merge would make
again, and a merge replays from there: the reports from that point on, in order,
against the stored events they can see (those with a report in a neighbouring map
cell on overlapping days). In a monitoring store the new documents are the
newest, so the replay is one day's reports and the events around them, whatever
the store's size; a backfill of old-dated documents replays everything published
after them. The set is then closed under every link that makes one event's
record or id depend on another report: one document (an event names the event
its report responds to), one stored event (ids go to the cluster holding most of
an event's reports), and one analyst merge or split (with the events it named).
"""
from __future__ import annotations

from collections.abc import Callable

from marsad.merge.cluster import Directive

Links = Callable[[set[str]], set[str]]


def analyst_links(directives: list[Directive], event_ids_of: Callable[[set[str]], set[str]],
                  reports_of_events: Callable[[set[str]], set[str]], emptied: set[str] = frozenset()) -> Links:
    """report ids → every report of the analysts' merges and splits that name them or their events.

    ``emptied`` are events that lost reports since the last merge (a replaced document's):
    they may have no report left to name them, yet a directive naming one still joins the
    events it names (a split report whose document dropped it leaves the event it was split
    from to cluster again without it).
    """
    groups = [(set(d.report_ids), {e for e in d.events if e}) for d in directives]

    def links(rids: set[str]) -> set[str]:
        events = (event_ids_of(rids) | emptied) if groups else set()
        out: set[str] = set()
        for reports, named in groups:
            if reports & rids or named & events:
                out |= reports | (reports_of_events(named) if named else set())
        return out
    return links


def closed_region(seeds: set[str], links: Links) -> set[str]:
    """The smallest set holding ``seeds`` and everything ``links`` reaches from it."""
    region, frontier = set(seeds), set(seeds)
    while frontier:
        frontier = links(frontier) - region
        region |= frontier
    return region
