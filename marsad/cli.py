"""The `marsad` command: each subcommand parses its options and calls one library function."""
from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from marsad.settings import Settings

console = Console()
err_console = Console(stderr=True)


class Database(click.ParamType):
    """--db: a SQLite file's path, or a postgresql:// URL; ``exists`` checks a path only."""

    name = "PATH|URL"

    def __init__(self, exists: bool = False):
        self.exists = exists

    def convert(self, value, param, ctx) -> str:
        from marsad.store.db import is_postgres_url

        value = str(value)
        if is_postgres_url(value):
            return value
        return str(click.Path(exists=self.exists).convert(value, param, ctx))


def db_option(exists: bool, **kw):
    return click.option("--db", default="marsad.db", show_default=True, type=Database(exists), envvar="MARSAD_DB",
                        help="SQLite file, or postgresql://user@host/dbname (also $MARSAD_DB).", **kw)


@contextmanager
def open_store(db: str):
    """The store at ``db`` for one command: a fault of the database, whenever it shows, is one line, not a traceback."""
    from marsad.store.faults import explained
    from marsad.store.store import Store, StoreError

    try:
        with explained(db), Store(db) as store:
            yield store
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO date (YYYY-MM-DD): {value!r}")


@click.group()
@click.version_option(package_name="marsad")
def cli() -> None:
    """marsad (مرصد): conflict events from Arabic and English news reports, with evidence."""


def dask_options(command):
    """--dask, --workers and --scheduler, shared by the commands that can extract on a cluster."""
    for option in reversed((
            click.option("--dask", "use_dask", is_flag=True,
                         help="Run extraction on a local dask.distributed cluster (pip install 'marsad[dask]')."),
            click.option("--workers", type=click.IntRange(1, 256), help="Worker processes for --dask (default 1)."),
            click.option("--scheduler", help="Use an existing Dask scheduler instead, e.g. tcp://10.0.0.5:8786."))):
        command = option(command)
    return command


@contextmanager
def _cluster(use_dask: bool, workers: int | None, scheduler: str | None):
    """A dask.distributed client when --dask/--scheduler asks for one, else None."""
    if not (use_dask or scheduler):
        yield None
        return
    from marsad.scale.dask import DaskUnavailable, dask_client

    try:
        with dask_client(workers, scheduler) as client:
            yield client
    except DaskUnavailable as exc:
        raise click.ClickException(str(exc)) from exc


def _run_ingest(paths: list[Path], db: str, published: date | None, quiet: bool,
                use_dask: bool = False, workers: int | None = None, scheduler: str | None = None) -> int:
    from marsad.ingest.readers import iter_articles
    from marsad.run import ingest_items

    settings = Settings()
    items = list(iter_articles(paths, published=published, settings=settings))
    with _cluster(use_dask, workers, scheduler) as client, open_store(db) as store, \
            Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                     console=err_console, disable=quiet or len(items) <= 3) as progress:
        task = progress.add_task("", total=len(items))

        def on_item(item, status):
            progress.update(task, advance=1, description=item.doc_id[:40])
            if status == "failed":  # plain text: one line, whatever the width, brackets kept
                click.echo(f"error {item.doc_id}: {item.reason}  ({item.source})", err=True)

        processed = None
        if client is not None:
            from marsad.scale.dask import process_on_cluster

            processed = process_on_cluster(client, items, settings)
        result = ingest_items(store, items, settings, on_item=on_item, processed=processed)
    if not quiet:
        click.echo(f"{result.stored} stored, {result.unchanged} unchanged, {len(result.failures)} failed; "
                          f"{result.events} events in {db}", err=True)
    return 1 if result.failures else 0


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option(exists=False)
@click.option("--published", callback=_date, help="Publication date for documents that state none (YYYY-MM-DD).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary (for scripts).")
@click.option("--alerts", type=click.Path(path_type=Path, exists=True, dir_okay=False), envvar="MARSAD_ALERTS",
              help="Alert rules (YAML) to check new and changed events against [env: MARSAD_ALERTS].")
