"""Who holds a base: a strike on حقل العمر targets the coalition that sits there."""
from __future__ import annotations

from functools import lru_cache

from marsad.lexicon.load import load_table


@lru_cache(maxsize=1)
def _operators() -> dict[str, str]:
    return {row["id"]: row["operator"] for row in load_table("gazetteer", "site_operators.tsv")}


def site_operator(place_id: str) -> str | None:
    return _operators().get(place_id)
