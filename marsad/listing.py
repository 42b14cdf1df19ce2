"""`marsad events`: one line per event, as a table that fits the terminal or as TSV.

A day's triage happens in an 80-column terminal, so the table never wraps a
cell: it picks the columns the width allows, sizes the long ones (place,
actors) to what is left and cuts them with an ellipsis. The id is the one cell
never cut: below 120 columns it loses only its constant ``evt-`` prefix, which
`marsad show` accepts as it is. TSV gives every value whole, for scripts.
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from rich.cells import cell_len
from rich.table import Table

from marsad.export.summary import casualty_total, outlets
from marsad.lexicon.load import load_table

ID_PREFIX = "evt-"
FULL_ID_WIDTH = 120  # from this many columns on, ids are printed whole
SHORT_TYPE = {"Shelling/artillery/missile attack": "shelling", "Air/drone strike": "air/drone",
              "Remote explosive/landmine/IED": "IED", "Armed clash": "clash", "Suicide bomb": "suicide",
              "Grenade": "grenade", "Disrupted weapons use": "disrupted"}
# A date known only to a week is marked "~"; a month or year shows only what is known.
DATE_SHAPES: dict[str, Callable[[str], str]] = {"week": lambda d: f"~{d}", "month": lambda d: d[:7],
                                                "year": lambda d: d[:4]}


@lru_cache(maxsize=1)
def _short_actors() -> dict[str, str]:
    return {r["id"]: r["short"] for r in load_table("lexicons", "actor_names.tsv")}


def short_actor(code: str | None) -> str:
    """The actor's label in a narrow column ("pro-Iran", "US"); an unlisted code as it is."""
    return _short_actors().get(code or "unknown", code or "?")


def short_id(event_id: str) -> str:
    return event_id.removeprefix(ID_PREFIX)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _date(event: dict) -> str:
    day = event.get("date")
    if not day:
        return "?"
    return DATE_SHAPES.get(event.get("date_precision") or "day", str)(day)


def _place(event: dict) -> str:
    loc = event.get("location") or {}
    return loc.get("name") or loc.get("name_ar") or "?"


def _actors(event: dict) -> str:
    return f"{short_actor(event.get('attacker'))} → {short_actor(event.get('target_actor'))}"


def _weapons(event: dict) -> str:
    return ", ".join(w for w in event.get("weapons") or [] if w != "unknown")


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[dict], str]
    from_width: int = 0  # the least terminal width that shows this column
    flexible: bool = False  # sized to the room left and cut with "…"; fixed columns keep their width
    justify: str = "left"


TABLE_COLUMNS = (
    Column("id", lambda e: e["id"]),
    Column("date", _date),
    Column("type", lambda e: SHORT_TYPE.get(e.get("sub_event_type") or "", e.get("sub_event_type") or "?")),
    Column("place", _place, flexible=True),
    Column("attacker → target", _actors, flexible=True),
    Column("killed", lambda e: _number(casualty_total(e, "killed")), justify="right"),
    Column("inj.", lambda e: _number(casualty_total(e, "injured")), from_width=100, justify="right"),
    Column("fired", lambda e: _number((e.get("munitions") or {}).get("launched")), from_width=100, justify="right"),
    Column("conf.", lambda e: f"{e['confidence']:.1f}" if e.get("confidence") is not None else "",
           from_width=FULL_ID_WIDTH, justify="right"),
    Column("prob.", lambda e: f"{e['probability']:.2f}" if e.get("probability") is not None else "",
           from_width=FULL_ID_WIDTH, justify="right"),
    Column("weapons", _weapons, from_width=FULL_ID_WIDTH, flexible=True),
    Column("outlets", lambda e: "; ".join(outlets(e)), from_width=FULL_ID_WIDTH, flexible=True),
)


def _fit(wanted: list[int], room: int) -> list[int]:
    """Share ``room`` among flexible columns: narrow ones get all they want, wide ones split the rest."""
    widths = [0] * len(wanted)
    for n, i in enumerate(sorted(range(len(wanted)), key=lambda i: wanted[i])):
        widths[i] = max(1, min(wanted[i], room // (len(wanted) - n)))
        room -= widths[i]
    return widths


def events_table(events: list[dict], width: int, title: str | None = None) -> Table:
    """One line per event in ``width`` terminal columns: more columns the wider it is, no cell wrapped."""
    columns = [c for c in TABLE_COLUMNS if c.from_width <= width]
    rows = [[c.cell(e) for c in columns] for e in events]
    if width < FULL_ID_WIDTH:
        for row in rows:
            row[0] = short_id(row[0])
    wanted = [max([cell_len(c.header)] + [cell_len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    flexible = [i for i, c in enumerate(columns) if c.flexible]
    room = width - (len(columns) - 1) - sum(w for i, w in enumerate(wanted) if i not in flexible)
    for i, w in zip(flexible, _fit([wanted[i] for i in flexible], room)):
        wanted[i] = w
    table = Table(title=title, box=None, pad_edge=False, padding=(0, 1), collapse_padding=True,
                  show_edge=False, header_style="bold")
    for column, w in zip(columns, wanted):
        table.add_column(column.header, width=w, no_wrap=True, overflow="ellipsis", justify=column.justify)
    for row in rows:
        table.add_row(*row)
    return table


TSV_COLUMNS: tuple[tuple[str, Callable[[dict], object]], ...] = (
    ("id", lambda e: e["id"]),
    ("date", lambda e: e.get("date") or ""),
    ("date_precision", lambda e: e.get("date_precision") or ""),
    ("sub_event_type", lambda e: e.get("sub_event_type") or ""),
    ("place", _place),
    ("admin1", lambda e: (e.get("location") or {}).get("admin1") or ""),
    ("country", lambda e: (e.get("location") or {}).get("country") or ""),
    ("attacker", lambda e: e.get("attacker") or ""),
    ("target_actor", lambda e: e.get("target_actor") or ""),
    ("killed", lambda e: _number(casualty_total(e, "killed"))),
    ("injured", lambda e: _number(casualty_total(e, "injured"))),
    ("launched", lambda e: _number((e.get("munitions") or {}).get("launched"))),
    ("confidence", lambda e: "" if e.get("confidence") is None else e["confidence"]),
    ("probability", lambda e: "" if e.get("probability") is None else e["probability"]),
    ("weapons", _weapons),
    ("outlets", lambda e: "; ".join(outlets(e))),
)


def write_tsv(events: Iterable[dict], out: IO[str]) -> int:
    """A header and one row per event, every value whole (the csv module quotes a tab inside one)."""
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow([name for name, _ in TSV_COLUMNS])
    n = 0
    for event in events:
        writer.writerow([value(event) for _, value in TSV_COLUMNS])
        n += 1
    return n
