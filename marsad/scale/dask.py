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
BATCH = 64  # articles in flight per worker: bounds memory on the client


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


def process_on_cluster(client, items: Iterable[Article | Failure], settings: Settings
                       ) -> Iterator[tuple[Article | Failure, tuple[Doc, list[Candidate]] | Failure | None]]:
    """(item, result) in input order; failures read at ingest pass through untouched (result None)."""
    window: list = []
    limit = BATCH * max(1, len(client.scheduler_info().get("workers", {})))
    for item in items:
        future = None if isinstance(item, Failure) else client.submit(process_safely, item, settings, pure=False)
        window.append((item, future))
        if len(window) >= limit:
            yield from _drain(window[:1])
            window = window[1:]
    yield from _drain(window)


def _drain(window: list) -> Iterator:
    for item, future in window:
        yield item, (future.result() if future is not None else None)
