"""Who fired and who was hit, read from the words around each actor mention.

Arabic reports put the attacker in many places: after the verb or masdar
("استهداف الميليشيات لقاعدة…"), before a verb ("قامت قوات التحالف بإطلاق…"),
after a launch word ("أطلقتها ميليشيات…", "مصدرها…"), or behind an
accusation ("…بالوقوف وراء القصف"). The target follows على/ضد/مواقع, carries
the preposition ل ("لقاعدة", "للحرس الثوري"), or is the one who suffered
("في صفوف الجيش", "إصابة جنديين أمريكيين").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.extract.clause import Clause
from marsad.types import Mention

CUE_WINDOW = 30  # characters before an actor in which a role cue counts
SHORT_CUE_WINDOW = 8  # the same for "on", "at": "on the U.S. base", "at U.S. forces"
PREPOSITION_REACH = 30  # characters from an attack word to the على/ضد that names its target
HURT = "hurt:"  # rule prefix of a target named only as the dead or wounded of a death or injury word
VERB_WINDOW = 22  # characters between an actor and the attack verb that follows it
LIGHT_VERB_WINDOW = 40  # … and the attack noun after a light verb ("initiated a retaliatory strike")
LIGHT_OBJECT_WINDOW = 40  # "نفذ العدو مساء أمس عدواناً برشقات من الصواريخ": a time phrase may stand before the object
ACCUSE_WINDOW = 80
OWNED_THING_WINDOW = 25  # characters between a drone and "believed to belong to" its owner
HEDGE_WINDOW = 45  # "ويُرجَّح أن تكون خلايا تابعة لتنظيم داعش"  # "اتهمت … X … بالوقوف وراء"
ATTACK_KINDS = {"attack", "disrupted", "clash", "launch"}


@dataclass(frozen=True)
class Role:
    mention: Mention
    actor: str
    role: str  # attacker | target | none
    rule: str


NATIONAL_FORCES_RULE = "national-forces:country-of-places"


def actor_code(m: Mention) -> str:
    return m.data.get("actor", m.entry_id)


def _nearest_before(items: list[Mention], pos: int, window: int) -> Mention | None:
    before = [i for i in items if i.end <= pos and pos - i.end <= window]
    return max(before, key=lambda i: i.end, default=None)


def word_start_of(text: str, t: Mention) -> int:
    """Where the word holding the trigger begins (before any proclitic or article)."""
    start = t.start
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return start


def definite_noun(text: str, t: Mention) -> bool:
    """The trigger word carries the article (الهجوم، الاستهداف): a noun, not a verb."""
    word_start = word_start_of(text, t)
    return "ال" in text[word_start:t.start + 2]


# Attack words that are only ever nouns (masdars and plurals): "حدد الجيش موقع إطلاق القذائف" has no verb to
# make the actor before it a subject.
_NOUN_ONLY = re.compile(r"(?:إطلاق|اطلاق|استهداف|إستهداف|تفجير|تفجيرات|هجوم|هجمات|هجمة|هجوما|هجوماً|غارة|غارات|ضربة|ضربات"
                        r"|سقوط|إسقاط|اعتراض|تصدي|انفجار)")
_AUXILIARY = re.compile(r"(?:قوات|القوات|ميليشيات|الميليشيات|مجموعات|المجموعات|فصائل|الفصائل)[\s\w]{0,12}$")
_RELATIVE = re.compile(r"(?:^|[^\w])(?:الذي|التي|الذين|اللذين|اللتين|which|that)\s+$")
_PASSIVE_AUX = re.compile(r"(?:^|[^\w])[وف]?(?:تم|تمّ|يتم|جرى|يجري)\s+$")  # "تم استهداف…": a passive
# "نفذت القيادة غارات", "إنها نفذت غارات": a light verb and an attack noun make one verb phrase, so the actor
# right after the light verb, or right before it, is who struck. (شن and its forms are attack verbs already.)
_LIGHT_VERB = r"[وف]?(?:نف\u0651?ذ|نف\u0651?ذت|ين\u0651?فذ|ينف\u0651?ذ|تنف\u0651?ذ|نف\u0651?ذوا|وج\u0651?ه|وج\u0651?هت|يوج\u0651?ه|توج\u0651?ه|أجرى|أجرت|اجرى|اجرت)"
_LIGHT_BEFORE = re.compile(rf"(?:^|[^\w]){_LIGHT_VERB}\s+(?:(?:طائرة|طائرات|طائرتان|مقاتلة|مقاتلات)\s+)?$")  # "نفذت طائرة مسيرة تركية"
_LIGHT_BETWEEN = re.compile(rf"\s*[،,]?\s*(?:{_LIGHT_VERB}|(?:carried\s+out|carries\s+out|conducted|conducts|launched|launches"
                            rf"|initiated|initiates)(?:\s+(?:a|an|two|three|four|five|several|multiple|new|\d+))?"
                            rf"(?:\s+(?:retaliatory|precision|further|fresh|additional))?)\s+(?:ال)?"  # "نفذ الغارة"
                            r"|\s*[،,]?\s*[وف]?(?:قام|قامت|قاموا|يقوم|تقوم|يقومون)\s+ب(?:ال)?")  # "قامت بشن هجوم"
# "Washington carried out two strikes", "The U.S. launches strikes in reply"
# "X was targeted", "a civilian was killed in an airstrike": X was hit
_ENGLISH_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are)\s+$"
                              r"|\b(?:was|were)\s+(?:killed|wounded|injured|hurt)\s+(?:in|by)\s+(?:an?\s+|the\s+)?(?:[\w\-]+\s+)?$")
# "طائرات أمريكية", "مروحيات حربية تركية", "العدوان الأمريكي": a nationality adjective after an aircraft or
# warship noun, or after "aggression" (what the side hit calls the strike).
_AIRCRAFT = r"(?:طائرات|طائرة|مسيرة|مسيّرة|مسيرات|مروحيات|مروحية|مقاتلات)(?:\s+(?:حربية|مسيرة|مسيّرة))?"
_CARRIER_BEFORE = re.compile(rf"(?:{_AIRCRAFT}|(?:بوارج|سفن|زوارق|العدوان|عدوان|الاعتداء|اعتداء|الاعتداءات|اعتداءات)"
                             r"(?:\s+حربية)?)\s+$")
_SINCE_PHRASE = re.compile(r"(?:^|[^\w])(?:منذ|since|Since)\s+(?:[^\s.،,;]+\s+){0,6}$")
# "رداً على مجازر الكيان الصهيوني", "نصرةً لغزة ضد العدوان": the wrongs an attack says it answers ("رداً على إصابة
# جنود أمريكيين" tells an attack of its own, and keeps its target).
_ANSWERING = re.compile(r"(?:^|[^\w])(?:رد|ردا|رداً|ردًا|انتقاما|انتقاماً|نصرة|نصرةً|دعما|دعماً)\s+(?:على\s+|ل)?"
                        r"(?:[^\s.،,]+\s+)?(?:جرائم|مجازر|الجرائم|المجازر|العدوان|عدوان|اعتداءات|الاعتداءات|حرب|الحرب|"
                        r"احتلال|الاحتلال|انتهاكات|الانتهاكات)\s+(?:[^\s.،,]+\s+){0,2}$"
                        r"|(?:in|as\s+a)\s+(?:response|retaliation)\s+(?:to|for)\s+(?:[\w\-’']+\s+){0,6}$")
# "لحماية والدفاع عن الأفراد الأمريكيين", "to protect U.S. personnel": whom a strike is said to protect.
_PROTECTED = re.compile(r"(?:^|[^\w])(?:ل|و)?(?:حماية|الدفاع\s+عن|للدفاع\s+عن)(?:\s+و(?:ال)?(?:دفاع\s+عن|حماية))?\s+(?:ال)?$"
                        r"|\b(?:protect|defend)(?:\s+and\s+(?:protect|defend))?\s+$")
# "نفى البنتاغون أي صلة للقوات الأمريكية بالغارة", "denied any role of US forces": a side said to have had no part.
_NO_ROLE = re.compile(r"(?:^|[^\w])(?:أي|اي|أية)\s+(?:دور|علاقة|صلة|مسؤولية)\s+(?:ل|لل)?$"
                      r"|\bany\s+(?:role|involvement|part)\s+(?:of|by|for)\s+(?:the\s+)?$")
# A tie that names who backs a group ("مسلحين موالين للجيش الأمريكي", "fighters backed by Turkey"), unlike one that says
# whose the group is ("طائرات تابعة للتحالف", "رتل يتبع التحالف").
_BACKING = re.compile(r"(?:ال)?(?:موال|مدعوم|مقرب|حليف)\w*|backed by|supported by|sponsored by|loyal to")
# "جماعات مسؤولة عن هجمات على القوات الأمريكية", "the group blamed for attacks on U.S. troops": what a side is
# known for, told to describe it; those it attacked before are not this attack's target.
_KNOWN_FOR = re.compile(r"(?:^|[^\w])(?:ال)?مسؤول(?:ة|ين|ون)?\s+عن\s+(?:ال)?هجمات\s+(?:[^\s.،,]+\s+){0,2}$"
                        r"|(?:responsible|blamed)\s+for\s+(?:the\s+)?(?:\w+\s+)?attacks\s+(?:\w+\s+){0,2}$")
# "الهجوم الجوي الإسرائيلي", "الغارات الجوية الأمريكية": one word for the kind of attack between it and the nationality
_KIND_OF_ATTACK = re.compile(r"\s+(?:ال)?(?:جوي|جوية|صاروخي|صاروخية|مدفعي|مدفعية|بري|برية|عسكري|عسكرية)\s+")
# "بعد القصف الأمريكي", "رداً على العدوان الإسرائيلي": an attack told as what came before, or what is answered.
_EARLIER = re.compile(r"(?:^|[^\w])(?:رد|ردا|رداً|ردًا|انتقاما|انتقاماً|بعد|قبل|عقب|وعقب|إثر|اثر|على\s+خلفية)\s+(?:على\s+)?[ول]?$")


def told_before(text: str, t: Mention) -> bool:
    """A definite attack word after "عقب", "بعد", "إثر" ("وعقب الاشتباكات سيّرت قسد دوريات"): the attack already
    told, named as what came before the clause's own news."""
    start = word_start_of(text, t)
    return definite_noun(text, t) and bool(_EARLIER.search(text, max(0, start - 14), start))
