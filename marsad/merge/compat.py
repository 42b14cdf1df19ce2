"""Could two accounts describe one incident? Shared by in-document and cross-document merging.

Accounts conflict when their dates cannot overlap, their sides are reversed
or different, their places are far apart, or their weapons differ. They
support each other when they name the same place (or one names none).
"""
from __future__ import annotations

from datetime import date, timedelta
from operator import attrgetter

from marsad.resolve.actors import related
from marsad.resolve.geo import km
from marsad.types import Candidate, Location

CLASH = "Armed clash"
CIVILIANS = "civilians"
SAME_PLACE_KM = 40.0
TOWN_KM = 25.0  # a base and the town beside it
SITE_KM = 5.0  # two names of one base complex
BESIDE_KM = 12.0  # within one report, a base and the town it is named by
COARSE = ("district", "admin1", "country")  # vague enough to contain another place of its governorate
TOLL_KM = 50.0  # one attack's place as two outlets name it ("قرب السليمانية" for a village 45 km out) when they agree on its toll
MEET_KM = max(SAME_PLACE_KM, TOLL_KM)  # the farthest apart two accounts of one incident may be placed


PUBLISHED_LAG_DAYS = 2  # a report dated by nothing but its publication tells that day's incident or one a day or two older


def date_range(c: Candidate) -> tuple[date, date] | None:
    if c.date_range:
        return c.date_range
    return (c.date, c.date) if c.date else None


def outlet_range(c: Candidate) -> tuple[date, date] | None:
    """The days another outlet's account may date the incident to: a report that states no date
    ("شنّ التنظيم هجوماً على حافلة…", published Thursday) may tell Tuesday's attack."""
    rng = date_range(c)
    if rng is not None and c.date_published:
        return rng[0] - timedelta(days=PUBLISHED_LAG_DAYS), rng[1]
    return rng


def _stated_day(c: Candidate) -> bool:
    return c.date_explicit and c.date_precision == "day"


def dates_fit(a: Candidate, b: Candidate, slack_days: int = 1, strict_precision: bool = False) -> bool:
    """Ranges overlap; an undated-by-the-text account gets a day of slack.

    With ``strict_precision`` (inside one document) a day the text states does
    not join an account dated only to a week or month: "في 25 من آب" opens a
    new incident after a paragraph about "مطلع آب".
    """
    span = date_range if strict_precision else outlet_range
    ra, rb = span(a), span(b)
    if ra is None or rb is None:
        return True
    if strict_precision and ((_stated_day(a) and b.date_precision != "day")
                             or (_stated_day(b) and a.date_precision != "day")):
        return False
    slack = timedelta(days=0 if a.date_explicit and b.date_explicit else slack_days)
    return ra[0] - slack <= rb[1] and rb[0] - slack <= ra[1]


def _values(members: list[Candidate], name: str) -> list:
    """The members' values of ``name`` that say something: not None, [] or "unknown"."""
    return [v for v in map(attrgetter(name), members) if not _absent(v)]


def _absent(value: object) -> bool:
    """``value in (None, [], "unknown")`` by type first: ``==`` on a Location is a Python call, three
    times for each member, and merging asks this of every pair of accounts it compares."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == "unknown"
    return isinstance(value, list) and not value


def sides_fit(members: list[Candidate], c: Candidate) -> bool:
    """No side reversed or different; an attacker only guessed from where the fire came from never differs.
    A clash has no direction: "الشرطة اشتبكت مع داعش" tells ISIS's attack on the police from the other side."""
    attackers = {m.attacker for m in members if m.attacker and not m.attacker_inferred}
    targets = set(_values(members, "target_actor"))
    if CLASH in (c.sub_event_type, *(m.sub_event_type for m in members)):
        sides = (attackers | targets) - {CIVILIANS}  # civilians caught in a clash are no side of it
        if (c.sub_event_type not in (None, CLASH) and c.attacker and not c.attacker_inferred and sides
                and not any(related(c.attacker, s) for s in sides)):
            return False  # "Russian jets struck the front while ISIS fought the army": a third side's own strike
        return not (c.attacker and c.target_actor and sides and not {c.attacker, c.target_actor} & sides)
    if c.attacker and (c.attacker in targets or (not c.attacker_inferred and any(
            not related(c.attacker, a) for a in attackers))):
        return False
    # Civilians killed or wounded beside a side's men ("11 soldiers and two civilians" on one bus) are
    # victims of the same attack, not another target.
    if _civilians_hit([c]):
        return c.target_actor not in attackers
    if _civilians_hit(members):
        targets -= {CIVILIANS}
    if c.target_actor and (c.target_actor in attackers or any(not related(c.target_actor, t) for t in targets)):
        return False
    return True


def _civilians_hit(cands: list[Candidate]) -> bool:
    return any(x.party == CIVILIANS for m in cands if m.target_actor == CIVILIANS for x in m.casualties)


