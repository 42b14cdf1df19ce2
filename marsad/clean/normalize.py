"""Matching view of a text: folded Arabic letters and digits, with a map back.

Lexicons match on this view so that أ/إ/آ/ا, ى/ي, ة/ه, ؤ/و, ئ/ي, tatweel,
harakat, Arabic-Indic digits and typographic quotes need no variants in the
data. Every character of the view remembers the index of the character of the
cleaned text it came from, so a hit in the view maps back to exact evidence.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

# One-for-one substitutions: the view keeps one character for each of these.
_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ئ": "ي", "ة": "ه", "ؤ": "و",
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "′": "'",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
    "–": "-", "—": "-", "‐": "-", "‑": "-",
    "،": ",", "؛": ";", "؟": "?", "٪": "%", "٫": ".",
}
# Latin letters with marks, as Kurdish and Turkish spellings write names ("Dêrik", "Kobanê", "Qamişlo"):
# the bare letter, so that the data's "Derik" finds them.
_FOLD.update({ch: base for base, marked in (("a", "àáâäãåÀÁÂÄÃÅ"), ("c", "çÇ"), ("e", "èéêëÈÉÊË"), ("i", "ìíîïÌÍÎÏ"),
                                            ("n", "ñÑ"), ("o", "òóôöõÒÓÔÖÕ"), ("u", "ùúûüÙÚÛÜ"), ("s", "şŞ"), ("g", "ğĞ"))
              for ch in marked})
_FOLD.update({chr(0x0660 + d): str(d) for d in range(10)})  # Arabic-Indic digits
_FOLD.update({chr(0x06F0 + d): str(d) for d in range(10)})  # Extended (Persian) digits

# Deleted from the view: harakat, superscript alef, tatweel, invisible marks.
_DROP = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670", "\u0640", "\u200b",
                                                   "\u200c", "\u200d", "\u200e",
                                                   "\u200f", "\ufeff", "\u061c"}


# A word split by tatweels around a space ("داعـ ـش", "قسـ ـد"), as some outlets write names and death words to
# slip past platform filters: the view drops the space too and gets the word back.
_SPLIT_WORD = "\u0640+[ \t]+\u0640+"

_PAIRS = tuple(_FOLD.items())
_DROPPED = re.compile(_SPLIT_WORD + "|[" + "".join(re.escape(ch) for ch in sorted(_DROP)) + "]+")
_SPLIT = re.compile(_SPLIT_WORD)
_CHANGED = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_DROP | _FOLD.keys())) + "]")


def _translate(text: str) -> str:
    """Every substitution and deletion of the view. A few dozen ``in``/``replace`` scans run at C
    speed over text that is mostly unchanged; ``str.translate`` would look each character up in a dict.
    A single regex scan first skips them all for the many short strings with nothing to change."""
    if _CHANGED.search(text) is None:
        return text
    if "\u0640" in text:
        text = _SPLIT.sub("", text)
    for old, new in _PAIRS:
        if old in text:
            text = text.replace(old, new)
    for old in _DROP:
        if old in text:
            text = text.replace(old, "")
    return text


def fold_char(ch: str) -> str:
    """The view's character for ``ch`` ('' when it is dropped)."""
    if ch in _DROP:
        return ""
    folded = _FOLD.get(ch)
    if folded is not None:
        return folded
    low = ch.lower()
    return low if len(low) == 1 else ch


def fold(text: str) -> str:
    """Normalise a string (a lexicon entry, a query) the same way as a document."""
    view = _translate(text)
    lowered = view.lower()
    return lowered if len(lowered) == len(view) else "".join(fold_char(ch) for ch in text)


@dataclass(frozen=True)
class NormalizedText:
    """The matching view plus, for each of its characters, the source index."""

    text: str
    source_index: tuple[int, ...] | range
    source_length: int

    def slice(self, start: int, end: int) -> "NormalizedText":
        """The view of ``source[start:end]``, cut from this one instead of folding again."""
        if isinstance(self.source_index, range):  # nothing was dropped: view and source align
            return NormalizedText(self.text[start:end], range(end - start), end - start)
        lo, hi = bisect_left(self.source_index, start), bisect_left(self.source_index, end)
        return NormalizedText(self.text[lo:hi], tuple(map(start.__rsub__, self.source_index[lo:hi])), end - start)

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open range of the view to the cleaned text."""
        if start >= end:
            pos = self.source_index[start] if start < len(self.source_index) else self.source_length
            return pos, pos
        return self.source_index[start], self.source_index[end - 1] + 1


@lru_cache(maxsize=16)
def normalize(text: str) -> NormalizedText:
    """Build the matching view of ``text`` (cached: every finder of a document asks for it)."""
    # Fast path: one translate call, then lower-casing when it keeps the length.
    view = _translate(text)
    lowered = view.lower()
    if len(lowered) == len(view):
        if len(view) == len(text):
            return NormalizedText(lowered, range(len(text)), len(text))
        return NormalizedText(lowered, _kept(text), len(text))
    return _normalize_slow(text)


def _kept(text: str) -> tuple[int, ...]:
    """The indices of the characters the view keeps: the runs between dropped marks, added a range at
    a time (a document has a few dozen harakat, and thousands of characters)."""
    index: list[int] = []
    kept_from = 0
    for dropped in _DROPPED.finditer(text):
        index += range(kept_from, dropped.start())
        kept_from = dropped.end()
    index += range(kept_from, len(text))
    return tuple(index)


def _normalize_slow(text: str) -> NormalizedText:
    """Character by character, for the rare text whose lower-casing changes length (İ)."""
    out: list[str] = []
    index: list[int] = []
    split = {i for m in _SPLIT.finditer(text) for i in range(m.start(), m.end())}
    for i, ch in enumerate(text):
        folded = "" if i in split else fold_char(ch)
        if folded:
            out.append(folded)
            index.append(i)
    return NormalizedText("".join(out), tuple(index), len(text))