# "خلايا الكاتيوشا التي تطلق الصواريخ وتهاجم البعثات": a relative pronoun and a verb in the present tells what a
# group does, not what it did. After التي the present starts with ت and does not end in it (تعرضت is past);
# after الذي/الذين it starts with ي (تعرض after الذي is past). Its objects and a second verb after و may follow.
_HABITUAL = re.compile(r"(?:^|[^\w])(?:التي\s+[وف]?ت\w*[^ت\s]|(?:الذي|الذين)\s+[وف]?ي\w+)(?:\s+[^\s.،,؛:]+){0,4}$")
_PRESENT_VERB = re.compile(r"[وف]?(?:ت\w*[^ت]|ي\w+)")


# "حمّلت X المسؤولية": X, told right after the verb (a name and its other name in brackets between), is who holds
# another responsible.
_HOLDS_RESPONSIBLE = re.compile(r"[\s)»\"”]*(?:\([^()]{1,30}\)\s*)?(?:ال)?مسؤولية(?!\w)")
_ON_WHOM = re.compile(r"(?:^|[^\w])على\s+$")
_ACCUSER_GAP = re.compile(r"[\s«\"“]*(?:[^\s.،,]+\s+){0,3}?\(?")
_CELLS_OF = re.compile(r"(?:^|[^\w])(?:خلايا|خلية|فلول|بقايا|مرتع|معقل|معاقل|ملاذ|ملاذا|ملاذاً|حاضنة)\s+ل?(?:تنظيم\s*)?[\"«“]?$")


# After an attack verb, "خلية لـ", "مجموعة تابعة لـ": a cell or group of the actor is who struck.
_CELL_OF_WORDS = r"(?:خلية|خلايا|مجموعة|مجموعات)\s+(?:تابعة\s+)?ل(?:تنظيم\s*)?"
_CELL_OF = re.compile(rf"\s+{_CELL_OF_WORDS}[«\"“]?")


def habitual(text: str, t: Mention) -> bool:
    """An attack verb in the present, in a relative clause ("الجماعات التي تستهدف القواعد"): a habit, no incident."""
    start, word = word_start_of(text, t), _whole_word(text, t)
    return bool(_PRESENT_VERB.fullmatch(word)) and bool(_HABITUAL.search(text[max(0, start - 60):start + len(word)]))


# Broken plurals of things and groups take a feminine verb ("استهدفت القوات", "تقصف الميليشيات"): after a
# masculine verb they can only be its object.
_FEMININE_PLURAL = re.compile(r"[«\"“]?(?:ال)?(?:قوات|ميليشيات|ميلشيات|فصائل|جماعات|مجموعات|خلايا)(?!\w)")
_MASCULINE_PAST = re.compile(r"[وف]?(?:استهدف|هاجم|قصف|ضرب)")
_MASCULINE_PRESENT = re.compile(r"[وف]?(?:يستهدف|يهاجم|يقصف|يضرب)")


