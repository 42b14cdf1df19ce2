"""Document-level pass: dates in reading order, one event per incident, main or background.

A report tells its incident in several sentences (the lead, the statement,
the numbers, the accusation) and mentions older incidents in passing. The
drafts of all clauses are read in order; each joins the most recent earlier
incident it is compatible with (same day, same place, same sides), or opens
a new one.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

from marsad.clean.segment import Segment, clauses, sentences
from marsad.extract.candidates import (DENIED, EVENT_KINDS, Draft, claim_continuation, clause_draft, damage_continuation,
                                       per_listed_place,
                                       place_candidate, place_continuation)
from marsad.extract.clause import Clause
from marsad.extract.mentions import TOLL_CUES, DocMentions, find_mentions
from marsad.extract.roles import HURT, definite_noun, demonstrative_noun, word_start_of
from marsad.extract.combine import (GEO_ORDER, GUESSED_TARGET_RULES, PLACE_TARGET_RULES, WEAK_ATTACKER_RULES, combine,
                                    inferred)
from marsad.extract.attribution import official_speaks, side_announces, side_speaks
from marsad.resolve.actors import announces, fires_missiles, related, usual_attack
from marsad.merge.compat import compatible, conflict, dates_fit
from marsad.resolve.dates import BEFORE_THAT, DateMention
from marsad.resolve.geo import km
from marsad.resolve.places import read_places
from marsad.settings import Settings
from marsad.types import Candidate, Doc, Mention, Span

PRECISION_ORDER = ("day", "week", "month", "year", "unknown")


@dataclass
class DateContext:
    """The date the narrative is at: the last date a clause stated."""

    date: date | None
    precision: str
    range: tuple[date, date] | None
    stated: bool = False  # a date the text gave, not the publication day


DATELINE_CHARS = 40
# The rules of dates.yaml's relday words with nothing that pins the day (a weekday would).
DAYS_FROM_NOW = frozenset(p + r for r in ("today", "tonight", "yesterday", "last-night", "day-before-yesterday",
                                          "tomorrow") for p in ("", "part-of-day+"))
# Direct speech: “…”, «…» or "…" within a paragraph.
QUOTED = re.compile(r"“[^”\n]*”|«[^»\n]*»|\"[^\"\n]*\"")


# "70 هجوماً منذ مطلع الشهر": the start of a span (a tally's), never the day the narrative is at.
_SINCE = re.compile(r"(?:منذ|مُنذ|since|[Ss]ince)\s*$"
                    # "the deadliest since all-out war erupted … on September 23", "منذ اندلاع الحرب … في 7 أكتوبر":
                    # the day a war began (a clash that began is an incident, and keeps its day)
                    r"|(?:^|[^\w])(?:منذ|مُنذ|since|[Ss]ince)\s+(?:[^\s.،,;؛]+\s+){0,4}?(?:ال)?(?:حرب|war)\s+"
                    r"(?:[^\s.،,;؛]+\s+){0,8}?(?:on|in|في)\s+$")
# "the worst strike since 3 May, when drones hit…", "منذ 5 آب حين…": the day of the attack
# the clause then tells, not a span's start.
_WHEN_AFTER = re.compile(r"\s*[,،]?\s*(?:when|حين|عندما|حيث)(?!\w)")
# "هو العاشر خلال عام 2022", "the fourth reported in the past week": the span a tally counts over,
# not the attack's day.
_TALLY_SPAN = re.compile(r"(?:^|[^\w])(?:ال)?(?:ثاني|ثالث|رابع|خامس|سادس|سابع|ثامن|تاسع|عاشر)ة?\s+(?:[^\s.،,]+\s+){0,4}"
                         r"(?:خلال|منذ|في\s+غضون)\s+$"
                         r"|\b(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+"
                         r"(?:[\w\-]+\s+){0,5}(?:within|during|since|in)\s+(?:the\s+)?$")


# A photo caption: one short line that ends with its credit in brackets ("… (أرشيفية - رويترز)", "(AFP)").
_CAPTION = re.compile(r"^[ \t]*[^\n.!?؟]{0,160}\([^()\n]{2,40}\)[ \t]*$", re.MULTILINE)


# A wire photo caption: a present-tense picture verb and the line ending with the day the photo was taken
# ("A soldier stands guard at a base near Mosul, Iraq, October 18, 2016.").
_WIRE_CAPTION = re.compile(r"^[^\n]{0,300}?\b(?:stands?|looks?\s+on|walks?|sits?|gathers?|is\s+seen|are\s+seen|inspects?|"
                           r"patrols?|rides?|holds?|carr(?:y|ies))\b[^\n]{0,300}?,\s+(?:January|February|March|April|May|"
                           r"June|July|August|September|October|November|December)\s+\d{1,2},\s+(?:19|20)\d\d\.?[ \t]*$",
                           re.MULTILINE)


# A wire photo's credit closing its caption line, whatever the caption's length ("… May 26, 2016. (AP Photo)").
_PHOTO_CREDIT = re.compile(r"^[^\n]{0,600}?\((?:AP|AFP|Reuters|Getty\s+Images|AP\s+Photo|AFP\s+Photo|Reuters\s+Photo|"
                           r"AFP\s+via\s+Getty\s+Images|File\s+Photo|[A-Z][\w.\- ]{1,30}/(?:AP|AFP|Reuters))\)[ \t]*$", re.MULTILINE)


# A caption that says it describes a picture: "… east of Arbil, in this file photo.", "(file picture)".
_FILE_PHOTO = re.compile(r"^[^\n]{0,600}?\b(?:in\s+this\s+(?:file\s+|handout\s+)?(?:photo|picture|image)(?:\s+taken[^\n]{0,80}?)?"
                         r"|file\s+(?:photo|picture|image))\.?\)?[ \t]*$", re.MULTILINE | re.IGNORECASE)


# A caption line closed by its credit: "… following the strikes. Image Credit: AFP", "… Photo: Reuters" (found by
# the credit, then widened to its line: a pattern scanning each line from its start is ten times slower).
_IMAGE_CREDIT = re.compile(r"\b(?:(?:Image|Photo|Picture)\s+[Cc]redits?|Photo|Picture)\s*:\s*[^\n.]{1,40}[ \t]*$", re.MULTILINE)
# … or by the agency's bare name after its last sentence, on the same line: "… on the city of Baniyas. AFP".
_AGENCY_CREDIT = re.compile(r"[.!?”\"][ \t]+(?:AFP|Reuters|AP|EPA(?:-EFE)?|Getty\s+Images|AFP\s+via\s+Getty\s+Images|"
                            r"Anadolu\s+Agency|Bloomberg|WAM)[ \t]*$", re.MULTILINE)
IMAGE_CREDIT_LINE = 600  # the longest caption line a credit closes


def _credited_lines(text: str) -> list[tuple[int, int]]:
    spans = [(text.rfind("\n", 0, m.start()) + 1, m.end()) for pattern in (_IMAGE_CREDIT, _AGENCY_CREDIT)
             for m in pattern.finditer(text)]
    return [(a, b) for a, b in spans if b - a <= IMAGE_CREDIT_LINE + 60 and not _REPORTED.search(text, a, b)]


@lru_cache(maxsize=8)
def _captions(text: str) -> tuple[tuple[int, int], ...]:
    """The lines that are photo captions: they describe a picture, not an event. A line that counts the
    dead or says "today" ("قتل 3 جنود بهجوم على التنف (المرصد)") is a report, whatever its ending."""
    credited = [m.span() for m in _CAPTION.finditer(text) if not _REPORTED.search(m.group())]
    wire = [m.span() for pattern in (_PHOTO_CREDIT, _FILE_PHOTO) for m in pattern.finditer(text)
            if not _REPORTED.search(m.group())]
    return tuple(credited + wire + _credited_lines(text) + [m.span() for m in _WIRE_CAPTION.finditer(text)])


_REPORTED = re.compile(r"قتل|مقتل|قتلى|أصيب|إصابة|جرحى|اليوم|أمس|الليلة|killed|wounded|injured|today|yesterday")


def _dateline(m: DateMention, published: date | None) -> bool:
    """The publication day printed before the story ("date 2023-11-07 ERBIL –"): not the narrative's day."""
    return (m.start < DATELINE_CHARS and not m.relative and m.date is not None and m.date == published
            and m.precision == "day")


