"""The mentions that fall inside one clause, and the sentence around it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

from marsad.clean.segment import Segment
from marsad.extract.mentions import DocMentions
from marsad.extract.numbers import NumberMention
from marsad.resolve.dates import DateMention, TimeMention
from marsad.types import Mention


class Spanned(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=Spanned)


def inside(items: list[S], start: int, end: int) -> list[S]:
    return [i for i in items if start <= i.start and i.end <= end]


@dataclass
class Clause:
    text: str  # the whole document text (offsets are absolute)
    seg: Segment
    sentence: Segment
    places: list[Mention]
    actors: list[Mention]
    weapons: list[Mention]
    triggers: list[Mention]
    cues: list[Mention]
    sources: list[Mention]
    dates: list[DateMention]
    times: list[TimeMention]
    numbers: list[NumberMention]
    sentence_cues: list[Mention]
    sentence_sources: list[Mention]

    @classmethod
    def build(cls, text: str, seg: Segment, sentence: Segment, m: DocMentions) -> "Clause":
        a, b = seg.start, seg.end
        return cls(text, seg, sentence, inside(m.places, a, b), inside(m.actors, a, b),
                   inside(m.weapons, a, b), inside(m.triggers, a, b), inside(m.cues, a, b),
                   inside(m.sources, a, b), inside(m.dates, a, b), inside(m.times, a, b),
                   inside(m.numbers, a, b), inside(m.cues, sentence.start, sentence.end),
                   inside(m.sources, sentence.start, sentence.end))

    def cue(self, cue_type: str, whole_sentence: bool = False) -> list[Mention]:
        pool = self.sentence_cues if whole_sentence else self.cues
        return [c for c in pool if c.data.get("type") == cue_type]

    def gap(self, start: int, end: int) -> str:
        """The text between two offsets (empty when they touch or overlap)."""
        return self.text[start:end] if end > start else ""