# A verb with its object pronoun before the bare "قصف" ("واستهدفهم قصف قوات الأسد") makes it the verb's subject, a
# noun, as a preposition does ("جراء قصف قوات الأسد"): the side after the noun is whose shelling it was.
_VERB_WITH_OBJECT = re.compile(r"(?:است?هدف|طال|أصاب)ت?(?:هم|ها|هما|ه)\s+$")


def _whole_word(text: str, t: Mention) -> str:
    """The word a trigger stands in, with its proclitics and endings ("استهدف" matched in "واستهدفت")."""
    end = t.end
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[word_start_of(text, t):end]


def _masculine_verb(word: str) -> bool:
    return bool(_MASCULINE_PAST.fullmatch(word) or _MASCULINE_PRESENT.fullmatch(word))


_AIRCRAFT_OF = re.compile(rf"{_AIRCRAFT}\s+$")
_HELD_BY = re.compile(r"(?:رتل|رتلا|رتلاً|الرتل|قافلة|القافلة|دورية|الدورية|آليات|شاحنات|عربات|قاعدة|القاعدة|مقر|المقر|موقع|الموقع)"
                      r"(?:\s+[^\s.،,]+){0,3}\s+$")
# "استهدف مجاهدو المقاومة الإسلامية…", "هاجم مسلحون من داعش…": the side's fighters, in the nominative (the
# verb's subject), between the verb and the side ("تستهدف عناصر قسد" is the object: عناصر has no case ending to tell).
_MEMBERS_OF = re.compile(r"\s+(?:مجاهدو|مقاتلو|منتسبو|مسلحو|مسلحون\s+(?:من|تابعون\s+ل|ينتمون\s+(?:إلى|الى|ل))\s*"
                         rf"|{_CELL_OF_WORDS}"
                         r"|(?:an?|the|one|two|three|a\s+senior|a\s+top)\s+"
                         r"(?:\w+\s+)?(?:commanders?|leaders?|members?|officials?|fighters?)\s+(?:of|in|from)\s+(?:the\s+)?)"
                         r"\s*(?:(?:ال)?تنظيم\s*)?[«\"“]?")  # "مسلحون من تنظيم «داعش»"
# Between a side's name and the English attack noun it modifies: nothing, or the kind of attack.
_ENGLISH_MODIFIER = re.compile(r"(?:['’]s)?\s+(?:(?:suicide|drone|rocket|mortar|missile|car[\s-]bomb|artillery|ground|armed)\s+)?")
_ENGLISH_ATTACK_NOUN = re.compile(r"(?i)(?:air\s?)?(?:attacks?|strikes?|raids?|bombings?|shelling|ambush|assault)")
# "استهدفت طائرة مسيرة تركية…", "قصف عبر طائرات مسيرة تركية": the aircraft noun between the attack word and a side
# named by its drone
_AIRCRAFT_NOUN = re.compile(r"\w{0,2}\s+(?:(?:عبر|بواسطة)\s+)?(?:طائرة|طائرات|طائرتان|طائرتين)\s+")
# An attack verb right after the side ل names: the strike of that side is the verb's subject.
_VERB_AFTER_AGENT = re.compile(r"[\s»\"”]*(?:استهدف|استهدفت|طال|طالت|أصاب|أصابت)(?!\w)")
# "على" right after the side ل names: where or whom its strike hit follows, so the side struck.
_HIT_AFTER_AGENT = re.compile(r"[\s»\"”]*(?:\w+\s+)?(?:على|ضد)\s")
PASSIVE_AGENT_REACH = 60  # characters from an English attack verb to the "by …" that names who did it
# (not the holder of a thing: "depots used by Kataib Hezbollah", "a base run by the coalition")
_BY_AGENT = re.compile(r"(?<!used )(?<!run )(?<!operated )(?<!held )(?<!controlled )(?<!owned )(?<!backed )(?<!manned )"
                       r"(?<!supported )(?<!occupied )(?<!funded )(?<!led )(?<!frequented )"
                       r"\bby\s+(?:(?:members|fighters|militants|gunmen|elements|a\s+group)\s+(?:of|from)\s+)?(?:the\s+)?$")
_GROUP_HEAD = re.compile(r"\s+(?:فصائل|مجموعات|جماعة|حركة|قوات|قيادة)\s+")  # "أعلنت فصائل المقاومة…": its head noun
_TO_SPEECH = re.compile(r"[\s،,]*(?:قد|كان|كانت)\s+")  # "X، قد أعلن": the pluperfect between a speaker and its verb
_AREA = re.compile(r"مناطق|مواقع|منطقة|سيطرة|نفوذ|تسيطر|areas|territory")  # a place someone holds
# "في قصف", "جراء هجوم", "بهجوم", "أن هجوماً": a preposition or أن makes the attack word a noun, so no actor
# before it is its subject.
_PREPOSITION = re.compile(r"(?:^|[^\w])(?:في|خلال|جراء|إثر|اثر|عقب|بعد|من|على|عن|أن|بأن|إن|لأن|in|during|after|by)\s+$")
_PROCLITIC = re.compile(r"^[وف]?[بل]$")
_QUOTED_PROCLITIC = re.compile(r"(?:^|[^\w])[وف]?[بل]ـ?\s?[\"«“]$")  # بـ"ضربة جوية": ب before a quoted noun


def prepositional_noun(text: str, t: Mention) -> bool:
    """The trigger word follows a preposition ("في قصف") or carries one ("بهجوم")."""
    word_start = word_start_of(text, t)
    return bool(_PROCLITIC.match(text[word_start:t.start])
                or _PREPOSITION.search(text[max(0, word_start - 8):word_start])
                or _QUOTED_PROCLITIC.search(text, max(0, word_start - 5), word_start))


# "هذا الهجوم", "تلك الضربات", "this attack": the words point at an attack already told.
_DEMONSTRATIVE = re.compile(r"(?:^|[^\w])(?:[وف]?(?:هذا|هذه|ذلك|تلك|هذين|هاتين|هؤلاء)|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose)\s+$")


def demonstrative_noun(text: str, t: Mention) -> bool:
    """The trigger word follows a demonstrative ("عن هذا الهجوم"): a reference back, never a new attack."""
    word_start = word_start_of(text, t)
    return bool(_DEMONSTRATIVE.search(text[max(0, word_start - 12):word_start]))


def _after_li(text: str, start: int) -> bool:
    """The mention carries the preposition ل as a proclitic: "لقاعدة", "للحرس", "ولميليشيات"."""
    return bool(_LI_BEFORE.search(text[max(0, start - 16):start]))


