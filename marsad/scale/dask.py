"""Run the per-document stages on a dask.distributed cluster; storing and merging stay here.

Cleaning and extraction are pure functions of (article, settings), so workers
can run them anywhere; the results come back in input order and are stored
by this process exactly as a single-process run stores them, so the events,
their ids and fields are the same. Dask is an optional extra
(``pip install 'marsad[dask]'``) and is imported only when asked for.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from marsad.errors import MarsadError
from marsad.pipeline import process_safely
from marsad.settings import Settings
from marsad.types import Article, Candidate, Doc, Failure

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


def _process_batch(articles: list[Article], settings: Settings) -> list:
    """Several documents per task: one scheduler round trip per batch, not per document."""
    return [process_safely(a, settings) for a in articles]


def process_on_cluster(client, items: Iterable[Article | Failure], settings: Settings
                       ) -> Iterator[tuple[Article | Failure, tuple[Doc, list[Candidate]] | Failure | None]]:
    """(item, result) in input order; failures read at ingest pass through untouched (result None).

    Articles go out in batches of BATCH, with at most two batches per worker in flight, so the
    client holds a bounded number of documents whatever the corpus size."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending: list[tuple[list, object]] = []  # (items of the batch, future or None)
    batch: list = []

    def flush():
        articles = [i for i in batch if not isinstance(i, Failure)]
        future = client.submit(_process_batch, articles, settings, pure=False) if articles else None
        pending.append((list(batch), future))
        batch.clear()

    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
            if len(pending) > 2 * workers:
                yield from _drain(pending.pop(0))
    if batch:
        flush()
    while pending:
        yield from _drain(pending.pop(0))


def _drain(entry: tuple[list, object]) -> Iterator:
    items, future = entry
    results = iter(future.result() if future is not None else [])
    for item in items:
        yield item, (None if isinstance(item, Failure) else next(results))
