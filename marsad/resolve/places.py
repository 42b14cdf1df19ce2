"""Turn place mentions into the event's location and launch site.

The most specific place named in the clause wins (a base beats its town,
a town its governorate). Words in front of a name change its meaning:
"من غرب مدينة الميادين" after a launch verb is where fire came from,
"ريف دير الزور" is the countryside (district precision), "قرب"/"محيط"/
"على بعد 5 كم من" keep the anchor place at one level less precision.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.extract.clause import Clause
from marsad.resolve.gazetteer import Gazetteer, Place, distance_km, load_gazetteer, namesake_capital
from marsad.types import Location, Mention

PRECISION_ORDER = ("site", "town", "district", "admin1", "country")
LAUNCH_WINDOW = 25
_COUNTRYSIDE = re.compile(r"ريف\s*$")
# "محافظة حلب", "محافظتي حلب والحسكة" (the second of a pair too): the governorates, not the cities.
_GOVERNORATE = re.compile(r"(?:(?:محافظة|محافظتي|محافظات|محافظتا|[Gg]overnorates? of)|(?:محافظتي|محافظتا)\s+\S+\s+)\s*و?$")
# "قصفت مطاري دمشق وحلب", "the airports of Damascus and Aleppo": each city's airport.
_AIRPORTS = re.compile(r"(?:مطاري|مطارات|مطارا|airports\s+(?:of|in))(?:\s+\S+\s+(?:و|and\s+))?\s*$")
_FROM = re.compile(r"(^|\s)(من|from)\s+((مدينة|بلدة|قرية|منطقة|بادية|غرب|شرق|شمال|جنوب|ريف)\s+)*\S{0,3}$")
_DIRECTION = re.compile(r"(^|\s)(جنوب|شمال|شرق|غرب|جنوبي|شمالي|شرقي|غربي|(?:north|south)(?:[-\s]?(?:east|west))?\s+of|east of|west of"
                        r"|(?:ال)?حدودية\s+مع|(?:ال)?محاذية\s+ل|(?:ال)?متاخمة\s+ل|bordering)"  # "…الحدودية مع قضاء خانقين"
                        r"\s*(مدينة|بلدة|the\s+city\s+of)?\s*$")
# "ERBIL (Kurdistan 24) –", "بغداد - ", "ZNA- أربيل": where the outlet filed from, not where it happened.
# A page's printed date may come first: "date 2023-11-07 ERBIL (Outlet) –".
_DATELINE_BEFORE = re.compile(r"^(?:date \d{4}-\d{2}-\d{2}\s+)?[A-Za-z0-9 .]{0,12}[-–—:]?\s*$")
HEADLINE_CHARS = 200
_DATELINE_AFTER = re.compile(r"^[ \t]*((?:\([^)\n]{1,40}\)|\[[^\]\n]{1,40}\])[ \t]*)?(,[^\n]{0,30}?)?[ \t]*([-–—ـ:|]|\n)")
_OUTLET_AND_DASH = re.compile(r"[ \t]*\([^)\n]{1,40}\)[ \t]*[-–—ـ:]")
# "الموصل 3 مايو 2022 (شينخوا)", "الرمادي، العراق 8 مارس 2021 (وكالة)": a wire's place, day and name.
_DAY_AND_AGENCY = re.compile(r"(?:[،,][ \t]*\S+)?[ \t]+\d{1,2}[ \t]+\S+[ \t]+\d{4}[ \t]*\(")
REFERENCE_REACH = 24  # characters from a place to a direction word and the town it is placed by
# "التي تقع على بعد نحو 60 كيلومترا جنوب الموصل", "30 km north of Baghdad": a place a distance is
# counted from, named to say where the incident's place lies.
_DISTANCE_FROM = re.compile(r"(?:كيلومترا|كيلومترات|كيلومتر|كلم|كم)\s+(?:[^\s.،,]+\s+){0,4}?"
                            r"(?:من|عن)\s+(?:العاصمة|مدينة|بلدة|مركز)?\s*$"
                            r"|\b(?:km|kilometers|kilometres|miles)\s+(?:\(\d+\s+miles\)\s+)?(?:[\w\-]+\s+){0,2}?"
                            r"(?:of|from)\s+(?:the\s+)?(?:capital\s+|city\s+of\s+)?$")
_NEAR = re.compile(r"(قرب|بالقرب من|محيط|مقربة من|بعد [^\s]+ (كم|كيلومترات?) من|near|outside)\s*(مدينة|بلدة|قرية)?\s*$")


@dataclass(frozen=True)
class PlaceMention:
    mention: Mention
    place: Place
    precision: str
    launch_site: bool
    reference: bool = False  # "ديالى شمال شرقي بغداد": named only to say where another place is
    bare_capital: bool = False  # "دير الزور" with no "مدينة": a capital named by its governorate's name
    off: bool = False  # "شمال بغداد": the incident is off this place, in that direction


def _rank(precision: str) -> int:
    return PRECISION_ORDER.index(precision) if precision in PRECISION_ORDER else len(PRECISION_ORDER)


def _coarser(precision: str) -> str:
    return PRECISION_ORDER[min(_rank(precision) + 1, len(PRECISION_ORDER) - 1)]


_CITY_WORD = re.compile(r"(?:مدينة|لمدينة|بمدينة|ومدينة|مدينتي|city\s+of)\s*$")
# A command named after its area ("قيادة عمليات كركوك وشرق دجلة", "the Kirkuk Operations Command"): a unit, not
# where it was hit. A capital standing for its government ("لسيطرة دمشق", "حكومة دمشق", "under Damascus’ control"), an outlet named
# after a place ("قناة الميادين", "مراسل الميادين"), where people were displaced from ("نازحي عفرين"), a street
# named after a town ("شارع راجو" in Afrin): no place of the story.
_METONYM_BEFORE = re.compile(r"(?:سيطرة|حكومة|نظام|لحكومة|لنظام|قناة|لقناة|فضائية|مراسل|مراسلة|لمراسل|نازحي|مهجري|مهجّري"
                             r"|(?:قيادة|لقيادة|بقيادة|وقيادة)\s+عمليات"
                             r"|شارع|بشارع|وشارع|لشارع|control\s+of|government\s+(?:of|in)|displaced\s+from)\s+$")
# A road named by the two cities it joins ("طريق دمشق – السويداء", "أوتوستراد حلب - اللاذقية"): the incident is
# somewhere along it, in neither city.
_ROAD_FROM = re.compile(r"(?:طريق|لطريق|بطريق|وطريق|الطريق الدولي|أوتوستراد|اوتوستراد)\s+$")
_ROAD_TO = re.compile(r"(?:طريق|الطريق الدولي|أوتوستراد|اوتوستراد)\s+\S+(?:\s+\S+)?\s*[-–—]\s*$")
_ROAD_DASH = re.compile(r"\s*[-–—]\s*\S")
# "the Damascus-Daraa highway", "on the Baghdad-Kirkuk road": the road, in neither city.
_ROAD_EN = re.compile(r"(?:\s*[-–—]\s*[A-Z][\w'’\-]*)?\s+(?:highway|road|motorway|expressway)\b", re.IGNORECASE)
_METONYM_AFTER = re.compile(r"(?:['’]s?)?\s+(?:control|government|regime)\b"
                            # "Damascus-linked militants", "Tehran-backed": a capital's government, not a place
                            r"|-(?i:linked|backed|affiliated|aligned|allied|based|controlled|held|led|run|sponsored)\b"
                            r"|\s+[Oo]perations\s+[Cc]ommand\b"
                            # a local outlet named after its town ("السويداء 24", "كركوك ناو", "Kurdistan 24")
                            r"|\s*(?:ناو|نيوز|بوست|برس|Now|News|Post|Press)(?!\w)"
                            r"|\s*(?:24|٢٤)(?![\w\d])(?!\s*(?:ساعة|ساعات|شخص\w*|قتيل\w*|مدني\w*|عنصر\w*|جندي\w*|hours?|people|killed"
                            r"|civilians|soldiers|of)\b)")
# Where people had come from ("نازحين قادمين من منبج إلى الرقة", "families who had come to the camp from the
# town of Hajin"): not where the attack was.
# Where a victim hails from ("وهو ينحدر من مدينة إدلب", "a native of Raqqa") is not where he was hit either.
_CAME_FROM = re.compile(r"(?:(?:جاءوا|جاؤوا|قدموا|قادمين|القادمين|come|came|coming)(?:\s+\S+){0,4}?\s+(?:من|from)"
                        r"|(?:ينحدر|تنحدر|ينحدرون|المنحدر|المنحدرين|يتحدر|يتحدرون|المتحدر)\s+(?:أصلا\s+|أصلاً\s+)?من"
                        r"|(?:hails|hailed|hailing)\s+from|native\s+of)\s+"
                        r"(?:the\s+city\s+of\s+|the\s+town\s+of\s+|مدينة\s+|بلدة\s+|قرية\s+)?$")
# "المناطق المتنازع عليها بين بغداد وأربيل", "disputed between Baghdad and Erbil": the two governments.
_GOVERNMENTS = re.compile(r"(?:بين|between)\s+(?:بغداد|Baghdad)\s*(?:و|and)\s*(?:أربيل|اربيل|Erbil)"
                          r"|(?:بين|between)\s+(?:أربيل|اربيل|Erbil)\s*(?:و|and)\s*(?:بغداد|Baghdad)")
# "قالت مصادر عشائرية للميادين", "أكد مصدر أمني للميادين": ل on a name right after a source and its verb is the
# outlet spoken to.
_TOLD_OUTLET = re.compile(r"(?:قال|قالت|أفاد|أفادت|أكد|أكدت|أوضح|أوضحت|كشف|كشفت|مصدر|مصادر|مراسل|مسؤول|تصريح|تصريحات|حديث)"
                          r"(?:\s+[^\s.،,]+){0,3}\s+ل$")


def read_places(clause: Clause) -> list[PlaceMention]:
    """Every place mention of the clause with its effective precision and role."""
    gaz = load_gazetteer()
    launch_cues = [c for c in clause.cues if c.data.get("type") == "launch_site"]
    out = []
    for m in clause.places:
        place = gaz.places.get(m.entry_id)
        if place is None or _dateline(clause.text, m) or _put_in_another_province(clause, m, place, gaz):
            continue
        before = clause.text[max(clause.seg.start, m.start - 24):m.start]
        if _stands_for_something_else(clause.text, m, before):
            continue
        if _GOVERNORATE.search(before) and place.kind in ("city", "town"):
            # "في محافظتي حلب والحسكة": the governorates, not the cities.
            place = gaz.admin1_place(place) or place
        elif _AIRPORTS.search(before) and place.kind in ("city", "town"):
            place = gaz.airport_of(place) or place
        precision = place.precision
        reference = False
        toward = bool(_DIRECTION.search(before))
        if _COUNTRYSIDE.search(before) or _OFFICIAL_OF.search(before):
            precision = "district" if _rank(precision) < _rank("district") else precision
        elif (toward or _NEAR.search(before)) and _rank(precision) < _rank("admin1"):
            # ("شرق محافظة صلاح الدين" is the governorate's east: still the governorate)
            precision = _coarser(precision)
            # "في محافظة ديالى شمال شرقي بغداد": the direction places the name before it.
            reference = toward and any(0 <= m.start - p.end <= REFERENCE_REACH for p in clause.places if p is not m)
        if _DISTANCE_FROM.search(clause.text, max(clause.seg.start, m.start - 60), m.start):
            reference = True
        launch = any(0 <= m.start - c.end <= LAUNCH_WINDOW and _first_after(clause, c.end, m)
                     for c in launch_cues) or _after_launch_from(clause, m)
        bare = namesake_capital(place.id) and not _CITY_WORD.search(before)
        # "أُطلقت من قرية قرب تلعفر في محافظة نينوى", "launched from a village in nearby Nineveh province": the
        # province is where the launch site is
        launch = launch or bool(out and out[-1].launch_site and _LAUNCH_SITE_IN.fullmatch(clause.text, out[-1].mention.end,
                                                                                          m.start))
        out.append(PlaceMention(m, place, precision, launch, reference, bare, toward))
    return out


# An official named by the area they run ("قائممقام قضاء جمجمال", "مدير ناحية", "the mayor of Chamchamal district"):
# the incident is somewhere in that district, not in its town.
_OFFICIAL_OF = re.compile(r"(?:(?:قائم?مقام|لقائم?مقام)(?:\s+قضاء)?|(?:مدير|لمدير)\s+ناحية|(?:رئيس|لرئيس)\s+بلدية)\s+$"
                          r"|(?i:mayor|governor|district\s+chief|district\s+commissioner)\s+of\s+(?:the\s+)?$")


_LAUNCH_SITE_IN = re.compile(r"\s*[،,]?\s*(?:in|في|ب)\s*(?:the\s+)?(?:neighbou?ring\s+|nearby\s+)?(?:محافظة\s+|قضاء\s+)?")


# "في حديث لـ(بغداد اليوم)": an outlet's name in brackets after ل, whatever the verb before.
_IN_BRACKETS_AFTER_LI = re.compile(r"(?:^|\s)لـ*\s*[(«\"“]$")


# "ورأس العين في ريف اللاذقية", "Ras al-Ain in rural Latakia": between a name and the area the text puts it in.
_IN_AREA = re.compile(r"\s*(?:[،,]\s*)?(?:في|ب)\s*(?:(?:ريف|محافظة)\s+)?"
                      r"|,?\s+in\s+(?:the\s+)?(?:(?:north|south|east|west)(?:ern)?\s+)?(?:countryside\s+of\s+|province\s+of\s+|rural\s+)?",
                      re.IGNORECASE)


NAMESAKE_KM = 60.0  # a town told "in" an area this far away is a namesake ("السيدة زينب بالعاصمة دمشق" is not)


def _put_in_another_province(clause: Clause, m: Mention, place: Place, gaz: Gazetteer) -> bool:
    """The text puts the name in a province other than the gazetteer's place of that name: a namesake village
    the gazetteer does not hold, not that place (the area named after it places the incident)."""
    area_word = next((p for p in clause.places if p.start >= m.end), None)
    if area_word is None or not _IN_AREA.fullmatch(clause.text, m.end, area_word.start):
        return False
    area = gaz.places.get(area_word.entry_id)
    return (place.kind == "town" and area is not None and area.kind in ("admin1", "city", "district")
            and area.country == place.country and area.admin1 != place.admin1
            and distance_km(place.lat, place.lon, area.lat, area.lon) > NAMESAKE_KM)


def _stands_for_something_else(text: str, m: Mention, before: str) -> bool:
    """A capital standing for its government ("الخاضعة لسيطرة دمشق", "under Damascus’ control", "between
    Baghdad and Erbil"), an outlet named after a place ("قناة الميادين", "قالت مصادر للميادين"), a road
    named by its two ends, or where people had come from: no place of the story."""
    return bool(_METONYM_BEFORE.search(before) or _METONYM_AFTER.match(text, m.end)
                or _CAME_FROM.search(text, max(0, m.start - 60), m.start)
                or (_ROAD_FROM.search(before) and _ROAD_DASH.match(text, m.end)) or _ROAD_TO.search(before)
                or (m.text.isascii() and _ROAD_EN.match(text, m.end) is not None)
                or any(g.start() <= m.start < g.end() for g in _GOVERNMENTS.finditer(text, max(0, m.start - 30), m.end + 30))
                or _IN_BRACKETS_AFTER_LI.search(text, max(0, m.start - 4), m.start) is not None
                or (text.startswith("ل", m.start - 1) and _TOLD_OUTLET.search(text, max(0, m.start - 40), m.start)))


def _dateline(text: str, m: Mention) -> bool:
    """The name opens the text's first line, or the line after a one-line headline, and a dash,
    colon or line end follows it, or it opens any line with the day and the wire's name after it: a dateline
    ("BAGHDAD, Nov 22 (Wire) -", "الموصل 3 مايو 2022 (شينخوا)"), not the incident's place."""
    line_start = text.rfind("\n", 0, m.start) + 1
    headline = text[:line_start].strip()
    # "ERBIL –" or "أربيل (كوردستان 24)-" opening a paragraph: a wire dateline wherever the page puts it
    opens = not text[line_start:m.start].strip()
    capitals = opens and m.text.isascii() and m.text.isupper()
    filed_by = opens and bool(_OUTLET_AND_DASH.match(text, m.end))
    if opens and _DAY_AND_AGENCY.match(text, m.end):
        return True
    if ("\n" in headline or len(headline) > HEADLINE_CHARS) and not (capitals or filed_by):
        return False
    return bool(_DATELINE_BEFORE.match(text[line_start:m.start]) and _DATELINE_AFTER.match(text[m.end:m.end + 60]))


def _first_after(clause: Clause, pos: int, m: Mention) -> bool:
    """``m`` is the first place after ``pos`` and no target word stands between ("…من بادية الميادين باتجاه حقل العمر")."""
    between = [p for p in clause.places if pos <= p.start < m.start]
    aimed = [c for c in clause.cues if c.data.get("type") == "target_before" and pos <= c.start < m.start]
    return not between and not aimed


def _after_launch_from(clause: Clause, m: Mention) -> bool:
    """"جرى إطلاق القذائف من بادية الميادين": من right before the name, a launch word shortly before."""
    before = clause.text[max(clause.seg.start, m.start - 60):m.start]
    if not _FROM.search(before):
        return False
    return any(t.entry_id == "launch" and 0 <= m.start - t.end <= 60
               for t in clause.triggers) or "مصدر" in before


def to_location(pm: PlaceMention) -> Location:
    p = pm.place
    return Location(p.id, p.name_en, p.name_ar, p.admin1, p.country, p.lat, p.lon, pm.precision, pm.bare_capital, pm.off)


def best_place(mentions: list[PlaceMention]) -> PlaceMention | None:
    """The most specific mention; the first one on a tie."""
    return min(mentions, key=lambda pm: (_rank(pm.precision), pm.mention.start), default=None)
