"""Fold the drafts of one incident into one candidate, keeping the evidence of each chosen value."""
from __future__ import annotations

import re

from marsad.extract.slots import TYPE_BY_WEAPON, strongest_weapon
from marsad.types import Candidate, Casualty, Span

PRECISION_ORDER = ("day", "week", "month", "year", "unknown")
GEO_ORDER = ("site", "town", "district", "admin1", "country", "unknown")
FIRST_VALUE = ("time", "launch_site", "launched", "impacted", "intercepted", "unlaunched", "calibre")
FIELD_OF = {"launched": "munitions.launched", "impacted": "munitions.impacted",
            "intercepted": "munitions.intercepted", "unlaunched": "munitions.unlaunched"}


def _take(out: Candidate, src: Candidate, name: str, *fields: str) -> None:
    setattr(out, name, getattr(src, name))
    wanted = set(fields or (FIELD_OF.get(name, name),))
    out.evidence.extend(e for e in src.evidence if e.field in wanted)


# Attacker rules that only infer a side: where it was fired from, or what answered what.
WEAK_ATTACKER_RULES = ("launch-site:", "responder:target-of-previous", "counterstrike:", "same-sentence-attacker")


def inferred(rule: str, kinds: tuple[str, ...] = WEAK_ATTACKER_RULES) -> bool:
    """The evidence rule ("actors:sdf launch-site:مصدره", "counterstrike:…") is one of ``kinds``."""
    return any(f" {kind}" in f" {rule}" for kind in kinds)


def _attacker_strength(c: Candidate) -> int:
    """Which draft names the incident's attacker: one that claims it, then one that states it, then a guess
    ("مصدره مناطق سيطرة النظام" names where it came from, "أعلنت الميليشيات مسؤوليتها" who did it)."""
    if c.attribution == "claimed":
        return 0
    rules = [e.rule for e in c.evidence if e.field == "attacker"]
    return 2 if any(map(inferred, rules)) else 1


# Target rules that read the side from a place: whose base it is, not who was hit there; whose country's
# soldiers the bare "جنديان" are.
GUESSED_TARGET_RULES = ("site-operator:", "national-forces:")
PLACE_TARGET_RULES = ("facility", *GUESSED_TARGET_RULES)


def _target_strength(c: Candidate) -> int:
    """The victim the text names is the target even at someone else's base (قتلى «قسد» في قاعدة أميركية);
    otherwise the first target told, a base's operator only when nothing else is named."""
    if any(cas.party == c.target_actor for cas in c.casualties):
        return 0
    return 2 if any(inferred(e.rule, GUESSED_TARGET_RULES) for e in c.evidence if e.field == "target_actor") else 1


def _date_key(c: Candidate):
    return (not c.date_explicit, PRECISION_ORDER.index(c.date_precision), c.date or c.date_precision)


def combine(cands: list[Candidate]) -> Candidate:
    """One candidate from several drafts of the same incident."""
    first = cands[0]
    out = Candidate(doc_id=first.doc_id, anchor=min(c.anchor for c in cands))
    out.evidence.extend(e for c in cands for e in c.evidence if e.field == "event")
    dated = [c for c in cands if c.date is not None]
    if dated:
        best = min(dated, key=_date_key)
        for name in ("date", "date_precision", "date_range", "date_explicit", "date_published"):
            setattr(out, name, getattr(best, name))
        out.evidence.extend(e for e in best.evidence if e.field == "date")
    located = [c for c in cands if c.location is not None]
    if located:
        # A town the text names outranks the capital named only by its governorate's name.
        best = min(located, key=lambda c: (GEO_ORDER.index(c.location.precision), c.location.bare_capital))
        _take(out, best, "location")
    for name in FIRST_VALUE:
        src = next((c for c in cands if getattr(c, name) is not None), None)
        if src:
            _take(out, src, name)
    target = min((c for c in cands if c.target_actor), key=_target_strength, default=None)
    if target:
        _take(out, target, "target_actor")
    attacker = min((c for c in cands if c.attacker and c.attacker != out.target_actor), key=_attacker_strength,
                   default=None)
    if attacker:
        out.attacker, out.attacker_name = attacker.attacker, attacker.attacker_name
        out.attacker_inferred = _attacker_strength(attacker) == 2
        out.evidence.extend(e for e in attacker.evidence if e.field == "attacker")
        claimed = next((c for c in cands if c.attribution == "claimed" and c.attacker == attacker.attacker), None)
        src = claimed or attacker
        out.attribution = src.attribution
        out.evidence.extend(e for e in src.evidence if e.field == "attribution")
    if out.target_actor:
        out.target_name = next(c.target_name for c in cands if c.target_actor == out.target_actor)
    _combine_type(out, cands)
    _combine_lists(out, cands)
    _hit_by_the_toll(out)
    return out


