"""One event candidate per clause that states an attack."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from marsad.extract.attribution import fill_attribution
from marsad.extract.clause import Clause
from marsad.extract.mentions import TOLL_CUES
from marsad.extract.numbers import NumberMention
from marsad.extract.roles import (Role, actor_code, actor_roles, answered_attack, answers, definite_noun, demonstrative_noun, habitual,
                                  told_before, where_stationed)
from marsad.extract.slots import attack_weapons, fill_calibre, fill_casualties, fill_damage_and_time, fill_munitions, fill_type_and_weapons
from marsad.lexicon.load import load_lexicon
from marsad.resolve.operators import site_operator
from marsad.merge.compat import SAME_PLACE_KM
from marsad.resolve.geo import km
from marsad.resolve.places import PlaceMention, best_place, read_places, to_location
from marsad.types import Candidate, Mention, Span

EVENT_KINDS = {"attack", "disrupted", "clash"}
WEAK_KINDS = {"explosion", "launch"}  # count only beside a weapon word
NOT_EVENT_AFTER = 15  # characters after the first attack word in which a threat word still blocks it


@dataclass
class Draft:
    """A candidate plus what the document-level pass needs to know about its clause."""

    cand: Candidate
    clause: Clause
    response: bool
    background_cue: bool
    attacker_role: Role | None
    rejected: str | None = None  # why this mention is not an event (threat, aggregate, ...)
    continuation: bool = False  # adds to the incident before it; never opens one
    listed: bool = False  # one of several distinct towns a clause lists: joins only an incident at that town
    answered: bool = False  # the attack a response answers ("in response to an attack on…"): not the response
    areas: tuple[PlaceMention, ...] = ()  # distinct areas the clause lists as hit ("في مدينتي الميادين والبوكمال")
    grouping: str = ""  # which incident it joined or why it opened one (shown by --explain)
    own_attack: "Draft | None" = None  # a toll that names its weapon or killers: the attack it tells when it joins none


# "…as a response to a series of attacks", "رداً على سلسلة هجمات": the tally is what the strike answers, not the
# clause's own subject.
_ANSWERED_TALLY = re.compile(r"(?:(?:in|as\s+a)\s+(?:response|retaliation)\s+(?:to|for)|ردا|رداً|ردًا|رد"
                             r"|(?:comes?|came)\s+(?:after|amid)|(?:تأتي|يأتي|جاءت|جاء)\s+(?:\w+\s+){0,2}(?:بعد|عقب|إثر|وسط|في\s+ظل))"
                             r"\s+(?:على\s+)?(?:[\w\-]+\s+){0,2}$")


# "a wave of drone and rocket strikes … on Tuesday": one day's wave, coded as one event
_SERIES = re.compile(r"(?i)(?:a\s+)?(?:series|string|wave)\s+of(?:\s+attacks)?")


def _wave_of_one_day(clause: Clause, tally: Mention) -> bool:
    """A series of attacks the clause dates to one day is that day's wave, told as one incident."""
    return bool(_SERIES.fullmatch(tally.text) and clause.dates
                and all(d.precision == "day" and not d.refers_back for d in clause.dates))


def _answers_a_tally(clause: Clause, tally: Mention, first_attack: int) -> bool:
    """The tally follows "in response to" or "comes after" after the clause's own attack ("The US struck two
    sites… in response to repeated attacks", "…وتأتي الضربة بعد تزايد هجمات التنظيم"): the clause tells a
    strike, not the tally."""
    answer = _ANSWERED_TALLY.search(clause.text, max(0, tally.start - 40), tally.start)
    own = next((t for t in clause.triggers if t.start == first_attack), None)
    # "هذه الضربات رد على الهجمات…" refers back to strikes told already: the clause adds nothing of its own.
    return (answer is not None and own is not None and first_attack < answer.start()
            and not definite_noun(clause.text, own) and not demonstrative_noun(clause.text, own))