@dask_options
def ingest(paths: tuple[Path, ...], db: str, published: date | None, quiet: bool, alerts: Path | None,
           use_dask: bool, workers: int | None, scheduler: str | None) -> None:
    """Read files, folders, JSONL manifests or feeds into the database. Exit 1 if any input failed."""
    from marsad.alerts.command import alert_config, send_alerts

    rules = alert_config(alerts)
    status = _run_ingest(list(paths), db, published, quiet, use_dask, workers, scheduler)
    send_alerts(db, rules, quiet)
    sys.exit(status)


SUB_EVENT_TYPES = ("Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED",
                   "Armed clash", "Suicide bomb", "Grenade", "Disrupted weapons use")
EVENT_FILTER_OPTIONS = (
    click.option("--from", "date_from", callback=_date, help="Events on or after this day (YYYY-MM-DD)."),
    click.option("--to", "date_to", callback=_date, help="Events on or before this day (YYYY-MM-DD)."),
    click.option("--place", help="Place id, English or Arabic name, or admin1 containing this text."),
    click.option("--admin1", help="Governorate, as exported (e.g. 'Deir ez-Zor')."),
    click.option("--country", help="Country code (SY, IQ, JO)."),
    click.option("--actor", help="Actor code as attacker or target (e.g. us_coalition)."),
    click.option("--type", "sub_event_type", type=click.Choice(SUB_EVENT_TYPES, case_sensitive=False),
                 help="ACLED sub-event type."),
    click.option("--min-confidence", type=click.FloatRange(0, 1),
                 help="Keep events at least this confident (0-1; README, \"Accuracy on real reports\")."),
    click.option("--min-probability", type=click.FloatRange(0, 1),
                 help="Keep events at least this probable by the learned model (0-1; 0.3 is its threshold; README, "
                      "\"Accuracy on real reports\"), and any an analyst confirmed."),
    click.option("--include-rejected", is_flag=True, help="Also events an analyst rejected in the workbench."),
)


def event_filter_options(command):
    """The options every command that selects events takes, so `events` lists what `export` writes."""
    for option in reversed(EVENT_FILTER_OPTIONS):
        command = option(command)
    return command


@contextmanager
def _selected_events(db: str, include_rejected: bool, conditions: dict) -> Iterator[Iterator[dict]]:
    """The stored events that meet the filter options (marsad.export.filters), in date order,
    read one at a time while the store is open: an export of a million events holds one."""
    from marsad.export.filters import EventFilter
    try:
        keep = EventFilter(**conditions)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--from' / '--to'") from exc
    with open_store(db) as store, closing(store.iter_events(include_rejected=include_rejected)) as events:
        yield keep.select(events)  # closed (its cursor with it) before the store is


@contextmanager
def _written(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or ``path`` written whole or not at all: the events are read as they are
    written, so a fault halfway must not leave half an export under the file's name."""
    if path is None:
        yield sys.stdout
        return
    part = path.with_name(path.name + ".part")
    try:
        with open(part, "w", encoding="utf-8", newline="") as out:
            yield out
        part.replace(path)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        part.unlink(missing_ok=True)


@cli.command()
@db_option(exists=True)
@click.option("--format", "fmt", type=click.Choice(["marsad-jsonl", "csv", "geojson"]), default="marsad-jsonl",
              show_default=True, help="csv: ACLED's columns; geojson: a FeatureCollection of points.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout).")
@event_filter_options
def export(db: str, fmt: str, output: Path | None, include_rejected: bool, **conditions) -> None:
    """Write the merged events in an exchange format, optionally filtered."""
    from marsad.export.acled_csv import write_acled_csv
    from marsad.export.geojson import write_geojson
    from marsad.export.jsonl import write_jsonl

    with _selected_events(db, include_rejected, conditions) as events, _written(output) as out:
        if fmt == "csv":
            n = write_acled_csv(events, out)
        elif fmt == "geojson":
            result = write_geojson(events, out)
            n = result.written
            if result.without_coordinates:
                click.echo(f"{result.without_coordinates} events without coordinates left out", err=True)
        else:
            n = write_jsonl(events, out)
    if output:
        err_console.print(f"{n} events written to {output}", soft_wrap=True)  # a path stays whole


@cli.command("datasette-metadata")
@click.option("--db", default="marsad.db", show_default=True, type=click.Path(path_type=Path),
              help="The database Datasette will serve (its file name names the database).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout).")
def datasette_metadata(db: str, output: Path | None) -> None:
    """Write Datasette metadata (titles, column descriptions): datasette DB -m FILE."""
    import json

    from marsad.store.datasette import datasette_metadata as metadata

    text = json.dumps(metadata(db), ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"metadata for {db} written to {output}", soft_wrap=True)
    else:
        click.echo(text, nl=False)


def _terminal_console() -> Console:
    """A console as wide as the terminal is now ($COLUMNS first, as a resized shell or a test sets it)."""
    return Console(width=shutil.get_terminal_size().columns)


@cli.command()
@db_option(exists=True)
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table", show_default=True,
              help="table: one line per event, with the columns the terminal's width holds; tsv: a header, then "
                   "every value whole; json: JSON Lines, one event record per line (as export's marsad-jsonl).")