def _hit_by_the_toll(out: Candidate) -> None:
    """With no target named, the side whose dead or wounded the text counts was hit: civilians when they are the
    only ones ("قتل طفلان بقصف على قرية…", and rather than a base's operator, which is only a guess: "a rocket
    fell on a house near the airport, killing two women"), else the one side counted other than the attacker's
    ("قتل أحد قادة فيلق القدس في الهجوم")."""
    parties = {c.party for c in out.casualties}
    operator_only = all(inferred(e.rule, ("site-operator:",)) for e in out.evidence if e.field == "target_actor")
    if parties == {"civilians"} and (not out.target_actor or operator_only):
        side, rule = "civilians", "civilian-casualties-only"
    elif not out.target_actor and len(sides := parties - {"unknown", "civilians", out.attacker}) == 1:
        side, rule = sides.pop(), "casualties-of-one-side"
    else:
        return
    ev = next((e for e in out.evidence if e.field.startswith(f"casualties.{side}.")), None)
    if ev is not None:
        out.evidence = [e for e in out.evidence if e.field != "target_actor"]
        out.target_actor = side
        out.cite("target_actor", Span(ev.start, ev.end, ev.text), rule)


def _combine_type(out: Candidate, cands: list[Candidate]) -> None:
    typed = [c for c in cands if c.sub_event_type]
    if not typed:
        return
    # Some shot down, some struck ("أسقطت الدفاعات مسيرتين وسقطت ثالثة داخل القاعدة"), or fewer downed than were
    # launched ("two drones… one of them was shot down"): the attack got through, so it is coded as the attack,
    # not as "Disrupted weapons use".
    launched = max((c.launched for c in cands if c.launched), default=0)
    downed = max((c.intercepted for c in cands if c.intercepted), default=0)
    one_weapon = len({w for c in cands for w in c.weapons}) == 1  # five rockets and two drones downed: other counts
    got_through = (one_weapon and 0 < downed < launched) or any(
        c.impacted or c.damage == "material" or any(x.killed or x.injured for x in c.casualties) for c in cands)

    def strength(c: Candidate) -> int:
        rules = [e.rule for e in c.evidence if e.field == "sub_event_type"]
        if c.sub_event_type == "Disrupted weapons use":
            return 4 if got_through else 0
        if c.sub_event_type == "Suicide bomb":
            return 1  # "تفجير انتحاري بسيارة مفخخة" is more than the car bomb another clause names
        return 2 if any(r.startswith(("weapon->", "triggers:clash")) for r in rules) else 3

    _take(out, min(typed, key=strength), "sub_event_type")
    if out.sub_event_type == "Disrupted weapons use" and got_through:
        # only the downing had a type ("…was shot down, while the other damaged two tents"): the weapon's attack
        weapon = strongest_weapon([w for c in cands for w in c.weapons])
        ev = next((e for c in cands for e in c.evidence if e.field == "weapons" and e.rule == f"weapons:{weapon}"), None)
        if ev is not None:
            out.evidence = [e for e in out.evidence if e.field != "sub_event_type"]
            out.sub_event_type = TYPE_BY_WEAPON[weapon]
            out.cite("sub_event_type", Span(ev.start, ev.end, ev.text), f"weapon->{weapon}")


def _combine_lists(out: Candidate, cands: list[Candidate]) -> None:
    out.listed_with = tuple(dict.fromkeys(p for c in cands for p in c.listed_with))
    for c in cands:
        for w in c.weapons:
            if w not in out.weapons:
                out.weapons.append(w)
        for s in c.said_by:
            if s not in out.said_by:
                out.said_by.append(s)
        out.evidence.extend(e for e in c.evidence if e.field in ("weapons", "said_by", "hedged"))
        out.hedged = out.hedged or c.hedged
        if out.damage == "unknown" and c.damage != "unknown":
            out.damage, out.damage_text = c.damage, c.damage_text
            out.evidence.extend(e for e in c.evidence if e.field == "damage")
        if out.responds_to_anchor is None:
            out.responds_to_anchor = c.responds_to_anchor
        for cas in c.casualties:
            have = next((x for x in out.casualties if x.party == cas.party), None)
            if have is None:
                have = Casualty(cas.party)
                out.casualties.append(have)
            for kind in ("killed", "injured"):
                field_name = f"casualties.{cas.party}.{kind}"
                if getattr(cas, kind) is not None and (getattr(have, kind) is None or _one_of_more(out, have, cas, kind)):
                    setattr(have, kind, getattr(cas, kind))
                    out.evidence = [e for e in out.evidence if e.field != field_name]
                    out.evidence.extend(e for e in c.evidence if e.field == field_name)
    # A side-less count told beside a named one in the same clause ("two men and three children") is more people.
    beside = {kind for c in cands for kind in ("killed", "injured")
              if {x.party for x in c.casualties if getattr(x, kind) is not None} - {"unknown"}
              and any(x.party == "unknown" and getattr(x, kind) is not None for x in c.casualties)}
    _drop_unattributed_repeats(out, keep={kind for kind in beside if not _among(out, kind)})
    # Evidence of duplicates (same field, same words) is kept once.
    seen, unique = set(), []
    for e in out.evidence:
        key = (e.field, e.start, e.end)
        if key not in seen:
            seen.add(key)
            unique.append(e)
    out.evidence = unique


