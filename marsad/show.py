"""Terminal views: the event table, one event with its evidence highlighted, an explain trace."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from marsad.store.sqlite import Store


def events_table(events: list[dict], title: str = "events") -> Table:
    table = Table(title=title, show_lines=False)
    for col in ("id", "date", "type", "weapons", "place", "attacker → target", "launched", "killed", "injured",
                "reports"):
        table.add_column(col, overflow="fold")
    for e in events:
        loc = e.get("location") or {}
        cas = e.get("casualties") or []
        killed = sum(c.get("killed") or 0 for c in cas) if any(c.get("killed") is not None for c in cas) else ""
        injured = sum(c.get("injured") or 0 for c in cas) if any(c.get("injured") is not None for c in cas) else ""
        table.add_row(e["id"], f"{e.get('date') or '?'} ({e.get('date_precision')})", e.get("sub_event_type") or "?",
                      ", ".join(e.get("weapons") or []), loc.get("name") or loc.get("name_ar") or "?",
                      f"{e.get('attacker')} → {e.get('target_actor')}",
                      str((e.get("munitions") or {}).get("launched") or ""), str(killed), str(injured),
                      ", ".join(sorted({r.get("outlet") or r["doc_id"] for r in e["reports"]})))
    return table


def highlighted(text: str, evidence: list[dict]) -> Text:
    """The document text with every evidence span underlined and its field named after it."""
    out = Text(text)
    for e in evidence:
        out.stylize("bold yellow underline", e["start"], e["end"])
    return out


def print_event(console: Console, store: Store, event: dict) -> None:
    console.print(events_table([event], title=f"event {event['id']}"))
    for claim in event.get("claims", []):
        console.print(f"  claim {claim['field']}: {claim['value']}  ({claim.get('outlet') or claim['doc_id']})")
    for rep in event["reports"]:
        doc = store.document(rep["doc_id"])
        console.rule(f"{rep['doc_id']} · {rep['role']} · {rep.get('outlet') or ''} · said by {', '.join(rep['said_by']) or '-'}")
        for e in rep["evidence"]:
            console.print(f"  [cyan]{e['field']}[/cyan] {e['start']}:{e['end']} «{e['text']}» [dim]{e.get('rule', '')}[/dim]")
        if doc is not None:
            console.print(highlighted(doc["text"], rep["evidence"]))