def _in_speech(m: DateMention, quotes: list[tuple[int, int]]) -> bool:
    return any(a < m.start and m.end < b for a, b in quotes)


def _speech_time(m: DateMention, ctx: DateContext, published: date | None) -> DateContext | None:
    """"Today"/"yesterday" inside a statement count from the day the statement was made: "on Monday
    the SDF said: 'they shelled the village today'" is Monday, whatever day the report came out."""
    if not (m.rule in DAYS_FROM_NOW and ctx.stated and ctx.date and published and m.date and ctx.precision == "day"
            and 0 < (published - ctx.date).days <= 7):
        return None
    day = ctx.date + (m.date - published)
    return DateContext(day, "day", (day, day + (m.range[1] - m.range[0]) if m.range else day), True)


@dataclass
class Incident:
    drafts: list[Draft] = field(default_factory=list)

    def values(self, name: str) -> list:
        return [getattr(d.cand, name) for d in self.drafts if getattr(d.cand, name) not in (None, [], "unknown")]


def _resolve_refers_back(m: DateMention, ctx: DateContext) -> DateContext | None:
    if ctx.date is None:
        return None
    if m.refers_back == "same_day":
        return DateContext(ctx.date, ctx.precision, ctx.range, True)
    if m.refers_back == "same_month" and m.day:
        try:
            d = ctx.date.replace(day=m.day)
        except ValueError:
            return None
        return DateContext(d, "day", (d, d), True)
    if m.refers_back == "before_that" and m.day:
        back = timedelta(m.day)
        if m.precision == "month":
            start = (ctx.date - back).replace(day=1)
            return DateContext(start, "month", (start, (start + timedelta(31)).replace(day=1) - timedelta(1)), True)
        precision = max(m.precision, ctx.precision, key=PRECISION_ORDER.index)
        span = (ctx.range[0] - back, ctx.range[1] - back) if ctx.range else None
        if precision == "week" and m.precision == "week":
            span = (ctx.date - back - timedelta(3), ctx.date - back + timedelta(3))
        return DateContext(ctx.date - back, precision, span, True)
    return None


def _after_publication(m: DateMention, published: date | None) -> bool:
    """A day after the report came out ("Friday, 22 November 2024" atop a page from February, the day it was
    read) is no day of what it tells."""
    return published is not None and m.date is not None and m.precision == "day" and (m.date - published).days > 1


def _clause_date(dates: list[DateMention], ctx: DateContext, anchor: int | None = None,
                 quotes: list[tuple[int, int]] = (), published: date | None = None
                 ) -> tuple[DateContext, DateMention | None]:
    """The most precise date the clause states (nearest the attack word on a tie), else the narrative's.

    "AMMAN, Jan 5 (Wire) - … drones struck the base on Thursday": the dateline
    is the publication day, the date beside "struck" is the attack's.
    """
    stated: list[tuple[DateContext, DateMention]] = []
    for m in dates:
        if m.refers_back:
            resolved = _resolve_refers_back(m, ctx)
            if resolved:
                stated.append((resolved, m))
        elif m.date is not None:
            spoken = _speech_time(m, ctx, published) if _in_speech(m, quotes) else None
            stated.append((spoken or DateContext(m.date, m.precision, m.range, True), m))
    if not stated:
        return ctx, None
    return min(stated, key=lambda s: (PRECISION_ORDER.index(s[0].precision),
                                      abs(s[1].start - anchor) if anchor is not None else s[1].start))


# "هجوم آخر", "غارة جوية أخرى", "هجوم منفصل"; "another attack", "in a separate strike": the text says it is not
# the attack it told before. English only before an attack noun ("another drone hit the base" may be the same).
_ANOTHER_AFTER = re.compile(r"(?:\s+\w+)?\s+(?:آخر|أخرى|اخرى|منفصل|منفصلة)(?!\w)")
_ANOTHER_BEFORE = re.compile(r"(?<!\w)(?:another|a separate)\s+(?:\w+\s+)?\Z", re.IGNORECASE)
_ATTACK_NOUN_EN = re.compile(r"(?:attack|strike|airstrike|air strike|bombing|blast|ambush|assault|raid|explosion)s?",
                             re.IGNORECASE)


def _told_as_another(d: Draft) -> bool:
    """An attack word of the mention is said to be another attack than the one told before."""
    text = d.clause.text
    return any(_ANOTHER_AFTER.match(text, t.end) if not t.text.isascii() else
               (_ATTACK_NOUN_EN.fullmatch(t.text) and _ANOTHER_BEFORE.search(text, max(0, t.start - 30), t.start))
               for t in d.clause.triggers if t.data.get("kind") in EVENT_KINDS)


def fits(inc: Incident, d: Draft) -> bool:
    return compatible([o.cand for o in inc.drafts], d.cand, strict_precision=True)


def _kept_apart(incidents: list[Incident], d: Draft, another: bool = False) -> str:
    """Why a mention opened an incident: each earlier incident and the check it failed."""
    reasons = [f"incident {i}: " + ("told as another attack" if another and i == len(incidents) else
                                    str(conflict([o.cand for o in inc.drafts], d.cand, strict_precision=True)))
               for i, inc in enumerate(incidents, 1)]
    return "opened: " + ("; ".join(reasons) if reasons else "first mention of an attack")


def _day_after(a: Candidate, b: Candidate) -> bool:
    return a.date is not None and b.date is not None and (b.date - a.date).days == 1


def _infer_counterstrike(incidents: list[Incident], d: Draft) -> None:
    """B strikes right after A hit B: B's target is A ("وعقب الاستهداف قامت قوات التحالف بإطلاق…")."""
    c = d.cand
    if d.response and c.attacker is None and incidents:
        # "وردّ بقصف مواقع…" with no subject: the side that was just hit answers.
        hit = incidents[-1].values("target_actor")
        if hit:
            c.attacker = hit[0]
            ev = next((e for o in incidents[-1].drafts for e in o.cand.evidence if e.field == "target_actor"), None)
            if ev:
                c.cite("attacker", Span(ev.start, ev.end, ev.text), "responder:target-of-previous")
    if c.attacker is None:
        return
    if c.target_actor is not None:
        if d.response:  # "وردت قوات التحالف بغارات على مواقع الميليشيات": the answer names its target
            answered = next((inc for inc in reversed(incidents) if c.attacker in inc.values("target_actor")
                             and c.target_actor in inc.values("attacker")), None)
            if answered is not None:
                c.responds_to_anchor = answered.drafts[0].cand.anchor
        return
    for inc in reversed(incidents):
        if c.attacker in inc.values("target_actor") and all(dates_fit(o.cand, c) or _day_after(o.cand, c)
                                                            for o in inc.drafts):
            attackers = inc.values("attacker")
            if attackers:
                c.target_actor = attackers[0]
                ev = next((e for o in inc.drafts for e in o.cand.evidence if e.field == "attacker"), None)
                if ev:
                    c.cite("target_actor", Span(ev.start, ev.end, ev.text), "counterstrike:attacker-of-previous")
            c.responds_to_anchor = inc.drafts[0].cand.anchor
            attack = next((o.cand for o in inc.drafts if o.cand.date_explicit), None)
            if attack is not None and _day_after(attack, c):
                # A statement the next morning about fire returned that night: the answer is dated to the attack.
                c.date, c.date_range = attack.date, attack.date_range
                c.evidence = [e for e in c.evidence if e.field != "date"]
                c.evidence += [e for e in attack.evidence if e.field == "date"]
            if (c.location is None or c.location.precision == "country") and c.date_precision == "day":
                # Fire is returned where it came from; with no launch site named, where the attack was (an answer
                # told only by month, "a series of retaliatory strikes", may have fallen anywhere).
                for field_name in ("launch_site", "location"):
                    src = next((o.cand for o in inc.drafts if getattr(o.cand, field_name)), None)
                    if src is not None:
                        c.location = getattr(src, field_name)
                        ev = next((e for e in src.evidence if e.field == field_name), None)
                        if ev:
                            c.cite("location", Span(ev.start, ev.end, ev.text), f"counterstrike:{field_name}-of-previous")
                        break
            return


