"""Find date and time expressions (Arabic first, English too) and resolve them.

Spans are found by regexes built from ``data/lexicons/dates.yaml`` on the
normalised view, so "١٨ أيلول" and "18 ايلول" are one pattern and no spelling
variant needs its own rule. dateparser's ``search_dates`` is not used: it
misses Levantine months (أيلول، تشرين الأول) and reads counts such as
"14 صاروخاً" as dates. Resolution is calendar arithmetic against the
publication date and never against the machine clock: without a publication
date, a relative expression keeps its span but gets ``date=None`` and
precision "unknown".
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Callable

from marsad.clean.normalize import NormalizedText, fold, normalize
from marsad.lexicon.load import load_lexicon


BEFORE_THAT = "-before-that"  # rule suffix of "بعد شهرين من هجوم": dates the attack named next


@dataclass(frozen=True)
class DateMention:
    """A date expression, its span in the original text and its resolution."""

    start: int
    end: int
    text: str
    date: date | None  # best estimate; None when it cannot be resolved
    precision: str  # day | week | month | year | unknown
    range: tuple[date, date] | None  # honest range: a week is Monday..Sunday, a month 1st..last
    rule: str  # which rule fired, e.g. "weekday+today", "day-month-levantine", "last-week"
    relative: bool  # resolved against the publication date (True) or stated absolutely
    refers_back: str | None = None  # "same_day" | "same_month" | "before_that": the caller resolves it
    day: int | None = None  # day of month for refers_back="same_month"; days back for "before_that"


@dataclass(frozen=True)
class TimeMention:
    """A clock time, its span in the original text, and the 24-hour value."""

    start: int
    end: int
    text: str
    time: str  # "HH:MM"
    rule: str


@dataclass(frozen=True)
class _Value:
    date: date | None
    precision: str
    range: tuple[date, date] | None
    rule: str
    relative: bool
    refers_back: str | None = None
    day: int | None = None


@dataclass(frozen=True)
class _Word:
    id: str
    attrs: dict[str, Any]


def _trie_regex(forms: list[str]) -> str:
    """An alternation of ``forms`` factored as a trie: Python's re tries the
    branches of "(?:الاثنين|الثلاثاء|...)" one by one at every word start, while
    "ال(?:اثنين|ثلاثاء)" fails after one character. A longer form is always tried
    before its prefix, so الثاني عشر beats الثاني."""
    trie: dict[str, Any] = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + emit(child)
                    for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(trie) + ")"


class _Vocab:
    """The word classes of dates.yaml as regex alternations and a form -> entry lookup."""

    def __init__(self) -> None:
        self._words: dict[str, dict[str, _Word]] = {}
        for entry in load_lexicon("dates").entries:
            kind = entry.attrs["kind"]
            for form in entry.forms:
                self._words.setdefault(kind, {})[" ".join(fold(form).split())] = _Word(entry.id, entry.attrs)
        self.general_head = re.compile(rf"(?<!\w){self.alt('general_head')}\s+\Z")
        # اليوم followed by التالي، الأول، نفسه ... names another day, not today
        self.not_today = re.compile(
            rf"\s+(?:{self.alt('not_today')}|{self.alt('ordinal')}|{self.alt('same_post')})(?!\w)")

    def alt(self, kind: str, script: str | None = None, **want: Any) -> str:
        """Regex for the forms of ``kind`` matching attrs ``want`` (script "ar"/"en")."""
        return _trie_regex([f for f, w in self._words[kind].items()
                            if all(w.attrs.get(k) == v for k, v in want.items())
                            and (script is None or f.isascii() == (script == "en"))])

    def get(self, kind: str, matched: str) -> _Word:
        return self._words[kind][" ".join(matched.split())]

    def first_words(self, kind: str) -> set[str]:
        return {form.split()[0] for form in self._words[kind]}


# Calendar arithmetic -------------------------------------------------------

def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _week_range(day: date) -> tuple[date, date]:
    monday = day - timedelta(day.isoweekday() - 1)
    return monday, monday + timedelta(6)


def _weekday_near(ref: date, iso: int, direction: str | None) -> date:
    """The ``iso`` weekday relative to ``ref``: on or before (None), strictly before
    ("past": الجمعة الماضي), strictly after ("next") or in ref's week ("current")."""
    if direction == "next":
        return ref + timedelta((iso - ref.isoweekday()) % 7 or 7)
    if direction == "current":
        return _week_range(ref)[0] + timedelta(iso - 1)
    back = (ref.isoweekday() - iso) % 7
    return ref - timedelta(back or (7 if direction == "past" else 0))


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_year(month: int, day: int, pub: date, direction: str | None) -> date | None:
    """The year of a day-month without one: the most recent such day on or before
    publication ("25 من آب" and "25 من آب الماضي"), this year for الجاري, the next
    such day for المقبل. A few years are tried so 29 شباط finds a leap year."""
    if direction == "current":
        return _valid(pub.year, month, day)
    step = 1 if direction == "next" else -1
    for year in range(pub.year, pub.year + 9 * step, step):
        found = _valid(year, month, day)
        if found and (found > pub if direction == "next" else found <= pub):
            return found
    return None


