"""Paragraph, sentence and clause spans of a cleaned text.

An Arabic news sentence often carries two incidents joined by a connector
("…، عقب ذلك عمدت قوات التحالف إلى توجيه ضربات…"), so the extractor works on
clauses: a sentence cut before each clause-break cue.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from marsad.types import Mention

# A sentence ends at . ! ? ؟ or a line break; dots inside numbers (12.30) and
# abbreviations with a following lower-case Latin letter do not end it.
_SENTENCE_END = re.compile(r"[.!?؟…]+|\n+")  # candidates; _ends_sentence decides (a plain scan is fast)


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    paragraph: int  # index of the paragraph (line block) it belongs to
    sentence: int  # index of the sentence in the document


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """A line break always ends one; a stop only before white space (or the end), and after a digit
    only before white space and a non-digit, so "12.30" and "3.5 كم" stay whole."""
    if match.group()[0] == "\n":
        return True
    start, end = match.span()
    after = text[end:end + 1]
    if start > 0 and text[start - 1].isdigit():
        if "…" in match.group():
            return False
        rest = text[end:end + 12].lstrip()
        return bool(after) and after.isspace() and bool(rest) and not rest[0].isdigit()
    return not after or after.isspace()


@lru_cache(maxsize=4)
def sentences(text: str) -> tuple[Segment, ...]:
    """Sentence spans, trimmed of surrounding white space, with paragraph numbers (cached per text)."""
    out: list[Segment] = []
    paragraph = 0
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        if not _ends_sentence(text, match) or _abbreviation_before(text, match.start()):
            continue
        _append(out, text, pos, match.end() if "\n" not in match.group() else match.start(), paragraph)
        if "\n" in match.group():
            paragraph += 1
        pos = match.end()
    _append(out, text, pos, len(text), paragraph)
    return tuple(out)


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    from marsad.lexicon.load import load_lexicon

    return frozenset(f.lower() for e in load_lexicon("abbreviations").entries for f in e.forms)


_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _abbreviation_before(text: str, dot: int) -> bool:
    """A full stop after "U.S", "Dec" or "approx" belongs to the word, not to the sentence."""
    if text[dot] != ".":
        return False
    word = _WORD_BEFORE.search(text[max(0, dot - 12):dot])
    return bool(word) and word.group(1).lower() in _abbreviations()


def _append(out: list[Segment], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Segment(start, end, paragraph, len(out)))


def clauses(sentence: Segment, breaks: list[Mention]) -> list[Segment]:
    """Cut a sentence before every clause-break cue inside it (not at its very start)."""
    cuts = [m.start for m in breaks if sentence.start + 3 < m.start < sentence.end - 3]
    bounds = [sentence.start, *sorted(set(cuts)), sentence.end]
    return [Segment(a, b, sentence.paragraph, sentence.sentence) for a, b in zip(bounds, bounds[1:]) if b > a]