def near(a: Location, b: Location) -> bool:
    """Same place, or close enough for the two precisions: two named bases 30 km apart are two places."""
    if a.place_id == b.place_id:
        return True
    sites = (a.precision == "site") + (b.precision == "site")
    limit = SITE_KM if sites == 2 else TOWN_KM if {a.precision, b.precision} <= {"site", "town"} else SAME_PLACE_KM
    return km((a.lat, a.lon), (b.lat, b.lon)) <= limit


def same_toll(members: list[Candidate], c: Candidate) -> bool:
    """Another outlet's account of the same attack by the same side on the same day, with the same
    number of dead: outlets place one strike by different towns ("near Sulaimaniya", "in Said Sadiq"),
    but the same attacker killing as many people that day within TOLL_KM is one incident."""
    def told(a: Candidate) -> bool:
        return bool(a.date and a.date_precision == "day" and a.attacker and not a.attacker_inferred and a.total("killed")
                    and a.location)
    return told(c) and any(told(m) and m.date == c.date and related(m.attacker, c.attacker)
                           and m.total("killed") == c.total("killed")
                           and km((m.location.lat, m.location.lon), (c.location.lat, c.location.lon)) <= TOLL_KM
                           for m in members)


def _beside(a: Location, b: Location) -> bool:
    """A base and the town it stands by ("حقل العمر" and "الميادين", 10 km)."""
    return km((a.lat, a.lon), (b.lat, b.lon)) <= BESIDE_KM


def _one_reports_place(a: Location, b: Location, area: set[str]) -> bool:
    """Two names one report may give one incident's place: towns it lists as one area ("في محيط بلدتي ذيبان
    والطيانة" then "الطيانة"), a reference point ("شمال بغداد", then the Salah al-Din town the next sentence
    names), or a capital named by its governorate's name ("دير الزور" beside "ذيبان": the governorate)."""
    return ((a.place_id in area and b.place_id in area) or ((a.off or b.off) and a.country == b.country)
            or (a.admin1 == b.admin1 and a.place_id != b.place_id and (a.bare_capital or b.bare_capital)))


def places_fit(members: list[Candidate], c: Candidate, strict: bool = False) -> bool:
    """Places that may be one incident's. With ``strict`` (one report) two towns or villages it names are
    two places however close: "قرية تل شعير" and "مدينة القامشلي" are told apart by the text itself (but
    not a border town and its neighbour across the border: القائم والبوكمال are one strike area)."""
    if c.location is None:
        return True
    area = {p for m in members for p in m.listed_with} | set(c.listed_with)
    for loc in _values(members, "location"):
        if strict and _one_reports_place(loc, c.location, area):
            continue
        if strict and loc.place_id != c.location.place_id and loc.country == c.location.country and (
                loc.precision == c.location.precision == "town"
                or ({loc.precision, c.location.precision} <= {"site", "town"} and not _beside(loc, c.location))):
            return False
        if loc.country != c.location.country and not near(loc, c.location):
            return False  # a border strike (القائم / البوكمال) may be named on either side
        coarse = {loc.precision, c.location.precision} & set(COARSE)
        if "country" in coarse:
            continue
        if coarse:
            if loc.admin1 != c.location.admin1:
                return False
        elif not near(loc, c.location):
            return False
    return True


# Words outlets use for one another's weapons: "غارات جوية" for a drone's strike, "صواريخ" for missiles,
# "قذائف" for mortar or artillery rounds, and a missile for the air strike that fired it. Two accounts whose
# weapons share a family may be one incident.
WEAPON_FAMILY = {"aircraft": {"air"}, "drone": {"air"}, "rocket": {"rockets"}, "missile": {"rockets", "air"},
                 "artillery": {"shells"}, "mortar": {"shells"}}
# Rounds fired at a base or the Green Zone: "Katyusha rockets" in one report are "mortar shells" in the next, when
# both date the attack to the day (a month holds several such attacks).
INDIRECT_FIRE = {"rocket", "mortar"}


def weapons_fit(members: list[Candidate], c: Candidate) -> bool:
    had = {f for ws in _values(members, "weapons") for w in ws for f in WEAPON_FAMILY.get(w, {w})} - {"unknown"}
    mine = {f for w in c.weapons for f in WEAPON_FAMILY.get(w, {w})} - {"unknown"}
    return not (had and mine and not had & mine) or _rounds_of_one_day(members, c) or _one_firefight(members, c)


def _one_firefight(members: list[Candidate], c: Candidate) -> bool:
    """Armed clashes all: a firefight's weapons are told as each witness saw them ("gunfire" in one report,
    "RPGs" in the next), so they set no two clashes apart."""
    return c.sub_event_type == "Armed clash" and all(m.sub_event_type in ("Armed clash", None) for m in members)


