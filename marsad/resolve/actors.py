"""Actor codes and which codes may name the same side of one incident."""
from __future__ import annotations

from functools import lru_cache

from marsad.lexicon.load import load_lexicon


@lru_cache(maxsize=1)
def _related_pairs() -> frozenset[frozenset[str]]:
    pairs = set()
    for entry in load_lexicon("actors").entries:
        for other in entry.attrs.get("related", []):
            pairs.add(frozenset({entry.id, other}))
    return frozenset(pairs)


@lru_cache(maxsize=None)
def announces(code: str) -> bool:
    """The actor routinely announces its own strikes (state forces), per the lexicon."""
    entry = load_lexicon("actors").get(code)
    return bool(entry and entry.attrs.get("announces"))


@lru_cache(maxsize=None)
def fires_missiles(code: str) -> bool:
    """The actor's "صواريخ" are missiles (Israel's strikes on Syria), not a militia's or a battery's rockets."""
    entry = load_lexicon("actors").get(code)
    return bool(entry and entry.attrs.get("fires_missiles"))


def usual_attack(code: str) -> str | None:
    """The sub-event type an actor's attacks take when the text names no weapon, per the lexicon."""
    entry = load_lexicon("actors").get(code)
    return entry.attrs.get("usual_attack") if entry else None


@lru_cache(maxsize=None)
def source_actor(source_id: str) -> str | None:
    """The party a source speaks for (CENTCOM → us_coalition), per the sources lexicon."""
    entry = load_lexicon("sources").get(source_id)
    return entry.attrs.get("actor") if entry else None


def related(a: str, b: str) -> bool:
    """Same code, or codes the lexicon says one report may use for the other (IRGC / its militias)."""
    return a == b or frozenset({a, b}) in _related_pairs()