# "لقاعدة", "لـ«قسد»", "ولـ \"قسد\"", and a quoted name after its head noun: "لقوات \"قسد\"", "لفصيل «النجباء»"
_LI_BEFORE = re.compile(r"(?:^|[^\w])[وف]?لـ?\s?(?:(?:ال)?(?:قوات|فصيل|ميليشيا|مليشيا|جماعة|حركة|تنظيم)\s*)?[«\"“]?$")
# "هجوم لـ«قسد»", "هجمات لقوات النظام", "هجوم مسلح لتنظيم «داعش»": at most one adjective, ل, at most one
# head noun, the actor.
_AGENT_LI = re.compile(r"(?:\s+\w+)?\s+[وف]?لل?ـ?\s?(?:\w+\s)?\s*[«\"“]?\s*$")  # لل: ل + the article
# After shelling the words allowed before ل are adjectives ("قصف مدفعي وصاروخي للجيش"): after a noun,
# ل names whose thing was shelled ("قصف قاعدتين للجيش التركي").
_SHELLING_ADJECTIVE = r"و?(?:\w+(?:ي|ية)|متواصل|مكثف|عنيف|متقطع|مستمر)"
_AGENT_LI_AFTER_ADJECTIVE = re.compile(
    rf"(?:\s+{_SHELLING_ADJECTIVE}){{0,3}}\s+[وف]?لل?ـ?\s?(?:\w+\s)?\s*[«\"“]?\s*$")
AGENT_LI_WINDOW = 16
# What may stand between an attack word and the ل that names its attacker, by the trigger's agent_after_li: the
# words allowed, and how far ("قصف صاروخي ومدفعي عنيف لقوات النظام": up to three adjectives after shelling).
AGENT_LI = {True: (_AGENT_LI, AGENT_LI_WINDOW), "adjective": (_AGENT_LI_AFTER_ADJECTIVE, 40)}
OWN_FORCES_WINDOW = 60  # speaker … "قواتها" …
OWN_VERB_WINDOW = 25  # "قواتها" … attack verb


def _own_forces_strike(clause: Clause, m: Mention, triggers: list[Mention]) -> bool | None:
    """The speaker's own forces are the subject of an attack or counter-fire verb after it (True), or were
    killed or wounded by it (None: "تعلن مقتل أربعة من عناصرها بهجوم")."""
    acts = sorted(triggers + answers(clause), key=lambda t: t.start)
    # Verbs only strike: "قواته ردت على الهجوم وتصدت للمسيرة" is about the attack noun, not a strike by "قواته".
    verbs = [t for t in acts if not definite_noun(clause.text, t) and not prepositional_noun(clause.text, t)]
    for own in clause.cues:
        if own.data.get("type") in ("own_forces", "self") and 0 <= own.start - m.end <= OWN_FORCES_WINDOW:
            # "أعلنت المقاومة أنها استهدفت…": the pronoun is the verb's subject only right before it.
            reach = OWN_VERB_WINDOW if own.data["type"] == "own_forces" else 1
            act = next((t for t in acts if 0 <= t.start - own.end <= reach
                        or _LIGHT_BETWEEN.fullmatch(clause.text, own.end, t.start)), None)
            if act is None:
                continue
            if act.data.get("subject_is_target") or any(m.end <= c.start and c.end <= act.start for c in clause.cues
                                                        if c.data.get("type") in ("killed", "injured")):
                return None  # "أكدت أنها تعرضت لهجوم", "تعلن مقتل أربعة من عناصرها بهجوم": it was hit
            verb = next((t for t in acts if _LIGHT_BETWEEN.fullmatch(clause.text, own.end, t.start)), None) or next(
                (t for t in verbs if 0 <= t.start - own.end <= reach), None)
            if verb is None:
                continue
            # "قواتها تعاملت مع هجمات معادية" defends; "قواته تعاملت مع مصادر النيران" fires back.
            engaged = verb.text.replace("ّ", "").startswith(("تعامل", "تعاملت"))
            warded_off = verb.data.get("kind") == "disrupted" and (not engaged or any(
                t is not verb and 0 <= t.start - verb.end <= 3 for t in acts))
            return not warded_off
    return False


_EN_ARTICLE = re.compile(r"\s+(?:a|an)\s+")  # "hit a coalition convoy": the object after an article


# An attack verb with its object pronoun ("استهدفهم", "هاجمتها"): the side before it is what the pronoun names.
_VERB_WITH_OBJECT = re.compile(r"[وف]?(?:استهدف|هاجم)ت?(?:هم|ها|هما|هن|ه)")


# Between a speaker and the launch it announces: a time phrase, commas. "أعلن X إطلاق صواريخ" (not "عن"
# nor "تعرض": "أعلن التحالف عن استهداف قاعدته" reports an attack on itself).
_ANNOUNCE_GAP = re.compile(r"[\s،,\"»”]*(?:(?:فجر|صباح|مساء|ليل|ظهر|اليوم|أمس|الليلة)[\w\s]{0,20}?[،,]\s*)?")


def _announced_launch(clause: Clause, m: Mention, speech: Mention) -> bool:
    """The speaker is followed by the launch or firing it announces as its own ("إطلاق صاروخين"), or the
    targeting it announces ("أعلنت المقاومة، فجر اليوم، استهداف قاعدة التنف"; "أكد الحشد استهداف دوريتين"
    confirms an attack on itself)."""
    announces = speech.text.lstrip("و").startswith(("أعلن", "تعلن", "يعلن"))
    launch = next((t for t in clause.triggers if t.start >= m.end and (
        t.data.get("kind") == "launch" or (announces and t.text.lstrip("وب").startswith("استهداف")))), None)
    # (not when the launch names its own agent: "أعلنت الوزارة استهداف التحالف لموقع…")
    return launch is not None and bool(_ANNOUNCE_GAP.fullmatch(clause.text, m.end, launch.start)) and not any(
        0 <= a.start - launch.end <= 2 for a in clause.actors)


_EN_ACCUSED_OF = re.compile(r"[\w\s\-']{0,30}?\s(?:for|of)\s")  # "blamed Iran-backed militias for", "accused ISIS of"
# An English subordinate clause opening between a cue and an actor: the actor is that clause's subject.
_SUSPECTED_AFTER = re.compile(r"(?:\s+(?:cells|militants|fighters|members|gunmen))?\s+(?:is|are|was|were|has\s+been|have\s+been)"
                              r"\s+(?:widely\s+|also\s+|largely\s+)?(?:suspected|blamed|believed\s+responsible)\b")
_NEW_CLAUSE_EN = re.compile(r"\b(?:when|as|after|while|before|because)\s+(?:the\s+|a\s+|an\s+)?$")