def place_candidate(cand: Candidate, pm: PlaceMention, words: Span | Mention, rule: str) -> None:
    """Set the location; a base with a known operator also names the target."""
    cand.location = to_location(pm)
    cand.cite("location", words, rule)
    operator = site_operator(pm.place.id)
    if cand.target_actor is None and operator and operator != cand.attacker:
        cand.target_actor = operator
        cand.cite("target_actor", words, f"site-operator:{pm.place.id}")


TALLY_COUNT = 3  # "شن التنظيم 14 هجوماً", "(10 عمليات)": a count of attacks or operations is a tally of incidents
TALLIED = {"attack", "operation"}  # not strikes or raids, which one strike wave counts ("نفذ 12 غارة")


# "more than 40 drone and rocket attacks", "14 هجوماً صاروخياً": attacks counted by the weapon they used
_ATTACKS_AFTER = re.compile(r"(?:\s+(?:and|or|و|أو)\s*[\w\-]+)?\s+(?:attacks|هجمات|هجوما|هجوماً)(?!\w)")


def _attacks_counted(clause: Clause) -> NumberMention | None:
    return next((n for n in clause.numbers if (n.value or 0) >= TALLY_COUNT and (
        n.noun_id in TALLIED or (n.noun_category == "munition" and _ATTACKS_AFTER.match(clause.text, n.end)))), None)


def _victims(roles: list[Role]) -> dict[int, tuple[str, bool]]:
    """The actors a casualty count may belong to: any the clause names but the one that attacked
    ("13 قتيلاً في هجوم لتنظيم داعش" are not ISIS's dead), nor the one backing the dead ("مسلحين موالين للجيش
    الأمريكي" are not US soldiers)."""
    return {r.mention.start: (r.actor, bool(r.mention.data.get("adjective"))) for r in roles
            if r.role != "attacker" and r.rule != "patron" and not r.mention.data.get("bare")}


def _suffered_an_attack(clause: Clause, verb: Mention) -> bool:
    """"تعرضت القاعدة لهجوم/لقصف بالصواريخ": an attack or weapon word follows in the clause; "تعرضوا لعمليات
    خطف" (kidnapping) or "تعرض لانتقادات" tells none. (English "was hit", "came under" are left as they are.)"""
    return verb.text.isascii() or any(m.start >= verb.end for m in clause.triggers + clause.weapons if m is not verb)


def _trigger_kinds(clause: Clause) -> set[str]:
    return {t.data.get("kind") for t in clause.triggers}


def _tallied(clause: Clause) -> bool:
    """"118 killed in two rounds of fighting": a tally of many incidents, which adds to none."""
    return bool(clause.cue("aggregate")) or _attacks_counted(clause) is not None


def _casualty_continuation(doc_id: str, clause: Clause, killing: Mention | None) -> Draft | None:
    """"…، فيما قُتل ٥ من المهاجمين", "A civilian was injured.": a toll with no attack word adds to the incident
    before it (a sentence with no count places nothing: its place may be anybody's)."""
    cues = [c for c in clause.cues if c.data.get("type") in TOLL_CUES]
    if not clause.numbers and not any(c.data.get("type") == "injured" for c in cues) and killing is None:
        # With no count, only a wounded person adds ("Another person … was injured"): one dead named again
        # after the toll ("The commander was killed on his way…") is more often the same dead, told twice
        # (unless the clause tells its own attack: "a car bomb killed a mother and her son").
        return None
    if not cues or _tallied(clause):
        return None
    cand = Candidate(doc_id=doc_id, anchor=cues[0].start)
    roles = actor_roles(clause)
    fill_casualties(cand, clause, _victims(roles))
    statuses = [c for c in cues if c.data.get("type") in {"unlaunched", "intercepted", "impacted"}]
    if statuses:
        fill_munitions(cand, clause)
        cand.launched = None  # a bare count here is not a launch: only the stated status counts
        cand.evidence = [e for e in cand.evidence if e.field != "munitions.launched"]
    if not cand.casualties and cand.unlaunched is None and cand.intercepted is None and cand.impacted is None:
        return None
    hit = best_place([p for p in read_places(clause) if not p.launch_site and not p.reference])
    if hit is not None and hit.precision != "country" and clause.numbers:
        cand.location = to_location(hit)
        cand.cite("location", hit.mention, f"gazetteer:{hit.place.id}")
    return Draft(cand, clause, response=False, background_cue=False, attacker_role=None, continuation=True)


