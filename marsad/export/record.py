"""An event as the exchange format (SCHEMA.md) spells it: displayed values, claims, reports."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from marsad.export.confidence import confidence
from marsad.export.probability import probability
from marsad.merge.cluster import Cluster
from marsad.resolve.actors import source_actor
from marsad.types import Candidate

CLAIM_FIELDS = ("date", "sub_event_type", "attacker", "target_actor", "attribution",
                "launched", "impacted", "intercepted", "killed", "injured", "time")


def _loc(loc) -> dict[str, Any] | None:
    return loc.as_dict() if loc else None


def _toll(c: Candidate, kind: str) -> int:
    return sum(getattr(x, kind) or 0 for x in c.casualties)


def _casualties(ordered: list[Candidate]) -> list[dict[str, Any]]:
    """The dead from the account whose toll most accounts give (the first of them in display order), the
    wounded likewise: one outlet's "six killed" and another's "about 18 wounded" are both shown, and one
    outlet's odd figure does not outvote three that agree."""
    out: dict[str, dict[str, Any]] = {}
    for kind in ("killed", "injured"):
        counting = [c for c in ordered if any(getattr(x, kind) is not None for x in c.casualties)]
        given = Counter(_toll(c, kind) for c in counting)
        src = max(counting, key=lambda c: given[_toll(c, kind)], default=None)  # max keeps the first of a tie
        for x in src.casualties if src else []:
            if getattr(x, kind) is not None:
                out.setdefault(x.party, {"party": x.party, "killed": None, "injured": None})[kind] = getattr(x, kind)
    return list(out.values())


def _official_of_target(c: Candidate) -> bool:
    """The report quotes the attacked side's own command or spokesman (CENTCOM on a US base)."""
    return c.target_actor is not None and any(source_actor(s) == c.target_actor for s in c.said_by)


def _display_order(cluster: Cluster, meta: dict[str, dict]) -> list[Candidate]:
    """Which report's value is shown, by a stated rule (README, "Merging rules"):
    main reports before background mentions; the attacked side's official statement before
    other sources; a date the text states before one inferred; then the latest report,
    which is the one that could correct the others."""
    def key(item):
        rid, c = item
        published = (meta.get(rid) or {}).get("published")
        newest_first = -date.fromisoformat(published).toordinal() if published else 0
        return (c.role != "main", not _official_of_target(c), not c.date_explicit, newest_first, rid)
    return [c for _, c in sorted(cluster.members, key=key)]


def _counted_first(cands: list[Candidate], name: str) -> list[Candidate]:
    """Accounts that give a figure before those that only say "a drone" (one by the singular noun)."""
    def singular(c: Candidate) -> bool:
        return any(e.rule == "singular-munition-noun" for e in c.evidence if e.field == f"munitions.{name}")
    return sorted(cands, key=singular)


def _munitions(ordered: list[Candidate]) -> dict[str, int | None]:
    """Each count from the first account giving it; rounds that fell or hit, and those shot down, stand for
    those fired when no account counts those (the coding guide's rule: "30 صاروخاً أصابت القاعدة" is launched 30;
    "shot down three drones" is three launched)."""
    out = {k: _first(_counted_first(ordered, k), k) for k in ("launched", "impacted", "intercepted", "unlaunched")}
    if out["launched"] is None and (out["impacted"] is not None or out["intercepted"] is not None):
        out["launched"] = (out["impacted"] or 0) + (out["intercepted"] or 0)
    return out


def _location(ordered: list[Candidate]):
    """The place most accounts name ("Said Sadiq" twice over one outlet's "near Sulaimaniya"); on a tie the
    first in display order."""
    places = [c.location for c in ordered if c.location]
    if not places:
        return None
    counts = Counter(p.place_id for p in places)
    return max(places, key=lambda p: counts[p.place_id])  # max keeps the first of equal counts


def _first(cands: list[Candidate], name: str):
    return next((getattr(c, name) for c in cands if getattr(c, name) not in (None, [], "unknown")), None)


# How firmly an account ties the attacker to the attack: its own claim, then the hit side's or an official's word.
ATTRIBUTION_STRENGTH = ("claimed", "confirmed", "accused", "suspected")