# "the aircraft", "الطائرات": the aircraft or drones the text has already named
_SAME_AIRCRAFT = re.compile(r"(?<!\w)(?:ال(?:طائرات|مقاتلات|مسيرات)|the\s+(?:jets|warplanes|aircraft|planes|drones))(?!\w)",
                            re.IGNORECASE)


def _inherit_attacker(prev: Draft | None, d: Draft) -> None:
    """Within one sentence a later clause without a named attacker keeps the earlier clause's; so does a clause
    of the next sentence whose aircraft are those just named ("قصفت طائرات أمريكية … كما استهدفت الطائرات …")."""
    c = d.cand
    if prev is None or c.attacker or not prev.cand.attacker or d.answered:
        return
    if prev.clause.sentence != d.clause.sentence and not (
            d.clause.sentence.sentence == prev.clause.sentence.sentence + 1
            and _SAME_AIRCRAFT.search(d.clause.text, d.clause.seg.start, d.clause.seg.end)):
        return
    if prev.cand.attacker == c.target_actor:
        return
    c.attacker, c.attacker_name = prev.cand.attacker, prev.cand.attacker_name
    c.attribution = prev.cand.attribution
    ev = next((e for e in prev.cand.evidence if e.field == "attacker"), None)
    if ev:
        c.cite("attacker", Span(ev.start, ev.end, ev.text), "same-sentence-attacker")


# "تبنته الجهة ذاتها", "claimed by the same group": the side that claimed the attack told before
_SAME_PARTY = re.compile(r"(?:الجهة|الجماعة|الفصائل|الفصيل)\s+(?:ذاتها|نفسها|ذاته|نفسه)|نفس\s+الجهة"
                         r"|\bthe\s+same\s+(?:group|militia|faction|militants)\b", re.IGNORECASE)


def _same_party(incidents: list[Incident], d: Draft) -> None:
    """"وكانت القاعدة قد تعرضت لهجوم مماثل، تبنته الجهة ذاتها": a clause that names its attacker only as "the same
    party" takes the side that claimed the attack told before it."""
    c = d.cand
    if c.attacker or not d.clause.cue("claim") or not _SAME_PARTY.search(d.clause.text, d.clause.seg.start,
                                                                          d.clause.seg.end):
        return
    claimant = next((o.cand for inc in reversed(incidents) for o in inc.drafts
                     if o.cand.attacker and o.cand.attribution == "claimed"), None)
    if claimant is None or claimant.attacker == c.target_actor:
        return
    c.attacker, c.attacker_name, c.attribution = claimant.attacker, claimant.attacker_name, "claimed"
    ev = next((e for e in claimant.evidence if e.field == "attacker"), None)
    if ev:
        c.cite("attacker", Span(ev.start, ev.end, ev.text), "same-party-claims")


def _resolve_anaphor(d: Draft, mentions) -> None:
    """"The garrison was also targeted…", "shelled the town's neighbourhoods": a clause naming no place finer
    than a country means the last site (or town) named before it."""
    if d.cand.location is not None and d.cand.location.precision != "country":
        return
    for cue, precision in (("anaphor", "site"), ("town_anaphor", "town")):
        anaphor = d.clause.cue(cue)
        if not anaphor:
            continue
        earlier = [pm for pm in read_places(Clause.build(d.clause.text, Segment(0, d.clause.seg.start, 0, 0),
                                                         d.clause.sentence, mentions))
                   if pm.place.precision == precision and not pm.launch_site and not pm.reference]
        if earlier:
            place_candidate(d.cand, earlier[-1], anaphor[0], f"anaphor:last-named-{precision}:{earlier[-1].place.id}")
            return


def _clause_breaks(mentions: DocMentions, sents: list[Segment]) -> list:
    """Where a clause ends inside a sentence: its connectors, and the day counted back to an earlier attack
    ("…، بعد نحو شهرين من هجوم استهدف…": the earlier attack is a clause of its own). "following a", "بعد هجوم"
    open another attack only after an attack word of their sentence ("struck … following a drone attack
    that…"); after a toll they give its cause ("were killed following an air strike"), and inside "two days
    after a…" they are part of the date."""
    counted_back = [m for m in mentions.dates if m.rule.endswith(BEFORE_THAT)]
    attacks = [t.start for t in mentions.triggers if t.data.get("kind") in EVENT_KINDS]
    starts = [s.start for s in sents]

    def opens_another(b: Mention) -> bool:
        start = starts[max(0, bisect_right(starts, b.start) - 1)]
        return (any(start <= a < b.start for a in attacks)
                and not any(m.start <= b.start <= m.end for m in counted_back))
    return [b for b in mentions.cue("clause_break")
            if not b.data.get("after_an_attack") or opens_another(b)] + counted_back