def damage_continuation(doc_id: str, clause: Clause) -> Draft | None:
    """"One drone was shot down, while the other damaged two tents": damage told in the clause after a
    downing, in its sentence, says the attack got through."""
    if not clause.cue("damage_material"):
        return None
    cand = Candidate(doc_id=doc_id, anchor=clause.cue("damage_material")[0].start)
    fill_damage_and_time(cand, clause)
    return Draft(cand, clause, response=False, background_cue=False, attacker_role=None, continuation=True)


def claim_continuation(doc_id: str, clause: Clause) -> Draft | None:
    """"ISIS claimed responsibility through its news agency.": a claim with no attack word claims
    the attack told just before it (a continuation: it joins that attack only, and never opens one)."""
    if not clause.cue("claim") or clause.cue("no_claim"):
        return None
    claimant = next((r for r in actor_roles(clause) if r.role == "attacker" and r.rule == "claimant"), None)
    if claimant is None:
        return None
    cand = Candidate(doc_id=doc_id, anchor=claimant.mention.start)
    cand.attacker, cand.attacker_name = claimant.actor, claimant.mention.text
    cand.cite("attacker", claimant.mention, f"actors:{claimant.actor} {claimant.rule}")
    fill_attribution(cand, clause, claimant)
    return Draft(cand, clause, response=False, background_cue=False, attacker_role=claimant, continuation=True)


# "denied any involvement in the attack", "نفت أي علاقة لها بالهجوم": a side denies its part, not the attack.
_DENIED_ROLE = re.compile(r"\s+(?:\S+\s+){0,5}?(?:involvement|responsibility|any role|any link|links|being behind|taking part"
                          r"|(?:أي\s+)?(?:علاق|مسؤولي|صل|تورط|دور)\w*)", re.IGNORECASE)
DENIED = "the text denies it"  # a rejection whose attack, told again as reports, is no incident either


PLACE_ONLY = ("site", "town", "district")  # how precise a place told after an unplaced attack must be


def place_continuation(doc_id: str, clause: Clause, same_sentence: bool = False) -> Draft | None:
    """"A commander was killed in a drone attack on Friday. He was travelling near the border crossing in
    Qamishlo.": a sentence with no attack word right after an attack the text has not placed may say where it
    was; it joins that attack only (a continuation), and only with a town or a site."""
    hit = best_place([p for p in read_places(clause) if not p.launch_site and not p.reference])
    # (the rest of the attack's own sentence, "…on Monday while he was riding in Idlib province", may give its
    # governorate too)
    if hit is None or (hit.precision not in PLACE_ONLY and not (same_sentence and hit.precision == "admin1")):
        return None
    cand = Candidate(doc_id=doc_id, anchor=hit.mention.start)
    place_candidate(cand, hit, hit.mention, f"gazetteer:{hit.place.id} sentence-after")
    return Draft(cand, clause, response=False, background_cue=False, attacker_role=None, continuation=True)


def _blast_account(doc_id: str, clause: Clause, blast: Mention) -> Draft | None:
    """A blast of unstated cause at a named place ("وقوع انفجار في سيارة في مدينة القامشلي"), with the toll the
    clause gives it: it adds to the attack told beside it, which may also be told after it."""
    if _tallied(clause):
        return None
    hit = best_place([p for p in read_places(clause) if not p.launch_site and not p.reference])
    if hit is None or hit.precision == "country":
        return None
    cand = Candidate(doc_id=doc_id, anchor=blast.start)
    cand.location = to_location(hit)
    cand.cite("location", hit.mention, f"gazetteer:{hit.place.id}")
    fill_casualties(cand, clause, _victims(actor_roles(clause)))
    return Draft(cand, clause, response=False, background_cue=False, attacker_role=None, continuation=True)