def _one_of_more(out: Candidate, have: Casualty, cas: Casualty, kind: str) -> bool:
    """"مقتل ضابط" in the title, "قُتل خمسة عسكريين بينهم ضابط" in the body: one victim named by a singular noun
    is one of the larger count the incident tells for the same side."""
    return (getattr(have, kind) == 1 and getattr(cas, kind) > 1
            and all(e.rule in ("singular-person-noun", "one-victim-pronoun")
                    for e in out.evidence if e.field == f"casualties.{have.party}.{kind}"))


_ATTACKERS = re.compile(r"مهاجم|مسلح|attacker|gunm[ae]n|militant")


SUBSET_GAP = 12  # characters between a named count and the whole toll it is part of ("among", "من بين")


def _tolls(out: Candidate, kind: str) -> tuple[list, list]:
    """The evidence of the party-less toll and of the named ones, for ``kind``."""
    counts = [e for e in out.evidence if e.field.startswith("casualties.") and e.field.endswith(f".{kind}")]
    total = [e for e in counts if e.field == f"casualties.unknown.{kind}"]
    return total, [e for e in counts if e not in total]


def _victims_tolls(out: Candidate, kind: str) -> tuple[list, list] | None:
    """The party-less and the named tolls when there are both and the party-less one does not count the
    attackers ("قتل 5 من المهاجمين")."""
    total, named = _tolls(out, kind)
    return (total, named) if total and named and not any(_ATTACKERS.search(e.text) for e in total) else None


def _total_first(out: Candidate, kind: str) -> bool:
    """The party-less toll is told before the named ones, or says it holds others ("4 قتلى بينهم جنديان" after
    "قتل جنديان")."""
    tolls = _victims_tolls(out, kind)
    return tolls is not None and (_among(out, kind) or max(e.start for e in tolls[0]) < min(e.start for e in tolls[1])
                                  or any("whole-toll" in e.rule.split() for e in tolls[0]))


def _named_first(out: Candidate, kind: str) -> bool:
    """The named toll is told before the party-less one."""
    tolls = _victims_tolls(out, kind)
    return tolls is not None and min(e.start for e in tolls[1]) < min(e.start for e in tolls[0])


def _among(out: Candidate, kind: str) -> bool:
    """"five children among 9 dead", "ثلاثة أطفال من بين 11 قتيلاً": a named count right before the whole toll."""
    total, named = _tolls(out, kind)
    return any(0 <= t.start - n.end <= SUBSET_GAP for t in total for n in named)


def _drop_unattributed_repeats(out: Candidate, keep: set[str] = frozenset()) -> None:
    """A toll told twice, once with its party ("مقتل 11 عنصراً من الشرطة") and once without ("الهجوم
    أدى إلى مقتل 11"), is one toll: the party-less figure goes when a named party's is as large; a smaller
    one is an earlier or vaguer count of the same dead ("مقتل اثنين من المستشارين" then "مقتل 4 من الحرس");
    a larger one holds the named ones, and only its rest stays party-less."""
    for kind in ("killed", "injured"):
        if kind in keep:
            continue
        named = [getattr(c, kind) for c in out.casualties if c.party != "unknown" and getattr(c, kind) is not None]
        for c in out.casualties:
            if c.party == "unknown" and named and getattr(c, kind) is not None and getattr(c, kind) <= max(named):
                setattr(c, kind, None)
                out.evidence = [e for e in out.evidence if e.field != f"casualties.unknown.{kind}"]
            elif c.party == "unknown" and named and (getattr(c, kind) or 0) > sum(named) and _total_first(out, kind):
                # "خمسة قتلى" then "قتل ثلاثة أطفال": the whole toll, then those of it the text names
                setattr(c, kind, getattr(c, kind) - sum(named))
            elif c.party == "unknown" and named and getattr(c, kind) is not None and _named_first(out, kind):
                # "جرح 11 مدنياً" in the lead, "أصيب 14 آخرون" further down: a later or another source's
                # figure for the same wounded, not more of them; the figure the report leads with stands
                setattr(c, kind, None)
                out.evidence = [e for e in out.evidence if e.field != f"casualties.unknown.{kind}"]
    out.casualties = [c for c in out.casualties if c.killed is not None or c.injured is not None]