def read_drafts(doc: Doc, mentions: DocMentions | None = None) -> list[Draft]:
    """Every clause that states an attack, in reading order, with its date resolved."""
    mentions = mentions or find_mentions(doc)
    sents = sentences(doc.text)
    breaks = _clause_breaks(mentions, sents)
    pub = doc.published
    ctx = DateContext(pub, "day", (pub, pub)) if pub else DateContext(None, "unknown", None)
    drafts: list[Draft] = []
    quotes = [m.span() for m in QUOTED.finditer(doc.text)]
    captions = _captions(doc.text)
    for sentence in sents:
        if any(a <= sentence.start < b for a, b in captions):
            continue
        for seg in clauses(sentence, breaks + _after_the_earlier(doc.text, sentence, breaks, mentions.triggers)):
            triggers = mentions.kind_within("triggers", seg.start, seg.end)
            dates = [m for m in mentions.kind_within("dates", seg.start, seg.end)
                     if not _dateline(m, pub) and (not _SINCE.search(doc.text, max(0, m.start - 90), m.start)
                                                   or _WHEN_AFTER.match(doc.text, m.end))
                     and not _TALLY_SPAN.search(doc.text, max(0, m.start - 60), m.start)
                     and not _after_publication(m, pub)]
            narrative = ctx
            # "أفاد مسؤول، فجر اليوم، بأن هجوماً استهدف، أمس السبت، القاعدة": the day beside the reporting verb is
            # the statement's when the clause dates the attack too
            spoken = _statement_days(doc.text, dates, triggers)
            attack_days = [m for m in dates if m not in spoken]
            ctx, stated = _clause_date(attack_days or dates, ctx, triggers[0].start if triggers else None, quotes, pub)
            clause_ctx = ctx
            if stated is not None and (stated.rule.endswith(BEFORE_THAT) or _in_the_wake_of(doc.text, stated, triggers)
                                       or _POSSESSIVE.match(doc.text, stated.end)):
                ctx = narrative  # the earlier attack's day is its clause's only
            cue_types = {c.data.get("type") for c in mentions.kind_within("cues", seg.start, seg.end)}
            if not triggers and not cue_types & TOLL_CUES:
                # most clauses state no attack: only their dates matter, and what they add to an attack told just
                # before: its claim, its damage, its place
                further = claim_continuation(doc.doc_id, Clause.build(doc.text, seg, sentence, mentions)) \
                    if drafts and "claim" in cue_types else None
                if (further is None and "damage_material" in cue_types and drafts and drafts[-1].clause.sentence == sentence
                        and drafts[-1].cand.sub_event_type == "Disrupted weapons use"):
                    # "…was shot down, while the other damaged two tents": the attack of its sentence got through
                    further = damage_continuation(doc.doc_id, Clause.build(doc.text, seg, sentence, mentions))
                further = further or _placed_after(doc, seg, sentence, mentions, drafts, dates)
                if further is not None:
                    drafts.append(_dated(further, clause_ctx, stated, spoken, triggers, doc.text))
                continue
            clause = Clause.build(doc.text, seg, sentence, mentions)
            draft = clause_draft(doc.doc_id, clause) or (
                _placed_after(doc, seg, sentence, mentions, drafts, dates) if not triggers else None)
            if draft is None:
                continue
            if draft.answered:
                ctx = narrative  # "ردًا على هجوم … في 15 أغسطس": the answered attack's day is its clause's only
            _resolve_anaphor(draft, mentions)
            if draft.own_attack is not None:
                draft.own_attack = _dated(draft.own_attack, clause_ctx, stated, spoken, triggers, doc.text)
            for draft in per_listed_place(draft):
                drafts.append(_dated(draft, clause_ctx, stated, spoken, triggers, doc.text))
    return drafts


_COMMA = re.compile(r"[,،]")
OPENING_REACH = 3  # characters before a sentence-opening phrase ("و")
EARLIER_PHRASE_REACH = 120  # characters from "two days after…" to the comma that ends the phrase


def _after_the_earlier(text: str, sentence: Segment, breaks: list, triggers: list) -> list[Segment]:
    """"Two days after the strike on Qamishli, another drone hit…", "بعد يومين من قصف القامشلي، استهدفت…": a
    sentence that opens on an earlier attack ends that clause at the phrase's comma, once the phrase has named
    the attack (not at a comma inside it: "بعد أقل من أسبوع على مقتل سليماني، قائد فيلق القدس، في غارة…")."""
    out = []
    for m in breaks:
        if isinstance(m, DateMention) and sentence.start <= m.start <= sentence.start + OPENING_REACH:
            comma = _COMMA.search(text, m.end, min(sentence.end, m.end + EARLIER_PHRASE_REACH))
            if comma is not None and any(m.end <= t.start < comma.start() for t in triggers):
                out.append(Segment(comma.end(), comma.end(), sentence.paragraph, sentence.sentence))
    return out


def _placed_after(doc: Doc, seg: Segment, sentence: Segment, mentions: DocMentions, drafts: list[Draft],
                  dates: list) -> Draft | None:
    """Where an attack the text has not placed was, told by a clause after it that tells no attack of its own
    ("…was killed on Tuesday in a drone strike. He rode his motorbike close to Jindayris…")."""
    if dates or not _unplaced_just_before(drafts, sentence) or QUOTED.search(doc.text, seg.start, seg.end):
        return None
    return place_continuation(doc.doc_id, Clause.build(doc.text, seg, sentence, mentions),
                              same_sentence=drafts[-1].clause.sentence == sentence)


def _unplaced_just_before(drafts: list[Draft], sentence: Segment) -> bool:
    """The last mention, in this sentence or the one before, tells an attack on a stated day that the text has not
    placed, or placed only in a country ("in northern Iraq"): the rest of the text may say where it was."""
    last = drafts[-1].cand if drafts else None
    return (last is not None and (last.location is None or last.location.precision == "country")
            and last.date_explicit and last.date_precision == "day"
            and sentence.sentence - drafts[-1].clause.sentence.sentence in (0, 1))


# "أصدر التحالف اليوم، الثلاثاء، بيانًا جاء فيه…", "قال المتحدث الاثنين إن…", "said on Monday that": the day
# beside a reporting verb is the statement's; the attack the statement tells of may be a day or more older.
_REPORTING_VERB = (r"[وف]?(?:قال|قالت|أعلن|أعلنت|أصدر|أصدرت|أكد|أكدت|ذكر|ذكرت|أفاد|أفادت|أوضح|أوضحت|نشر|نشرت|كشف|كشفت"
                   r"|صرح|صرّح|تبنى|تبنت|said|announced|stated|claimed)")
_STATEMENT_BEFORE = re.compile(rf"(?:^|[^\w]){_REPORTING_VERB}(?:[\s،,]+[^\s،,.]+){{0,5}}?"
                               rf"(?:[\s،,]+في\s+بيان(?:\s+(?:له|لها|لهم))?)?[\s،,]*(?:on\s+)?$")  # "…، في بيان لها، اليوم"
# "وفي 13 أغسطس، أوضح المتحدث أن…"; not "a strike on Friday claimed the life of a fighter"
_STATEMENT_AFTER = re.compile(rf"[\s،,]*{_REPORTING_VERB}(?!\w)(?!\s+the\s+li(?:ves|fe)\b)")


def _statement_day(text: str, m: DateMention, triggers: list) -> bool:
    """The date stands right after a reporting verb and its speaker, or right before the verb."""
    return (bool(triggers) and bool(_STATEMENT_BEFORE.search(text, max(0, m.start - 60), m.start))
            or bool(_STATEMENT_AFTER.match(text, m.end)))


# "على خلفية تفجير أنقرة الإثنين الفائت", "بعد هجوم الأحد", "following Sunday's attack": an earlier attack named
# as the cause or the start of what the text tells
_WAKE = re.compile(r"(?:^|[^\w])(?:على\s+خلفية|[بل]?عد|إثر|اثر|عقب|following|after)\s+(?:\w+\s+)?$")


_POSSESSIVE = re.compile(r"['’]s\b")  # "last month's attack": the day of that attack, not of the narrative


def _in_the_wake_of(text: str, m: DateMention, triggers: list) -> bool:
    """The stated day belongs to an attack the clause names as what came before."""
    near = min(triggers, key=lambda t: abs(t.start - m.start), default=None)
    return near is not None and bool(_WAKE.search(text, max(0, near.start - 20), near.start))


def _statement_days(text: str, dates: list[DateMention], triggers: list) -> list[DateMention]:
    """The statement's days, with a day restated in brackets after one ("اليوم الثلاثاء (5 أيار 2020)")."""
    out: list[DateMention] = []
    for m in dates:
        if _statement_day(text, m, triggers) or (out and _RESTATED.fullmatch(text, out[-1].end, m.start)):
            out.append(m)
    return out


_RESTATED = re.compile(r"\s*[(\[]\s*")


