"""`marsad extract --explain`: the events of one file and, per field, the words and rule behind it; how the
mentions were grouped into incidents; and what the learned model weighed for each event's probability."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from rich.console import Console

from marsad.errors import MarsadError
from marsad.export.probability import features, model
from marsad.extract.document import group_incidents, read_drafts
from marsad.ingest.readers import iter_articles
from marsad.clean.text import make_doc
from marsad.pipeline import process_doc
from marsad.settings import Settings
from marsad.types import Failure


def explain_file(console: Console, path: Path, published: date | None, explain: bool) -> None:
    settings = Settings()
    for item in iter_articles([path], published=published, settings=settings):
        if isinstance(item, Failure):
            console.print(f"[red]error[/red] {item.doc_id}: {item.reason}", soft_wrap=True)
            continue
        try:
            doc = make_doc(item if item.published or not published else replace(item, published=published), settings)
        except MarsadError as exc:  # too short, not text: one line naming the document, as ingest prints it
            console.print(f"[red]error[/red] {exc}", soft_wrap=True)
            continue
        cands = process_doc(doc, settings)
        console.rule(f"{doc.doc_id} · published {doc.published or 'unknown'} · {len(cands)} events")
        learned = model()
        for i, c in enumerate(cands, 1):
            loc = c.location.name if c.location else None
            # This one document's account alone: merged with other outlets' accounts, the event weighs more.
            values = features([c], {doc.outlet or doc.doc_id}, len(cands))
            chance = learned.probability(values)
            console.print(f"[bold]event {i}[/bold] ({c.role}) {c.sub_event_type} {c.weapons} {c.date} "
                          f"({c.date_precision}) {loc} {c.attacker} → {c.target_actor} [{c.attribution}] "
                          f"launched={c.launched} casualties={[(x.party, x.killed, x.injured) for x in c.casualties]} "
                          f"probability={chance:.2f}")
            if explain:
                for e in sorted(c.evidence, key=lambda e: e.field):
                    console.print(f"    [cyan]{e.field:<22}[/cyan] «{e.text}» {e.start}:{e.end}  [dim]{e.rule}[/dim]")
                weighed = ", ".join(f"{name} {part:+.2f}" for name, part in learned.contributions(values).items() if part)
                under = f", under the model's threshold {learned.threshold:.2f}" if chance < learned.threshold else ""
                console.print(f"    [magenta]{'probability':<22}[/magenta] {chance:.2f}{under}: log-odds "
                              f"{learned.intercept:+.2f} (intercept), {weighed}")
        if explain:
            drafts = read_drafts(doc)
            group_incidents(drafts)
            console.print("[bold]incident grouping[/bold] (each mention of an attack, in reading order)")
            for d in drafts:
                words = doc.text[d.clause.seg.start:d.clause.seg.end].strip()[:90]
                console.print(f"  «{words}» — {d.rejected and 'not an event: ' + d.rejected or d.grouping}")