# "two soldiers were killed by…", "have been wounded": the dead are the subject, not the killers.
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are|got)\s+(?:\w+\s+)?$", re.IGNORECASE)
AGENT_GAP = 3  # characters between the killers' name and the kill word ("ISIS militants killed")


def _killing_told(clause: Clause) -> Mention | None:
    """"A roadside bomb killed two soldiers", "Suspected ISIS militants killed four shepherds": a death or wound
    told in English with the weapon or the armed men that caused it tells an attack though the clause has no
    attack word; its kill word stands as the attack's trigger. (Arabic names such an attack with a word of its own,
    "بانفجار عبوة", "بقصف"; and its "قتل مسلحون" may as well be passive.)"""
    cue = next((c for c in clause.cues if c.data.get("type") in ("killed", "injured")), None)
    if cue is None or not cue.text.isascii() or _tallied(clause):
        return None
    trigger = _as_trigger(cue)
    armed = bool(attack_weapons(replace(clause, triggers=[*clause.triggers, trigger])))
    if not armed and not _PASSIVE_BEFORE.search(clause.text[clause.seg.start:cue.start]):
        before = clause.text[clause.seg.start:cue.start].rstrip()
        armed = any(0 <= cue.start - a.end <= AGENT_GAP and actor_code(a) not in UNARMED for a in clause.actors) \
            or bool(_KILLERS.search(before))
    return trigger if armed else None


UNARMED = frozenset({"civilians"})
_KILLERS = re.compile(r"\b(?:gunmen|militants|attackers|fighters|jihadists|insurgents)$", re.IGNORECASE)


def _as_trigger(cue: Mention) -> Mention:
    verb = load_lexicon("triggers").get("attack_verb")
    return Mention(cue.start, cue.end, cue.text, "triggers", verb.id, {"lexicon": "triggers", **verb.attrs,
                                                                        "told_by_toll": True})


EARLIER_CUE_GAP = 4  # characters from a clause's start to the "بعد أيام من" that opens it


def _told_as_earlier(clause: Clause) -> bool:
    """A sentence opened by a recall marker ("وكانت…", "سبق أن"), or a clause opened by "days after"
    ("وجرى القصف بعد أيام من سقوط…"): an attack told as past, not the news."""
    recall = clause.cue("background", whole_sentence=True)
    return bool(recall and recall[0].start - clause.sentence.start < 6) or any(
        c.data.get("earlier") and 0 <= c.start - clause.seg.start <= EARLIER_CUE_GAP for c in clause.sentence_cues)


