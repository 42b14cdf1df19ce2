"""`--format csv`: one row per event in ACLED's column names and codes.

A row is meant to sit next to ACLED's own export in a spreadsheet, so the
columns, the precision codes and the event-type hierarchy follow ACLED's
codebook, and what ACLED keeps in prose (disagreeing sources) goes into `notes`.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import lru_cache
from typing import IO, Any

from marsad.export.acled_codes import admin2, inter_code, interaction, source_scale
from marsad.export.summary import casualty_total, claimed, disputes, outlets, versions
from marsad.lexicon.load import load_table

COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
           "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
           "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
           "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
           "tags", "timestamp")

# ACLED codebook: each sub-event type sits under one event type (and disorder type).
EVENT_TYPES = {
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Air/drone strike": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Armed clash": "Battles",
    "Disrupted weapons use": "Strategic developments",
}
# ACLED time_precision: 1 the day is known, 2 within a week or a few days, 3 a month or coarser.
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3, "unknown": 3}
# ACLED geo_precision: 1 the town or site, 2 a district or "near" a town, 3 a province or coarser.
GEO_PRECISION = {"site": 1, "town": 1, "district": 2, "admin1": 3, "country": 3, "unknown": 3}
WEAPON_WORDS = {"rocket": "rockets", "missile": "missiles", "mortar": "mortar shells",
                "artillery": "artillery shells", "drone": "drones", "aircraft": "aircraft",
                "ied": "explosive devices", "small_arms": "small arms"}
# Fields whose every figure goes into notes, and those shown only when sources disagree.
FIGURES = (("launched", "Launched"), ("impacted", "Impacted"), ("intercepted", "Intercepted"),
           ("killed", "Killed"), ("injured", "Injured"))
DISPUTABLE = (("date", "Date"), ("sub_event_type", "Type"), ("attacker", "Attacker"),
              ("target_actor", "Target"))


@lru_cache(maxsize=1)
def _actor_names() -> dict[str, str]:
    return {r["id"]: r["name"] for r in load_table("lexicons", "actor_names.tsv")}


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in load_table("lexicons", "countries.tsv")}


def country_name(code: str | None) -> str:
    row = _countries().get(code or "")
    return row["name"] if row else (code or "")


def actor_name(code: str | None, country: str | None) -> str:
    """ACLED-style name of an actor code; groups named by where they act get the country."""
    name = _actor_names().get(code or "unknown", code or "")
    where = country_name(country)
    return name.replace("{country}", where) if where else name.replace(" ({country})", "")


def fatalities(event: dict) -> int:
    """Deaths: the lowest figure any unhedged report gives (hedged ones only if all are), else 0.

    ACLED codes the most conservative count when sources differ: 6 and 8 killed → 6.
    """
    claims = claimed(event, "killed")
    credible = [c for c in claims if not c.get("hedged")] or claims
    if credible:
        return min(c["value"] for c in credible)
    return casualty_total(event, "killed") or 0


def _shown(name: str, value: Any, event: dict) -> str:
    if name in ("attacker", "target_actor"):
        return actor_name(value, (event.get("location") or {}).get("country"))
    return str(value)


def _figure(label: str, name: str, event: dict) -> str:
    found = versions(event, name)
    if len(found) == 1:
        return f"{label}: {_shown(name, found[0][0], event)}."
    return f"{label}: {disputes(event, name, lambda v: _shown(name, v, event))}."


def _when(event: dict) -> str:
    day, precision = event.get("date"), event.get("date_precision")
    if not day:
        return "On an unknown date"
    if precision == "week":
        return f"In the week of {day}"
    if precision == "month":
        return f"In {day[:7]}"
    if precision == "year":
        return f"In {day[:4]}"
    return f"On {day}"


def _action(event: dict) -> str:
    weapons = [WEAPON_WORDS[w] for w in event.get("weapons") or [] if w in WEAPON_WORDS]
    kind = event.get("sub_event_type")
    if kind == "Shelling/artillery/missile attack":
        return f"fired {' and '.join(weapons) or 'projectiles'} at"
    if kind == "Air/drone strike":
        return "carried out a drone strike on" if "drones" in weapons else "carried out an air strike on"
    if kind == "Remote explosive/landmine/IED":
        return "detonated an explosive device at"
    if kind == "Suicide bomb":
        return "carried out a suicide bombing at"
    if kind == "Grenade":
        return "threw a grenade at"
    if kind == "Disrupted weapons use":
        return "had an attack intercepted or foiled at"
    return "attacked"


def notes(event: dict) -> str:
    """One English sentence from the fields, then the figures, with every source's when they differ."""
    loc = event.get("location") or {}
    country = loc.get("country")
    place = loc.get("name") or "an unknown place"
    attacker = actor_name(event.get("attacker"), country)
    target = event.get("target_actor")
    target_name = actor_name(target, country) if target not in (None, "unknown") else ""
    if event.get("sub_event_type") == "Armed clash":
        opponent = f" with {target_name}" if target_name else ""
        sentence = f"{_when(event)}, {attacker} clashed{opponent} at {place}."
    else:
        sentence = f"{_when(event)}, {attacker} {_action(event)} {place}" + \
            (f", targeting {target_name}." if target_name else ".")
    parts = [sentence]
    for name, label in FIGURES:
        if versions(event, name):
            parts.append(_figure(label, name, event))
    for name, label in DISPUTABLE:
        if len(versions(event, name)) > 1:
            parts.append(_figure(label, name, event))
    return " ".join(parts)