def _role_of(clause: Clause, m: Mention) -> tuple[str, str]:
    text = clause.text
    triggers = [t for t in clause.triggers if t.data.get("kind") in ATTACK_KINDS]
    role_cues = [c for c in clause.cues if c.data.get("type") in
                 {"attacker_before", "target_before", "launch_site", "accuse", "killed", "injured"}]
    since = _SINCE_PHRASE.search(text, max(clause.seg.start, m.start - 60), m.start)
    if since is not None and since.start() > clause.seg.start + 1:
        # (a clause that opens with "منذ اغتيال…" tells that killing: it is cut off as a clause of its own)
        return "none", "time-phrase"  # "منذ اندلاع الحرب بين إسرائيل وحماس", "since the attack on Israel": context
    if _ANSWERING.search(text, max(0, m.start - 40), m.start):
        return "none", "what-it-answers"  # "رداً على مجازر الكيان الصهيوني في غزة": the cause, not the target
    if _PROTECTED.search(text, max(0, m.start - 30), m.start):
        return "none", "what-it-protects"  # "غارات لحماية الجنود الأمريكيين": not the target
    if _NO_ROLE.search(text, max(0, m.start - 30), m.start):
        return "none", "said-to-have-no-part"
    if _KNOWN_FOR.search(text, max(0, m.start - 50), m.start):
        return "none", "what-it-is-known-for"  # "…المسؤولة عن هجمات على القوات الأمريكية": a description
    if m.data.get("facility"):
        return "target", "facility"  # "يستهدف القاعدة الأمريكية": a base is never the one firing
    if m.data.get("adjective"):
        # "غارات أمريكية": a nationality adjective right after a strike noun names the attacker;
        # in English it stands before the noun: "a Turkish drone strike", "U.S. strikes".
        noun = _nearest_before(triggers + clause.weapons, m.start, 2) or next(
            (t for t in triggers + clause.weapons if _KIND_OF_ATTACK.fullmatch(text, t.end, m.start)), None)
        if noun is not None and _EARLIER.search(text, max(0, word_start_of(text, noun) - 14), word_start_of(text, noun)) \
                and any(t.start < noun.start for t in triggers):
            # "إن الهجوم يعد الأول بعد القصف الأمريكي": the clause's attack is another, told before it
            return "none", "adjective-of-an-earlier-attack"
        if noun is not None:
            return "attacker", "adjective-after-strike"
        if m.text.isascii() and any(0 <= w.start - m.end <= 2 for w in triggers + clause.weapons):
            return "attacker", "adjective-before-strike"
        carrier = _CARRIER_BEFORE.search(text, max(0, m.start - 25), m.start)
        if carrier and _EARLIER.search(text, max(0, carrier.start() - 14), carrier.start()):
            return "none", "adjective-of-an-earlier-attack"  # "رداً على العدوان الإسرائيلي على غزة"
        if carrier:
            return "attacker", "adjective-after-aircraft-or-aggression"
        return "none", "adjective"
    if m.text.isascii() and any(_ENGLISH_MODIFIER.fullmatch(text, m.end, t.start) for t in triggers
                                if _ENGLISH_ATTACK_NOUN.fullmatch(t.text) and t.start >= m.end):
        return "attacker", "name-before-english-attack"  # "an ISIS attack", "a PKK drone strike"
    assault = max((t for t in triggers if t.data.get("agent_after_li") in AGENT_LI
                   and 0 <= m.start - t.end <= AGENT_LI[t.data["agent_after_li"]][1]), key=lambda t: t.end, default=None)
    if assault is not None and AGENT_LI[assault.data["agent_after_li"]][0].match(text[assault.end:m.start]):
        return "attacker", "agent-after-assault-li"  # "هجوم لتنظيم «داعش»": the attack of ISIS
    accuse = [c for c in clause.cues if c.data.get("type") == "accuse"]
    if any(c.start <= m.start < c.end for c in accuse):
        return "attacker", "accused-behind"
    if _ATTRIBUTED_TO.search(text, max(clause.seg.start, m.start - 200), m.start):
        return "attacker", "accused-behind"  # "The US has attributed last month's attack … to Kataib Hezbollah"
    if _LEFT_BY.search(text, max(clause.seg.start, m.start - 40), m.start):
        return "attacker", "left-the-mine"  # "لغم من مخلفات تنظيم داعش", "a mine left by IS": who laid it
    behind = [c for c in accuse if ("وراء" in c.text or "خلف" in c.text or "behind" in c.text)
              and 0 <= c.start - m.end <= ACCUSE_WINDOW]
    if behind and not any(m.end <= a.start and a.end <= behind[0].start for a in clause.actors):
        return "attacker", "accused-behind"  # the last actor before "بالوقوف وراء" is the accused
    if m.text.isascii() and _SUSPECTED_AFTER.match(text, m.end):
        return "attacker", "suspected-or-blamed"  # "ISIS cells are suspected", "the PKK was blamed for it"
    if _ON_WHOM.search(text, max(0, m.start - 6), m.start) and any(
            c.end <= m.start and _HOLDS_RESPONSIBLE.search(text, c.end, m.start) for c in accuse):
        return "attacker", "held-responsible"  # "حمّلت الوزارة المسؤولية عن الهجوم على وكلاء لإيران"
    verb = _nearest_before(accuse, m.start, 3)
    if verb is not None and verb.text.isascii() and _EN_ACCUSED_OF.match(text, m.end):
        return "attacker", "accused-after-english-verb"  # "officials blamed ISIS for the bombing": SVO, ISIS is blamed
    if verb is not None and any(a.start >= m.end for a in clause.actors
                                if a.start - m.end <= ACCUSE_WINDOW):
        return "none", "accuser"  # "اتهمت قسد خلايا داعش…": the first actor after the verb accuses
    if _HOLDS_RESPONSIBLE.match(text, m.end) and any(
            _ACCUSER_GAP.fullmatch(text, c.end, m.start) for c in accuse if c.end <= m.start):
        return "none", "accuser"  # "حمّلت وزارة الدفاع (البنتاغون) المسؤولية على…": who holds another responsible
    tie = _nearest_before([c for c in clause.cues if c.data.get("type") == "affiliation"], m.start, 4)
    if tie is not None and _AIRCRAFT_OF.search(text, max(0, tie.start - 25), tie.start) and any(
            t.start > m.end for t in triggers):
        return "attacker", "owner-of-the-aircraft"  # "طائرات تابعة للتحالف الدولي استهدفت…"
    if tie is not None and _HELD_BY.search(text, max(0, tie.start - 30), tie.start):
        return "target", "owner-of-what-was-hit"  # "عبوة استهدفت رتلاً يتبع التحالف الدولي"
    if tie is not None and (_BACKING.fullmatch(tie.text) or _nearest_before(clause.actors, tie.start, 2) is not None
                            or _AUXILIARY.search(text, max(0, tie.start - 20), tie.start)):
        # "الميليشيات الإيرانية الموالية لنظام الأسد", "مقار لمجموعات رديفة تساند الجيش", "مسلحين موالين للجيش
        # الأمريكي": the patron is no party.
        return "none", "patron"
    claims = [] if clause.cue("no_claim") else [c for c in clause.cues if c.data.get("type") == "claim"]
    # The actor right before a claim verb is its subject ("…رتل للتحالف، وفصيل أهل الكهف يتبنى"): not one
    # with another actor between them.
    if any(0 <= c.start - m.end <= ACCUSE_WINDOW and not any(m.end <= a.start and a.end <= c.start for a in clause.actors)
           for c in claims) or _nearest_before(claims, m.start, 3):
        return "attacker", "claimant"  # "أعلنت المقاومة الإسلامية مسؤوليتها عن الهجوم", "تبنت X الهجوم"
    hedge = _nearest_before([c for c in clause.cues if c.data.get("type") == "hedge"], m.start, HEDGE_WINDOW)
    closer_cue = _nearest_before(role_cues, m.start, CUE_WINDOW)
    if hedge is not None and not m.data.get("facility") and (closer_cue is None or closer_cue.end <= hedge.end):
        if hedge.text.isascii() and "belong" in hedge.text and not any(
                0 <= hedge.start - w.end <= OWNED_THING_WINDOW for w in clause.weapons):
            return "target", "owner-of-what-was-hit"  # "a vehicle, believed to belong to PKK fighters, was targeted"
        return "attacker", f"suspected:{hedge.text}"  # "مسلحون يُعتقد أنهم من خلايا داعش", "a drone believed to belong to"
    if re.match(r"[\s\"'»”]*:", text[m.end:m.end + 4]):
        return "none", "speaker-before-colon"  # "«سنتكوم»: أربعة صواريخ استهدفت قواتنا"
    speeches = [c for c in clause.cues if c.data.get("type") == "speech"]
    speech = _nearest_before(speeches, m.start, 3) or next(
        (c for c in speeches if c.end <= m.start and _GROUP_HEAD.fullmatch(text, c.end, m.start)), None)
    if speech is None:  # "التحالف يعلن استهداف…", "وكان الحرس الثوري، قد أعلن…": the actor right before a reporting verb speaks
        speech = next((c for c in speeches if 0 <= c.start - m.end <= 2 or (
            c.start > m.end and _TO_SPEECH.fullmatch(text, m.end, c.start))), None)
    if speech is not None and speech.text.isascii() and speech.end <= m.start and any(
            0 <= t.start - m.end <= LIGHT_VERB_WINDOW for t in triggers):
        speech = None  # "CENTCOM said US forces conducted a strike": English is SVO, the reported clause's subject
    if speech is not None:
        did = next((t for t in triggers if _SAID_IT_DID.fullmatch(text, speech.end, t.start)), None) \
            if speech.start >= m.end else None
        if did is not None and did.data.get("kind") == "disrupted":
            return "none", "defender"  # "the US military said it intercepted two drones": who stopped them
        if did is not None:
            return "attacker", "speaker-own-forces"  # "The Islamic Resistance in Iraq said it targeted…"
        own = _own_forces_strike(clause, m, triggers)
        if own:
            return "attacker", "speaker-own-forces"  # "أعلنت القيادة أن قواتها نفذت ضربات"
        if own is None:
            return "target", "speaker-own-forces-hit"
        if speech.end <= m.start and _announced_launch(clause, m, speech):
            return "attacker", "speaker-own-forces"  # "أعلنت الفصائل، مساء أمس، إطلاق صاروخين"
        return "none", f"speaker-after:{speech.text}"  # "أعلن التحالف عن استهداف…": who speaks, not who fired
    if _LIGHT_BEFORE.search(text, max(0, m.start - 12), m.start) and any(
            0 <= t.start - m.end <= LIGHT_OBJECT_WINDOW and not any(m.end <= a.start < t.start for a in clause.actors)
            for t in triggers + clause.weapons):
        return "attacker", "agent-of-light-verb"  # "نفذ الطيران الأمريكي غارات على…"
    cue = _nearest_before(role_cues, m.start, CUE_WINDOW)
    if cue is not None and cue.text.isascii() and len(cue.text) <= 3 and m.start - cue.end > SHORT_CUE_WINDOW:
        cue = None  # "On Wednesday, February 7, U.S. forces…": a short English preposition governs what follows it
    if cue is not None and _NEW_CLAUSE_EN.search(text, cue.end, m.start):
        cue = None  # "three others wounded when ISIS militants attacked…": the subject of the clause after "when"
    if (cue is not None and cue.data.get("type") == "target_before" and cue.text.endswith(("على", "ضد"))
            and not _nearest_before(triggers + clause.weapons, cue.start, PREPOSITION_REACH)):
        cue = None  # "هجوم على X" marks X; "الحرص على أمن المنطقة" does not
    verb = _nearest_before(triggers, m.start, 2) or next(
        (t for t in triggers if t.end <= m.start and (_MEMBERS_OF.fullmatch(text, t.end, m.start)
                                                      or _AIRCRAFT_NOUN.fullmatch(text, t.end, m.start)
                                                      or (t.text.isascii() and _EN_ARTICLE.fullmatch(text, t.end, m.start)))),
        None)
    if verb is not None and definite_noun(text, verb) and not verb.text.isascii():
        verb = None  # "الهدف من هذه الضربات مقر الفصيل": a definite noun has no genitive agent after it
    passive_verb = _nearest_before([t for t in triggers if t.text.isascii()], m.start, PASSIVE_AGENT_REACH)
    if m.text.isascii() and _BY_AGENT.search(text, max(0, m.start - 40), m.start) and passive_verb is not None:
        if passive_verb.data.get("kind") == "disrupted":
            return "none", "defender"  # "two drones were shot down by the U.S. military": who stopped them
        return "attacker", "agent-of-english-passive"  # "the base was attacked on Friday by members of the PKK"
    if verb is not None and (cue is None or verb.end >= cue.end):
        if verb.data.get("kind") == "disrupted":
            return "none", "defender"  # "تصدي قسد لهجوم…": who stopped it, not who fired
        if verb.data.get("subject_is_target"):
            return "target", "subject-of-suffer-verb"
        if verb.text.isascii():
            return "target", "object-after-english-verb"  # English is SVO: "a drone targeted U.S. forces"
        if m.data.get("li") or _after_li(text, m.start):
            if _CELL_OF.fullmatch(text, verb.end, m.start):
                return "attacker", "cell-of-after-attack-verb"  # "هاجمت خلية لتنظيم داعش حاجزاً": the cell's group
            if _VERB_AFTER_AGENT.match(text, m.end):
                return "attacker", "agent-li-before-verb"  # "بقصف للاحتلال التركي استهدف قافلة": whose shelling hit it
            if _HIT_AFTER_AGENT.match(text, m.end):
                return "attacker", "agent-li-before-what-was-hit"  # "بقصف مدفعي لقوات النظام على بلدة كنصفرة"
            return "target", "preposition-li"  # "توجيه ضربات للميليشيات": ل after a strike marks whom it hit
        if _PASSIVE_AUX.search(text, max(0, verb.start - 8), verb.start):
            return "target", "object-of-passive"  # "تم استهداف الدورية": who was targeted
        noun_before = _nearest_before([t for t in triggers + clause.weapons if t is not verb], verb.start, 3)
        if verb.data.get("kind") == "attack" and (
                _RELATIVE.search(text, max(0, verb.start - 10), verb.start)
                or (noun_before is not None and not text[noun_before.end:verb.start].strip())):
            # "الهجوم الذي استهدف الجنود", "هجوم بمسيرة استهدف قوات…": the attack is the verb's
            # subject, so the actor after the verb is its object.
            return "target", "object-of-verb-after-attack"
        before_verb = text[max(0, word_start_of(text, verb) - 16):word_start_of(text, verb)]
        if _FEMININE_PLURAL.match(m.text) and _masculine_verb(_whole_word(text, verb)) \
                and not (_PREPOSITION.search(before_verb) or _VERB_WITH_OBJECT.search(before_verb)):
            return "target", "object-of-masculine-verb"  # "تفجير … يستهدف القوات الأمريكية": القوات takes تستهدف
        return "attacker", "agent-after-attack-word"
    if cue is not None:
        kind = cue.data["type"]
        if kind == "attacker_before" and _AREA.search(text[cue.start:m.start]):
            return "attacker", f"launch-site:{cue.text}"  # "مصدره مناطق سيطرة النظام": a guess; a claim outranks it
        if kind in {"attacker_before", "accuse"}:
            return "attacker", f"cue:{cue.text}"
        if kind == "launch_site":
            return "attacker", f"launch-site:{cue.text}"
        if kind in ("killed", "injured"):
            return "target", f"{HURT}{cue.text}"  # "مقتل عناصر من قسد": who was hurt
        return "target", f"cue:{cue.text}"
    if _after_li(text, m.start):
        strike = _nearest_before(triggers, m.start, AGENT_LI_WINDOW)
        if strike is not None and _AGENT_LI.match(text[strike.end:m.start]) and _HIT_AFTER_AGENT.match(text, m.end):
            return "attacker", "agent-li-before-what-was-hit"  # "قصف مدفعي لقوات النظام على أطراف البلدة"
        if any(0 <= m.start - s.end <= 2 for s in clause.sources):
            return "none", "whose-command-speaks"  # "الناطق باسم القيادة المركزية"
        if _CELLS_OF.search(text, max(0, m.start - 24), m.start):
            return "none", "whose-cells"  # "لا يزال فيها خلايا لتنظيم الدولة", "مرتع لداعش": where the group is
        return "target", "preposition-li"
    stationed = next((t for t in triggers if t.start > m.end and _STATIONED.fullmatch(text, m.end, t.start)), None)
    # (a bare "في" phrase after the side is where the attack was: the side must be said to be based there)
    if stationed is not None and _said_based(text, m, stationed.start) and not definite_noun(text, stationed) \
            and not prepositional_noun(text, stationed) and not _NOUN_ONLY.fullmatch(stationed.text) \
            and not _after_li(text, stationed.start):
        return "attacker", "subject-before-where-it-is-stationed"  # "القوات الأمريكية المتمركزة في كونيكو قصفت…"
    said = any(c.end <= m.start for c in speeches)
    own = next((t for t in triggers if t.start > m.end and _SELF_THEN_VERB.fullmatch(text, m.end, t.start)), None)
    if said and own is not None and not definite_noun(text, own) and not _NOUN_ONLY.fullmatch(own.text):
        # "قالت جماعة تطلق على نفسها اسم «المقاومة الإسلامية» إنها أطلقت الطائرة": the speaker says it struck
        return "attacker", "speaker-own-forces"
    # Only a verb makes the actor before it its subject: "التحالف … بشأن الهجوم" is a noun after a topic word.
    # The first attack word after the actor must be a verb: in "«قسد»، في قصف بمسيرة استهدف…" the verb's
    # subject is the strike, not the actor.
    following = [t for t in triggers if 0 <= t.start - m.end <= LIGHT_VERB_WINDOW][:1]
    light = bool(following) and bool(_LIGHT_BETWEEN.fullmatch(text, m.end, following[0].start))
    if following and not light and following[0].start - m.end > VERB_WINDOW:
        following = []
    following = [t for t in following if light or (not definite_noun(text, t) and not prepositional_noun(text, t)
                                                   and not _NOUN_ONLY.fullmatch(t.text))]
    if following and not any(m.end <= a.start < following[0].start for a in clause.actors + clause.places):
        if following[0].data.get("kind") == "disrupted":
            return "none", "defender"
        if _VERB_WITH_OBJECT.fullmatch(_whole_word(text, following[0])):
            return "target", "referent-of-object-pronoun"  # "عناصر من داعش استهدفهم الطيران": them, not who struck
        if following[0].data.get("subject_is_target"):
            return "target", "subject-of-suffer-verb"
        if following[0].text.isascii() and _ENGLISH_PASSIVE.search(text, m.end, following[0].start):
            return "target", "subject-of-passive"  # "a militia leader was targeted", "two farmers were killed in"
        return "attacker", "subject-of-light-verb" if light else "subject-before-attack-verb"
    if _english_subject(clause, m, triggers):
        return "attacker", "english-sentence-subject"
    return "none", "unassigned"