def _dated(draft: Draft, ctx: DateContext, stated: DateMention | None, spoken: list[DateMention], triggers: list,
           text: str) -> Draft:
    """The draft with the narrative's date, and whether its clause stated it (a statement's day is not stated)."""
    c = draft.cand
    c.date, c.date_precision, c.date_range = ctx.date, ctx.precision, ctx.range
    # "تندد بالاستهداف التركي، الأربعاء": a definite attack noun refers back to an attack already
    # told; the day in its clause is the clause's own (a protest, a statement), not the attack's.
    c.date_explicit = stated is not None and not (triggers and definite_noun(text, triggers[0])) and stated not in spoken
    c.date_published = c.date is not None and not ctx.stated
    if stated is not None:
        c.cite("date", Span(stated.start, stated.end, stated.text), f"dates:{stated.rule}")
    return draft


# Words that tell of reports, not of the attack: "social media reported news that…", "The reports claimed…".
_REPORTS_OF = re.compile(r"(?:\breports?\b|\breported\b|\bnews that\b|\brumou?rs?\b|أنباء|تقارير|شائعات|أخبار|تداولت|تناقلت)",
                         re.IGNORECASE)


def _retells_the_denied(d: Draft, denied: Draft) -> bool:
    """A later clause that tells, as reports, the attack the text denied ("Several websites reported that ISIS
    attacked… The reports claimed that…") is the denied report retold, not an incident."""
    if not _REPORTS_OF.search(d.clause.text, d.clause.sentence.start, d.clause.seg.end):
        return False
    # the denial's day is the denial's: the reports may date the attack to the day before
    undated = replace(denied.cand, date=None, date_range=None)
    return compatible([undated], _without_guessed_sides(d.cand), strict_precision=True)


def group_incidents(drafts: list[Draft]) -> list[Incident]:
    incidents: list[Incident] = []
    told_first: list[Draft] = []  # blasts told before the first attack
    prev: Draft | None = None
    denied: list[Draft] = []  # attacks the text says did not happen ("denied reports of…", "unfounded")
    for d in drafts:
        if d.rejected:
            if d.rejected.startswith(DENIED):
                denied.append(d)
            continue
        if any(_retells_the_denied(d, x) for x in denied):
            d.rejected = "what the text denies: the reports of an attack it called false"
            continue
        _inherit_attacker(prev, d)
        _same_party(incidents, d)
        _infer_counterstrike(incidents, d)
        prev = d
        # A town a clause lists beside others ("في مدينتي الميادين والبوكمال") joins no incident placed
        # at another named town or site.
        # (a capital named bare holds its neighbourhoods: "Kafr Sousa" joins the strike told "in Damascus")
        pool = [inc for inc in incidents if not d.listed or all(
            loc.place_id == d.cand.location.place_id or (loc.bare_capital and loc.admin1 == d.cand.location.admin1)
            for loc in inc.values("location") if loc.precision in PRECISE)]
        another = _told_as_another(d)
        if another:
            # "في هجوم آخر لداعش", "in a separate attack": not the attack told just before it
            pool = [inc for inc in pool if inc is not incidents[-1]]
        if d.answered:
            # "…strikes on Thursday, answering the rockets fired at Camp Taji days before": not the strike it answers,
            # and the side that answers is the one that was attacked
            answering = [inc for inc in pool if inc.drafts[-1].clause.sentence == d.clause.sentence]
            pool = [inc for inc in pool if inc not in answering]
            _hit_the_responder(d, answering)
        # An attack told as what a response answers is context: a mention that fits it and the response alike
        # ("وأضاف أن الضربات كانت…") tells the response.
        fitting = [inc for inc in reversed(pool) if fits(inc, d)]
        home = next((inc for inc in fitting if not inc.drafts[0].answered), fitting[0] if fitting else None)
        if d.continuation:
            # The toll's own place ("في مخزن بقاعدة قرب المدينة") may place the incident more finely;
            # a place that does not fit it is left out rather than the toll.
            placeless = replace(d, cand=replace(d.cand, location=None))
            joined = next((x for x in (d, placeless) if incidents and fits(incidents[-1], x)), None)
            if joined is not None:
                d.grouping = f"joined incident {len(incidents)}: a toll, status or claim adds to the incident before it"
                incidents[-1].drafts.append(joined)
            elif not incidents and any(t.data.get("kind") == "explosion" for t in d.clause.triggers):
                d.grouping = "held: a blast told before any attack"
                told_first.append(d)
            elif d.own_attack is not None and not d.own_attack.rejected:
                d.grouping = "opened: a toll that names its weapon or killers, fitting no incident before it"
                d.own_attack.grouping = d.grouping
                incidents.append(Incident([d.own_attack]))
            else:
                d.grouping = "dropped: a toll, status or claim that fits no incident before it"
            continue
        why = "compatible (same day, place, sides, weapons)"
        told = d
        if home is None:
            # A side only guessed (the target of the clause before answering, a base's operator, where the
            # fire came from) is no reason for another incident: the mention joins the one it otherwise fits.
            guessless = replace(d, cand=_without_guessed_sides(d.cand))
            home = next((inc for inc in reversed(pool) if _fits_without_guesses(inc, guessless)), None)
            if home is not None:
                # "قال المتحدث أمس إن الضربات حمت جنودنا في المدينة" dates the statement and names
                # where the forces are, not where the strike fell.
                d, why = _further_account(d, keep_place=_places_it_finer(d, home)), \
                    "compatible once guessed sides are set aside"
        for refers_back, reason in _REFERS_BACK:
            # a mention that refers back to the attack just told joins it, as the account that rule makes of it
            account = refers_back(d, incidents[-1]) if home is None and incidents and not (d.listed or another) else None
            if account is not None:
                home, d, why = incidents[-1], account, reason
        if home is None:
            told.grouping = _kept_apart(incidents, d, another)
            incidents.append(Incident([d]))
            # "وقوع انفجار في سيارة في القامشلي … قد يكون التفجير ناتجاً عن هجوم بمسيرة": the blast told first is
            # the one the attack mention names back
            names_back = any(definite_noun(d.clause.text, t) for t in d.clause.triggers)
            for early in told_first:
                if names_back and fits(incidents[-1], early):
                    early.grouping = f"joined incident {len(incidents)}: a blast told before the attack"
                    incidents[-1].drafts.insert(0, early)
            told_first = []
        else:
            told.grouping = f"joined incident {incidents.index(home) + 1}: {why}"
            home.drafts.append(d)
    _share_listed_attacker(incidents)
    return incidents


def _share_listed_attacker(incidents: list[Incident]) -> None:
    """The places one clause lists were struck by one side: "قالت الفصائل إنها استهدفت قاعدة حرير وقاعدة
    الشدادي" names its claimant once; when the first base's incident knows who claims it, the others take the
    claim too. (An accusation is not shared: blame for "the attacks" is often for a whole campaign.)"""
    by_clause: dict[int, list[tuple[Incident, Draft]]] = {}
    for inc in incidents:
        for d in inc.drafts:
            if d.listed:
                by_clause.setdefault(id(d.clause), []).append((inc, d))
    for members in by_clause.values():
        named = [o.cand for inc, _ in members for o in inc.drafts if o.cand.attacker and o.cand.attribution == "claimed"]
        if len({c.attacker for c in named}) != 1:
            continue
        src = named[0]
        for inc, d in members:
            if not inc.values("attacker") and d.cand.target_actor != src.attacker:
                d.cand.attacker, d.cand.attacker_name, d.cand.attribution = src.attacker, src.attacker_name, src.attribution
                d.cand.evidence += [e for e in src.evidence if e.field in ("attacker", "attribution")]


def _places_it_finer(d: Draft, inc: Incident) -> bool:
    """The mention names a place finer than any the incident has ("at Al-Asad Air Base" after "in western Iraq")."""
    def rank(loc) -> int:  # a capital named bare by its governorate's name may mean the governorate
        return GEO_ORDER.index("admin1" if loc.bare_capital else loc.precision)
    loc = d.cand.location
    return loc is not None and all(rank(loc) < rank(other) for other in inc.values("location"))