def _month_year(month: int, pub: date, direction: str | None) -> int:
    """The year of a month name without one. "آب الماضي" is the last August
    before the publication month; a bare "في آب" may be the current month."""
    if direction == "current":
        return pub.year
    if direction == "past":
        return pub.year if month < pub.month else pub.year - 1
    if direction == "next":
        return pub.year if month > pub.month else pub.year + 1
    return pub.year if month <= pub.month else pub.year - 1


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def _day_value(day: date, rule: str, relative: bool, span: tuple[date, date] | None = None) -> _Value:
    return _Value(day, "day", span or (day, day), rule, relative)


def _unresolved(rule: str) -> _Value:
    return _Value(None, "unknown", None, rule, True)


_DIRECTION_NAME = {"past": "last", "current": "this", "next": "next"}


# Grammar ---------------------------------------------------------------------

# A proclitic و/ف may precede any word; ب/ل/ك only the article (بالأمس, وفي).
_PRE = r"(?<!\w)[وف]?(?:[بلك](?=ال))?"
_YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)(?:\s*م(?!\w))?"  # 2022م: Gregorian-era suffix
# Grammar words of the patterns below (not vocabulary): من "of", الموافق
# "corresponding to", يوم "day (of)", شهر "month (of)", prepositions before
# a bare month or year, قبل/منذ "ago", نحو/حوالي "about".
_PREP_WORDS = ("في", "خلال", "منذ", "حتى", "in", "since", "during", "until")
_PREP = "(?:" + "|".join(_PREP_WORDS) + ")"
_PREP_STARTS = tuple("=" + word for word in _PREP_WORDS)


@dataclass(frozen=True)
class _Clock:
    time: str
    rule: str


@dataclass(frozen=True)
class _Rule:
    """A pattern, what resolves its matches, and what its first word may be:
    word classes of the lexicon, literal words ("=يوم") or "#digit"."""

    starts: tuple[str, ...]
    pattern: re.Pattern[str]
    handler: Callable[[re.Match[str], _Vocab, str, date | None], _Value | _Clock | None]


@dataclass(frozen=True)
class _RuleSet:
    """Rules indexed by first word, so each is tried only at the words that can
    start it: Python's re costs about half a microsecond per attempt, far too
    much to try every rule at every word of a 4 KB article."""

    rules: tuple[_Rule, ...]
    by_word: dict[str, tuple[int, ...]]
    on_digit: tuple[int, ...]
    starter: re.Pattern[str]  # finds the words (or numbers) some rule may start with

    @classmethod
    def build(cls, v: _Vocab, rules: tuple[_Rule, ...]) -> _RuleSet:
        by_word: dict[str, list[int]] = {}
        on_digit = []
        for rank, rule in enumerate(rules):
            for start in rule.starts:
                if start == "#digit":
                    on_digit.append(rank)
                    continue
                for word in ({fold(start[1:])} if start.startswith("=") else v.first_words(start)):
                    by_word.setdefault(word, []).append(rank)
        starter = re.compile(rf"{_PRE}(?P<w>{_trie_regex(list(by_word))}(?!\w)|\d)")
        return cls(rules, {w: tuple(sorted(set(r))) for w, r in by_word.items()}, tuple(on_digit), starter)


@dataclass(frozen=True)
class _Grammar:
    vocab: _Vocab
    dates: _RuleSet
    times: _RuleSet
    anniversary: re.Pattern[str]


def _year_tail(v: _Vocab) -> str:
    """What may follow a month: a year (", 2022", "/ 2022", "من العام 2022", "عام 2022م"),
    a year named relatively ("من العام الماضي", "هذا العام"), or a qualifier
    ("أيلول الماضي", "كانون الثاني/ يناير الجاري")."""
    q_post, q_pre, year_word = v.alt("qualifier", pre=False), v.alt("qualifier", pre=True), v.alt("year_word")
    return (rf"(?:\s*[,/]?\s*(?:من\s+)?(?:{year_word}\s+)?{_YEAR}"
            rf"|\s+(?:من\s+)?(?:{year_word}\s+(?P<yq>{q_post})|(?P<yq2>{q_pre})\s+{year_word})"
            rf"|\s+(?P<q>{q_post}))?")


