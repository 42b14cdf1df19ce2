"""`--alerts` on `marsad ingest` and `marsad watch`: read the rules first, send the alerts after.

Imports are made inside the functions: `marsad ingest` without rules starts as
fast as it did before alerts existed.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from marsad.alerts.config import AlertConfig


def alert_config(path: Path | None) -> AlertConfig | None:
    """The rules file given by --alerts or MARSAD_ALERTS, checked before any work; None when none is given."""
    if path is None:
        return None
    from marsad.alerts.config import AlertConfigError, load_config

    try:
        return load_config(path)
    except AlertConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def send_alerts(db: Path, config: AlertConfig | None, quiet: bool) -> None:
    """After `marsad ingest`: fire and send the alerts of what it stored."""
    if config is None:
        return
    from marsad.alerts.engine import check_alerts
    from marsad.store.store import Store, StoreError

    try:
        store = Store(db)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    with store:
        result = check_alerts(store, config, echo=lambda line: click.echo(line, err=True))
    if not quiet:
        click.echo(f"{len(result.fired)} new alert(s)", err=True)