def _further_account(d: Draft, keep_place: bool) -> Draft:
    """The mention as one more account of an incident already told: its guessed sides set aside, its day
    (a statement's, a claim's) left to the incident, and its place too unless the incident has none."""
    c = _without_guessed_sides(d.cand)
    return replace(d, cand=replace(c, date=None, date_range=None, date_explicit=False, date_published=False,
                                   location=c.location if keep_place else None))


def _anchor_word(d: Draft):
    """The attack word that opened the mention, unless the mention answers another attack."""
    return None if d.response else next((t for t in d.clause.triggers if t.start == d.cand.anchor), None)


def _points_back(d: Draft, inc: Incident) -> Draft | None:
    """"أعلنت مسؤوليتها عن هذا الهجوم مساء أمس": a demonstrative ("هذا الهجوم") is the attack just told; the
    day is the claim's."""
    first = _anchor_word(d)
    if first is None or not demonstrative_noun(d.clause.text, first):
        return None
    account = _further_account(d, keep_place=True)
    return account if _fits_without_guesses(inc, account) else None


def _dates_the_attack_told(d: Draft, inc: Incident) -> Draft | None:
    """"…claimed a deadly attack, the group said on Wednesday. Eleven were killed in Tuesday's attack": the attack
    told so far had only the narrative's day; the clause that refers back to it dates it."""
    first = _anchor_word(d)
    if first is None or not d.cand.date_explicit or any(o.cand.date_explicit for o in inc.drafts):
        return None
    if not (definite_noun(d.clause.text, first) or _TOLD_BEFORE.search(d.clause.text, max(0, first.start - 30), first.start)):
        return None
    undated = [replace(o.cand, date=None, date_range=None) for o in inc.drafts]
    return d if compatible(undated, _without_guessed_sides(d.cand), strict_precision=True) else None


# "Tuesday's attack", "the attack", "this strike": an attack already told
_TOLD_BEFORE = re.compile(r"(?:^|\W)(?:the|this|that|[A-Z][a-z]+day(?:\s+night)?['’]s)\s+(?:[a-z]+\s+){0,2}$")


def _hit_the_responder(d: Draft, answering: list[Incident]) -> None:
    responder = next((o.cand for inc in answering for o in inc.drafts if o.cand.attacker), None)
    guessed = any(e.field == "target_actor" and inferred(e.rule, GUESSES) for e in d.cand.evidence)
    if responder is None or (d.cand.target_actor and not guessed) or responder.attacker == d.cand.attacker:
        return
    d.cand.target_actor, d.cand.target_name = responder.attacker, responder.attacker_name
    d.cand.evidence = [e for e in d.cand.evidence if e.field != "target_actor"]
    ev = next((e for e in responder.evidence if e.field == "attacker"), None)
    if ev is not None:
        d.cand.cite("target_actor", Span(ev.start, ev.end, ev.text), "answered-attack:the-responder-was-hit")


def _tells_its_toll(d: Draft, inc: Incident) -> Draft | None:
    """"وأدى الاستهداف إلى مقتل السائق وإصابة مدنيين": a definite attack word with no attacker and no day of its own,
    whose target is only who was hurt, is the attack just told, and who it hurt."""
    first = _anchor_word(d)
    victim = [e for e in d.cand.evidence if e.field == "target_actor"]
    if (first is None or not definite_noun(d.clause.text, first) or d.cand.attacker is not None
            or d.cand.date_explicit or not victim or not all(inferred(e.rule, (HURT,)) for e in victim)):
        return None
    account = replace(d, cand=replace(d.cand, target_actor=None, target_name=None,
                                      evidence=[e for e in d.cand.evidence if e.field != "target_actor"]))
    return account if _fits_without_guesses(inc, account) else None


# "The rockets struck…", "the attack…": an English definite subject or attack noun right before the attack word.
_THE_BEFORE = re.compile(r"\b[Tt]he\s+(?:\w+\s+){0,2}$")
TOLD_AGAIN_KM = 50.0  # an attack told again may name a town this far from the place first told
PLACE_OF_THE_WORD = 30  # characters from an attack word to the place it governs ("القصف التركي على قرية…")


def _told_again(d: Draft, inc: Incident) -> Draft | None:
    """"The rockets struck at 7:50pm, the mayor of Chamchamal district said": the attack just told, told again
    with no date of its own; a nearby town it names away from the attack word is a detail of the telling (an
    official's seat, a district), not another incident's place."""
    first = _anchor_word(d)
    if first is None or d.clause.dates or d.cand.location is None:
        return None
    hit = next((e for e in d.cand.evidence if e.field == "location"), None)
    if hit is not None and 0 <= hit.start - first.end <= PLACE_OF_THE_WORD:
        return None  # "كما قُتل راعٍ بالقصف على قرية قرب المدينة": the place the attack word names
    definite = (_THE_BEFORE.search(d.clause.text, max(d.clause.seg.start, first.start - 30), first.start)
                if first.text.isascii() else definite_noun(d.clause.text, first))
    places = [o.cand.location for o in inc.drafts if o.cand.location is not None]
    here = d.cand.location
    if not definite or not places or any(p.admin1 != here.admin1 or p.lat is None or here.lat is None
                                         or km((p.lat, p.lon), (here.lat, here.lon)) > TOLD_AGAIN_KM for p in places):
        return None
    account = _further_account(d, keep_place=False)
    return account if _fits_without_guesses(inc, account) else None


# A verb judging an attack already told: "أدانت الخارجية الهجوم", "ووصفت القصف بأنه…", "condemned the attack".
_JUDGED = re.compile(r"(?:أدان|أدانت|ندد|نددت|استنكر|استنكرت|وصف|وصفت|اعتبر|اعتبرت|condemn|condemns|condemned|condemning"
                     r"|denounce|denounces|denounced|described|called)"
                     r"\s+(?:\S+\s+){0,3}$")


def _judged(d: Draft, inc: Incident) -> Draft | None:
    """"ووصفت الخارجية القصف بأنه انتهاك…": the definite attack a statement condemns or describes is the attack
    just told; the places the statement lists are its own, not the attack's, and so is a day told before the
    attack word ("went on television on Wednesday to condemn the attack")."""
    first = _anchor_word(d)
    definite = first is not None and (definite_noun(d.clause.text, first) or (
        first.text.isascii() and _TOLD_BEFORE.search(d.clause.text, max(0, first.start - 30), first.start) is not None))
    if not definite or (d.cand.date_explicit and not all(
            e.end <= first.start for e in d.cand.evidence if e.field == "date")):
        return None
    if not _JUDGED.search(d.clause.text, max(d.clause.sentence.start, first.start - 40), word_start_of(d.clause.text, first)):
        return None
    account = _further_account(d, keep_place=False)
    return account if _fits_without_guesses(inc, account) else None


# "the car was hit", "the convoy was targeted": the thing an attack just told hit, hit again in the passive
_THING_HIT_AGAIN = re.compile(r"\b(?:the|this)\s+(car|vehicle|convoy|truck|bus|patrol|house|building|checkpoint|motorcycle"
                              r"|pickup|van|tanker)\s+(?:(?:was|were|had\s+been|has\s+been)\s+(?:\w+\s+)?)?$", re.IGNORECASE)


