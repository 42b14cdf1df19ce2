"""ACLED's coded columns that marsad derives from its data tables: actor types, district, source scale.

ACLED codes every actor with a type (``inter``) and a pair of them as an
``interaction``; it names the district (``admin2``) and says how far the
sources reach (``source_scale``). These are facts about the actors, places and
outlets, so they live in data files with their sources (actor_names.tsv,
gazetteer/admin2.tsv, outlets.tsv); this module only applies ACLED's rules.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from marsad.clean.normalize import fold
from marsad.lexicon.load import LexiconError, load_table

EXTERNAL_FORCES = 8  # ACLED inter code of a state's forces operating outside their own country
# ACLED's source_scale words, narrowest reach first.
SCALES = ("Other", "Local", "Subnational", "National", "Regional", "International")


@lru_cache(maxsize=1)
def _actors() -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in load_table("lexicons", "actor_names.tsv")}


@lru_cache(maxsize=1)
def _districts() -> dict[str, str]:
    return {r["id"]: r["admin2"] for r in load_table("gazetteer", "admin2.tsv")}


@lru_cache(maxsize=1)
def _outlet_scales() -> dict[str, str]:
    rows = load_table("lexicons", "outlets.tsv")
    wrong = [r["id"] for r in rows if r["source_scale"] not in SCALES]
    if wrong:
        raise LexiconError(f"outlets.tsv: source_scale not one of {', '.join(SCALES)} for {wrong[:5]}")
    return {fold(r["id"]): r["source_scale"] for r in rows}


def inter_code(actor: str | None, country: str | None) -> int | None:
    """ACLED's actor type for an actor code where the event happened; None for an actor not listed.

    A state's forces are State Forces (1) at home and External/Other Forces (8) abroad,
    so US forces in Syria are 8 and Syria's own army there is 1.
    """
    row = _actors().get(actor or "")
    if row is None or not row["inter"]:
        return None
    home = row["state_of"]
    if home and country and country != home:
        return EXTERNAL_FORCES
    return int(row["inter"])


def interaction(inter1: int | None, inter2: int | None) -> str:
    """ACLED's interaction: both actor types as two digits, the lower first (18); one actor alone is 10× (80)."""
    codes = sorted(c for c in (inter1, inter2) if c is not None)
    if not codes:
        return ""
    return f"{codes[0]}{codes[1]}" if len(codes) == 2 else f"{codes[0]}0"


def admin2(place_id: str | None) -> str:
    """The district the gazetteer place lies in; empty where it is not known."""
    return _districts().get(place_id or "", "")


def source_scale(outlets: Iterable[str]) -> str:
    """The reach of an event's sources: one outlet's scale, or the narrowest and widest joined ("Local-National").

    Outlets the table does not list are left out; none listed gives an empty value.
    """
    scales = sorted({s for o in outlets if (s := _outlet_scales().get(fold(o)))}, key=SCALES.index)
    if len(scales) > 1:
        return f"{scales[0]}-{scales[-1]}"
    return scales[0] if scales else ""