def _months(v: _Vocab) -> str:
    # "7 نيسان/أبريل", "كانون الثاني/ يناير", "يناير (كانون الثاني)": both names, one month
    month = v.alt("month")
    return rf"(?P<m1>{month})(?:\s*[/(\-]\s*(?P<m2>{month})\s*\)?)?"


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    v = _Vocab()
    wd, ordinal, months, tail = v.alt("weekday"), v.alt("ordinal"), _months(v), _year_tail(v)
    pod_ar, pod_en = v.alt("part_of_day", script="ar"), v.alt("part_of_day", script="en")
    period_adv, part = v.alt("day_period"), v.alt("period_part")
    q_post, q_pre = v.alt("qualifier", pre=False), v.alt("qualifier", pre=True)
    relday, unit = v.alt("relday"), v.alt("unit")
    same_pre, same_post = v.alt("same_pre"), v.alt("same_post")
    day_noun, month_noun = v.alt("period", unit="day"), v.alt("period", unit="month")
    about = r"(?:نحو|حوالي|قرابه|اكثر\s+من|اقل\s+من|ما\s+يقارب)"
    dates = (
        # [مساء] [يوم] [الأحد،] [الموافق] 18 [من] أيلول[/سبتمبر] [2022 | الماضي | من العام الجاري]
        _Rule(("part_of_day", "=يوم", "weekday", "=the", "#digit", "ordinal"), re.compile(
            rf"{_PRE}(?P<s>(?:(?P<pod>{pod_ar})\s+)?(?:(?:يوم\s+)?(?P<wd>{wd})\s*,?\s*(?:الموافق\s+)?)?"
            rf"(?:يوم\s+|the\s+)?(?:(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?|(?P<o>{ordinal}))"
            rf"\s*(?:(?:من|of)\s+|/\s*)?(?:شهر\s+)?{months}{tail})(?!\w)"), _day_month),
        # Tuesday, July 7, 2021
        _Rule(("weekday", "month"), re.compile(
            rf"{_PRE}(?P<s>(?:(?P<wd>{wd}),?\s+)?(?P<m1>{v.alt('month', scheme='en')})\.?\s+"
            rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+{_YEAR})?)(?!\w)"), _day_month),
        _Rule(("#digit",), re.compile(r"(?<![\w/.\-])(?P<s>(?P<y>(?:19|20)\d\d)(?P<sep>[/.\-])(?P<mo>\d{1,2})(?P=sep)"
                         r"(?P<d>\d{1,2}))(?![\w/\-]|\.\d)"), _numeric),
        _Rule(("#digit",), re.compile(r"(?<![\w/.\-])(?P<s>(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<mo>\d{1,2})(?P=sep)"
                         r"(?P<y>(?:19|20)\d\d))(?![\w/\-]|\.\d)"), _numeric),
        # ليل الأربعاء-الخميس, ليلة الأربعاء على الخميس
        _Rule(("part_of_day",), re.compile(
            rf"{_PRE}(?P<s>(?P<pod>{v.alt('part_of_day', night=True)})\s+(?:يومي?\s+)?(?P<wd>{wd})"
            rf"\s*(?:[-/]|\s(?:على|الى|و)\s*)?\s*(?P<wd2>{wd}))(?!\w)"), _night_span),
        # overnight Sunday to Monday, after midnight Sunday-Monday, the night of Sunday into Monday
        _Rule(("=overnight", "=midnight", "=night"), re.compile(
            rf"{_PRE}(?P<s>(?:overnight|midnight|night)(?:\s+(?:of|on))?\s+(?P<wd>{wd})"
            rf"\s*(?:[-/–]|\s(?:to|into|and)\s)\s*(?P<wd2>{wd}))(?!\w)"), _night_span),
        # [مساء] [يوم] أمس [الثلاثاء] [مساءً], yesterday morning
        _Rule(("part_of_day", "=يوم", "relday"), re.compile(
            rf"{_PRE}(?P<s>(?:(?P<pod>{pod_ar})\s+)?(?:يوم\s+)?(?P<rel>{relday})(?:\s*,?\s*(?P<wd>{wd}))?"
            rf"(?:\s+(?P<pod2>{period_adv}|{pod_en}))?)(?!\w)"), _relative_day),
        # [مساء] [يوم] الجمعة [الماضي] [مساءً], last Sunday evening; not a market named for its day ("سوق الجمعة")
        _Rule(("part_of_day", "=يوم", "qualifier", "weekday"), re.compile(
            rf"(?<!سوق\s){_PRE}(?P<s>(?:(?P<pod>{pod_ar})\s+)?(?:يوم\s+)?(?:(?P<eq>{q_pre})\s+)?(?P<wd>{wd})"
            rf"(?:\s+(?P<q>{q_post}))?(?:\s+(?P<pod2>{pod_en}|{period_adv}))?)(?!\w)"), _weekday),
        # قبل ثلاثة أيام, منذ يومين, قبل شهرين; not "قبل يوم الجمعة" (before Friday) nor "منذ شهر آب"
        _Rule(("=قبل", "=منذ"), re.compile(
            rf"{_PRE}(?P<s>(?:قبل|منذ)\s+(?:{about}\s+)?(?:(?P<n>\d{{1,2}}|{v.alt('cardinal')})\s+)?"
            rf"(?P<u>{unit})(?!\s+(?:{wd}|{relday}|{v.alt('month')}|\d)))(?!\w)"), _ago),
        # "بعد نحو شهرين من هجوم…": the attack named next is that long before the one the text tells
        _Rule(("=بعد",), re.compile(
            rf"{_PRE}(?P<s>بعد\s+(?:مرور\s+)?(?:{about}\s+)?(?:(?P<n>\d{{1,2}}|{v.alt('cardinal')})\s+)?"
            rf"(?P<u>{unit})\s+(?P<after>من|علي))(?!\w)"), _ago),
        # three days ago; "two months after a rocket attack"
        _Rule(("#digit", "cardinal", "unit", "=about", "=nearly", "=almost"), re.compile(
            rf"(?<!\w)(?P<s>(?:(?:about|nearly|almost)\s+)?(?:(?P<n>\d{{1,2}}|{v.alt('cardinal')})\s+)?"
            rf"(?P<u>{unit})\s+(?:ago|(?P<after>after)))(?!\w)"), _ago),
        # [مطلع] الأسبوع|الشهر|العام [الماضي], early last month
        _Rule(("period_part", "qualifier", "period"), re.compile(
            rf"{_PRE}(?P<s>(?:(?P<part>{part})[\s\-]+)?(?:(?P<eq>{q_pre})\s+)?"
            rf"(?P<per>{v.alt('period', unit='week')}|{month_noun}|{v.alt('period', unit='year')})"
            rf"(?:\s+(?P<q>{q_post}))?)(?!\w)"), _period),
        # [في] [مطلع] [شهر] آب [الماضي | 2022]
        _Rule((*_PREP_STARTS, "period_part", "=شهر", "=month", "month"), re.compile(
            rf"(?<!\w)[وف]?(?:(?P<prep>{_PREP})\s+)?(?P<s>(?:(?P<part>{part})[\s\-]+)?"
            rf"(?:(?P<mw>شهر|month\s+of)\s+)?{months}{tail})(?!\w)"), _month),
        # [في] [أواخر] [عام] 2019
        _Rule((*_PREP_STARTS, "period_part", "year_word", "#digit"), re.compile(
            rf"(?<!\w)[وف]?(?:(?P<prep>{_PREP})\s+)?(?P<s>(?:(?P<part>{part})[\s\-]+)?"
            rf"(?:(?P<yw>{v.alt('year_word')})\s+)?{_YEAR})(?!\w)"), _year),
        # الذكرى [السنوية] الثانية لـ, the second anniversary of: that many years before publication
        _Rule(("=الذكرى", "year_ordinal"), re.compile(
            rf"{_PRE}(?P<s>الذكري\s+(?:السنويه\s+)?(?P<yo>{v.alt('year_ordinal', script='ar')})"
            rf"|(?P<yo2>{v.alt('year_ordinal', script='en')})\s+anniversary)(?!\w)"), _anniversary),
        # في اليوم نفسه, في ذات اليوم, the same day
        _Rule(("part_of_day", "period", "same_pre"), re.compile(
            rf"{_PRE}(?P<s>(?:(?P<pod>{pod_ar})\s+)?(?:{day_noun}\s+{same_post}|{same_pre}\s+{day_noun}))(?!\w)"),
            _same_day),
        # في 15 من الشهر نفسه, في الخامس عشر من ذات الشهر
        _Rule(("#digit", "ordinal", "period", "same_pre"), re.compile(
            rf"{_PRE}(?P<s>(?:(?:(?<!\d)(?P<d>\d{{1,2}})|(?P<o>{ordinal}))\s+(?:من\s+)?)?"
            rf"(?:{month_noun}\s+{same_post}|{same_pre}\s+{month_noun}))(?!\w)"), _same_month),
        # في 3 من الشهر الجاري, في العاشر من الشهر الماضي
        _Rule(("#digit", "ordinal"), re.compile(
            rf"{_PRE}(?P<s>(?:(?<!\d)(?P<d>\d{{1,2}})|(?P<o>{ordinal}))\s+(?:من\s+)?{month_noun}\s+"
            rf"(?P<q>{v.alt('qualifier', pre=False)}))(?!\w)"), _day_of_named_month),
    )
    hour_period = rf"(?:\s*(?P<per>{period_adv}))?"
    times = (
        # 10:15, الساعة 10:15 صباحاً
        _Rule(("#digit", "=الساعة"), re.compile(
            rf"(?<![\w:.])[وف]?(?:[بلك](?=ال))?(?P<s>(?:(?P<sa>الساعه)\s+)?(?P<h>\d{{1,2}}):"
            rf"(?P<mi>\d{{2}})(?!\d)(?::\d\d(?!\d))?{hour_period})(?!\w)"), _clock("hh:mm")),
        # الساعة 12.30 ظهراً, بالساعة ١٢٣٠ (four digits after الساعة are HHMM)
        _Rule(("=الساعة",), re.compile(rf"{_PRE}(?P<s>(?P<sa>الساعه)\s+(?:(?P<h>\d{{1,2}})(?:[.:](?P<mi>\d{{2}}))?|"
                         rf"(?P<hm>\d{{4}}))(?!\d){hour_period})(?!\w)"), _clock("saa")),
        # الساعة الخامسة والنصف فجراً, الثالثة بعد منتصف الليل
        _Rule(("=الساعة", "hour"), re.compile(rf"{_PRE}(?P<s>(?:(?P<sa>الساعه)\s+)?(?P<hw>{v.alt('hour')})"
                         rf"(?:\s+(?P<frac>{v.alt('minute_fraction')})|\s+و\s*(?P<mi>\d{{1,2}})\s+(?:دقيقه|دقايق))?"
                         rf"(?:\s+(?P<per>{period_adv}))?)(?!\w)"), _clock("hour-word")),
        # 9 PM, 12:30 p.m.
        _Rule(("#digit",), re.compile(rf"(?<![\w:.])(?P<s>(?P<h>\d{{1,2}})(?::(?P<mi>\d{{2}}))?\s*"
                         rf"(?P<per>{v.alt('day_period', script='en')}))(?!\w)"), _clock("en-ampm")),
    )
    return _Grammar(v, _RuleSet.build(v, dates), _RuleSet.build(v, times),
                    re.compile(rf"(?<!\w){v.alt('anniversary')}(?!\w)"))