def clause_draft(doc_id: str, clause: Clause) -> Draft | None:
    """Build the candidate a clause states, or None when it states no attack."""
    kinds = _trigger_kinds(clause)
    if not kinds & (EVENT_KINDS | WEAK_KINDS):
        killing = _killing_told(clause)
        toll = _casualty_continuation(doc_id, clause, killing)
        if toll is not None and killing is not None:
            toll.own_attack = clause_draft(doc_id, replace(clause, triggers=sorted([*clause.triggers, killing],
                                                                                  key=lambda t: t.start)))
        return toll
    if not kinds & EVENT_KINDS and not attack_weapons(clause):
        # a blast or a "launch" with no weapon word may be anything: at most it adds to an attack told beside it
        blast = next((t for t in clause.triggers if t.data.get("kind") == "explosion"), None)
        if blast is None:
            return None
        # with no place of its own, what the blast did is the toll of the attack told before it
        return _blast_account(doc_id, clause, blast) or _casualty_continuation(doc_id, clause, None)
    trigger = next(t for t in clause.triggers if t.data.get("kind") in EVENT_KINDS | WEAK_KINDS)
    cand = Candidate(doc_id=doc_id, anchor=trigger.start)
    cand.cite("event", trigger, f"triggers:{trigger.entry_id}")
    fill_type_and_weapons(cand, clause)

    roles = actor_roles(clause)
    attacker = next((r for r in roles if r.role == "attacker"), None)
    target = next((r for r in roles if r.role == "target" and (attacker is None or r.actor != attacker.actor)), None)
    if attacker:
        cand.attacker, cand.attacker_name = attacker.actor, attacker.mention.text
        cand.cite("attacker", attacker.mention, f"actors:{attacker.actor} {attacker.rule}")
    if target is None:
        # "تصدت قسد لهجوم شنه عناصر من داعش": whoever repelled the attack was its target.
        target = next((r for r in roles if r.rule.split()[0] == "defender" and (attacker is None or r.actor != attacker.actor)), None)
    if target:
        cand.target_actor, cand.target_name = target.actor, target.mention.text
        cand.cite("target_actor", target.mention, f"actors:{target.actor} {target.rule}")

    places = read_places(clause)
    if attacker is not None:
        # where the attacker is stationed is where the fire came from
        places = [replace(p, launch_site=True) if where_stationed(clause.text, attacker.mention, p.mention) else p
                  for p in places]
    hits = [p for p in places if not p.launch_site]
    hit = best_place([p for p in hits if not p.reference] or hits)
    launch = best_place([p for p in places if p.launch_site])
    chain = _place_list(clause, hits)
    areas = tuple(chain) if chain and _distinct_areas(chain) else ()
    if hit:
        place_candidate(cand, hit, hit.mention, f"gazetteer:{hit.place.id}")
        # "في محيط بلدتي ذيبان والطيانة": towns listed as one area are all this incident's
        cand.listed_with = tuple(pm.place.id for pm in chain) if chain and not areas else ()
    if launch:
        cand.launch_site = to_location(launch)
        cand.cite("launch_site", launch.mention, f"gazetteer:{launch.place.id}")

    fill_munitions(cand, clause)
    fill_casualties(cand, clause, _victims(roles))
    fill_damage_and_time(cand, clause)
    fill_calibre(cand, clause)
    fill_attribution(cand, clause, attacker)

    rejected = None
    first = min(t.start for t in clause.triggers if t.data.get("kind") in EVENT_KINDS | WEAK_KINDS)
    # A threat, warning or exercise word before the attack word, or right after it
    # ("تتعرض لتهديدات"), makes the clause about something that did not happen.
    blockers = [c for c in clause.cue("not_event") if (c.start < first or c.start - first <= NOT_EVENT_AFTER
                or c.data.get("anywhere")) and not (c.data.get("denial") and _DENIED_ROLE.match(clause.text, c.end))]
    if blockers:
        rejected = f"{DENIED if blockers[0].data.get('denial') else 'not an incident'}: {blockers[0].text}"
    elif tallies := [c for c in clause.cue("aggregate") if not _answers_a_tally(clause, c, first)
                     and not _wave_of_one_day(clause, c)]:
        rejected = f"aggregate of several attacks: {tallies[0].text}"
    elif tally := _attacks_counted(clause):
        rejected = f"aggregate of several attacks: {tally.text}"
    elif not clause.dates and all(told_before(clause.text, t) for t in clause.triggers
                                  if t.data.get("kind") in EVENT_KINDS | WEAK_KINDS):
        rejected = "what came before the clause's news: an attack already told"
    elif (said := [t for t in clause.triggers if t.data.get("kind") in EVENT_KINDS]) and all(
            t.data.get("subject_is_target") and not _suffered_an_attack(clause, t) for t in said):
        rejected = "what was suffered is no attack: " + said[0].text
    elif said and all(habitual(clause.text, t) for t in said):
        rejected = "what a group does, not what it did: an attack verb in the present after التي/الذي"
    elif said and not clause.numbers and all(_SERIES_TOLD.search(clause.text, max(0, t.start - 8), t.start)
                                             and t.text.lower() == "attacks" for t in said):
        rejected = "a series already told: " + said[0].text
    return Draft(cand, clause, response=bool(answers(clause)), answered=answered_attack(clause), areas=areas,
                 background_cue=_told_as_earlier(clause),
                 attacker_role=attacker, rejected=rejected)