def _attribution(ordered: list[Candidate], attacker_src: Candidate | None) -> str:
    """The firmest attribution any account gives the event's attacker: one outlet quoting the defence ministry
    of the side that was hit ("confirmed") outweighs another that just names the attacker ("accused")."""
    if attacker_src is None:
        return "unknown"
    told = [c.attribution for c in ordered if c.attacker == attacker_src.attacker
            and c.attacker_inferred == attacker_src.attacker_inferred and c.attribution in ATTRIBUTION_STRENGTH]
    return min(told, key=ATTRIBUTION_STRENGTH.index, default=attacker_src.attribution)


def event_record(event_id: str, cluster: Cluster, meta: dict[str, dict]) -> dict[str, Any]:
    """The exported event; ``meta`` maps report_id → {"outlet", "published", "accounts_in_doc"} (the last: how
    many accounts the report's document holds, which the probability weighs; 1 when not given)."""
    ordered = _display_order(cluster, meta)
    top = ordered[0]
    # A day the text states before a month it states ("في تموز" in one report, "يوم 20 تموز" in the next).
    dated = next((c for c in ordered if c.date_explicit and c.date_precision == "day"),
                 next((c for c in ordered if c.date_explicit), top))
    weapons: list[str] = []
    for c in ordered:
        weapons += [w for w in c.weapons if w not in weapons]
    # An attacker only guessed from a launch area yields to one an account states.
    attacker_src = min((c for c in ordered if c.attacker), key=lambda c: c.attacker_inferred, default=None)
    outlets = {(meta.get(rid) or {}).get("outlet") or c.doc_id for rid, c in cluster.members}
    score, basis = confidence(ordered, outlets)
    crowded = min((meta.get(rid) or {}).get("accounts_in_doc") or 1 for rid, _ in cluster.members)
    record = {
        "id": event_id,
        "sub_event_type": _first(ordered, "sub_event_type"),
        "weapons": weapons or ["unknown"],
        "date": dated.date.isoformat() if dated.date else None,
        "date_precision": dated.date_precision,
        "date_range": [d.isoformat() for d in dated.date_range] if dated.date_range else None,
        "time": _first(ordered, "time"),
        "location": _loc(_location(ordered)),
        "target_actor": _first(ordered, "target_actor") or "unknown",
        "attacker": attacker_src.attacker if attacker_src else "unknown",
        "attribution": _attribution(ordered, attacker_src),
        "launch_site": _loc(_first(ordered, "launch_site")),
        "munitions": _munitions(ordered),
        "calibre": _first(ordered, "calibre"),
        "casualties": _casualties(ordered),
        "damage": _first(ordered, "damage") or "unknown",
        "damage_text": _first(ordered, "damage_text"),
        "responds_to": None,
        "confidence": score,
        "confidence_basis": basis,
        "probability": probability(ordered, outlets, crowded),
        "claims": _claims(cluster, meta),
        "reports": [_report(rid, c, meta.get(rid) or {}) for rid, c in cluster.members],
    }
    return record


def _claims(cluster: Cluster, meta: dict[str, dict]) -> list[dict[str, Any]]:
    """Every report's own value of each field, so disagreements stay visible."""
    out = []
    for rid, c in cluster.members:
        for name in CLAIM_FIELDS:
            value = c.total(name) if name in ("killed", "injured") else getattr(c, name)
            if value in (None, "unknown"):
                continue
            out.append({"field": name, "value": value.isoformat() if hasattr(value, "isoformat") else value,
                        "report": rid, "doc_id": c.doc_id, "outlet": (meta.get(rid) or {}).get("outlet"),
                        "said_by": c.said_by, "hedged": c.hedged})
    return out


def _report(rid: str, c: Candidate, meta: dict) -> dict[str, Any]:
    return {"doc_id": c.doc_id, "report_id": rid, "role": c.role, "outlet": meta.get("outlet"),
            "published": meta.get("published"), "said_by": c.said_by, "hedged": c.hedged,
            "responds_to_anchor": c.responds_to_anchor,
            "evidence": [e.as_dict() for e in c.evidence]}
