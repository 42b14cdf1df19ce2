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


@dataclass(frozen=True)
class _Key:
    kind: str
    lexicon: str  # name@version, recorded on every mention
    entry: Entry
    form: str
    lam_article: bool  # the form lost its article after ل (ل + الحقل → للحقل)


# Place heads after which reports often quote the name: حقل "عودة" النفطي، قاعدة "عين الأسد".
_QUOTED_AFTER = frozenset(fold(w) for w in ("حقل", "قاعدة", "مطار", "معبر", "سد", "محطة", "منشأة", "مصفاة", "معمل",
                                            "سجن", "مخيم", "ناحية", "قرية", "بلدة", "مدينة", "جبل", "حي"))


def _quoted(words: list[str]) -> list[str]:
    """"حقل عودة النفطي" as reports also write it, with the name in quotes after its head word."""
    if len(words) < 2 or words[0] not in _QUOTED_AFTER:
        return []
    head, name, rest = words[0], words[1], words[2:]
    out = [" ".join([head, f'"{name}"', *rest])]
    if rest:
        out.append(" ".join([head, f'"{" ".join(words[1:])}"']))
    return out


# Latin spellings of تل ("hill") that outlets use interchangeably: Tal Abyad, Tell Abyad, Tel Abyad.
_TELL = ("tal", "tel", "tell")


def _variants(folded: str) -> list[str]:
    """A form and, for an indefinite Arabic noun-adjective phrase, its definite twin: a lexicon
    listing "ضربات جوية" also means "الضربات الجوية"; a place with a head word, its quoted name too; a
    Latin "Tal …" name, its "Tel …" and "Tell …" spellings."""
    words = folded.split()
    if len(words) >= 2 and words[0] in _TELL:
        return [" ".join([w, *words[1:]]) for w in _TELL]
    quoted = _quoted(words)
    if len(words) < 2 or not all(w[:1] >= "\u0600" for w in words) or any(w.startswith(_ARTICLE) for w in words):
        return [folded, *quoted]  # not an Arabic noun-adjective phrase (حقل العمر is a construct: no definite twin)
    definite = " ".join(w if w.startswith(_ARTICLE) else _ARTICLE + w for w in words)
    return [folded, *quoted] if definite == folded else [folded, definite, *quoted]


class Matcher:
    """One Aho-Corasick automaton over the folded surface forms of one or more lexicons.

    All lexicons of a document are matched in a single pass over the text;
    overlaps are resolved (longest, then leftmost) within each kind only, so a
    place inside an actor name is still seen as a place.
    """

    def __init__(self, lexicon: Lexicon | None = None, kind: str | None = None,
                 *, lexicons: dict[str, Lexicon] | None = None):
        self.kinds = dict(lexicons or {})
        if lexicon is not None:
            self.kinds[kind or lexicon.name] = lexicon
        self.kind = kind or next(iter(self.kinds), "")
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[_Key]] = {}
        for k, lex in self.kinds.items():
            label = f"{lex.name}@{lex.version}"
            for entry in lex.entries:
                for form in entry.forms:
                    folded = fold(form).strip()
                    if not folded:
                        continue
                    for variant in _variants(folded):
                        keys.setdefault(variant, []).append(_Key(k, label, entry, variant, False))
                    if folded.startswith(_ARTICLE) and len(folded) > 3:
                        keys.setdefault("ل" + folded[2:], []).append(_Key(k, label, entry, folded, True))
        for folded, ks in keys.items():
            self._automaton.add_word(folded, (len(folded), tuple(ks), any(k.entry.prefix for k in ks)))
        if keys:
            self._automaton.make_automaton()
        self._empty = not keys

    def find(self, norm: NormalizedText, source_text: str) -> list[Mention]:
        """Non-overlapping longest hits of this matcher's (first) kind."""
        return self.find_all(norm, source_text).get(self.kind, [])

    def find_all(self, norm: NormalizedText, source_text: str) -> dict[str, list[Mention]]:
        """Non-overlapping longest hits per kind, as mentions in ``source_text``."""
        found: dict[str, list[Mention]] = {k: [] for k in self.kinds}
        if self._empty:
            return found
        view = norm.text
        hits: dict[str, list[tuple[int, int, _Key]]] = {}
        clitics_at: dict[int, str] = {}  # one backward scan per start position, shared by all keys
        for end_index, (length, keys, some_stem) in self._automaton.iter(view):
            start, end = end_index - length + 1, end_index + 1
            word_goes_on = end < len(view) and view[end].isalnum()
            if word_goes_on and not some_stem:
                continue  # inside a longer word, and no key may be: most hits end here
            if start not in clitics_at:
                word_start = start
                while word_start > 0 and view[word_start - 1].isalnum():
                    word_start -= 1
                clitics_at[start] = view[word_start:start]
            clitics = clitics_at[start]
            seen_kinds = set()
            for key in keys:
                if key.kind not in seen_kinds and _boundaries_ok(clitics, word_goes_on, key):
                    seen_kinds.add(key.kind)
                    hits.setdefault(key.kind, []).append((start, end, key, key.lam_article or clitics.endswith("ل")))
        for k, kind_hits in hits.items():
            kind_hits.sort(key=lambda h: (h[0] - h[1], h[0]))
            taken = bytearray(len(view))
            for start, end, key, li in kind_hits:
                if any(taken[start:end]):
                    continue
                taken[start:end] = b"\x01" * (end - start)
                s, e = norm.to_source(start, end)
                data = {"lexicon": key.lexicon, **key.entry.attrs}
                if li:
                    data["li"] = True  # carries the preposition ل: "للقاعدة", "لقسد"
                found[k].append(Mention(s, e, source_text[s:e], k, key.entry.id, data))
            found[k].sort(key=lambda m: m.start)
        return found



def _boundaries_ok(clitics: str, word_goes_on: bool, key: _Key) -> bool:
    """A hit is a word: nothing glued after it (unless the entry is a stem) and only proclitics before it."""
    if word_goes_on and not key.entry.prefix:
        return False
    if key.lam_article:
        return clitics in {"ل", "ول", "فل"}
    return clitics in PROCLITICS and not (clitics.endswith("ال") and key.form.startswith(_ARTICLE))