@click.option("--limit", type=click.IntRange(min=1), help="At most N events, the first in date order.")
@event_filter_options
def events(db: str, fmt: str, limit: int | None, include_rejected: bool, **conditions) -> None:
    """List the events, one line each, optionally filtered (the options of export).

    In the table a date known to a week reads ~2023-11-06, to a month 2023-11; "?" is an actor no
    report names. Below 120 columns the id drops its "evt-" prefix: `marsad show` takes it as printed.
    """
    from marsad.export.jsonl import write_jsonl
    from marsad.listing import events_table, write_tsv

    with _selected_events(db, include_rejected, conditions) as selected:
        chosen = list(islice(selected, limit))
    if fmt == "tsv":
        write_tsv(chosen, sys.stdout)
    elif fmt == "json":
        write_jsonl(chosen, sys.stdout)
    elif not chosen:
        click.echo("no events match", err=True)
    else:
        terminal = _terminal_console()
        terminal.print(events_table(chosen, terminal.width))


@cli.command()
@click.argument("event_id")
@db_option(exists=True)
def show(event_id: str, db: str) -> None:
    """Print one event, its claims, and each report's text with the evidence highlighted.

    EVENT_ID may be shortened to any unique beginning, with or without "evt-".
    """
    from marsad.show import matching_ids, print_event

    with open_store(db) as store:
        found = matching_ids(store, event_id)
        if not found:
            raise click.ClickException(f"no event {event_id!r} in {db}")
        if len(found) > 1:
            raise click.ClickException(f"{event_id!r} begins several event ids, e.g. {' and '.join(found)}: "
                                       "type more of it")
        print_event(_terminal_console(), store, store.event(found[0]))


@cli.command()
@db_option(exists=True)
@click.option("--full", is_flag=True,
              help="Also rebuild, under new ids, events whose record and reports disagree (what doctor calls "
                   "event-id conflicts).")
@dask_options
def reprocess(db: str, full: bool, use_dask: bool, workers: int | None, scheduler: str | None) -> None:
    """Re-run extraction and merging on stored documents; say which events are new, changed or gone."""
    from marsad.run import reprocess as run_reprocess

    settings = Settings()
    with _cluster(use_dask, workers, scheduler) as client, open_store(db) as store:
        reextract = None
        if client is not None:
            from functools import partial

            from marsad.scale.dask import reextract_on_cluster

            reextract = partial(reextract_on_cluster, client, settings=settings)
        diff = run_reprocess(store, settings, full=full, reextract=reextract)
    console.print(f"{diff['new']} new, {diff['changed']} changed, {diff['gone']} gone")


@cli.command()
@db_option(exists=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--tiles", metavar="URL", help="XYZ raster tiles under the map, e.g. https://tiles.example.org/{z}/{x}/{y}.png "
              "(the page may then load images from that server; without it the map is offline).")
