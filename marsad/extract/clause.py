"""The mentions that fall inside one clause, and the sentence around it."""
from __future__ import annotations

from dataclasses import dataclass

from marsad.clean.segment import Segment
from marsad.extract.mentions import DocMentions
from marsad.types import Mention


@dataclass
class Clause(DocMentions):
    """The mentions inside one clause (inherited fields), and the sentence around it."""

    text: str  # the whole document text (offsets are absolute)
    seg: Segment
    sentence: Segment
    sentence_cues: list[Mention]
    sentence_sources: list[Mention]

    @classmethod
    def build(cls, text: str, seg: Segment, sentence: Segment, m: DocMentions) -> "Clause":
        return cls(**m.within(seg.start, seg.end), text=text, seg=seg, sentence=sentence,
                   sentence_cues=m.kind_within("cues", sentence.start, sentence.end),
                   sentence_sources=m.kind_within("sources", sentence.start, sentence.end))

    def cue(self, cue_type: str, whole_sentence: bool = False) -> list[Mention]:
        pool = self.sentence_cues if whole_sentence else self.cues
        return [c for c in pool if c.data.get("type") == cue_type]