def _disputed(event: dict) -> bool:
    return any(len(versions(event, name)) > 1 for name, _ in (*FIGURES, *DISPUTABLE))


def tags(event: dict) -> str:
    out = []
    if any(r.get("hedged") for r in event.get("reports") or []):
        out.append("hedged")
    if _disputed(event):
        out.append("disputed")
    return "; ".join(out)


def acled_row(event: dict) -> dict[str, Any]:
    """The CSV row of one event, keyed by ACLED column name."""
    loc = event.get("location") or {}
    code = loc.get("country")
    country = _countries().get(code or "") or {}
    kind = event.get("sub_event_type")
    target = event.get("target_actor")
    if target == "unknown":
        target = None
    inter1, inter2 = inter_code(event.get("attacker") or "unknown", code), inter_code(target, code)
    day = event.get("date") or ""
    return {
        "event_id_cnty": event["id"],
        "event_date": day,
        "year": day[:4],
        "time_precision": TIME_PRECISION.get(event.get("date_precision") or "unknown", 3),
        "disorder_type": "Strategic developments" if kind == "Disrupted weapons use" else "Political violence",
        "event_type": EVENT_TYPES.get(kind or "", ""),
        "sub_event_type": kind or "",
        "actor1": actor_name(event.get("attacker"), code),
        "assoc_actor_1": "",
        "inter1": inter1 or "",
        "actor2": actor_name(target, code) if target else "",
        "assoc_actor_2": "",
        "inter2": inter2 or "",
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if target == "civilians" else "",
        "iso": country.get("iso", ""),
        "region": country.get("region", ""),
        "country": country_name(code),
        "admin1": loc.get("admin1") or "",
        "admin2": admin2(loc.get("id")),
        "admin3": "",
        "location": loc.get("name") or "",
        "latitude": "" if loc.get("lat") is None else loc["lat"],
        "longitude": "" if loc.get("lon") is None else loc["lon"],
        "geo_precision": GEO_PRECISION.get(loc.get("precision") or "unknown", 3) if loc else "",
        "source": "; ".join(outlets(event)),
        "source_scale": source_scale(outlets(event)),
        "notes": notes(event),
        "fatalities": fatalities(event),
        "tags": tags(event),
        "timestamp": "",  # ACLED's time of its last change to the row: marsad keeps none per event
    }


def write_acled_csv(events: Iterable[dict], out: IO[str]) -> int:
    """Write a header and one row per event; returns the number of rows."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for event in events:
        writer.writerow(acled_row(event))
        n += 1
    return n
