"""`marsad watch` as the terminal sees it: lines on stderr, Ctrl-C, exit codes."""
from __future__ import annotations

import signal
import threading
from datetime import datetime
from pathlib import Path

import click

from marsad.alerts.config import AlertConfig
from marsad.cli import open_store
from marsad.settings import Settings
from marsad.watch.http import Http, HttpPolicy
from marsad.watch.loop import RoundResult, watch


def _err(line: str) -> None:
    click.echo(line, err=True)


def run_watch(specs: list[str], db: Path, *, every: float, once: bool, quiet: bool, alerts: AlertConfig | None,
              policy: HttpPolicy) -> int:
    """Watch until Ctrl-C (or one round with ``once``); exit status 1 when ``once`` saw a failure."""
    stop = threading.Event()

    def on_interrupt(signum, frame) -> None:
        if stop.is_set():  # asked twice: stop now, the store's transactions keep it whole
            raise KeyboardInterrupt
        stop.set()
        _err("stopping after this round (Ctrl-C again to stop now)")

    def on_item(item, status: str) -> None:
        if status == "failed":  # one plain line, whatever the terminal's width
            _err(f"error {item.doc_id}: {item.reason}  ({item.source})")

    def report(result: RoundResult) -> None:
        if quiet:
            return
        r = result.ingest
        line = f"{datetime.now():%H:%M:%S} {r.stored} stored, {r.unchanged} unchanged, {len(r.failures)} failed"
        if r.stored or r.unchanged:
            line += f"; {r.events} events"
        if result.alerts is not None:
            line += f"; {len(result.alerts.fired)} new alert(s)"
        _err(line)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        with open_store(str(db)) as store:
            last = watch(store, specs, Settings(), Http(policy), every=every, once=once, stop=stop,
                         report=report, alerts=alerts, on_item=on_item, echo=_err)
    finally:
        signal.signal(signal.SIGINT, previous)
    return 1 if once and last.failures else 0