def _hit_again(d: Draft, inc: Incident) -> Draft | None:
    """"A drone struck a car… The SDF said the car was hit near the village of X": the thing the attack just
    told hit, named again with a passive and no side or day of its own, is that attack; where the statement
    puts it is left to the incident (the text may name a village beside the town it placed it in)."""
    first = _anchor_word(d)
    said = first is not None and _THING_HIT_AGAIN.search(d.clause.text, max(0, first.start - 40), first.start)
    if not said or d.cand.attacker is not None or d.cand.date_explicit or not any(
            re.search(rf"\b{said.group(1)}\b", o.clause.text[o.clause.sentence.start:o.clause.sentence.end], re.IGNORECASE)
            for o in inc.drafts):
        return None
    account = _further_account(d, keep_place=False)
    return account if _fits_without_guesses(inc, account) else None


_REFERS_BACK = ((_points_back, "«this attack» points back to it"),
                (_hit_again, "«the car was hit»: what the attack just told hit"),
                (_judged, "a statement judges the attack just told"),
                (_dates_the_attack_told, "«Tuesday's attack» dates the attack just told"),
                (_tells_its_toll, "«the attack» and its toll: the attack just told"),
                (_told_again, "«the rockets struck», with no day of its own: the attack just told, its town a detail"))


def _fits_without_guesses(inc: Incident, d: Draft) -> bool:
    """Compatible once both sides' guesses are set aside, and never the side that was hit striking back."""
    if d.cand.attacker is not None and d.cand.attacker in {o.cand.target_actor for o in inc.drafts}:
        return False
    return compatible([_without_guessed_sides(o.cand) for o in inc.drafts], d.cand, strict_precision=True)


GUESSES = WEAK_ATTACKER_RULES + PLACE_TARGET_RULES


def _without_guessed_sides(c: Candidate) -> Candidate:
    """The draft without the sides it only infers; the draft itself when it infers none."""
    guessed = {e.field for e in c.evidence if e.field in ("attacker", "target_actor") and inferred(e.rule, GUESSES)}
    if not guessed:
        return c
    return replace(c, evidence=[e for e in c.evidence if e.field not in guessed], responds_to_anchor=None,
                   **{name: None for name in guessed})


HEADLINE_LINES = 3  # a page may open with a section name ("أخبار") or two before its headline


def headline_lines(text: str) -> int:
    """How many lines open the text before its body: lines of their own with no closing stop (a section
    name, the headline)."""
    sents = sentences(text)
    n = 0
    while (n < min(len(sents) - 1, HEADLINE_LINES) and sents[n].paragraph != sents[n + 1].paragraph
           and text[sents[n].end - 1] not in ".!?؟"):
        n += 1
    return n


PRECISE = ("site", "town")
STALE_LEAD_DAYS = 7  # a lead about an attack older than a week is a follow-up's background


def _role(inc: Incident, published: date | None, lead: int) -> str:
    """Main: told in the lead, or dated by the text to the publication day; background otherwise."""
    stated = [d.cand.date for d in inc.drafts if d.cand.date_explicit and d.cand.date_precision == "day"]
    if any(d.clause.sentence.sentence < lead for d in inc.drafts):
        # A lead about an attack the text dates days before the report (to the day, or a whole month
        # before it) is a follow-up's background.
        ends = [d.cand.date_range[1] if d.cand.date_range else d.cand.date for d in inc.drafts
                if d.cand.date_explicit and d.cand.date]
        old = published is not None and ends and (published - max(ends)).days > STALE_LEAD_DAYS
        return "background" if old else "main"
    if published is not None and stated:
        return "main" if max(stated) >= published else "background"
    if any(d.background_cue for d in inc.drafts):
        return "background"
    dates = [d.cand.date for d in inc.drafts if d.cand.date]
    if published is None or not dates:
        return "main"
    return "main" if max(dates) >= published else "background"


def _is_event(c: Candidate) -> bool:
    """An incident needs a place finer than a country, and a date no vaguer than a month (ACLED's floor)."""
    return (c.location is not None and c.location.precision != "country"
            and c.date_precision not in ("year",))


SUBHEADING_CHARS = 100  # a line of its own, this short and with no closing stop, heads what follows it


def _heading_sentences(text: str, headlines: int) -> set[int]:
    """The sentences that head what follows them: the ``headlines`` first lines, and short lines of their own
    with no closing stop further down ("A base in Jordan attacked, and Washington's reply")."""
    sents = sentences(text)
    out = set(range(headlines))
    for i in range(1, len(sents) - 1):
        s, before, after = sents[i], sents[i - 1], sents[i + 1]
        if (s.paragraph not in (before.paragraph, after.paragraph) and s.end - s.start <= SUBHEADING_CHARS
                and text[s.end - 1] not in ".!?؟:"):
            out.add(i)
    return out


def _fold_headlines(incidents: list[Incident], headings: set[int]) -> list[Incident]:
    """An undated headline or subheading ("مسيرات تستهدف قاعدة التنف") announces the first matching incident
    told after it, whatever day the text gives that one; it only stands alone when nothing after it fits."""
    kept: list[Incident] = []
    for i, inc in enumerate(incidents):
        if all(d.clause.sentence.sentence in headings and not d.cand.date_explicit for d in inc.drafts):
            undated = [replace(d, cand=replace(d.cand, date=None, date_range=None)) for d in inc.drafts]
            told = next((later for later in incidents[i + 1:] if all(fits(later, d) for d in undated)), None)
            if told is None and all(d.cand.location is None or d.cand.location.precision not in PRECISE for d in undated):
                # "…after airstrike in Hamrin Mountains" over a body that places it in Kirkuk province: a
                # headline's vaguer place gives way to the incident the lead tells right after it
                placeless = [replace(d, cand=replace(d.cand, location=None)) for d in undated]
                lead = incidents[i + 1] if i + 1 < len(incidents) else None
                told = lead if lead is not None and all(fits(lead, d) for d in placeless) else None
            if told is not None:
                told.drafts[:0] = inc.drafts
                continue
        kept.append(inc)
    return kept


def _own_side_speaks(inc: Incident, cand: Candidate) -> None:
    """A state force whose own side speaks anywhere in the incident claims it: "U.S. aircraft struck
    two sites…" then "The Pentagon said the strikes hit…" (the clause that names the attacker need
    not be the one its spokesman speaks in)."""
    if cand.attribution not in ("unknown", "accused", "confirmed") or cand.hedged or not announces(cand.attacker):
        return
    speaker = next((s for d in inc.drafts if (s := side_announces(d.clause, cand.attacker))), None)
    if speaker is not None:
        cand.attribution = "claimed"
        cand.evidence = [e for e in cand.evidence if e.field != "attribution"]
        cand.cite("attribution", speaker, f"attacker-side-speaks-in-incident:{speaker.entry_id}")


def _one_per_place_and_day(incidents: list[Incident]) -> list[tuple[Incident, Candidate]]:
    """ACLED's unit: one incident per place and day. Two incidents the text puts at the same named place on
    the same day are one, unless one answers the other or they name different attackers. Each incident
    comes with its drafts folded into one candidate."""
    kept: list[tuple[Incident, Candidate]] = []
    for inc in incidents:
        cand = combine([d.cand for d in inc.drafts])
        i = next((i for i, (_, kc) in enumerate(kept) if _same_place_and_day(kc, cand)), None)
        if i is None:
            kept.append((inc, cand))
        else:
            same = kept[i][0]
            same.drafts.extend(inc.drafts)
            kept[i] = (same, combine([d.cand for d in same.drafts]))
    return kept


