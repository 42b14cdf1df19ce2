"""The `marsad` command: each subcommand parses its options and calls one library function."""
from __future__ import annotations

import sys
import tempfile
from datetime import date
from importlib import resources
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from marsad.settings import Settings

console = Console()
err_console = Console(stderr=True)


def _open(db: Path):
    """The store at ``db``, or a one-line error instead of a traceback."""
    from marsad.store.sqlite import Store, StoreError

    try:
        return Store(db)
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


def _run_ingest(paths: list[Path], db: Path, published: date | None, quiet: bool) -> int:
    from marsad.ingest.readers import iter_articles
    from marsad.run import ingest_items

    settings = Settings()
    items = list(iter_articles(paths, published=published, settings=settings))
    with _open(db) as store, Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(),
                                      TextColumn("{task.description}"), console=err_console,
                                      disable=quiet or len(items) <= 3) as progress:
        task = progress.add_task("", total=len(items))

        def on_item(item, status):
            progress.update(task, advance=1, description=item.doc_id[:40])
            if status == "failed":  # plain text: one line, whatever the width, brackets kept
                click.echo(f"error {item.doc_id}: {item.reason}  ({item.source})", err=True)

        result = ingest_items(store, items, settings, on_item=on_item)
    if not quiet:
        click.echo(f"{result.stored} stored, {result.unchanged} unchanged, {len(result.failures)} failed; "
                          f"{result.events} events in {db}", err=True)
    return 1 if result.failures else 0


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", default="marsad.db", show_default=True, type=click.Path(path_type=Path))
@click.option("--published", callback=_date, help="Publication date for documents that state none (YYYY-MM-DD).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary (for scripts).")
def ingest(paths: tuple[Path, ...], db: Path, published: date | None, quiet: bool) -> None:
    """Read files, folders, JSONL manifests or feeds into the database. Exit 1 if any input failed."""
    sys.exit(_run_ingest(list(paths), db, published, quiet))


@cli.command()
@click.option("--db", default="marsad.db", show_default=True, type=click.Path(path_type=Path, exists=True))
@click.option("--format", "fmt", type=click.Choice(["marsad-jsonl"]), default="marsad-jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout).")
def export(db: Path, fmt: str, output: Path | None) -> None:
    """Write the merged events in an exchange format."""
    from marsad.export.jsonl import write_jsonl

    with _open(db) as store:
        events = store.events()
    if output:
        with open(output, "w", encoding="utf-8") as out:
            n = write_jsonl(events, out)
        err_console.print(f"{n} events written to {output}")
    else:
        write_jsonl(events, sys.stdout)


@cli.command()
@click.option("--db", default="marsad.db", show_default=True, type=click.Path(path_type=Path, exists=True))
def events(db: Path) -> None:
    """Print the events as a table."""
    from marsad.show import events_table

    with _open(db) as store:
        console.print(events_table(store.events()))


@cli.command()
@click.argument("event_id")
@click.option("--db", default="marsad.db", show_default=True, type=click.Path(path_type=Path, exists=True))
def show(event_id: str, db: Path) -> None:
    """Print one event, its claims, and each report's text with the evidence highlighted."""
    from marsad.show import print_event

    with _open(db) as store:
        event = store.event(event_id)
        if event is None:
            raise click.ClickException(f"no event {event_id!r} in {db}")
        print_event(console, store, event)


@cli.command()
@click.option("--db", default="marsad.db", show_default=True, type=click.Path(path_type=Path, exists=True))
def reprocess(db: Path) -> None:
    """Re-run extraction and merging on stored documents; say which events are new, changed or gone."""
    from marsad.run import reprocess as run_reprocess

    with _open(db) as store:
        diff = run_reprocess(store, Settings())
    console.print(f"{diff['new']} new, {diff['changed']} changed, {diff['gone']} gone")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True))
@click.option("--published", callback=_date, help="Publication date (YYYY-MM-DD) to resolve relative dates.")
@click.option("--explain", is_flag=True, help="Show, for every field, the words and the rule that set it.")
def extract(file: Path, published: date | None, explain: bool) -> None:
    """Extract the events of one document without storing them."""
    from marsad.explain import explain_file

    explain_file(console, file, published, explain)


@cli.command()
@click.option("--db", type=click.Path(path_type=Path), help="Database to create (default: a temporary file).")
def demo(db: Path | None) -> None:
    """Ingest the built-in sample reports into a fresh database and print the events."""
    from marsad.show import events_table

    samples = resources.files("marsad").joinpath("demo", "samples", "manifest.jsonl")
    target = db or Path(tempfile.mkdtemp(prefix="marsad-demo-")) / "demo.db"
    if target.exists():
        with _open(target) as store:
            foreign = [d.doc_id for d in store.documents() if not d.doc_id.startswith("demo-")]
        if foreign:
            raise click.ClickException(f"{target} holds documents that are not demo samples; give a new path")
        target.unlink()
    with resources.as_file(samples) as manifest:
        _run_ingest([manifest], target, None, quiet=True)
    with _open(target) as store:
        console.print(events_table(store.events(), title="marsad demo: events from the built-in samples"))
    console.print(f"database: {target}  (try: marsad show EVENT_ID --db {target})")


def main() -> None:
    cli()
