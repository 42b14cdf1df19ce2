"""Whole-corpus jobs the CLI calls: ingest, re-merge, reprocess."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from marsad.errors import MarsadError
from marsad.export.record import event_record
from marsad.ingest.readers import iter_articles
from marsad.merge.cluster import assign_ids, cluster_reports
from marsad.pipeline import process_article, process_doc
from marsad.settings import Settings
from marsad.store.sqlite import Store, report_id
from marsad.types import Article, Failure


@dataclass
class IngestResult:
    stored: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    events: int = 0


def ingest_items(store: Store, items: Iterable[Article | Failure], settings: Settings,
                 on_item: Callable[[Article | Failure, str], None] = lambda item, status: None) -> IngestResult:
    """Clean, extract and store each article in its own transaction; then merge events."""
    result = IngestResult()
    for item in items:
        if isinstance(item, Failure):
            _fail(store, result, item)
            on_item(item, "failed")
            continue
        try:
            doc, candidates = process_article(item, settings)
        except MarsadError as exc:
            failure = Failure(item.doc_id, item.source, getattr(exc, "reason", str(exc)))
            _fail(store, result, failure)
            on_item(failure, "failed")
            continue
        except Exception as exc:  # a bug on one document must not lose the run
            failure = Failure(item.doc_id, item.source, f"internal error: {type(exc).__name__}: {exc}")
            _fail(store, result, failure)
            on_item(failure, "failed")
            continue
        if store.has_document(doc.doc_id, doc.sha):
            result.unchanged += 1
            on_item(item, "unchanged")
            continue
        store.save_document(doc, candidates)
        result.stored += 1
        on_item(item, "stored")
    result.events = remerge(store)
    return result


def _fail(store: Store, result: IngestResult, failure: Failure) -> None:
    store.record_failure(failure)
    result.failures.append(failure)


def ingest_paths(store: Store, paths: list[Path], settings: Settings, published=None, **kw) -> IngestResult:
    return ingest_items(store, iter_articles(paths, published=published, settings=settings), settings, **kw)


def remerge(store: Store) -> int:
    """Merge every stored report into events; ids of unchanged events are kept."""
    rows = store.reports()
    previous = store.existing_event_ids()
    pairs = [(r["report_id"], c) for c, r in rows]
    meta = {r["report_id"]: {"outlet": r["outlet"], "published": r["published"]} for _, r in rows}
    clusters = assign_ids(cluster_reports(pairs), previous)
    membership = {rid: eid for eid, cl in clusters for rid, _ in cl.members}
    events = []
    for eid, cl in clusters:
        record = event_record(eid, cl, meta)
        targets = [membership.get(report_id(c.doc_id, c.responds_to_anchor))
                   for _, c in cl.members if c.responds_to_anchor is not None]
        record["responds_to"] = next((t for t in targets if t and t != eid), None)
        events.append(record)
    store.replace_events(events, membership)
    return len(events)


def reprocess(store: Store, settings: Settings) -> dict[str, int]:
    """Re-extract every stored document with the current rules and re-merge; report what changed."""
    before = {e["id"]: e for e in store.events()}
    for doc in list(store.documents()):
        store.replace_reports(doc, process_doc(doc, settings))
    remerge(store)
    after = {e["id"]: e for e in store.events()}

    def core(e):
        return {k: v for k, v in e.items() if k not in ("reports", "claims")}
    return {"new": len(after.keys() - before.keys()), "gone": len(before.keys() - after.keys()),
            "changed": sum(1 for k in after.keys() & before.keys() if core(after[k]) != core(before[k]))}