def _rounds_of_one_day(members: list[Candidate], c: Candidate) -> bool:
    def rounds(a: Candidate) -> bool:
        return bool(set(a.weapons) & INDIRECT_FIRE) and set(a.weapons) <= INDIRECT_FIRE | {"unknown"}
    armed = [m for m in members if not _absent(m.weapons)]
    return rounds(c) and c.date_precision == "day" and all(rounds(m) and m.date_precision == "day" for m in armed)


def supports(members: list[Candidate], c: Candidate, strict: bool = False) -> bool:
    """Same place as the incident, or the account names only a vague area (a district or wider; within one
    report, a capital named by its governorate's name too)."""
    def vague(loc: Location) -> bool:
        return loc.precision in COARSE or (strict and loc.bare_capital)
    if c.location is None or vague(c.location):
        return True
    specific = [loc for loc in _values(members, "location") if not vague(loc)]
    if not specific:
        return True  # the incident itself is placed only vaguely ("جنوب الحسكة" in a title)
    return any(near(loc, c.location) for loc in specific)


def _within_day(a: Candidate, b: Candidate) -> bool:
    ra, rb = date_range(a), date_range(b)
    return ra is None or rb is None or (ra[0] - timedelta(days=1) <= rb[1] and rb[0] - timedelta(days=1) <= ra[1])


def _same_sides(members: list[Candidate], c: Candidate) -> bool:
    return bool(c.attacker and c.target_actor
                and any(related(c.attacker, a) for a in _values(members, "attacker"))
                and any(related(c.target_actor, t) for t in _values(members, "target_actor")))


def _same_town(members: list[Candidate], c: Candidate) -> bool:
    """Across outlets, an attack on the same named town a day apart: "late on Tuesday" in one report is "early
    Wednesday" in another. Not a base, where attacks come day after day."""
    return bool(c.location and c.location.precision == "town"
                and any(m.location and m.location.place_id == c.location.place_id for m in members))


def _vaguely_dated_elsewhere(members: list[Candidate], c: Candidate) -> bool:
    """Across outlets, an attack dated only to a month ("في تموز الماضي") at another named place is the one
    other outlets date to the day only if some account agrees with it on a side or a weapon: a month holds
    many attacks around one city (an ISIS bombing in Sadr City is not that month's rockets on the Green Zone)."""
    def apart(a: Candidate) -> bool:
        return bool({a.date_precision, c.date_precision} & {"month", "year"} and "day" in (a.date_precision, c.date_precision)
                    and a.location and c.location and a.location.place_id != c.location.place_id)

    def agree(a: Candidate) -> bool:
        named = set(a.weapons) - {"unknown"}, set(c.weapons) - {"unknown"}
        return (any(x and x == y for x, y in ((a.attacker, c.attacker), (a.target_actor, c.target_actor)))
                or bool(named[0] and named[1] and weapons_fit([a], c)))
    return any(apart(m) for m in members) and not any(agree(m) for m in members)


def _one_strike_two_targets(members: list[Candidate], c: Candidate) -> bool:
    """Across outlets, the same attacker striking the same named place on the same stated day is one strike
    whoever each outlet says was hit there (the army at an airport, or the militia depots beside it)."""
    def stated(a: Candidate) -> bool:
        return bool(a.attacker and not a.attacker_inferred and a.location and a.date_explicit and a.date)
    return stated(c) and not any(c.target_actor == m.attacker or m.target_actor == c.attacker for m in members) and any(
        stated(m) and m.attacker == c.attacker and m.location.place_id == c.location.place_id and m.date == c.date
        and c.sub_event_type is not None and m.sub_event_type == c.sub_event_type for m in members)


def conflict(members: list[Candidate], c: Candidate, slack_days: int = 1, strict_precision: bool = False) -> str | None:
    """Why ``c`` cannot describe the incident ``members`` describe, or None when it may."""
    # The same two sides, or the same town, a day apart: a statement dated the day after the strike it reports.
    loose = _same_sides(members, c) or (not strict_precision and _same_town(members, c))
    if not all(dates_fit(m, c, slack_days, strict_precision) or (loose and _within_day(m, c)) for m in members):
        return "dates"
    if not strict_precision and not loose and _vaguely_dated_elsewhere(members, c):
        return "dates"
    if not sides_fit(members, c) and (strict_precision or not _one_strike_two_targets(members, c)):
        return "sides"
    toll = not strict_precision and same_toll(members, c)
    if not toll and not places_fit(members, c, strict_precision):
        return "places"
    if not weapons_fit(members, c):
        return "weapons"
    if not toll and not supports(members, c, strict_precision):
        return "a more specific place elsewhere"
    return None


def compatible(members: list[Candidate], c: Candidate, slack_days: int = 1, strict_precision: bool = False) -> bool:
    return conflict(members, c, slack_days, strict_precision) is None