def _same_place_and_day(a: Candidate, b: Candidate) -> bool:
    """Both at one named site or town on one stated day, neither answering the other, no two attackers."""
    if a.responds_to_anchor is not None or b.responds_to_anchor is not None:
        return False
    if a.attacker and b.attacker and not related(a.attacker, b.attacker):
        return False  # two named attackers: two attacks that day ("ISIS raided…; regime shells fell…")
    if a.location is None or b.location is None or a.location.precision not in ("site", "town"):
        return False
    return (a.location.place_id == b.location.place_id and a.date is not None and a.date == b.date
            and a.date_precision == b.date_precision == "day")


def _official_names(inc: Incident, cand: Candidate) -> None:
    """The side that was hit, or a third official side (a ministry, a command, state media), names the attacker
    in any sentence of the incident ("ألقت القيادة باللوم على فصائل…" after "هجوم على القاعدة"; "وقالت وزارة
    الدفاع إن العدو نفذ الغارة"): confirmed, as within one sentence. A party that accuses only blames."""
    if cand.attribution != "accused" or cand.hedged:
        return
    speaker = next((s for d in inc.drafts if d.cand.attacker == cand.attacker
                    and (s := side_speaks(d.clause, cand.target_actor)
                         or (None if d.clause.cue("accuse") or d.cand.hedged else official_speaks(d.clause, cand.attacker)))),
                   None)
    if speaker is not None:
        cand.attribution = "confirmed"
        cand.evidence = [e for e in cand.evidence if e.field != "attribution"]
        cand.cite("attribution", speaker, f"official-names-attacker-in-incident:{speaker.entry_id}")


def _bombardment_only(cand: Candidate) -> bool:
    """Typed only by "قصف" / "ضربة" (bombardment, a strike: from the ground or the air), or by English "bombing"
    (a bomb planted, or dropped from the air), and no weapon named."""
    typed = [e for e in cand.evidence if e.field == "sub_event_type"]
    return (len(typed) == 1 and all(w == "unknown" for w in cand.weapons) and (
        (cand.sub_event_type == "Shelling/artillery/missile attack" and typed[0].rule in ("triggers:shelling", "triggers:strike"))
        or (typed[0].rule == "triggers:bombing_noun" and typed[0].text.lower() in ("bombing", "bombings"))))


def _missiles_only(cand: Candidate) -> bool:
    """Typed a shelling only because "صواريخ" or "missiles" were named, and no gun, mortar or launcher."""
    rules = [e.rule for e in cand.evidence if e.field == "sub_event_type"]
    fired = set(cand.weapons) - {"unknown"}
    return (cand.sub_event_type == "Shelling/artillery/missile attack" and bool(fired) and fired <= {"rocket", "missile"}
            and all(r in ("weapon->rocket", "weapon->missile") for r in rules))


def _usual_attack(cand: Candidate) -> None:
    """An attack whose weapon the text does not name takes the attacker's usual kind ("هاجمت خلايا داعش
    نقطة لقسد": a ground raid, coded as an armed clash; "غارة إسرائيلية" is typed by its noun already).
    "قصف أمريكي" with no weapon is a bombardment by a side that strikes from the air: an air strike (but fire
    returned from a base, "وردّت بقصف مصادر النيران", is its guns')."""
    kind = usual_attack(cand.attacker) if cand.attacker else None
    if cand.sub_event_type == "Air/drone strike" and cand.attacker and fires_missiles(cand.attacker):
        # "عدواناً جوياً بعدد من الصواريخ": the rockets of an air strike by a side that fires missiles are missiles
        cand.weapons = list(dict.fromkeys("missile" if w == "rocket" else w for w in cand.weapons))
    if kind == "Air/drone strike" and fires_missiles(cand.attacker) and _missiles_only(cand):
        # "نفذ العدو الإسرائيلي عدواناً برشقات من الصواريخ": Israel's strikes fire missiles, not a militia's rockets
        # (US forces in Syria do fire rockets from their bases)
        cand.weapons = ["missile" if w == "rocket" else w for w in cand.weapons]
    elif kind is None or not (cand.sub_event_type is None or (
            kind == "Air/drone strike" and _bombardment_only(cand) and cand.responds_to_anchor is None)):
        return
    cand.evidence = [e for e in cand.evidence if e.field != "sub_event_type"]
    cand.sub_event_type = kind
    ev = next((e for e in cand.evidence if e.field == "attacker"), None)
    if ev is not None:
        cand.cite("sub_event_type", Span(ev.start, ev.end, ev.text), f"usual-attack-of:{cand.attacker}")


def extract_document(doc: Doc, settings: Settings = Settings()) -> list[Candidate]:
    """The events a document states, one candidate each, with evidence."""
    events = []
    headlines = headline_lines(doc.text)
    first = _first_told(doc.text)
    lead = first + (2 if first < headlines else 1)  # the lead: the first sentence told, the next too after a headline
    mentions = find_mentions(doc)
    explained = _explained_places(doc, mentions)
    incidents = _fold_headlines(group_incidents(read_drafts(doc, mentions)), _heading_sentences(doc.text, headlines))
    for inc, cand in _one_per_place_and_day(incidents):
        cand.role = _role(inc, doc.published, lead)
        _own_side_speaks(inc, cand)
        _official_names(inc, cand)
        _usual_attack(cand)
        if _is_event(cand) and not _explained_away(cand, explained) and not _thin(cand):
            events.append(cand)
    return events


def _thin(cand: Candidate) -> bool:
    """A main mention that says only that something struck a town or an area ("the attack in Kirkuk"), with no
    kind of attack, no side named on either end (a base's operator or a country's forces are only guessed) and no
    toll, is too thin to stand as an event: on the real sets such
    mentions were mostly an incident told elsewhere in the report under another day or place. A named site keeps
    it (attacks on a base are told that briefly, and other outlets' accounts merge with it). Placed no finer than a
    governorate, such a mention is too thin even with a side named ("operations of the PMF in Salah al-Din",
    "Turkey's attacks on Duhok province")."""
    stated_target = cand.target_actor and not any(inferred(e.rule, GUESSED_TARGET_RULES)
                                                  for e in cand.evidence if e.field == "target_actor")
    vague = cand.location is None or cand.location.precision in ("admin1", "country")
    return (cand.role == "main" and cand.sub_event_type is None and not any(c.killed or c.injured for c in cand.casualties)
            and (vague or (not cand.attacker and not stated_target and cand.location.precision != "site")))


LEAD_MIN_WORDS = 4  # a page's slug or a section name is shorter than any sentence that tells something


def _first_told(text: str) -> int:
    """The first sentence that is neither a photo caption nor a slug ("aleppo-1662538291255")."""
    captions = _captions(text)
    return next((i for i, s in enumerate(sentences(text)) if len(text[s.start:s.end].split()) >= LEAD_MIN_WORDS
                 and not any(a <= s.start < b for a, b in captions)), 0)


def _explained_places(doc: Doc, mentions: DocMentions) -> set[str]:
    """Places the text says heard only training or a controlled detonation ("الدوي الذي سُمع قرب القاعدة
    كان عبارة عن تدريبات")."""
    cues = mentions.cue("explained_away")
    if not cues:
        return set()
    out = set()
    for s in sentences(doc.text):
        # "لا يُعرف إذا ما كان الدوي تدريبات أم هجوماً": a doubt explains nothing.
        if any(s.start <= c.start < s.end for c in cues) and not _WHETHER.search(doc.text, s.start, s.end):
            out |= {p.entry_id for p in mentions.kind_within("places", s.start, s.end)}
    return out


_WHETHER = re.compile(r"إذا ما|ما إذا|فيما إذا|whether")


def _explained_away(cand: Candidate, places: set[str]) -> bool:
    """An incident at such a place with no one hurt is the blasts the text explained away."""
    return (cand.location is not None and cand.location.place_id in places
            and not any(c.killed or c.injured for c in cand.casualties))