# Handlers: one match -> a resolved value, or None to reject the match --------

def _group_word(v: _Vocab, kind: str, m: re.Match[str], *names: str) -> _Word | None:
    for name in names:
        if m.group(name):
            return v.get(kind, m.group(name))
    return None


def _day_number(v: _Vocab, m: re.Match[str]) -> int:
    return int(m.group("d")) if m.group("d") else v.get("ordinal", m.group("o")).attrs["value"]


def _resolve_day_month(v: _Vocab, m: re.Match[str], pub: date | None, day: int, month: _Word,
                       rule: str) -> _Value | None:
    if m.group("y"):
        found = _valid(int(m.group("y")), month.attrs["month"], day)
        return _day_value(found, rule, False) if found else None
    if day > calendar.monthrange(2000, month.attrs["month"])[1]:
        return None  # "31 شباط" is no date in any year
    year_q = _group_word(v, "qualifier", m, "yq", "yq2") if "yq" in m.re.groupindex else None
    if pub is None:
        return _unresolved(rule)
    if year_q:
        offset = {"past": -1, "current": 0, "next": 1}[year_q.attrs["dir"]]
        found = _valid(pub.year + offset, month.attrs["month"], day)
    else:
        q = _group_word(v, "qualifier", m, "q") if "q" in m.re.groupindex else None
        found = _day_year(month.attrs["month"], day, pub, q.attrs["dir"] if q else None)
    return _day_value(found, rule, True) if found else None


