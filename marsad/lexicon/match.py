"""Longest-match phrase matching on the normalised view, hits mapped back to the text.

Arabic glues conjunctions, prepositions and the article to the next word
(وحقل، بريف، لقاعدة، للتحالف), so a hit may start after one of those
proclitics. pyahocorasick finds every surface form in one pass; this module
adds the word-boundary and clitic rules it cannot know.
"""
from __future__ import annotations

from dataclasses import dataclass

import ahocorasick

from marsad.clean.normalize import NormalizedText, fold
from marsad.lexicon.load import Entry, Lexicon
from marsad.types import Mention

# Proclitic letter sequences that may stand between a word boundary and a hit.
PROCLITICS = frozenset({"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "ال", "وال",
                        "بال", "فال", "كال", "وبال", "فبال"})
_ARTICLE = "ال"


def is_letter(ch: str) -> bool:
    return ch.isalpha() or ch.isdigit()


@dataclass(frozen=True)
class _Key:
    entry: Entry
    form: str
    lam_article: bool  # the form lost its article after ل (ل + الحقل → للحقل)


class Matcher:
    """An Aho-Corasick automaton over one lexicon's folded surface forms."""

    def __init__(self, lexicon: Lexicon, kind: str):
        self.kind = kind
        self.lexicon = lexicon
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[_Key]] = {}
        for entry in lexicon.entries:
            for form in entry.forms:
                folded = fold(form).strip()
                if not folded:
                    continue
                keys.setdefault(folded, []).append(_Key(entry, form, False))
                if folded.startswith(_ARTICLE) and len(folded) > 3:
                    keys.setdefault("ل" + folded[2:], []).append(_Key(entry, form, True))
        for folded, ks in keys.items():
            self._automaton.add_word(folded, (folded, tuple(ks)))
        if keys:
            self._automaton.make_automaton()
        self._empty = not keys

    def find(self, norm: NormalizedText, source_text: str) -> list[Mention]:
        """Non-overlapping longest hits in ``norm``, as mentions in ``source_text``."""
        if self._empty:
            return []
        view = norm.text
        hits: list[tuple[int, int, _Key]] = []
        for end_index, (folded, keys) in self._automaton.iter(view):
            start, end = end_index - len(folded) + 1, end_index + 1
            for key in keys:
                if self._boundaries_ok(view, start, end, key):
                    hits.append((start, end, key))
                    break
        hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
        taken: list[tuple[int, int]] = []
        mentions = []
        for start, end, key in hits:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            s, e = norm.to_source(start, end)
            mentions.append(Mention(s, e, source_text[s:e], self.kind, key.entry.id,
                                    {"lexicon": f"{self.lexicon.name}@{self.lexicon.version}",
                                     **key.entry.attrs}))
        mentions.sort(key=lambda m: m.start)
        return mentions

    @staticmethod
    def _boundaries_ok(view: str, start: int, end: int, key: _Key) -> bool:
        if not key.entry.prefix and end < len(view) and is_letter(view[end]):
            return False
        word_start = start
        while word_start > 0 and is_letter(view[word_start - 1]):
            word_start -= 1
        clitics = view[word_start:start]
        if key.lam_article:
            return clitics in {"ل", "ول", "فل"}
        return clitics in PROCLITICS and not (clitics.endswith("ال") and key.form.startswith("ال"))
