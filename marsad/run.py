"""Whole-corpus jobs the CLI calls: ingest, re-merge, reprocess."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from marsad.errors import MarsadError, StoreError
from marsad.export.record import event_record
from marsad.ingest.readers import iter_articles
from marsad.merge.cluster import Cluster, apply_directives, assign_ids, cluster_reports
from marsad.merge.region import analyst_links, closed_region
from marsad.pipeline import Known, process_doc, process_safely
from marsad.review.apply import Review, apply_review, load_directives, load_reviews
from marsad.settings import Settings
from marsad.store.rows import DocumentRows, document_rows, report_id
from marsad.store.consistency import event_conflicts
from marsad.store.faults import describe
from marsad.store.store import Store
from marsad.types import Article, Candidate, Doc, Failure


@dataclass
class IngestResult:
    stored: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    events: int = 0


Outcome = tuple[Doc, list[Candidate]] | DocumentRows | Failure | None
# Each batch is stored in one transaction: STORE_BATCH documents here, one task's documents from a cluster.
Processed = Iterable[list[tuple[Article | Failure, Outcome]]]


STORE_BATCH = 16  # documents stored per transaction: a commit waits for the disk, ~10 ms on SQLite


def process_here(items: Iterable[Article | Failure], settings: Settings, known: Known | None = None) -> Processed:
    """The per-document stages in this process (the default), stored STORE_BATCH documents at a time."""
    items = iter(items)
    while batch := list(islice(items, STORE_BATCH)):
        yield [(item, None if isinstance(item, Failure) else process_safely(item, settings, known)) for item in batch]


def ingest_items(store: Store, items: Iterable[Article | Failure], settings: Settings,
                 on_item: Callable[[Article | Failure, str], None] = lambda item, status: None,
                 processed: Processed | None = None) -> IngestResult:
    """Clean, extract and store each article; then merge events.

    ``processed`` carries results computed elsewhere (a Dask cluster), in batches stored
    one transaction each, in input order, exactly as results computed here would be.
    """
    result = IngestResult()
    for batch in (processed if processed is not None else process_here(items, settings, store.has_document)):
        _store_batch(store, batch, result, on_item)
    result.events = remerge(store)
    return result


def _store_batch(store: Store, batch: list[tuple[Article | Failure, Outcome]], result: IngestResult,
                 on_item: Callable[[Article | Failure, str], None]) -> None:
    """Save the batch's new documents together, record its failures, then report each item in order."""
    fresh, statuses, batched = [], [], set()
    for item, outcome in batch:
        failure = item if isinstance(item, Failure) else outcome if isinstance(outcome, Failure) else None
        if failure is not None:
            statuses.append((failure, "failed"))
            continue
        doc = outcome.doc if isinstance(outcome, DocumentRows) else outcome[0]
        if (doc.doc_id, doc.sha) in batched or store.has_document(doc.doc_id, doc.sha):
            statuses.append((item, "unchanged"))
            continue
        batched.add((doc.doc_id, doc.sha))
        fresh.append(outcome if isinstance(outcome, DocumentRows) else document_rows(*outcome))
        statuses.append((item, "stored"))
    store.save_documents(fresh)
    for item, status in statuses:
        if status == "failed":
            store.record_failure(item)
            result.failures.append(item)
        result.stored += status == "stored"
        result.unchanged += status == "unchanged"
        on_item(item, status)


def ingest_paths(store: Store, paths: list[Path], settings: Settings, published=None, **kw) -> IngestResult:
    return ingest_items(store, iter_articles(paths, published=published, settings=settings), settings, **kw)


class MergeFailed(StoreError):
    """Merging stopped on an error marsad did not expect: the events are left as they were."""


def remerge(store: Store, trust_ids: bool = True, full: bool = False) -> int:
    """Merge the stored reports into events; how many events the store then holds.

    By default only the reports linked to what changed since the last merge are
    clustered again (marsad.merge.region), with the same result as a full merge, which
    ``full`` forces (after a rule change). Ids of unchanged events are kept. Analyst
    merges and splits are applied on top of the clustering, and analyst corrections and
    rejections on top of each event record, every time. The events are written in one
    transaction, so an error here leaves them as they were; it is told as one line naming
    the store, the cause and the remedy (a bug, but one a monitoring store must survive:
    the documents are stored and a full reprocess redoes the events). ``trust_ids=False``
    (a full merge) drops the ids of events whose stored record and reports disagree
    (``marsad doctor``'s event-id conflicts) before ids are kept.
    """
    try:
        with store.exclusive():
            if full or not trust_ids:
                _full_merge(store, trust_ids)
            else:
                _incremental_merge(store)
        return store.count_events()
    except MarsadError:
        raise
    except Exception as exc:  # noqa: BLE001 — the command boundary of every merge
        if isinstance(exc, sqlite3.Error) and describe(exc, store.conn.name) is not None:
            raise  # the file's own fault (full, read-only, damaged): open_store tells it with its remedy
        raise MergeFailed(
            f"database {store.conn.name}: merging the events failed ({type(exc).__name__}: {exc}); the documents are "
            f"stored and the events are as before the command; run `marsad reprocess --full --db {store.conn.name}`, "
            "and report this as a bug if it fails again") from exc


