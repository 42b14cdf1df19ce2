"""Everything the lexicons, the date/time finders and the number finder see in one document."""
from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

from marsad.clean.normalize import normalize
from marsad.extract.numbers import NumberMention, find_numbers
from marsad.lexicon.load import load_lexicon
from marsad.lexicon.match import Matcher
from marsad.resolve.dates import DateMention, TimeMention, find_dates, find_times
from marsad.resolve.gazetteer import load_gazetteer
from marsad.types import Doc, Mention

LEXICON_KINDS = ("actors", "weapons", "triggers", "cues", "sources")


@lru_cache(maxsize=1)
def matchers() -> dict[str, Matcher]:
    """One matcher per lexicon kind, built once per process."""
    built = {kind: Matcher(load_lexicon(kind), kind) for kind in LEXICON_KINDS}
    built["places"] = Matcher(load_gazetteer().lexicon, "places")
    return built


@dataclass
class DocMentions:
    places: list[Mention]
    actors: list[Mention]
    weapons: list[Mention]
    triggers: list[Mention]
    cues: list[Mention]
    sources: list[Mention]
    dates: list[DateMention]
    times: list[TimeMention]
    numbers: list[NumberMention]

    def cue(self, cue_type: str) -> list[Mention]:
        return [m for m in self.cues if m.data.get("type") == cue_type]

    def within(self, start: int, end: int) -> dict[str, list]:
        """Each kind of mention restricted to ``[start, end)``, by field name."""
        return {f.name: [i for i in getattr(self, f.name) if start <= i.start and i.end <= end]
                for f in fields(DocMentions)}


def _outside(spans: list, items: list) -> list:
    """Items that overlap none of ``spans`` (a number inside a date is not a count)."""
    return [i for i in items if not any(i.start < s.end and s.start < i.end for s in spans)]


def find_mentions(doc: Doc) -> DocMentions:
    norm = normalize(doc.text)
    found = {kind: m.find(norm, doc.text) for kind, m in matchers().items()}
    dates = find_dates(doc.text, doc.published)
    times = find_times(doc.text)
    numbers = _outside(dates + times, find_numbers(doc.text))
    # A place name inside an actor name (قوات سوريا الديمقراطية) is the actor, not the place.
    places = _outside(found["actors"] + found["sources"], found["places"])
    return DocMentions(places, found["actors"], found["weapons"], found["triggers"], found["cues"],
                       found["sources"], dates, times, numbers)