_ATTRIBUTED_TO = re.compile(r"(?:attribut(?:ed|es)|ascribed|[وف]?(?:نسبت|نسب|ينسب|تنسب))\s[^.!?؟]{0,180}?\s(?:to|إلى|الى)\s+(?:the\s+)?$"
                            r"|(?:blamed|blames|pinned)\s+on\s+(?:the\s+)?$"
                            r"|(?:blam(?:ed|es|ing)|pinn(?:ed|ing))\s+(?:the|this|that)\s+(?:attack|bombing|blast|explosion|strike)s?"
                            r"\s+on\s+(?:the\s+)?$")
# A mine or device someone left or planted: "من مخلفات إرهابيي تنظيم «داعش»", "left by Islamic State".
_LEFT_BY = re.compile(r"(?:مخلفات|زرعها|زرعه|زرعتها|left\s+(?:behind\s+)?by|planted\s+by)\s+(?:[^\s.،,]+\s+){0,2}?[\"“«]?\s*$")
_SELF_THEN_VERB = re.compile(r"[\s»\"”]*[،,]?\s*(?:إنها|أنها|بأنها|انها|إنه|أنه|بأنه|انه|إنهم|أنهم|بأنهم)\s+(?:قد\s+)?")
# English: the speaker says it did it ("said it targeted", "announced that they had launched").
_SAID_IT_DID = re.compile(r"\s+(?:on\s+\w+\s+)?(?:that\s+)?(?:it|they|(?:its|their)\s+(?:jets|warplanes|aircraft|forces|troops"
                          r"|drones|fighters|artillery|units))\s+(?:had\s+|has\s+|have\s+)?"  # "said its jets struck"
                          r"(?:(?:(?:carried|carries)\s+out|conducted|conducts|executed)\s+"  # "said it carried out a drone strike"
                          r"(?:(?:an?|the|two|three|several|multiple|\d+)\s+)?(?:[\w\-]+\s+){0,2}?)?")