@dataclass
class MergePlan:
    """The events a merge writes, as it writes them: records built one at a time, never all at once."""

    clusters: list[tuple[str, Cluster]]
    meta: dict[str, dict[str, str | None]]
    reviews: dict[str, Review]

    @property
    def membership(self) -> dict[str, str]:
        return {rid: eid for eid, cl in self.clusters for rid, _ in cl.members}

    def records(self, membership: dict[str, str]) -> Iterator[dict]:
        for eid, cl in self.clusters:
            record = event_record(eid, cl, self.meta)
            targets = [membership.get(report_id(c.doc_id, c.responds_to_anchor))
                       for _, c in cl.members if c.responds_to_anchor is not None]
            record["responds_to"] = next((t for t in targets if t and t != eid), None)
            yield apply_review(record, self.reviews.get(eid))


def plan_merge(store: Store, region: set[str] | None = None, trust_ids: bool = True) -> MergePlan:
    """Cluster the reports in ``region`` (all when None) and give the clusters ids and reviews.

    ``region`` must be closed (marsad.merge.region): then every report and directive that
    bears on its events is in it, and ids outside it are only consulted, never given again.
    """
    reports = store.reports(region)
    previous = store.existing_event_ids(region)
    if not trust_ids:
        doubtful = event_conflicts(store.conn)
        previous = {rid: eid for rid, eid in previous.items() if eid not in doubtful}
    directives = load_directives(store.conn)
    if region is not None:
        directives = [d for d in directives if region.intersection(d.report_ids)]
    clustered, forced = apply_directives(cluster_reports([(rid, c) for rid, c, _ in reports]), directives)
    in_use = None if region is None else _InUse(store)
    clusters = assign_ids(clustered, previous, forced, in_use)
    return MergePlan(clusters, {rid: about for rid, _, about in reports}, load_reviews(store.conn))


class _InUse:
    """Event ids stored reports carry: those a new event of an incremental merge may not take."""

    def __init__(self, store: Store):
        self.store = store

    def __contains__(self, eid: object) -> bool:
        return isinstance(eid, str) and self.store.event_id_in_use(eid)


def _full_merge(store: Store, trust_ids: bool) -> None:
    plan = plan_merge(store, trust_ids=trust_ids)
    membership = plan.membership
    store.replace_events(plan.records(membership), membership)


@dataclass
class MergeRegion:
    """What an incremental merge clusters again (marsad.merge.region), and the marks it consumes."""

    reports: set[str]
    dirty: set[str]  # events a replaced document or an analyst left to merge again
    replayed_to: int  # the last merge_from mark read


def merge_region(store: Store) -> MergeRegion:
    """The reports that the changes since the last merge can reach."""
    dirty = store.dirty_event_ids()
    start, replayed_to = store.replay_start()
    replayed = store.reports_from(start) if start is not None else set()
    by_analysts = analyst_links(load_directives(store.conn), store.event_ids_of, store.reports_of_events, dirty)
    left = store.reports_of_events(dirty) if dirty else set()
    seeds = replayed | (left | by_analysts(set()) if dirty else set())
    if not seeds:
        return MergeRegion(set(), dirty, replayed_to)
    # New reports meet their neighbours; so do the reports of an event an analyst split, rejected or merged:
    # once a report leaves it, what is left may join a neighbouring event (a full merge would join them).
    moved = replayed | left
    seen = store.meeting_reports(moved) if moved else set()
    region = closed_region(seeds | seen, lambda rids: store.sharing_reports(rids) | by_analysts(rids))
    return MergeRegion(region, dirty, replayed_to)


def _incremental_merge(store: Store) -> None:
    """Cluster again only what the changes since the last merge can reach."""
    found = merge_region(store)
    region, dirty, replayed_to = found.reports, found.dirty, found.replayed_to
    if not region:
        if dirty or replayed_to:
            store.replace_some_events([], {}, dirty, dirty, replayed_to)
        return
    plan = plan_merge(store, region)
    membership = plan.membership
    replaced = set(store.existing_event_ids(region).values()) | dirty
    store.replace_some_events(plan.records(membership), membership, replaced, dirty, replayed_to)


Reextract = Callable[[Iterable[Doc]], Iterable[tuple[Doc, list[Candidate]]]]


def reextract_here(docs: Iterable[Doc], settings: Settings) -> Iterator[tuple[Doc, list[Candidate]]]:
    return ((doc, process_doc(doc, settings)) for doc in docs)


def reprocess(store: Store, settings: Settings, full: bool = False, reextract: Reextract | None = None) -> dict[str, int]:
    """Re-extract every stored document with the current rules and re-merge; report what changed.

    ``full`` also rebuilds the events that ``marsad doctor`` finds in conflict with their
    reports under new ids, instead of keeping ids it cannot trust. ``reextract`` runs the
    extraction elsewhere (a Dask cluster: marsad.scale.dask), yielding in input order;
    each document's reports are stored here as they come back, as ingest stores them.
    """
    before = {e["id"]: e for e in store.events()}
    docs = list(store.documents())
    for doc, candidates in (reextract or (lambda d: reextract_here(d, settings)))(docs):
        store.replace_reports(doc, candidates)
    remerge(store, trust_ids=not full, full=True)
    after = {e["id"]: e for e in store.events()}

    def core(e):
        return {k: v for k, v in e.items() if k not in ("reports", "claims")}
    return {"new": len(after.keys() - before.keys()), "gone": len(before.keys() - after.keys()),
            "changed": sum(1 for k in after.keys() & before.keys() if core(after[k]) != core(before[k]))}
