"""Terminal views: the event table, one event with its evidence highlighted, an explain trace."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from marsad.export.record import CLAIM_FIELDS
from marsad.export.summary import disputes, versions
from marsad.store.store import Store


SHORT_TYPE = {"Shelling/artillery/missile attack": "shelling", "Air/drone strike": "air/drone",
              "Remote explosive/landmine/IED": "IED", "Armed clash": "clash", "Suicide bomb": "suicide",
              "Grenade": "grenade", "Disrupted weapons use": "disrupted"}


def _counts(e: dict) -> str:
    cas = e.get("casualties") or []
    parts = []
    launched = (e.get("munitions") or {}).get("launched")
    if launched is not None:
        parts.append(f"launched {launched}")
    for key in ("killed", "injured"):
        values = [c[key] for c in cas if c.get(key) is not None]
        if values:
            parts.append(f"{key} {sum(values)}")
    return ", ".join(parts)


def events_table(events: list[dict], title: str = "events") -> Table:
    table = Table(title=title, show_lines=False)
    for col, ratio in (("id", 2), ("date", 2), ("type", 2), ("place", 2), ("attacker → target", 3),
                       ("counts", 2), ("outlets", 2)):
        table.add_column(col, overflow="fold", ratio=ratio, no_wrap=col == "id", min_width=16 if col == "id" else None)
    for e in events:
        loc = e.get("location") or {}
        precision = e.get("date_precision")
        table.add_row(e["id"], (e.get("date") or "?") + ("" if precision == "day" else f" ({precision})"),
                      SHORT_TYPE.get(e.get("sub_event_type"), e.get("sub_event_type") or "?"),
                      loc.get("name") or loc.get("name_ar") or "?",
                      f"{e.get('attacker')} → {e.get('target_actor')}", _counts(e),
                      "; ".join(sorted({r.get("outlet") or r["doc_id"] for r in e["reports"]})))
    return table


def highlighted(text: str, evidence: list[dict]) -> Text:
    """The document text with every evidence span underlined and its field named after it."""
    out = Text(text)
    for e in evidence:
        out.stylize("bold yellow underline", e["start"], e["end"])
    return out


def print_event(console: Console, store: Store, event: dict) -> None:
    console.print(events_table([event], title=f"event {event['id']}"))
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