# "the attacks, which Washington has linked to Iran": "the attacks" points back to a series, no new incident.
_SERIES_TOLD = re.compile(r"(?:the|these|those|such)\s+$", re.IGNORECASE)


# "الميادين والبوكمال", "القائم، وعكاشات", "al-Qaim and Akashat": a conjunction between two names.
# "…، وقاعدة الشدادي", "X and Y", and "one in X and the other in Y" ("إحداهما في X والأخرى في Y")
_LIST_GAP = re.compile(r"\s*(?:[،,]\s*و?|و|and|or|أو|,\s*and)\s*(?:(?:the\s+)?(?:other|second|another)\s+(?:one\s+)?(?:in|on|at)\s+"
                       r"|(?:ال)?(?:أخرى|اخرى|ثانية|آخر)\s+(?:في|على)\s+)?")
# Not a list of places hit: "بين الرطبة والقائم", "محافظتي حلب والحسكة" (governorates), "طريق …".
_NOT_A_LIST = re.compile(r"(?:بين|between|from|من|محافظتي|محافظات|طريق|طريقي|road)\s+$")


# What may stand between a place and the town that says where it is: "قاعدة حرير الجوية في أربيل".
_WHERE = re.compile(r"\s*(?:الجوية|العسكرية|النفطي|الأمريكية|الأميركية)?\s*(?:في|ب|قرب)\s*")


def _distinct_areas(chain: list[PlaceMention]) -> bool:
    """Each place further than SAME_PLACE_KM from the others: distinct areas, one incident each (else one area's
    sites: one incident at its most specific place)."""
    points = [(pm.place.lat, pm.place.lon) for pm in chain]
    return not any(km(a, b) <= SAME_PLACE_KM for i, a in enumerate(points) for b in points[i + 1:])


def _place_list(clause: Clause, hits: list[PlaceMention]) -> list[PlaceMention]:
    """Two or more towns or sites hit that the clause joins by a conjunction ("في مدينتي الميادين والبوكمال",
    "قاعدة حرير في أربيل، وقاعدة الشدادي"), in order; else []."""
    if len(hits) < 2:
        return []  # most clauses name one place at most
    places = sorted(hits, key=lambda p: p.mention.start)
    # A town right after a place it locates ("… في أربيل") is where that place is, not another place hit.
    where = {id(b) for a, b in zip(places, places[1:]) if _WHERE.fullmatch(clause.text, a.mention.end, b.mention.start)}
    chain: list[PlaceMention] = []
    end = 0  # where the last listed item, with its locative, ends
    for pm in places:
        if id(pm) in where:
            end = pm.mention.end
            continue
        if pm.precision not in ("site", "town"):
            continue
        if chain and _LIST_GAP.fullmatch(clause.text, end, pm.mention.start):
            chain.append(pm)
        elif len(chain) > 1:
            break
        else:
            chain = [pm]
        end = pm.mention.end
    if len(chain) < 2 or _NOT_A_LIST.search(clause.text, max(0, chain[0].mention.start - 10), chain[0].mention.start):
        return []
    return chain


def per_listed_place(draft: Draft) -> list[Draft]:
    """A strike wave on distinct areas told in one clause is one incident per area (ACLED's unit): the
    draft for the first place, and a copy for each other, opened at that place's name."""
    chain = draft.areas
    if not chain or draft.cand.location is None or draft.cand.location.place_id not in {pm.place.id for pm in chain}:
        return [draft]
    out = []
    for i, pm in enumerate(chain):
        cand = replace(draft.cand, anchor=draft.cand.anchor if i == 0 else pm.mention.start,
                       evidence=[e for e in draft.cand.evidence if e.field != "location"],
                       casualties=draft.cand.casualties if i == 0 else [])
        if i:
            cand.evidence = [e for e in cand.evidence if not e.field.startswith("casualties.")]
        place_candidate(cand, pm, pm.mention, f"gazetteer:{pm.place.id} listed-place")
        out.append(replace(draft, cand=cand, listed=True))
    return out
