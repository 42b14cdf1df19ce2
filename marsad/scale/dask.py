"""Run the per-document stages on a dask.distributed cluster; storing and merging stay here.

Cleaning and extraction are pure functions of (article, settings), so workers
can run them anywhere (and re-extraction of stored documents, `marsad reprocess --dask`). Workers also build the rows each document is stored as
(its search-index body, its reports' JSON), so this process, which every
document passes through, only inserts them, one transaction per batch. The
results come back in input order and the rows are those a single-process run
writes, so the events, their ids and fields are the same. Dask is an optional extra
(``pip install 'marsad[dask]'``) and is imported only when asked for.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from marsad.errors import MarsadError
from marsad.pipeline import process_doc, process_safely
from marsad.settings import Settings
from marsad.store.rows import DocumentRows, document_rows
from marsad.types import Article, Candidate, Doc, Failure

if TYPE_CHECKING:  # marsad.run is the client's; workers need not import it
    from marsad.run import Processed

INSTALL_HINT = "Dask is not installed: pip install 'marsad[dask]' (or: pip install 'dask[distributed]')"
BATCH = 32  # documents per task


class DaskUnavailable(MarsadError):
    """--dask or --scheduler was asked for, but dask.distributed cannot be imported."""


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None):
    """A client on an existing scheduler (tcp://HOST:PORT) or on a local cluster of ``workers`` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise DaskUnavailable(INSTALL_HINT) from exc
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def _process_batch(articles: list[Article], settings: Settings) -> list[DocumentRows | Failure]:
    """Several documents per task: one scheduler round trip per batch, not per document."""
    return [_rows(process_safely(a, settings)) for a in articles]


def _rows(outcome) -> DocumentRows | Failure:
    return outcome if isinstance(outcome, Failure) else document_rows(*outcome)


def _extract_batch(docs: list[Doc], settings: Settings) -> list[list[Candidate]]:
    return [process_doc(d, settings) for d in docs]


def process_on_cluster(client, items: Iterable[Article | Failure], settings: Settings) -> Processed:
    """Batches of (item, rows) in input order; failures read at ingest pass through untouched (rows None)."""
    for items_of_batch, results in _in_order(client, items, _process_batch, settings):
        results = iter(results)
        yield [(item, None if isinstance(item, Failure) else next(results)) for item in items_of_batch]


def reextract_on_cluster(client, docs: Iterable[Doc], settings: Settings) -> Iterator[tuple[Doc, list[Candidate]]]:
    """Stored documents with their candidates extracted again on the cluster, in input order."""
    for batch, results in _in_order(client, docs, _extract_batch, settings):
        yield from zip(batch, results)


def _in_order(client, items: Iterable, work: Callable[[list, Settings], list], settings: Settings) -> Iterator[tuple[list, list]]:
    """(batch, results of ``work`` on its non-Failure items) for batches of BATCH items, in input order.

    At most two batches per worker are in flight, so the client holds a bounded number
    of documents whatever the corpus size."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending: list[tuple[list, object]] = []  # (items of the batch, future or None)
    batch: list = []

    def flush():
        todo = [i for i in batch if not isinstance(i, Failure)]
        future = client.submit(work, todo, settings, pure=False) if todo else None
        pending.append((list(batch), future))
        batch.clear()

    def drain() -> tuple[list, list]:
        items_of_batch, future = pending.pop(0)
        return items_of_batch, future.result() if future is not None else []

    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
            if len(pending) > 2 * workers:
                yield drain()
    if batch:
        flush()
    while pending:
        yield drain()
