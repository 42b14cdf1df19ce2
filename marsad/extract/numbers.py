"""Counts in Arabic and English news text, attached to the nouns they count.

A report's numbers are its launched/impacted/killed figures, but news text is
full of numbers that count nothing (years, clock times, dates, calibres,
percentages, "منطقة الـ 55"), and Arabic writes many counts with no numeral at
all (جنديين is two soldiers, إحدى القذائف is one shell). This module finds the
counts, says what each one counts, and drops the rest.

It works on the normalised view (folded letters, ASCII digits) token by token;
every number word, noun and context word comes from the YAML lexicons
``number_words``, ``countable_nouns`` and ``number_contexts``.

What is returned: counts with kind exact | approx | vague | range | dual, and
measures (5 كم, ثلاث ساعات, يومين) with kind ``other`` and the noun's category
(distance, duration, money): callers that want counts of things keep
``is_count`` mentions. Years, clock times, dates, calibres, percentages,
ordinals, model designators (F-16) and "الـ N" names are never returned;
calibres have their own finder, :func:`parse_calibre`.

Bounds: ``low``/``high`` are inclusive bounds on the true figure when the text
gives one: "أكثر من 10" gives low 11, "ما لا يقل عن 10" low 10, "أقل من 10"
high 9, "ما يصل إلى 10" high 10, "نحو 10" neither. A range "بين 3 و5" gives
low 3, high 5 and value 3 (ACLED codes the lowest figure of a range).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from marsad.clean.normalize import NormalizedText, fold, fold_char, normalize
from marsad.lexicon.load import Entry, load_lexicon
from marsad.lexicon.match import PROCLITICS

LEXICONS = ("number_words", "countable_nouns", "number_contexts")
NOUN = "noun"  # index kind of countable nouns; number_words/contexts use attrs.kind
GAP_WORDS = 2  # English words allowed between a number and its noun ("three minor injuries")
CUE_REACH = 3  # tokens allowed between "عددها" and its number ("عددها بلغ نحو 5")

# Digit runs, longest reading first: d/m/y and h:m are not counts ("x"); 1,200 is.
_TOKEN = re.compile(
    r"(?P<x>[0-9]+(?:[-./:][0-9]+){2,}|[0-9]+[:/][0-9]+)"
    r"|(?P<d>[0-9]{1,3}(?:[,\u066c][0-9]{3})+(?![0-9])|[0-9]+\.[0-9]+|[0-9]+)"
    r"|(?P<w>[^\W\d_]+)|(?P<p>\S)")
_THOUSANDS = re.compile(r"[,\u066c]")
# Characters the view turns into the digits of a "d" token (normalize folds Arabic-Indic digits).
_ANY_DIGIT = re.compile("[0-9\u0660-\u0669\u06f0-\u06f9]")
_DIGITS = frozenset({"cardinal"})  # a digit token can start what a numeral word starts
# Kinds of English word that end the search for a noun ("3 in attacks", "3 to 5").
_STOP_GAP = frozenset({"barrier", "cardinal", "vague", "approx", "month"})
_ARTICLE = "ال"
# Lam + article merge into لل (للجنود = ل + الجنود); match.PROCLITICS has no such entry.
_LAM_ARTICLE = {"لل": 1, "ولل": 2, "فلل": 2}


def _prefixes() -> tuple[tuple[str, int, bool], ...]:
    """(letters, proclitic length, has article), shortest first, for stripping a word."""
    out = [(p, len(p) - 2 if p.endswith(_ARTICLE) else len(p), p.endswith(_ARTICLE))
           for p in PROCLITICS]
    out += [(p, n, True) for p, n in _LAM_ARTICLE.items()]
    return tuple(sorted(out, key=lambda x: len(x[0])))


_PREFIXES = _prefixes()
_GLUED_CLITICS = frozenset(p for p, n, art in _PREFIXES if p and not art)  # و5، ب3
_GLUED_ARTICLES = frozenset(p for p, n, art in _PREFIXES if art)  # الـ14، والـ14


@dataclass(frozen=True)
class NumberMention:
    """A number (or a number-bearing noun) with the noun it counts, offsets in the text given."""

    start: int
    end: int
    text: str  # number and noun together: "ثمانية صواريخ", "جنديين", "قذيفتين اثنتين"
    value: int | None  # exact count, the stated figure when approximate, None when vague
    low: int | None
    high: int | None
    kind: str  # exact | approx | vague | range | dual | other (a measure: km, hours)
    noun_id: str | None
    noun_category: str | None
    noun_start: int | None
    noun_end: int | None
    number_start: int  # the number words/digits alone; for a lone dual noun, that noun
    number_end: int
    rule: str

    @property
    def is_count(self) -> bool:
        """False for measures (distances, durations, money), which count no things."""
        return self.kind != "other"


@dataclass(frozen=True)
class CalibreMention:
    """A calibre in millimetres ("عيار 107 ملم", "122mm"); ``label`` is "107mm"."""

    start: int
    end: int
    text: str
    label: str
    mm: float


class _Tokens(NamedTuple):
    """Tokens of a view as parallel lists: a document has thousands, and one object per
    token costs more than the whole scan."""

    starts: list[int]
    ends: list[int]
    texts: list[str]
    kinds: list[str]  # w word | d number | x date or clock digits | p punctuation


@dataclass(frozen=True)
class _Form:
    """One surface form in the index, keyed by its first word."""

    rest: tuple[str, ...]  # the form's words after the first
    kind: str
    entry: Entry
    number: str  # nouns: singular | plural | dual


class _Hit(NamedTuple):
    form: _Form
    i: int  # first token
    j: int  # one past the last token
    start: int  # view offset, after any proclitic
    end: int
    clitic: str
    article: bool

    @property
    def attrs(self) -> dict[str, Any]:
        return self.form.entry.attrs


class _Num(NamedTuple):
    """A parsed number phrase: tokens [i, j), view offsets [start, end)."""

    i: int
    j: int
    start: int
    end: int
    value: int
    words: bool
    article: bool
    needs_noun: bool = False
    construct: bool = False
    clitic: str = ""


class _Part(NamedTuple):
    value: int
    role: str  # unit | teen | ten | hundred | scale | digits
    j: int
    start: int
    end: int
    clitic: str
    article: bool
    latin: bool
    plural: bool = False
    needs_noun: bool = False
    construct: bool = False


class _Found(NamedTuple):
    start: int
    end: int
    value: int | None
    low: int | None
    high: int | None
    kind: str
    noun: _Hit | None
    num_start: int
    num_end: int
    rule: str


def _tokenize(view: str) -> _Tokens:
    found = list(_TOKEN.finditer(view))
    return _Tokens([m.start() for m in found], [m.end() for m in found],
                   [m.group() for m in found], [m.lastgroup or "p" for m in found])


def _arabic(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[_Form, ...]]:
    """Every form of the three lexicons, by folded first word, longest form first."""
    index: dict[str, list[_Form]] = {}
    for name in LEXICONS:
        for entry in load_lexicon(name).entries:
            kind = NOUN if name == "countable_nouns" else str(entry.attrs.get("kind"))
            plural = {fold(f) for f in entry.attrs.get("plural", [])} if kind == NOUN else set()
            dual = {fold(f) for f in entry.attrs.get("dual", [])} if kind == NOUN else set()
            for form in entry.forms:
                folded = fold(form)
                words = tuple(_tokenize(folded).texts)
                if not words:
                    continue
                number = "dual" if folded in dual else "plural" if folded in plural else "singular"
                index.setdefault(words[0], []).append(_Form(words[1:], kind, entry, number))
    return {k: tuple(sorted(v, key=lambda f: -len(f.rest))) for k, v in index.items()}


@lru_cache(maxsize=65536)
def _readings(word: str) -> tuple[tuple[int, bool, str], ...]:
    """(proclitic length, article, indexed base) for each way to read ``word``, plain first."""
    index = _index()
    if not _arabic(word):
        return ((0, False, word),) if word in index else ()
    return tuple((n, art, word[len(p):]) for p, n, art in _PREFIXES
                 if word.startswith(p) and (not p or len(word) - len(p) >= 2)
                 and word[len(p):] in index)


@lru_cache(maxsize=65536)
def _kinds(word: str) -> frozenset[str]:
    """Kinds of every form whose first word ``word`` can be read as (a cheap pre-check)."""
    index = _index()
    return frozenset(f.kind for _, _, base in _readings(word) for f in index[base])


class _Scan:
    """One pass over the tokens of a view; methods return view offsets."""

    def __init__(self, toks: _Tokens):
        self.start, self.end, self.text, self.kind = toks
        self.n = len(self.text)
        self.index = _index()
        self.floor = 0  # tokens before this belong to a mention already made

    # --- lookups -------------------------------------------------------------------------
    def match(self, i: int, kinds: frozenset[str] | set[str], attr: str = "") -> _Hit | None:
        """The longest form of one of ``kinds`` (with ``attrs[attr]`` set) starting at token ``i``."""
        if i >= self.n:
            return None
        text, kind = self.text[i], self.kind[i]
        if kind == "w":
            if kinds.isdisjoint(_kinds(text)):
                return None
            readings = _readings(text)
        elif kind == "p" and text in self.index:
            readings = ((0, False, text),)
        else:
            return None
        for clen, article, base in readings:
            for form in self.index[base]:
                if form.kind in kinds and (not attr or form.entry.attrs.get(attr)) \
                        and (not form.rest or self._rest_ok(i + 1, form.rest, article)):
                    j = i + 1 + len(form.rest)
                    return _Hit(form, i, j, self.start[i] + clen, self.end[j - 1], text[:clen],
                                article)
        return None

    def _rest_ok(self, k: int, rest: tuple[str, ...], article: bool) -> bool:
        if k + len(rest) > self.n:
            return False
        for off, word in enumerate(rest):
            text = self.text[k + off]
            if text != word and not (article and text == _ARTICLE + word):
                return False
        return True

    def ending_at(self, k: int, kinds: set[str], reach: int = 4) -> _Hit | None:
        """A form of ``kinds`` whose last token is ``k - 1``."""
        for s in range(k - 1, max(k - 1 - reach, -1), -1):
            hit = self.match(s, kinds)
            if hit and hit.j == k:
                return hit
        return None

    def glued(self, a: int, b: int) -> bool:
        return 0 <= a and b < self.n and self.end[a] == self.start[b]

    # --- number phrases ------------------------------------------------------------------
    def part(self, j: int) -> _Part | None:
        """One numeral at token j; a unit followed by عشر/عشرة is read as one teen."""
        if j >= self.n:
            return None
        text, start, end = self.text[j], self.start[j], self.end[j]
        if self.kind[j] == "d":
            if "." in text:
                return _Part(0, "decimal", j + 1, start, end, "", False, False)
            return _Part(int(_THOUSANDS.sub("", text)), "digits", j + 1, start, end,
                         "", False, False)
        hit = self.match(j, {"cardinal"})
        if hit is None:
            return None
        a = hit.attrs
        value, role = int(a["value"]), str(a["role"])
        latin = not _arabic(text)
        if role == "unit":
            ten = self.match(hit.j, {"cardinal"})
            if ten and ten.attrs["value"] == 10 and not ten.clitic and not ten.article and not latin:
                return _Part(value + 10, "teen", ten.j, hit.start, ten.end, hit.clitic, hit.article,
                             latin)
            if a.get("teen_only"):  # اثنا/اثني without عشر is no numeral
                return None
        return _Part(value, role, hit.j, hit.start, hit.end, hit.clitic, hit.article, latin,
                     bool(a.get("plural")), bool(a.get("needs_noun")), bool(a.get("construct")))

    def number(self, i: int) -> _Num | None:
        """The number phrase starting at token i: digits (with a scale word) or numerals."""
        if i + 1 < self.n and self.text[i] == _ARTICLE and self.kind[i + 1] == "d":
            return self.number(i + 1)  # قرابة الـ 50: _digits takes the article back
        first = self.part(i)
        if first is None or first.plural or first.role == "decimal" and not self._scale_next(i + 1):
            return None
        if first.construct:
            return _Num(i, first.j, first.start, first.end, 1, True, first.article,
                        construct=True)
        if first.role in ("digits", "decimal"):
            return self._digits(i, first)
        total, group, last = 0, first.value, first
        if first.role == "scale":
            total, group = first.value, 0
        end, j = first.end, first.j
        while True:
            step = self._continue(j, last, group, total)
            if step is None:
                break
            last, total, group = step
            end, j = last.end, last.j
        single = j == first.j
        return _Num(i, j, first.start, end, total + group, True, first.article,
                    needs_noun=single and first.needs_noun, clitic=first.clitic)

    def _scale_next(self, j: int) -> bool:
        nxt = self.part(j)
        return bool(nxt and nxt.role == "scale" and not nxt.clitic and not nxt.article)

    def _digits(self, i: int, first: _Part) -> _Num:
        """Digits, times a following scale word: "3 آلاف", "1.5 مليون", "10 thousand".

        Digits after the article (الجنود الـ14, منطقة الـ 55; the view drops the tatweel)
        are definite: the article token becomes part of the number, which then needs a noun.
        """
        end, j, value = first.end, first.j, first.value
        nxt = self.part(first.j)
        if nxt and nxt.role == "scale" and not nxt.clitic and not nxt.article:
            raw = float(self.text[i]) if first.role == "decimal" else first.value
            end, j, value = nxt.end, nxt.j, int(round(raw * nxt.value))
        prev = self.text[i - 1] if i > 0 and self.kind[i - 1] == "w" else ""
        if prev == _ARTICLE or prev in _GLUED_ARTICLES and self.glued(i - 1, i):
            lead = self.start[i - 1] + (len(prev) - len(_ARTICLE) if prev.endswith(_ARTICLE) else 0)
            return _Num(i - 1, j, lead, end, value, False, True)
        return _Num(i, j, first.start, end, value, False, False)

    def _continue(self, j: int, last: _Part, group: int,
                  total: int) -> tuple[_Part, int, int] | None:
        """The next numeral of a compound and the new (total, group), or None to stop."""
        connector = ""
        if j < self.n and self.text[j] in ("and", "-"):
            if self.text[j] == "-" and not (self.glued(j - 1, j) and self.glued(j, j + 1)):
                return None
            connector, j = self.text[j], j + 1
        nxt = self.part(j)
        if nxt is None or nxt.role in ("digits", "decimal") or nxt.article or nxt.construct:
            return None
        if nxt.clitic:
            if nxt.clitic != "و" or connector:
                return None
            connector = "و"
        v, r = nxt.value, nxt.role
        if r == "scale":
            # ثلاثة آلاف، مئة ألف، خمسة وعشرون ألفاً
            if connector or group == 0 or last.role == "scale":
                return None
            return nxt, total + group * v, 0
        if not connector:
            if r == "hundred" and v == 100 and last.role == "unit":  # ثلاث مئة، two hundred
                return nxt, total, group * 100
            if nxt.latin and last.role == "ten" and last.value >= 20 and r == "unit":
                return nxt, total, group + v  # twenty one
            if nxt.latin and last.role in ("hundred", "scale") and v < 100:
                return nxt, total, group + v  # two hundred fifty
            return None
        if connector == "-":
            return (nxt, total, group + v) if last.role == "ten" and r == "unit" else None
        if r == "ten" and v >= 20 and last.role == "unit" and group % 100 < 10:
            return nxt, total, group + v  # خمسة وعشرون، مئة وخمسة وعشرون
        if last.role == "hundred" and v < 100 or last.role == "scale" and v < last.value:
            return nxt, total, group + v  # مئة وخمسة، ألف ومئتان، one hundred and five
        return None

    # --- what surrounds a number -----------------------------------------------------------
    def not_a_count(self, num: _Num, check_before: bool) -> bool:
        """A date, clock time, percentage, calibre, ordinal or model number."""
        j = num.j
        if self.match(j, {"month", "time_after", "era", "percent", "calibre_unit"}):
            return True
        part = self.match(j, {"partitive"})
        if part and self.match(part.j, {"month"}):
            return True  # 18 من أيلول
        if self.glued(j - 1, j) and self.match(j, {"ordinal_suffix"}):
            return True  # 14th
        if not check_before or num.i == 0:
            return False
        i = num.i
        if self.ending_at(i, {"time_before", "calibre_marker", "month"}, reach=2):
            return True
        prev = self.text[i - 1]
        if num.words or not self.glued(i - 1, i):
            return False
        if self.kind[i - 1] == "w":  # a letter glued to digits: clitic, article, or a name (M16)
            return prev not in _GLUED_CLITICS and prev not in _GLUED_ARTICLES
        # F-16, MQ-9: digits hyphenated to a word
        return prev == "-" and self.glued(i - 2, i - 1) and self.kind[i - 2] == "w"

    def noun_after(self, j: int) -> _Hit | None:
        """The countable noun a number at tokens before ``j`` counts, if it follows."""
        gap, k = 0, j
        while k < self.n:
            hit = self.match(k, {NOUN, "partitive", "partitive_pronoun"})
            if hit and hit.form.kind == NOUN:
                # مقتل 3 وإصابة 5: a noun glued to و/ب starts a new phrase
                return None if hit.clitic else hit
            if hit and hit.form.kind == "partitive":
                k = hit.j
                continue
            text = self.text[k]
            if text == "-" and self.glued(k - 1, k) and self.glued(k, k + 1) and k > j:
                k += 2  # "Iranian-backed": one gap word
                continue
            if text == "." and k > j and self.glued(k - 1, k):
                k += 1  # the dots of an abbreviation: "two U.S. service members"
                continue
            if self.kind[k] != "w" or _arabic(text) or hit:
                return None
            if not _STOP_GAP.isdisjoint(_kinds(text)):
                return None
            gap += 1
            if gap > GAP_WORDS:
                return None
            k += 1
        return None

    def noun_before(self, num: _Num) -> tuple[_Hit, str] | None:
        """A noun before the number: adjectival (الصواريخ الثلاثة) or via عددها."""
        i = num.i
        subset = self.match(num.j, {"partitive_pronoun"})
        if (num.words or num.article) and not subset:
            noun = self.ending_at(i, {NOUN})
            if noun is None and num.article and i > 0 and self.text[i - 1].startswith(_ARTICLE):
                noun = self.ending_at(i - 1, {NOUN})  # one definite adjective between
            if noun and noun.i >= self.floor and self._adjectival(noun, num):
                return noun, "noun<number"
        for c in range(i - 1, max(i - 2 - CUE_REACH, -1), -1):
            if self.kind[c] != "w":
                return None
            cue = self.match(c, {"count_cue"})
            if cue is None:
                continue
            if cue.attrs.get("construct"):
                noun = self.match(cue.j, {NOUN})  # عدد القتلى ... 5
            else:
                noun = self.ending_at(c, {NOUN}) or self.ending_at(c - 1, {NOUN})  # القذائف (بلغ) عددها
            return (noun, "noun-count-cue") if noun and noun.i >= self.floor else None
        return None

    @staticmethod
    def _adjectival(noun: _Hit, num: _Num) -> bool:
        if noun.attrs.get("measure") or noun.form.number == "dual":
            return False  # اليوم الاثنين is "today, Monday"; a dual takes its own emphasis
        if num.article:
            # الاثنين after a definite noun is nearly always Monday (نفذ الهجوم الاثنين)
            return noun.article and num.value != 2
        return True


def _bounds(bound: str, value: int) -> tuple[int | None, int | None]:
    return {"above": (value + 1, None), "at_least": (value, None), "below": (None, value - 1),
            "at_most": (None, value)}.get(bound, (None, None))


class _Finder(_Scan):
    """The rules, tried in order at each token; each returns (mention or None, next token)."""

    def run(self) -> list[_Found]:
        found: list[_Found] = []
        i = 0
        # Each rule with the kinds of word that can start it, so most words try none.
        rules = ((self.ordinal, {"ordinal"}), (self.approx, {"approx"}),
                 (self.range_open, {"range_open"}), (self.one_of, {"cardinal"}),
                 (self.plain, {"cardinal"}), (self.vague, {"vague", "cardinal"}),
                 (self.dual, {NOUN}))
        any_start = frozenset().union(*(starts for _, starts in rules))
        while i < self.n:
            kind = self.kind[i]
            kinds = _DIGITS if kind == "d" else _kinds(self.text[i]) if kind == "w" else None
            if not kinds or any_start.isdisjoint(kinds):
                i += 1
                continue
            for rule, starts in rules:
                if starts.isdisjoint(kinds):
                    continue
                result = rule(i)
                if result is not None:
                    mention, i = result
                    if mention:
                        found.append(mention)
                        self.floor = i
                    break
            else:
                i += 1
        return found

    def ordinal(self, i: int) -> tuple[None, int] | None:
        """الحادي عشر، الخامس والعشرين: skip the ordinal and its tens."""
        hit = self.match(i, {"ordinal"})
        if hit is None:
            return None
        nxt = self.part(hit.j)
        if nxt and nxt.role == "ten" and (not nxt.clitic or nxt.clitic == "و"):
            return None, nxt.j
        return None, hit.j

    def approx(self, i: int) -> tuple[_Found | None, int] | None:
        hit = self.match(i, {"approx"})
        num = self.number(hit.j) if hit else None
        if hit is None or num is None or num.construct:
            return None
        if self.not_a_count(num, check_before=False):
            return None, num.j
        noun, rule = self.noun_after(num.j), "approx>noun"
        if noun is None:
            before = self.noun_before(num)
            noun, rule = before if before else (None, "approx")
        if noun is None and (num.article or num.needs_noun):
            return None, num.j
        bound = str(hit.attrs["bound"])
        low, high = _bounds(bound, num.value)
        return self._found(hit.start, num, num.value, low, high, "approx", noun,
                           f"{rule}:{bound}"), max(num.j, noun.j if noun else 0)

    def range_open(self, i: int) -> tuple[_Found | None, int] | None:
        """بين 3 و5، من 3 إلى 5، between three and five."""
        hit = self.match(i, {"range_open"})
        a = self.number(hit.j) if hit else None
        if hit is None or a is None or a.construct:
            return None
        closer = self.match(a.j, {"range_join", "range_to"})
        if closer:
            b = self.number(closer.j)
        else:
            b = self.number(a.j)  # "و5" glued: the و is the number's proclitic
            if b and self.text[a.j][:1] != "و":
                b = None
        if b is None or b.value <= a.value or self.not_a_count(b, check_before=False):
            return None
        return self._range(hit.start, a, b, "range:between")

    def plain(self, i: int) -> tuple[_Found | None, int] | None:
        num = self.number(i)
        if num is None or num.construct:
            return None
        if self.not_a_count(num, check_before=True):
            return None, num.j
        closer = self.match(num.j, {"range_to"})
        if closer:
            b = self.number(closer.j)
            if b and b.value > num.value and not self.not_a_count(b, check_before=False):
                return self._range(num.start, num, b, "range:to")
        noun, rule = self.noun_after(num.j), "number>noun"
        if noun is None:
            before = self.noun_before(num)
            noun, rule = before if before else (None, "bare")
        if noun is None:
            # الاثنين (Monday), لم يصب أحد, "no one", and years are not counts on their own;
            # nor is a numeral behind a preposition with no noun (لست is "I am not").
            year = not num.words and 1900 <= num.value <= 2100 and len(self.text[i]) == 4
            if num.article or num.needs_noun or year or num.clitic.strip("وف"):
                return None, num.j
        return self._found(num.start, num, num.value, None, None, "exact", noun, rule), \
            max(num.j, noun.j if noun else 0)

    def vague(self, i: int) -> tuple[_Found | None, int] | None:
        """عشرات الصواريخ، عدد من الجنود، آلاف المدنيين، several rockets."""
        hit = self.match(i, {"vague"})
        if hit is None:
            part = self.part(i)
            if not (part and part.plural):
                return None
            hit = self.match(i, {"cardinal"})
            assert hit is not None
        noun, rule = self.noun_after(hit.j), "vague>noun"
        if noun is None and hit.attrs.get("follows_noun"):
            noun, rule = self.ending_at(i, {NOUN}), "noun<vague"
            if noun and noun.i < self.floor:
                noun = None
        start, end = (min(hit.start, noun.start), max(hit.end, noun.end)) if noun else \
            (hit.start, hit.end)
        kind = "other" if noun and noun.attrs.get("measure") else "vague"
        return _Found(start, end, None, None, None, kind, noun, hit.start, hit.end,
                      rule if noun else "vague"), max(hit.j, noun.j if noun else 0)

    def one_of(self, i: int) -> tuple[_Found | None, int] | None:
        """إحدى القذائف، أحد الصواريخ، أحد عناصر قسد: one of a definite plural, or of a plural made definite
        by the name after it.

        Folding makes وأحد and واحد one word, so a definite word or a plural after it decides:
        وأحد المسؤولين is "and one of the officials" (no count), not "one".
        """
        hit = self.match(i, {"cardinal"}, attr="construct")
        if hit is None or hit.article or hit.j >= self.n:
            return None
        definite = self.text[hit.j].startswith(_ARTICLE)
        noun = self.match(hit.j, {NOUN})
        if not definite and (noun is None or noun.form.number != "plural"):
            return None
        if noun is None or noun.clitic:
            return None, hit.j
        return _Found(hit.start, noun.end, 1, None, None, "exact", noun, hit.start, hit.end,
                      "one-of"), noun.j

    def dual(self, i: int) -> tuple[_Found | None, int] | None:
        """جنديين = two soldiers; قذيفتين اثنتين is one mention of two."""
        noun = self.match(i, {NOUN})
        if noun is None or noun.form.number != "dual":
            return None
        kind = "other" if noun.attrs.get("measure") else "dual"
        two = self.part(noun.j)
        # أصيب جنديين الاثنين is "two soldiers were hurt on Monday": emphasis agrees in article
        if two and two.value == 2 and two.role == "unit" and not two.clitic \
                and two.article == noun.article:
            return _Found(noun.start, two.end, 2, None, None, "exact" if kind == "dual" else kind,
                          noun, two.start, two.end, "dual+emphasis"), two.j
        return _Found(noun.start, noun.end, 2, None, None, kind, noun, noun.start, noun.end,
                      "dual"), noun.j

    def _range(self, start: int, a: _Num, b: _Num, rule: str) -> tuple[_Found | None, int]:
        noun = self.noun_after(b.j)
        if noun is None and not a.words and 1900 <= a.value <= 2100:
            return None, b.j  # بين 2020 و2022: years
        return self._found(start, _Num(a.i, b.j, a.start, b.end, a.value, a.words, a.article),
                           a.value, a.value, b.value, "range", noun,
                           rule + (">noun" if noun else "")), noun.j if noun else b.j

    @staticmethod
    def _found(start: int, num: _Num, value: int | None, low: int | None, high: int | None,
               kind: str, noun: _Hit | None, rule: str) -> _Found:
        if noun and noun.attrs.get("measure"):
            kind = "other"
        lo = min(start, noun.start) if noun else start
        hi = max(num.end, noun.end) if noun else num.end
        return _Found(lo, hi, value, low, high, kind, noun, num.start, num.end, rule)


def _source(norm: NormalizedText, text: str, start: int, end: int) -> tuple[int, int]:
    """``norm.to_source``, keeping the harakat after the last letter (صاروخاً, not صاروخا)."""
    s, e = norm.to_source(start, end)
    while e < len(text) and not fold_char(text[e]):
        e += 1
    return s, e


_YEAR = re.compile(r"(?:19|20)\d\d")


def find_numbers(text: str, norm: NormalizedText | None = None) -> list[NumberMention]:
    """Counts in ``text`` with the nouns they count, offsets into ``text``.

    Pass ``norm`` when the caller already has ``normalize(text)``.
    """
    norm = norm or normalize(text)
    out = []
    for f in _Finder(_tokenize(norm.text)).run():
        s, e = _source(norm, text, f.start, f.end)
        ns, ne = _source(norm, text, f.num_start, f.num_end)
        if _YEAR.fullmatch(norm.text, f.num_start, f.num_end):
            continue  # "a 2021 bomb attack": four digits from 1900 to 2099 are a year, not a count
        noun = f.noun
        nos, noe = _source(norm, text, noun.start, noun.end) if noun else (None, None)
        out.append(NumberMention(
            s, e, text[s:e], f.value, f.low, f.high, f.kind,
            noun.form.entry.id if noun else None,
            str(noun.attrs["category"]) if noun else None, nos, noe, ns, ne, f.rule))
    return out


def has_digits(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` has a digit: without one there is no calibre, so no need to scan."""
    return _ANY_DIGIT.search(text, start, len(text) if end is None else end) is not None


def parse_calibre(text: str, norm: NormalizedText | None = None) -> list[CalibreMention]:
    """Calibres: digits before a millimetre unit (107 ملم, 122mm) or after عيار/calibre."""
    norm = norm or normalize(text)
    scan = _Scan(_tokenize(norm.text))
    out = []
    for i, kind in enumerate(scan.kind):
        if kind != "d":
            continue
        unit = scan.match(i + 1, {"calibre_unit"})
        marker = scan.ending_at(i, {"calibre_marker"}, reach=1)
        if not (unit or marker):
            continue
        figure = _THOUSANDS.sub("", scan.text[i])
        s, e = _source(norm, text, marker.start if marker else scan.start[i],
                       unit.end if unit else scan.end[i])
        out.append(CalibreMention(s, e, text[s:e], f"{figure}mm", float(figure)))
    return out
