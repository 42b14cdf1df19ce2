"""Terminal views: one event with its evidence highlighted, found by its id or the beginning of it."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from marsad.export.record import CLAIM_FIELDS
from marsad.export.summary import disputes, versions
from marsad.listing import ID_PREFIX, events_table
from marsad.store.store import Store


def matching_ids(store: Store, typed: str) -> list[str]:
    """The events a typed id may mean: itself if stored, else up to two ids it begins, "evt-" optional.

    `marsad events` prints ids without "evt-" in a narrow terminal, and a person copies what is shown.
    """
    if store.event(typed) is not None:
        return [typed]
    return store.event_ids_starting(typed if typed.startswith(ID_PREFIX) else ID_PREFIX + typed, limit=2)


def highlighted(text: str, evidence: list[dict]) -> Text:
    """The document text with every evidence span underlined and its field named after it."""
    out = Text(text)
    for e in evidence:
        out.stylize("bold yellow underline", e["start"], e["end"])
    return out


def print_event(console: Console, store: Store, event: dict) -> None:
    console.print(events_table([event], console.width, title=f"event {event['id']}"))
    for name in CLAIM_FIELDS:
        if versions(event, name):
            # Every outlet's value, the shown one first: "launched: 8 (DeirEzzor24) · 3 (SOHR)"
            console.print(f"  {name}: {escape(disputes(event, name))}", soft_wrap=True)
    for rep in event["reports"]:
        doc = store.document(rep["doc_id"])
        console.rule(f"{rep['doc_id']} · {rep['role']} · {rep.get('outlet') or ''} · said by {', '.join(rep['said_by']) or '-'}")
        for e in rep["evidence"]:
            console.print(f"  [cyan]{e['field']}[/cyan] {e['start']}:{e['end']} «{e['text']}» [dim]{e.get('rule', '')}[/dim]")
        if doc is not None:
            console.print(highlighted(doc["text"], rep["evidence"]))