# Where a side is based, told between it and its verb: "القوات الأمريكية المتمركزة في كونيكو قصفت…",
# "U.S. forces stationed at the Conoco field fired…".
_BASED = r"(?:ال)?(?:متمركزة|متمركز|متمركزين|متواجدة|متواجدين|منتشرة|موجودة)"
_STATIONED = re.compile(rf"(?:\s+{_BASED})?\s+(?:في|ب)\s*[^.،,؟!]{{1,45}}?\s+"
                        r"|\s+(?:stationed|based|deployed)\s+(?:at|in|on)\s+[^.,;]{1,45}?\s+")
_ENDS_BASED = re.compile(rf"{_BASED}$")
_BASED_WORD = re.compile(rf"\s*(?:{_BASED}|stationed|based|deployed)")
_BASED_AT = re.compile(rf"{_BASED_WORD.pattern}?\s*(?:في|ب|at|in|on)\s*$")
STATIONED_REACH = 30  # characters from a side to the place it is said to be based at


def _said_based(text: str, side: Mention, end: int) -> bool:
    """The side's own words, or the words right after it, say it is based somewhere ("القوات … المتمركزة في")."""
    return bool(_ENDS_BASED.search(side.text)) or bool(_BASED_WORD.match(text, side.end, end))


def where_stationed(text: str, side: Mention, place: Mention) -> bool:
    """The place tells where the side is based: "القوات الأمريكية المتمركزة في حقل العمر", "U.S. forces stationed at"."""
    return (0 <= place.start - side.end <= STATIONED_REACH and bool(_BASED_AT.fullmatch(text, side.end, place.start))
            and _said_based(text, side, place.start))


