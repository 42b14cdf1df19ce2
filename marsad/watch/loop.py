"""Watch rounds: poll every source, ingest what is new in one merge, remember it, check alerts.

A source that fails (a feed down, a timeout, a file that vanished) becomes a
Failure: reported, recorded in the failures table, and asked again next
round; the other sources of the round are ingested all the same.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from marsad.alerts.config import AlertConfig
from marsad.alerts.engine import AlertRound, check_alerts
from marsad.run import IngestResult, ingest_items
from marsad.settings import Settings
from marsad.store.store import Store
from marsad.types import Failure
from marsad.watch.http import Http
from marsad.watch.poll import Context, Item, Poll
from marsad.watch.sources import make_source
from marsad.watch.state import WatchState


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


@dataclass
class RoundResult:
    ingest: IngestResult
    alerts: AlertRound | None  # None: no rules given

    @property
    def failures(self) -> list[Failure]:
        return self.ingest.failures


def watch_round(store: Store, specs: list[str], settings: Settings, http: Http, *,
                alerts: AlertConfig | None = None,
                on_item: Callable[[Item, str], None] = lambda item, status: None,
                echo: Callable[[str], None] = _stderr) -> RoundResult:
    """One pass over the sources named by ``specs`` (URLs, folders, files)."""
    state = WatchState(store.conn)
    ctx = Context(settings, http, state)
    found = Poll()
    for spec in specs:
        try:
            found.add(make_source(spec).poll(ctx))
        except Exception as exc:  # a bug on one source must not stop the others
            found.items.append(Failure(spec, spec, f"internal error: {type(exc).__name__}: {exc}"))
    # Nothing new: no merge, which is the costly part of a round on a large store.
    ingest = ingest_items(store, found.items, settings, on_item=on_item) if found.items else IngestResult()
    state.put(found.marks)
    checked = check_alerts(store, alerts, echo=echo) if alerts else None
    return RoundResult(ingest, checked)


def watch(store: Store, specs: list[str], settings: Settings, http: Http, *, every: float, once: bool,
          stop: threading.Event, report: Callable[[RoundResult], None],
          alerts: AlertConfig | None = None, on_item: Callable[[Item, str], None] = lambda item, status: None,
          echo: Callable[[str], None] = _stderr) -> RoundResult:
    """Rounds until ``once`` is done or ``stop`` is set; waiting between rounds ends at once on ``stop``.

    Returns the last round's result.
    """
    while True:
        result = watch_round(store, specs, settings, http, alerts=alerts, on_item=on_item, echo=echo)
        report(result)
        if once or stop.wait(every):
            return result
