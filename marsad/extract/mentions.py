"""Everything the lexicons, the date/time finders and the number finder see in one document."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from marsad.clean.normalize import fold, normalize
from marsad.clean.segment import sentences
from marsad.extract.numbers import NumberMention, find_numbers
from marsad.lexicon.load import load_lexicon, load_table
from marsad.lexicon.match import Matcher
from marsad.resolve.dates import DateMention, TimeMention, find_dates, find_times
from marsad.resolve.gazetteer import load_gazetteer
from marsad.types import Doc, Mention

LEXICON_KINDS = ("actors", "weapons", "triggers", "cues", "sources")
TOLL_CUES = {"killed", "injured", "unlaunched", "intercepted", "impacted"}  # cue types that report a toll


@lru_cache(maxsize=1)
def matcher() -> Matcher:
    """One automaton over every lexicon and the gazetteer, built once per process."""
    lexicons = {kind: load_lexicon(kind) for kind in LEXICON_KINDS}
    lexicons["places"] = load_gazetteer().lexicon
    return Matcher(lexicons=lexicons)


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
    _starts: dict[str, list[int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def cue(self, cue_type: str) -> list[Mention]:
        return [m for m in self.cues if m.data.get("type") == cue_type]

    def within(self, start: int, end: int) -> dict[str, list]:
        """Each kind of mention restricted to ``[start, end)``, by field name."""
        return {name: self.kind_within(name, start, end) for name in _KINDS}

    def kind_within(self, name: str, start: int, end: int) -> list:
        """Mentions of one kind inside ``[start, end)``; binary search over the start offsets."""
        items = getattr(self, name)
        starts = self._starts.get(name)
        if starts is None:
            items.sort(key=lambda i: i.start)
            starts = self._starts[name] = [i.start for i in items]
        lo, hi = bisect_left(starts, start), bisect_left(starts, end)
        return [i for i in items[lo:hi] if i.end <= end]


_KINDS = ("places", "actors", "weapons", "triggers", "cues", "sources", "dates", "times", "numbers")


def _outside(spans: list, items: list) -> list:
    """Items that overlap none of ``spans`` (a number inside a date is not a count)."""
    return [i for i in items if not any(i.start < s.end and s.start < i.end for s in spans)]


def _shift(n: NumberMention, by: int) -> NumberMention:
    def move(x: int | None) -> int | None:
        return None if x is None else x + by
    return replace(n, start=n.start + by, end=n.end + by, number_start=n.number_start + by,
                   number_end=n.number_end + by, noun_start=move(n.noun_start), noun_end=move(n.noun_end))


def _attack_sentences(text: str, triggers: list[Mention]) -> list[tuple[int, int]]:
    """Counts and clock times only matter in sentences that state an attack; the rest is not scanned."""
    starts = [t.start for t in triggers]
    return [(s.start, s.end) for s in sentences(text)
            if bisect_left(starts, s.start) < len(starts) and starts[bisect_left(starts, s.start)] < s.end]


def _numbers_near_triggers(text: str, spans: list[tuple[int, int]]) -> list[NumberMention]:
    norm = normalize(text)
    return [_shift(n, a) for a, b in spans for n in find_numbers(text[a:b], norm.slice(a, b))]


def _times_near_triggers(text: str, spans: list[tuple[int, int]]) -> list[TimeMention]:
    return [replace(t, start=t.start + a, end=t.end + a) for a, b in spans for t in find_times(text[a:b])]


@lru_cache(maxsize=1)
def _shared_names() -> dict[str, tuple[str, ...]]:
    """Names several places share (data/gazetteer/shared_names.tsv): folded name → the place ids it may mean."""
    return {fold(r["id"]).strip(): tuple(r["places"].split("|")) for r in load_table("gazetteer", "shared_names.tsv")}


def _resolve_shared(places: list[Mention]) -> list[Mention]:
    """A name several places share means the one in the country, then the province, the report's other places
    are in ("المنطقة الخضراء" beside Baghdad is its Green Zone, beside Deir ez-Zor the al-Omar field's); the
    gazetteer's own place when the report names no other."""
    shared, gaz = _shared_names(), load_gazetteer().places
    which = [shared.get(fold(p.text).strip()) for p in places]
    if not any(which):
        return places
    others = [gaz[p.entry_id] for p, w in zip(places, which) if not w and p.entry_id in gaz]
    countries = Counter(o.country for o in others)
    provinces = Counter((o.country, o.admin1) for o in others)  # "القصير" beside Daraa is Daraa's, not Homs's
    out = []
    for p, ids in zip(places, which):
        best = max(ids, key=lambda i: (countries[gaz[i].country], provinces[(gaz[i].country, gaz[i].admin1)],
                                       i == p.entry_id)) if ids else p.entry_id
        out.append(p if best == p.entry_id else replace(p, entry_id=best))
    return out


_RIGHT_TO = re.compile(r"(?:^|[^\w])(?:\w{0,2}حق(?:ها|ه|نا|هم|كم)?\s+(?:في\s+)?|بحق\s+|right to\s+)[«\"“]?\s*(?:ال|بال|ب)?$")


# "فتح مسلحون ملثمون النار على دورية", "إطلاق مسلحين النار على…": the shooters stand between the verb and
# its object, where a lexicon's phrase "فتح النار" cannot reach (the automaton matches contiguous forms only).
_SPLIT_FIRE = re.compile(r"(?<!\w)[وف]?((?:فتح|فتحت|فتحوا|أطلق|أطلقت|أطلقوا|إطلاق)\s+(?:[^\W\d]+\s+){1,3}?(النار|النيران|الرصاص))"
                         r"(?=\s+(?:على|باتجاه|صوب|تجاه)\s)")


def _split_fire(text: str) -> tuple[list[Mention], list[Mention]]:
    """Trigger and weapon mentions of a gunfire phrase split by its subject, with their lexicon entries' data."""
    attack, weapon = load_lexicon("triggers").get("open_fire"), load_lexicon("weapons").get("small_arms")
    triggers, weapons = [], []
    for m in _SPLIT_FIRE.finditer(text):
        triggers.append(Mention(m.start(1), m.end(1), m.group(1), "triggers", attack.id,
                                {"lexicon": "triggers", **attack.attrs}))
        weapons.append(Mention(m.start(2), m.end(2), m.group(2), "weapons", weapon.id,
                               {"lexicon": "weapons", **weapon.attrs}))
    return triggers, weapons


# A state's forces named without their country take it from the report's places (lexicon entry national_forces).
KURDISTAN_REGION = frozenset({"Erbil", "Duhok", "Sulaymaniyah", "Halabja"})  # its own Peshmerga and Asayish: no code
GOVERNMENT_OF = {"IQ": "iraqi_government", "SY": "syrian_government"}
# Forces stationed in Iraq or Syria whose soldiers a report may name bare ("the soldiers" of a US base); a
# report that names a base (the gazetteer's bases host such forces) leaves its soldiers unowned too.
FOREIGN_FORCES = frozenset({"us_coalition", "turkey", "russia"})
# Syria's police and security may be the Asayish's or the SNA's: only its army and soldiers are the government's.
ARMY_ONLY = frozenset({"SY"})
_POLICE = re.compile(r"شرط|أمن|الأمن|police|security", re.IGNORECASE)
# Whose forces the neighbouring word says ("جنديين تركيين", "US soldiers"): then they are no bare national forces.
_OWNER_AFTER = re.compile(r"^\s*(?:ال)?(?:أمريك|أميرك|ترك|إسرائيل|اسرائيل|روس|إيران|ايران|سوري|عراقي|كرد|التحالف|الاحتلال"
                          r"|النظام|الأسد|قسد|البيشمركة|الحكومة|أردني|لبناني|فرنسي|بريطاني|الوطني|الحر)")
# Whose military sites the words after them say ("مواقع عسكرية تابعة لميليشيات", "sites used by Hezbollah").
_SITE_OWNER_AFTER = re.compile(r"^\s*(?:تابع|لل|لـ|ل(?:ميليشي|مليشي|حزب|قوات|فصائل|الحرس|داعش|قسد|تنظيم|جماع)"
                               r"|of\b|belong|used by|run by|held by|linked)", re.IGNORECASE)
# The owner named is the state itself ("الدفاعات الجوية السورية", "Iraqi air defences"): its government's forces.
_STATE_NAMED = {"SY": re.compile(r"^\s*(?:ال)?سوري|Syrian\W*$"), "IQ": re.compile(r"^\s*(?:ال)?عراقي|Iraqi\W*$")}
_OWNER_BEFORE = re.compile(r"(?:US|U\.S\.|American|Turkish|Israeli|Russian|Iranian|Syrian|Iraqi|Kurdish|coalition|regime|SDF"
                           r"|Peshmerga|Jordanian|Lebanese|French|British|Asayish|government|Assad|rebel|opposition)\W*$")


# "Busra al-Harir" is neither Busra nor Harir: an English place name that runs on into an "al-" word, or that
# such a word joins to the name before it, is a longer name the gazetteer does not hold. (Not in Arabic, where
# "ريف حلب الشمالي" puts an adjective after the name.)
NAME_REACH = 30  # characters before a place name within which the word it joins may stand
_NAME_GOES_ON = re.compile(r" (?:al|el|ad|ar|as|ash|at|az|an|adh)-[A-Za-z]", re.IGNORECASE)
_NAME_RAN_BEFORE = re.compile(r"\b(?!(?:In|At|Near|Of|From|To|The|On|Outside|Around|Inside|Into|And|By|For)\b)[A-Z][a-z]+ "
                              r"(?i:al|el|ad|ar|as|ash|at|az|an|adh)-$")


def _national_forces(text: str, actors: list[Mention], places: list[Mention]) -> list[Mention]:
    """Bare soldiers, army and police as the government whose country the report's places are in: "قتل جنديان
    بهجوم على موقع للجيش في الطارمية" is the Iraqi army's loss. Left out when the places span countries or
    lie mostly in the Kurdistan Region, when the report names foreign forces or a base, or when a word beside
    them names their owner."""
    if not any(a.data.get("national") for a in actors):
        return actors
    gaz = load_gazetteer().places
    known = [gaz[p.entry_id] for p in places if p.entry_id in gaz]
    if any(a.data.get("actor", a.entry_id) in FOREIGN_FORCES for a in actors) or any(k.kind == "base" for k in known):
        return [a for a in actors if not a.data.get("national")]
    countries = {k.country for k in known}
    country = next(iter(countries)) if len(countries) == 1 else None
    if country == "IQ" and 2 * sum(k.admin1 in KURDISTAN_REGION for k in known) >= len(known):
        country = None
    code = GOVERNMENT_OF.get(country)
    entry = load_lexicon("actors").get(code) if code else None
    def owned(a: Mention) -> bool:
        return bool(_OWNER_AFTER.match(text[a.end:a.end + 12]) or _OWNER_BEFORE.search(text[max(0, a.start - 14):a.start]))
    # "جنديان تركيان … على موقع عسكري": soldiers of a named country make the report's military sites theirs too
    foreign_soldiers = any(a.data.get("national") and not a.data.get("sites") and owned(a) for a in actors)
    out = []
    for a in actors:
        state = next((c for c, named in _STATE_NAMED.items() if named.search(text[a.end:a.end + 12])
                      or named.search(text[max(0, a.start - 14):a.start])), None) if a.data.get("national") else None
        if not a.data.get("national"):
            out.append(a)
        elif state is not None:
            own = load_lexicon("actors").get(GOVERNMENT_OF[state])
            out.append(replace(a, entry_id=own.id, data={"lexicon": "actors", **own.attrs, "bare": True,
                                                         "sites": bool(a.data.get("sites"))}))
        elif entry is not None and not (country in ARMY_ONLY and _POLICE.search(a.text)) and not owned(a):
            if a.data.get("sites") and (foreign_soldiers or _SITE_OWNER_AFTER.match(text[a.end:a.end + 12])):
                continue
            out.append(replace(a, entry_id=entry.id, data={"lexicon": "actors", **entry.attrs, "bare": True,
                                                           "sites": bool(a.data.get("sites"))}))
    return out


# "No group claimed the attack": the claim words are matched as the longer phrase, the "no" before them says
# nobody made it.
_NO_ONE_BEFORE = re.compile(r"(?i)\b(?:no\s+(?:group|one|party|faction|organi[sz]ation|side)|nobody|none)\s+"
                            r"(?:(?:has|had|have|yet|so\s+far|immediately)\s+)*$")


def find_mentions(doc: Doc) -> DocMentions:
    norm = normalize(doc.text)
    found = matcher().find_all(norm, doc.text)
    fire, fire_arms = _split_fire(doc.text)
    # The phrase is one attack word: its verb alone ("إطلاق", a launch) is not another.
    found["triggers"] = sorted([t for t in found["triggers"] if not any(f.start <= t.start < f.end for f in fire)] + fire,
                               key=lambda m: m.start)
    found["weapons"] = sorted(found["weapons"] + fire_arms, key=lambda m: m.start)
    dates = find_dates(doc.text, doc.published)
    spans = _attack_sentences(doc.text, found["triggers"])
    times = _times_near_triggers(doc.text, spans)
    # A toll may have a sentence of its own ("وقضى ثلاثة أشخاص…"): its counts are read too.
    tolls = _attack_sentences(doc.text, [c for c in found["cues"] if c.data.get("type") in TOLL_CUES])
    numbers = _outside(dates + times, _numbers_near_triggers(doc.text, sorted(set(spans) | set(tolls))))
    # A place name inside an actor name (قوات سوريا الديمقراطية) is the actor, not the place.
    names = found["actors"] + found["sources"]
    places = _resolve_shared([p for p in found["places"] if not any(
        a.start <= p.start and p.end <= a.end and (a.end - a.start) > (p.end - p.start) for a in names)
        and not _NAME_GOES_ON.match(doc.text, p.end) and not _NAME_RAN_BEFORE.search(doc.text, max(0, p.start - NAME_REACH), p.start)])
    # "لها الحق في «الرد»": a right to answer is claimed, nothing was answered; an idiom tells no attack.
    triggers = [t for t in found["triggers"] if t.data.get("kind") != "idiom" and (
        t.data.get("kind") != "response" or not _RIGHT_TO.search(doc.text[max(0, t.start - 16):t.start]))]
    # A country in the name of an outlet or monitor that speaks for no side ("موقع روسيا اليوم", "وسائل إعلام
    # روسية") is no party to the story; an official's force ("مصدر في الشرطة") still is.
    outlets = [s for s in found["sources"] if not s.data.get("actor") and not s.data.get("official")]
    actors = _national_forces(doc.text, [a for a in found["actors"] if not any(o.start <= a.start and a.end <= o.end
                                                                              for o in outlets)], places)
    cues = [replace(c, data={**c.data, "type": "no_claim"})
            if c.data.get("type") == "claim" and _NO_ONE_BEFORE.search(doc.text, max(0, c.start - 30), c.start) else c
            for c in found["cues"]]
    return DocMentions(places, actors, found["weapons"], triggers, cues,
                       found["sources"], dates, times, numbers)