# "The regime forces, along with their militias stationed on the west bank, launched a mortar attack…": an English
# sentence's first side, set off by a comma, is the subject of the first attack verb after it.
_EN_VERB = re.compile(r"[a-z]+ed|struck|hit|fired|launched|shot")
_EN_APPOSITION = re.compile(r"(?:\s+(?:forces|troops|army|militias?|fighters))?\s*,[^.;:]*,\s*")


def _english_subject(clause: Clause, m: Mention, triggers: list[Mention]) -> bool:
    text = clause.text
    if not m.text.isascii() or any(a.start < m.start for a in clause.actors
                                   if a.start >= clause.sentence.start):
        return False
    verb = next((t for t in triggers if t.start > m.end), None)
    return (verb is not None and bool(_EN_VERB.fullmatch(verb.text))
            and not _ENGLISH_PASSIVE.search(text, m.end, verb.start)
            and bool(_EN_APPOSITION.fullmatch(text, m.end, verb.start)))


ANSWER_DEFENDS_WINDOW = 25  # "ردت على الهجوم وتصدت للمسيرة"


def answers(clause: Clause) -> list[Mention]:
    """The clause's words of retaliation, unless the answer was to fend the attack off ("ردت القوات على الهجوم
    وتصدت للمسيرة": the defenders, not a counter-strike)."""
    responses = [t for t in clause.triggers if t.data.get("kind") == "response"]
    if any(t.data.get("kind") == "disrupted" and 0 <= t.start - r.end <= ANSWER_DEFENDS_WINDOW
           for r in responses for t in clause.triggers):
        return []
    return [] if answered_attack(clause) else responses


def answered_attack(clause: Clause) -> bool:
    """"ردّت قوات التحالف، بالتنسيق مع شركائها، على هجوم شنته مسيرات", "in response to an earlier attack on the
    camp": an answer to an attack it names, with no strike of its own ("ردت على الهجوم بقصف مصادر النيران" has
    one), tells that attack."""
    responses = [t for t in clause.triggers if t.data.get("kind") == "response"]
    end = clause.seg.end
    return bool(responses) and bool(_ANSWERED_ATTACK.match(clause.text, responses[0].end, end)) and not \
        _OWN_STRIKE.search(clause.text, responses[0].end, end)


_ANSWERED_ATTACK = re.compile(r"[^.؟!]{0,60}?(?<!\w)على\s+(?:ال)?(?:هجوم|هجمات|هجومين|استهداف|اعتداء|اعتداءات)(?!\w)"
                              r"|\s+(?:to|for)\s+(?:an?\s+|the\s+)?(?:[\w\-]+\s+){0,2}?attacks?(?!\w)")
_OWN_STRIKE = re.compile(r"(?<!\w)[وف]?ب(?:ال)?(?:قصف|غارة|غارات|ضربة|ضربات|استهداف|المدفعية|مدفعية|صواريخ|قذائف)(?!\w)")


def _bare_national(r: Role) -> Role:
    """Soldiers or police named without their country ("قال الجيش", "the army said") speak or suffer, and whose
    they are is read from the report's places (a guess, like a base's operator); whose forces struck is not. A
    military site after the attack word ("استهدفت غارات إسرائيلية مستودعاً عسكرياً") is what was struck."""
    if r.mention.data.get("sites") and r.rule in ("agent-after-attack-word", "unassigned"):
        return Role(r.mention, r.actor, "target", f"site-in-attack-clause {NATIONAL_FORCES_RULE}")
    if r.role != "attacker":
        return Role(r.mention, r.actor, r.role, f"{r.rule} {NATIONAL_FORCES_RULE}")
    return Role(r.mention, r.actor, "none", "national-forces-attack-nothing")


def actor_roles(clause: Clause) -> list[Role]:
    """The role of every actor mention in the clause, in text order."""
    roles = [Role(m, actor_code(m), *_role_of(clause, m)) for m in clause.actors]
    roles = [r if not r.mention.data.get("bare") else _bare_national(r) for r in roles]
    responses = answers(clause)
    if responses and not any(r.role == "attacker" for r in roles):
        # "أعلنت القيادة المركزية … عن ردها على…" or "فردت قسد بقصف…": the one who answers strikes.
        before = [i for i, r in enumerate(roles) if r.mention.end <= responses[0].start and r.role == "none"]
        after = [i for i, r in enumerate(roles)
                 if 0 <= r.mention.start - responses[0].end <= 2 and r.role in ("none", "target")]
        for i in (before[:1] or after[:1]):
            roles[i] = Role(roles[i].mention, roles[i].actor, "attacker", "responder")
    return roles