def _day_month(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    month = v.get("month", m.group("m1"))
    scheme = month.attrs["scheme"]
    if "o" in m.re.groupindex:
        rule = ("ordinal-" if m.group("o") else "") + f"day-month-{scheme}"
    else:
        rule = "month-day-en"
    if m.group("wd"):
        rule = "weekday+" + rule
    return _resolve_day_month(v, m, pub, _day_number(v, m), month, rule)


def _numeric(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    day, month, year = int(m.group("d")), int(m.group("mo")), int(m.group("y"))
    rule = "numeric-ymd" if m.start("y") < m.start("d") else "numeric-dmy"
    if month > 12 >= day and rule == "numeric-dmy":
        day, month, rule = month, day, "numeric-mdy"  # 09/20/2022: only US order fits
    found = _valid(year, month, day)
    return _day_value(found, rule, False) if found else None


def _night_span(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    # "ليل الأربعاء-الخميس": one night over two days; the later day is the date
    first, second = v.get("weekday", m.group("wd")).attrs["iso"], v.get("weekday", m.group("wd2")).attrs["iso"]
    if second != first % 7 + 1:
        return None
    if pub is None:
        return _unresolved("night-weekday-span")
    later = _weekday_near(pub, second, None)
    return _day_value(later, "night-weekday-span", True, (later - timedelta(1), later))


def _relative_day(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    rel = v.get("relday", m.group("rel"))
    if rel.id == "rel_today" and v.not_today.match(view, m.end("rel")):
        return None
    rule = (("weekday+" if m.group("wd") else "") + ("part-of-day+" if m.group("pod") else "")
            + rel.id[4:].replace("_", "-"))
    if pub is None:
        return _unresolved(rule)
    target = pub + timedelta(rel.attrs["offset"])
    if m.group("wd"):
        iso = v.get("weekday", m.group("wd")).attrs["iso"]
        if target.isoweekday() != iso:  # the weekday wins: "اليوم الخميس" under a Friday 00:30 dateline
            target = _weekday_near(target, iso, None)
    pod = _group_word(v, "part_of_day", m, "pod")
    night = rel.attrs.get("night") or (pod is not None and pod.attrs["night"])
    return _day_value(target, rule, True, (target, target + timedelta(1)) if night else None)


# "الانتحاريين الاثنين", "الجنديان الاثنان": after a definite dual or plural, الاثنين is the number two
_DEFINITE_DUAL_BEFORE = re.compile(r"(?<!\w)ال\w+(?:ين|ان)\s+\Z")


def _weekday(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    iso = v.get("weekday", m.group("wd")).attrs["iso"]
    if iso == 1 and m.group("s") == m.group("wd") and _DEFINITE_DUAL_BEFORE.search(m.string, max(0, m.start("s") - 40), m.start("s")):
        return None
    q = _group_word(v, "qualifier", m, "q", "eq")
    direction = q.attrs["dir"] if q else None
    rule = ("part-of-day+" if m.group("pod") or m.group("pod2") else "") + "weekday" + (f"-{direction}" if q else "")
    if pub is None:
        return _unresolved(rule)
    day = _weekday_near(pub, iso, direction)
    pod = _group_word(v, "part_of_day", m, "pod")
    if pod is not None and pod.attrs["night"]:
        # "ليلة الجمعة" is the night before Friday in classical usage and Friday
        # night in much news copy: the honest range holds both.
        return _day_value(day, rule, True, (day - timedelta(1), day + timedelta(1)))
    return _day_value(day, rule, True)


def _ago(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    unit = v.get("unit", m.group("u"))
    n = m.group("n")
    count = (int(n) if n.isdigit() else v.get("cardinal", n).attrs["value"]) if n else unit.attrs["count"]
    if not count or (n and unit.attrs["count"] in (1, 2)):
        return None  # "قبل أيام" (a few days) has no number; "3 يوم" is not Arabic
    after = "after" in m.re.groupindex and m.group("after")
    if unit.attrs["unit"] == "month" and m.group("s").startswith("منذ"):
        return None  # "منذ نحو 3 أشهر" tells how long something has gone on
    if after and not n and m.group("u").startswith(("day", "week", "month")):
        return None  # "the day after the attack" counts nothing back
    rule = f"{unit.attrs['unit']}s" + (BEFORE_THAT if after else "-ago")
    if after:
        # "بعد شهرين من هجوم": that attack is this long before the day the narrative is at; the caller counts back.
        precision = "day" if unit.attrs["unit"] == "day" else unit.attrs["unit"]
        return _Value(None, precision, None, rule, True, refers_back="before_that",
                      day=count * {"day": 1, "week": 7, "month": 30}[unit.attrs["unit"]])
    if pub is None:
        return _unresolved(rule)
    if unit.attrs["unit"] == "day":
        return _day_value(pub - timedelta(count), rule, True)
    if unit.attrs["unit"] == "month":
        span = _month_range(*_shift_month(pub.year, pub.month, -count))
        return _Value(span[0], "month", span, rule, True)
    week = _week_range(pub - timedelta(7 * count))
    return _Value(week[0], "week", week, rule, True)


def _anniversary(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    """The day that many years before publication (a piece may run the day before or after it), of the attack
    named next: "جاء الهجوم في الذكرى الثانية لاغتيال … بضربة" dates the strike, not the clause's attack."""
    years = v.get("year_ordinal", m.group("yo") or m.group("yo2")).attrs["value"]
    rule = "anniversary" + BEFORE_THAT
    if pub is None:
        return _unresolved(rule)
    day = pub.replace(year=pub.year - years, day=28) if (pub.month, pub.day) == (2, 29) else pub.replace(
        year=pub.year - years)
    return _day_value(day, rule, True, (day - timedelta(1), day + timedelta(1)))


def _period(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    q = _group_word(v, "qualifier", m, "q", "eq")
    part = _group_word(v, "period_part", m, "part")
    if q is None and part is None:
        return None  # bare الشهر / العام is no date
    unit = v.get("period", m.group("per")).attrs["unit"]
    before = m.start("s")
    if (m.group("per") == "العام" and not (part or m.group("eq"))
            and v.general_head.search(view, max(0, before - 40), before)):
        return None  # "الأمين العام الحالي": العام is the adjective "general" there
    direction = q.attrs["dir"] if q else "current"
    rule = (f"{part.attrs['part']}+" if part else "") + f"{_DIRECTION_NAME[direction]}-{unit}"
    if pub is None:
        return _unresolved(rule)
    step = {"past": -1, "current": 0, "next": 1}[direction]
    if unit == "week":
        week = _week_range(pub + timedelta(7 * step))
        return _Value(week[0], "week", week, rule, True)
    if unit == "month":
        span = _month_range(*_shift_month(pub.year, pub.month, step))
        return _Value(span[0], "month", span, rule, True)
    year = pub.year + step
    return _Value(date(year, 1, 1), "year", (date(year, 1, 1), date(year, 12, 31)), rule, True)


def _month(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    month = v.get("month", m.group("m1"))
    q = _group_word(v, "qualifier", m, "q")
    year_q = _group_word(v, "qualifier", m, "yq", "yq2")
    part = _group_word(v, "period_part", m, "part")
    if month.attrs.get("abbr") or not (m.group("prep") or part or m.group("mw") or q or year_q or m.group("y")):
        return None  # a bare "آب" is also "father"; "may" is also the verb
    rule = (f"{part.attrs['part']}+" if part else "") + f"month-{month.attrs['scheme']}"
    if m.group("y"):
        span = _month_range(int(m.group("y")), month.attrs["month"])
        return _Value(span[0], "month", span, rule, False)
    if pub is None:
        return _unresolved(rule)
    if year_q:
        year = pub.year + {"past": -1, "current": 0, "next": 1}[year_q.attrs["dir"]]
    else:
        year = _month_year(month.attrs["month"], pub, q.attrs["dir"] if q else None)
    span = _month_range(year, month.attrs["month"])
    return _Value(span[0], "month", span, rule, True)


def _year(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    part = _group_word(v, "period_part", m, "part")
    if not (m.group("prep") or part or m.group("yw")):
        return None  # a bare four-digit number may be a count
    year = int(m.group("y"))
    rule = (f"{part.attrs['part']}+" if part else "") + "year"
    return _Value(date(year, 1, 1), "year", (date(year, 1, 1), date(year, 12, 31)), rule, False)


def _same_day(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    return _Value(None, "day", None, "same-day", True, refers_back="same_day")


def _same_month(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    if m.group("d") or m.group("o"):
        day = _day_number(v, m)
        if not 1 <= day <= 31:
            return None
        return _Value(None, "day", None, "day-same-month", True, refers_back="same_month", day=day)
    return _Value(None, "month", None, "same-month", True, refers_back="same_month")


def _day_of_named_month(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Value | None:
    """A day of "this month" or "last month", counted from the publication date."""
    day = _day_number(v, m)
    direction = v.get("qualifier", m.group("q")).attrs.get("dir")
    if pub is None or direction not in ("current", "past") or not 1 <= day <= 31:
        return _Value(None, "unknown", None, "day-of-month-unresolved", True) if pub is None else None
    year, month = (pub.year, pub.month) if direction == "current" else \
        ((pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12))
    d = _valid(year, month, day)
    return _Value(d, "day", (d, d), f"day-of-{direction}-month", True) if d else None


def _clock(name: str) -> Callable[[re.Match[str], _Vocab, str, date | None], _Clock | None]:
    """Handler for one time pattern; ``name`` becomes the rule ("saa" = after الساعة)."""
    def handle(m: re.Match[str], v: _Vocab, view: str, pub: date | None) -> _Clock | None:
        groups = m.re.groupindex
        if "hw" in groups:
            if not (m.group("sa") or m.group("per")):
                return None  # "للمرة الثالثة": an hour word needs الساعة or a part of the day
            hour, minute = v.get("hour", m.group("hw")).attrs["value"], int(m.group("mi") or 0)
        elif "hm" in groups and m.group("hm"):
            hour, minute = int(m.group("hm")[:2]), int(m.group("hm")[2:])
        else:
            hour, minute = int(m.group("h")), int(m.group("mi") or 0)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            return None
        rule = name
        if m.group("per"):
            per = m.group("per")
            if per.isascii() and not 1 <= hour <= 12:
                return None  # "15 PM" is no time
            hour, rule = _to_24(hour, v.get("day_period", per).attrs["shift"]), name + "+period"
        if "frac" in groups and m.group("frac"):
            minute += v.get("minute_fraction", m.group("frac")).attrs["minutes"]
        total = (hour * 60 + minute) % (24 * 60)  # "الخامسة إلا ربعا" is 04:45
        return _Clock(f"{total // 60:02d}:{total % 60:02d}", rule)
    return handle


def _to_24(hour: int, shift: str) -> int:
    """Read a 12-hour value after صباحاً/مساءً/ظهراً/ليلاً/بعد منتصف الليل/AM/PM."""
    if hour > 12:
        return hour  # already a 24-hour value: "الساعة 22:00 مساءً"
    if shift in ("am", "after_midnight"):
        return 0 if hour == 12 else hour
    if shift == "noon":  # "الثانية عشرة ظهراً" 12, "الواحدة ظهراً" 13
        return hour + 12 if hour <= 6 else hour
    if shift == "night":  # "الواحدة ليلاً" 01, "العاشرة ليلاً" 22
        return 0 if hour == 12 else hour if hour <= 4 else hour + 12
    return hour if hour == 12 else hour + 12  # pm: "12:30 PM" stays 12:30


# Span finding ----------------------------------------------------------------

_MARKS = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670", "\u0640"}


def _source_span(norm: NormalizedText, text: str, start: int, end: int) -> tuple[int, int]:
    """Map a view range back, keeping trailing harakat ("مساءً") inside the span."""
    s, e = norm.to_source(start, end)
    while e < len(text) and text[e] in _MARKS:
        e += 1
    return s, e


def _scan(rule_set: _RuleSet, v: _Vocab, view: str, pub: date | None) -> list[tuple[int, int, Any]]:
    """Longest non-overlapping matches over all rules; ties go to the earlier rule.
    A match is resolved only once it has beaten the longer ones, so that the
    many sub-spans (الأحد inside مساء الأحد 18 من أيلول) cost no handler call."""
    found: list[tuple[int, int, int, re.Match[str]]] = []
    for word in rule_set.starter.finditer(view):
        first = word.group("w")
        for rank in rule_set.on_digit if first[0].isdigit() else rule_set.by_word[first]:
            m = rule_set.rules[rank].pattern.match(view, word.start())
            if m is not None:
                found.append((m.start("s"), m.end("s"), rank, m))
    found.sort(key=lambda f: (f[0] - f[1], f[2], f[0]))
    kept: list[tuple[int, int, Any]] = []
    for start, end, rank, m in found:
        if all(end <= s or e <= start for s, e, _ in kept):
            value = rule_set.rules[rank].handler(m, v, view, pub)
            if value is not None:
                kept.append((start, end, value))
    kept.sort(key=lambda k: k[0])
    return kept


ANNIVERSARY_DAYS = 31  # a day-month this close before publication, in an anniversary piece, is last year's


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Date expressions in ``text``, resolved against ``published`` when relative.

    "A year on…" / "بعد عام على الهجوم": in a piece marking a year since an attack, a day and month
    without a year that fall in the last month are the attack's days, a year earlier."""
    grammar = _grammar()
    norm = normalize(text)
    last_year = published is not None and bool(grammar.anniversary.search(norm.text))
    mentions = []
    for start, end, value in _scan(grammar.dates, grammar.vocab, norm.text, published):
        s, e = _source_span(norm, text, start, end)
        day, span = value.date, value.range
        if (last_year and value.relative and day and ("day-month" in value.rule or "month-day" in value.rule)
                and 0 <= (published - day).days <= ANNIVERSARY_DAYS):
            day = _valid(day.year - 1, day.month, day.day) or day
            span = (day, day) if span and span[0] == span[1] else span
        mentions.append(DateMention(s, e, text[s:e], day, value.precision, span, value.rule,
                                    value.relative, value.refers_back, value.day))
    return mentions


def find_times(text: str) -> list[TimeMention]:
    """Clock times in ``text`` as 24-hour "HH:MM" values."""
    grammar = _grammar()
    norm = normalize(text)
    mentions = []
    for start, end, value in _scan(grammar.times, grammar.vocab, norm.text, None):
        s, e = _source_span(norm, text, start, end)
        mentions.append(TimeMention(s, e, text[s:e], value.time, value.rule))
    return mentions