def serve(db: str, host: str, port: int, tiles: str | None) -> None:
    """Open the analyst workbench (dashboard, events, documents, review) in a local web server."""
    import os
    import secrets

    import uvicorn

    from marsad.serve.app import create_app

    token = os.environ.get("MARSAD_TOKEN")
    if not token:
        token = secrets.token_urlsafe(16)
        click.echo(f"write token (for corrections; set MARSAD_TOKEN to choose one): {token}", err=True)
    try:
        app = create_app(str(db), token, tiles=tiles)
    except ValueError as exc:  # a --tiles template that is not one
        raise click.ClickException(str(exc)) from None
    click.echo(f"marsad workbench on http://{host}:{port}/  (database {db})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True))
@click.option("--published", callback=_date, help="Publication date (YYYY-MM-DD) to resolve relative dates.")
@click.option("--explain", is_flag=True, help="Show, for every field, the words and the rule that set it.")
def extract(file: Path, published: date | None, explain: bool) -> None:
    """Extract the events of one document without storing them."""
    from marsad.explain import explain_file

    explain_file(_terminal_console(), file, published, explain)


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), help="Database to create (default: a temporary file).")
def demo(db: Path | None) -> None:
    """Ingest the built-in sample reports into a fresh database and print the events."""
    from marsad.listing import events_table

    samples = resources.files("marsad").joinpath("demo", "samples", "manifest.jsonl")
    target = db or Path(tempfile.mkdtemp(prefix="marsad-demo-")) / "demo.db"
    if target.exists():
        with open_store(target) as store:
            foreign = [d.doc_id for d in store.documents() if not d.doc_id.startswith("demo-")]
        if foreign:
            raise click.ClickException(f"{target} holds documents that are not demo samples; give a new path")
        target.unlink()
    with resources.as_file(samples) as manifest:
        _run_ingest([manifest], target, None, quiet=True)
    with open_store(target) as store:
        terminal = _terminal_console()
        terminal.print(events_table(store.events(), terminal.width,
                                    title="marsad demo: events from the built-in samples"))
    console.print(f"database: {target}  (try: marsad show EVENT_ID --db {target})", soft_wrap=True)


@cli.command()
@db_option(exists=False)
def doctor(db: str) -> None:
    """Check a store: SQLite integrity, links between tables, and every evidence span against its text."""
    from marsad.doctor import diagnose
    from marsad.errors import StoreError

    try:
        result = diagnose(db)
    except StoreError as exc:  # MARSAD_DB_TIMEOUT is not a number of seconds
        raise click.ClickException(str(exc)) from exc
    for table, n in result.checked.items():
        click.echo(f"{table}: {n}")
    for note in result.notes:
        click.echo(f"note: {note}")
    for problem in result.problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo("ok" if result.ok else f"{len(result.problems)} problem(s)")
    sys.exit(0 if result.ok else 1)


def _interval(ctx, param, value):
    from marsad.watch.interval import parse_interval

    try:
        return parse_interval(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option(exists=False)
@click.option("--every", default="10m", show_default=True, callback=_interval,
              help="Time between rounds: 30s, 10m, 1h.")
@click.option("--once", is_flag=True, help="One round, then exit (for cron); exit 1 if a source failed.")
@click.option("--quiet", "-q", is_flag=True, help="No summary line per round; failures are still reported.")
@click.option("--alerts", type=click.Path(path_type=Path, exists=True, dir_okay=False), envvar="MARSAD_ALERTS",
              help="Alert rules (YAML) to check new and changed events against [env: MARSAD_ALERTS].")
@click.option("--timeout", default=20.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds to wait for a server before trying again.")
@click.option("--host-delay", default=2.0, show_default=True, type=click.FloatRange(min=0),
              help="Least seconds between two requests to one host.")
def watch(sources: tuple[str, ...], db: str, every: float, once: bool, quiet: bool, alerts: Path | None,
          timeout: float, host_delay: float) -> None:
    """Keep ingesting from feed URLs, folders, manifests and feed files; read nothing twice. Ctrl-C stops."""
    from marsad.alerts.command import alert_config
    from marsad.watch.command import run_watch
    from marsad.watch.http import HttpPolicy

    sys.exit(run_watch(list(sources), db, every=every, once=once, quiet=quiet, alerts=alert_config(alerts),
                       policy=HttpPolicy(timeout=timeout, host_delay=host_delay)))


def main() -> None:
    cli()
