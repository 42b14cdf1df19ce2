"""Fill the countable and descriptive fields of a candidate from its clause.

Each function reads one clause and writes one family of fields, citing the
words it used.
"""
from __future__ import annotations

import re
from functools import lru_cache

from marsad.clean.normalize import fold, normalize
from marsad.extract.clause import Clause
from marsad.lexicon.load import load_lexicon
from marsad.extract.numbers import NumberMention, has_digits, parse_calibre
from marsad.types import Candidate, Casualty, Mention, Span

TYPE_BY_WEAPON = {  # ACLED sub-event type implied by a weapon, strongest first
    "ied": "Remote explosive/landmine/IED",
    "drone": "Air/drone strike",
    "aircraft": "Air/drone strike",
    "missile": "Shelling/artillery/missile attack",
    "rocket": "Shelling/artillery/missile attack",
    "mortar": "Shelling/artillery/missile attack",
    "artillery": "Shelling/artillery/missile attack",
    "small_arms": "Armed clash",
}
NEGATION_WINDOW = 8  # "وليس عن غارة جوية"
WEAPON_WINDOW = 80  # characters between a weapon word and the attack word it belongs to
STATUS_WINDOW = 25  # a status verb this close to a count decides which count it is
CASUALTY_WINDOW = 30


def _span(n: NumberMention) -> Span:
    return Span(n.start, n.end, n.text)


def attack_weapons(clause: Clause) -> list:
    """Weapon words that belong to the attack: near an attack word, and not negated.

    "…وإطلاق نار عشوائي من أسلحة متوسطة" far from the attack word is the
    aftermath, and "وهي ليست غارات جوية" denies the weapon.
    """
    anchors = [t for t in clause.triggers if t.data.get("kind") in {"attack", "disrupted", "clash", "explosion", "launch"}]
    # "إطلاق نار" is a weapon phrase: its own إطلاق does not make it an attack's weapon.
    anchors = [t for t in anchors if t.data.get("kind") != "launch"
               or not any(w.start <= t.start and t.end <= w.end for w in clause.weapons)]
    counted = [n for n in clause.numbers if n.noun_category == "munition"]
    negations = [c for c in clause.cues if c.data.get("type") == "negation"]
    out = []
    for w in clause.weapons:
        if any(0 <= w.start - n.end <= NEGATION_WINDOW for n in negations):
            continue
        near_attack = any(t.start - WEAPON_WINDOW <= w.start and w.end <= t.end + WEAPON_WINDOW for t in anchors)
        # A counted munition ("قصفت … بخمسة صواريخ") belongs to the attack however long the sentence.
        is_counted = anchors and any(n.start <= w.start and w.end <= n.end for n in counted)
        if near_attack or is_counted:
            out.append(w)
    return out


GOT_THROUGH = {"impacted", "killed", "injured", "damage_material"}  # a clause that says the attack hit something


def strongest_weapon(weapons: list[str]) -> str | None:
    """The weapon that decides the ACLED type of an attack using ``weapons`` (an IED over a drone, a drone over rockets)."""
    return next((w for w in TYPE_BY_WEAPON if w in weapons), None)


def fill_type_and_weapons(cand: Candidate, clause: Clause) -> None:
    """Weapons from weapon words; the ACLED type from the trigger kind, then the weapons. A suicide bomber's
    weapon is an explosive charge (a belt, a vest, a car) whether or not the text names it."""
    _weapons_and_type(cand, clause)
    if cand.sub_event_type == "Suicide bomb" and "ied" not in cand.weapons:
        told = next(e for e in cand.evidence if e.field == "sub_event_type")
        cand.weapons.insert(0, "ied")
        cand.cite("weapons", Span(told.start, told.end, told.text), "suicide->ied")


_SHOULDER_FIRED = re.compile(r"RPG|rocket-propelled|بي\s+جي", re.IGNORECASE)  # a rocket-propelled grenade


def _weapons_and_type(cand: Candidate, clause: Clause) -> None:
    for w in attack_weapons(clause):
        if w.entry_id not in cand.weapons:
            cand.weapons.append(w.entry_id)
            cand.cite("weapons", w, f"weapons:{w.entry_id}")
    kinds = {t.data.get("kind") for t in clause.triggers}
    fired = [w for w in attack_weapons(clause) if w.entry_id != "small_arms"]
    got_through = any(c.data.get("type") in GOT_THROUGH for c in clause.cues) and not any(
        c.data.get("type") in ("no_casualties", "damage_none") for c in clause.cues)  # "دون إصابات"
    if "disrupted" in kinds and fired and not got_through:
        # Only a weapon stopped (a drone downed, a rocket intercepted, an IED defused) is
        # "Disrupted weapons use"; "أفشلت محاولة تسلل" is the defender's word for a clash.
        trig = next(t for t in clause.triggers if t.data.get("kind") == "disrupted")
        cand.sub_event_type = "Disrupted weapons use"
        cand.cite("sub_event_type", trig, "triggers:disrupted")
        return
    clash = next((t for t in clause.triggers if t.data.get("kind") == "clash"), None)
    # "كمين لداعش بدأ بانفجار عبوة": an ambush laid with a bomb is the bomb's attack
    if clash is not None and not (clash.entry_id == "ambush" and "ied" in cand.weapons):
        cand.sub_event_type = "Armed clash"
        cand.cite("sub_event_type", clash, "triggers:clash")
        return
    suicide = clause.cue("suicide")
    if suicide and "drone" not in cand.weapons and {"attack", "explosion"} & kinds:
        # "تفجير انتحاري بسيارة مفخخة": a suicide bombing; "طائرة مسيرة انتحارية" stays a drone strike.
        cand.sub_event_type = "Suicide bomb"
        cand.cite("sub_event_type", suicide[0], "cues:suicide")
        return
    fired_by_hand = [w for w in fired if _SHOULDER_FIRED.search(w.text)]
    if fired and len(fired_by_hand) == len(fired):
        # "opened fire with machine guns and RPGs", "هاجموا الحاجز بقذائف آر بي جي": a shoulder-fired grenade is
        # an infantry weapon, fired at close range: a clash, not shelling
        cand.sub_event_type = "Armed clash"
        cand.cite("sub_event_type", fired_by_hand[0], "weapons:shoulder-fired")
        return
    weapon = strongest_weapon(cand.weapons)
    if weapon is not None:
        w = next(m for m in attack_weapons(clause) if m.entry_id == weapon)
        cand.sub_event_type = TYPE_BY_WEAPON[weapon]
        cand.cite("sub_event_type", w, f"weapon->{weapon}")
        return
    typed = [t for t in clause.triggers if t.data.get("default_type") and t.data.get("kind") != "disrupted"]
    if typed:
        cand.sub_event_type = typed[0].data["default_type"]
        cand.cite("sub_event_type", typed[0], f"triggers:{typed[0].entry_id}")
        return
    gunmen = clause.cue("gunmen")
    if gunmen and not cand.weapons and {"attack", "clash"} & kinds:
        # "Gunmen attacked a checkpoint", "هاجم مسلحون مجهولون حاجزاً": armed men with no weapon named shoot
        cand.weapons.append("small_arms")
        cand.cite("weapons", gunmen[0], "gunmen->small_arms")
        cand.sub_event_type = TYPE_BY_WEAPON["small_arms"]
        cand.cite("sub_event_type", gunmen[0], "gunmen->small_arms")


def _status(clause: Clause, n: NumberMention) -> str:
    """launched | impacted | intercepted | unlaunched, from the verb nearest the count."""
    best, best_gap = "launched", STATUS_WINDOW + 1
    for cue in clause.cues:
        kind = cue.data.get("type")
        if kind not in {"impacted", "intercepted", "unlaunched"}:
            continue
        if cue.end <= n.start:
            gap = n.start - cue.end
        elif re.search(r"[,،.:;]", clause.text[n.end:cue.start]):
            continue  # "عددها 5، انفجرت اثنتين": the verb after the comma counts the next number
        else:
            gap = cue.start - n.end
        if 0 <= gap < best_gap:
            best, best_gap = kind, gap
    return best


# "mortar shells", "rocket fire", "drone attacks": an English weapon noun before a plural or a mass noun counts
# no single munition.
_NOUN_OF_MANY = re.compile(r"\s+(?:shells|rounds|rockets|missiles|bombs|projectiles|fire|barrages|salvos|attacks|strikes)\b",
                           re.IGNORECASE)


def fill_munitions(cand: Candidate, clause: Clause) -> None:
    """Counts of munitions: the first count of each status in the clause."""
    for n in clause.numbers:
        if n.value is None or n.noun_category not in {"munition", None}:
            continue
        status = _status(clause, n)
        if n.noun_category is None and status == "launched":
            continue  # a bare number ("5") is a count only when a status verb says of what
        if getattr(cand, status) is None:
            setattr(cand, status, n.value)
            cand.cite(f"munitions.{status}", _span(n), f"numbers:{n.rule}")
    if cand.launched is None and cand.impacted is None and cand.intercepted is None:
        # "بطائرة مسيرة", "a single rocket": one munition, said with a singular noun and no number.
        for w in attack_weapons(clause):
            if fold(w.text) in _singular_munitions() and not any(n.start <= w.start < n.end for n in clause.numbers) \
                    and not _NOUN_OF_MANY.match(clause.text, w.end):
                cand.launched = 1
                cand.cite("munitions.launched", w, "singular-munition-noun")
                break


PLANTED = {"ied", "bomb"}  # a device is planted, not launched: "عبوة ناسفة" counts no launch


def _singular_forms(category: str, leave_out: frozenset[str] = frozenset()) -> dict[str, str]:
    """Folded singular forms (listed neither as plural nor as dual) of one category's nouns → noun id."""
    out: dict[str, str] = {}
    for e in load_lexicon("countable_nouns").entries:
        if e.attrs.get("category") != category or e.id in leave_out:
            continue
        other = {fold(f) for f in e.attrs.get("plural", []) + e.attrs.get("dual", [])}
        out.update((f, e.id) for f in {fold(f) for f in e.forms} - other)
    return out


@lru_cache(maxsize=1)
def _singular_munitions() -> frozenset[str]:
    return frozenset(_singular_forms("munition", frozenset(PLANTED)))


@lru_cache(maxsize=1)
def _singular_people() -> dict[str, str]:
    return _singular_forms("person")


_WORD_AFTER = re.compile(r"\s*(?:ال)?(\w+)")
_WORD = re.compile(r"(\w+)")
# "X عسكرياً ومدنيين اثنين", "سبعة شهداء عسكريين ومدني واحد": only "و" (after at most one word of the first count's
# noun phrase) between two counts.
_COORDINATED = re.compile(r"(?:\s+[^\s\d،,.]+)?[\s،,]*(?:و|and)\s*")
# "ثلاثة من جنوده", "ستة من مقاتليها": people of the side a pronoun points back to.
_POSSESSED = re.compile(r"\s+(?:من\s+)?(?:جنود|عناصر|مقاتلي|منتسبي|أفراد|افراد|عسكريي|ضباط)(?:ه|ها|هم|هما)(?!\w)")
_OF_ITS = re.compile(r"\s+of\s+(?:its|their|his)\s+")  # "four of its militiamen": the count's own words
_FAMILY_BEFORE = re.compile(r"(?:عائلة|العائلة|أسرة|الأسرة|عائلته|أسرته|family)(?:\s+\w+){0,2}\s+(?:من|of)\s+$")
_FAMILY_AFTER = re.compile(r"\s+(?:من|of)\s+(?:the\s+|a\s+)?(?:same\s+|one\s+|single\s+)?(?:عائلة|أسرة|family)(?!\w)")
NOUN_PARTY = {"civilian": "civilians", "child": "civilians", "woman": "civilians", "activist": "civilians",
              "professional": "civilians", "relative": "civilians"}  # nouns that name their party


_MEMBER_OF = re.compile(r"\s+(?:بارز\s+|كبير\s+)?(?:في|من|ب|in|of|from)\s*(?:صفوف\s+|the\s+)?")
_EN_ONE = re.compile(r"\s+(?:a|an|one)\s+")
_EN_WORD = re.compile(r"\s*([A-Za-z0-9][\w\-]*)")  # "a 50-year-old man": an age is one of the noun's words
EN_ONE_WORDS = 5  # "killed a senior Kataib Hezbollah commander": the noun within five words of "a"


def _english_one(text: str, end: int) -> tuple[Span, int] | None:
    """The singular person noun of "a/an/one … noun" right after an English death or injury word, and where
    its phrase starts."""
    art = _EN_ONE.match(text, end)
    pos = art.end() if art else None
    first = None  # the word before, for a noun of two words ("a police officer")
    for _ in range(EN_ONE_WORDS if art else 0):
        w = _EN_WORD.match(text, pos)
        if w is None:
            return None
        if _singular_people().get(fold(w.group(1))):
            return Span(w.start(1), w.end(1), w.group(1)), art.start()
        if first is not None and _singular_people().get(fold(text[first:w.end(1)])):
            return Span(first, w.end(1), text[first:w.end(1)]), art.start()
        first, pos = w.start(1), w.end()
    return None


_EN_ARTICLE = re.compile(r"\b(?:[Aa]n?|[Oo]ne|[Aa]nother|[Hh]is|[Hh]er|[Tt]heir)\s+")  # "His driver was killed": one
_EN_WAS = re.compile(r"\s(?:was|has\s+been)\s+(?:reportedly\s+)?$")
EN_SUBJECT_REACH = 80  # characters back from "was killed" to "A fighter with the Syrian Democratic Forces"


def _english_passive_one(clause: Clause, cue: Mention) -> tuple[Span, int] | None:
    """"A fighter with the Syrian Democratic Forces was killed": the singular person noun of the passive verb's
    subject ("a/an/one … noun"), with whatever names his side between it and the verb."""
    if not cue.text.isascii() or not _EN_WAS.search(clause.text, max(0, cue.start - 25), cue.start):
        return None
    for art in _EN_ARTICLE.finditer(clause.text, max(clause.sentence.start, cue.start - EN_SUBJECT_REACH), cue.start):
        pos = art.end()
        for _ in range(EN_ONE_WORDS):
            w = _EN_WORD.match(clause.text, pos)
            if w is None or w.end() > cue.start:
                break
            if _singular_people().get(fold(w.group(1))):
                return Span(w.start(1), w.end(1), w.group(1)), art.start()
            pos = w.end()
    return None


def _singular_casualties(cand: Candidate, clause: Clause, cues: list[Mention],
                         actor_at: dict[int, tuple[str, bool]]) -> None:
    """"قتل مدني وأصيب آخر": a singular person noun right after a death or injury word is one."""
    for cue in cues:
        kind = cue.data["type"]
        if any(getattr(c, kind) is not None for c in cand.casualties):
            _one_before_count(cand, clause, cue, kind)
            continue  # a count was given: the noun is not a second, unnumbered one
        if fold(cue.text) in ONE_VICTIM:
            # "ما أدى إلى مقتله": the death word itself says one person ("مقتلهما": two)
            _count_one(cand, "unknown", kind, cue, "one-victim-pronoun")
            continue
        if fold(cue.text) in TWO_VICTIMS:
            setattr(_count_one(cand, "unknown", kind, cue, "two-victims-pronoun"), kind, 2)
            continue
        # "قتل مدني" (the noun after the word), "جنديا أمريكيا أصيب" (before it, with its adjective); the one
        # assassinated may follow the gunmen who did it ("اغتال مسلحون مجهولون قيادياً سابقاً").
        before = list(_WORD.finditer(clause.text, max(clause.sentence.start, cue.start - 30), cue.start))[-2:]
        after = _WORD_AFTER.match(clause.text, cue.end, min(len(clause.text), cue.end + 20))
        later = (list(_WORD.finditer(clause.text, cue.end, min(len(clause.text), cue.end + 90)))[1:ASSASSINATED_REACH]
                 if fold(cue.text) in ASSASSINATION else [])
        words = [Span(w.start(1), w.end(1), w.group(1)) for w in [after, *reversed(before), *later] if w is not None]
        english = _english_one(clause.text, cue.end) or _english_passive_one(clause, cue)
        if english:
            words.insert(1, english[0])
        word = next((w for w in words if _singular_people().get(fold(w.text))), None)
        if word is None or any(n.start <= word.start < n.end for n in clause.numbers):
            continue
        noun = _singular_people()[fold(word.text)]
        if _FORMER.match(clause.text, word.end) or _FORMER_EN.search(clause.text, max(0, word.start - 20), word.start):
            noun = "civilian"  # "قيادياً سابقاً", "a former commander": one who laid down arms is a civilian
        # "قيادي في كتائب حزب الله", "a senior Kataib Hezbollah commander": the side he belongs to
        party = NOUN_PARTY.get(noun) or next((code for pos, (code, _) in sorted(actor_at.items())
                                              if word.end <= pos <= word.end + 2
                                              or _MEMBER_OF.fullmatch(clause.text, word.end, pos)
                                              or (english and word is english[0] and english[1] < pos < word.start)),
                                             "unknown")
        if noun == "other_people" and cand.casualties:
            party = cand.casualties[-1].party
        cas = _count_one(cand, party, kind, word, "singular-person-noun")
        # "قتل ضابط بالجيش وجندي آخر": a second singular noun joined to the first is one more
        _one_more(cand, clause, word.end, cas, kind)


# "a woman and her two children"; the first noun's own words and a comma may come between: "نقيب في الجيش، وجنديين"
_JOINED_BEFORE_COUNT = re.compile(r"(?:\s+[^\s\d،,.]+){0,3}?[\s،,]+(?:و\s*|and\s+(?:(?:her|his|their)\s+)?)")


def _one_before_count(cand: Candidate, clause: Clause, cue: Mention, kind: str) -> None:
    """"إصابة ضابط وجنديين", "killing an officer and two soldiers": a singular person noun right after the death
    or injury word, joined by "و" / "and" to the count the clause gives, is one more person."""
    first = (cue.text.isascii() and _EN_ARTICLE_NOUN.match(clause.text, cue.end, min(len(clause.text), cue.end + 30))) \
        or _WORD_AFTER.match(clause.text, cue.end, min(len(clause.text), cue.end + 20))
    noun = _singular_people().get(fold(first.group(1))) if first else None
    if noun is None or any(n.start <= first.start(1) < n.end for n in clause.numbers):
        return
    count = next((n for n in clause.numbers if _JOINED_BEFORE_COUNT.fullmatch(clause.text, first.end(), n.start)), None)
    told = [e for e in cand.evidence if count is not None and e.field.endswith(f".{kind}") and e.start == count.start]
    if not told:
        return
    party = NOUN_PARTY.get(noun) or told[0].field.split(".")[1]
    cas = next((c for c in cand.casualties if c.party == party), None)
    if cas is None:
        cas = Casualty(party)
        cand.casualties.append(cas)
    setattr(cas, kind, (getattr(cas, kind) or 0) + 1)
    cand.cite(f"casualties.{party}.{kind}", Span(first.start(1), first.end(1), first.group(1)),
              "singular-person-noun-before-count")


_EN_ARTICLE_NOUN = re.compile(r"\s+(?:an?|one)\s+(\w+)")


ASSASSINATION = frozenset(fold(w) for w in ("اغتال", "اغتالت", "اغتالوا"))
ASSASSINATED_REACH = 11  # words after "اغتال" within which the one killed is named (after the gunmen and the day)
_FORMER = re.compile(r"[\u064b-\u0652]*\s+(?:ال)?سابق(?:ا|اً|ًا)?(?!\w)")  # after the noun's tanween, if written
_FORMER_EN = re.compile(r"(?:former|ex-)\s*(?:[A-Za-z]+\s+)?$")  # "a former rebel commander"


# Death words with a singular pronoun: "مقتله", "استشهادها" (not "إصابته", also "his being hit" by the shots
# that killed him); with a dual one, two.
ONE_VICTIM = frozenset(fold(w) for w in ("مقتله", "مقتلها", "مصرعه", "مصرعها", "استشهاده", "استشهادها", "وفاته",
                                         "وفاتها", "لحياته", "لحياتها"))
TWO_VICTIMS = frozenset(fold(w) for w in ("مقتلهما", "مصرعهما", "استشهادهما", "وفاتهما", "لحياتهما"))


def _count_one(cand: Candidate, party: str, kind: str, words: Span | Mention, rule: str) -> Casualty:
    cas = next((c for c in cand.casualties if c.party == party), None)
    if cas is None:
        cas = Casualty(party)
        cand.casualties.append(cas)
    setattr(cas, kind, 1)
    cand.cite(f"casualties.{party}.{kind}", words, rule)
    return cas


# "… and 25 were wounded", "two men and three children were injured": a count and its nouns before the
# passive verb they are the subject of.
# (an aside is skipped: "six villagers, among them a woman, were killed"; so is an adverb: "one of his aides was
# seriously injured"; "…, and others were wounded" has a subject of its own)
_PASSIVE_GAP = re.compile(r"(?:(?:\s+[A-Za-z][\w\-]*)?,\s*(?:including|among\s+them)\s[^,]{1,40},)?"
                          r"\s+(?:(?:(?!(?:and\s+others|and\s+another|others|another|but|while)\b)[A-Za-z][\w\-]*\s+){0,4}?"
                          r"(?:were|was|have been|had been|are)\s+)?"
                          r"(?:(?:seriously|critically|lightly|slightly|badly|severely|gravely)\s+)?")


# "إصابة 5 جنود أمريكيين ومتعاقد", "خمسة من أفراد الخدمة إضافة إلى مقاول آخر", "five soldiers and a contractor":
# one more person, named by a singular noun joined to the count (its words, then و / إضافة إلى / and a).
_AND_ONE_MORE = re.compile(r"(?:\s+(?![وa]\w*\b)\w+){0,4}?\s+(?:و|(?:بال|ب)?إضافة\s+إلى\s+|and\s+(?:an?|one|her|his|their)\s+)(\w+)"
                           r"(?!\s+\d)")


_APPOSITION = re.compile(r"\s*[،,]\s*\w+(?:\s+و\s?\w+)?\s*[،,]")


def _one_more(cand: Candidate, clause: Clause, end: int, cas: Casualty, kind: str) -> None:
    """One more person joined to the count or singular noun that ends at ``end`` (past the count's own words set
    off by commas: "جنديين، فرنسي وإيطالي، ومتعاقد")."""
    aside = _APPOSITION.match(clause.text, end, min(len(clause.text), end + 40))
    end = aside.end() if aside else end
    more = _AND_ONE_MORE.match(clause.text, end, min(len(clause.text), end + 60))
    noun = _singular_people().get(fold(more.group(1))) if more else None
    if noun is None or any(o.start <= more.start(1) < o.end for o in clause.numbers):
        return  # "ومدني واحد" is a count of its own
    _add_one(cand, cas, noun, kind, Span(more.start(1), more.end(1), more.group(1)), "singular-person-noun-joined-to-count")


def _add_one(cand: Candidate, cas: Casualty, noun: str, kind: str, words: Span, rule: str) -> None:
    """One more person of ``cas``'s party, or of the party the noun names ("7 عسكريين ومدني": the civilians' one)."""
    party = NOUN_PARTY.get(noun)
    if party is not None and party != cas.party:
        cas = next((c for c in cand.casualties if c.party == party), None) or Casualty(party)
        if cas not in cand.casualties:
            cand.casualties.append(cas)
    setattr(cas, kind, (getattr(cas, kind) or 0) + 1)
    cand.cite(f"casualties.{cas.party}.{kind}", words, rule)


_ONE_AND = re.compile(r"(?<!\w)(\w+)\s+و\s*$")  # "امرأة وطفلين": a singular noun joined by و right before a count


def _one_joined_before(cand: Candidate, clause: Clause, n: NumberMention, cas: Casualty, kind: str) -> None:
    """"تقل امرأة وطفلين أصيبوا": a singular person noun joined by و right before the count is one more of them."""
    one = _ONE_AND.search(clause.text, max(clause.seg.start, n.start - 20), n.start)
    noun = _singular_people().get(fold(one.group(1))) if one else None
    if noun is None or noun == "other_people" or any(o.start <= one.start(1) < o.end for o in clause.numbers) or any(
            0 <= one.start(1) - c.end <= 2 for c in clause.cues if c.data.get("type") in ("killed", "injured")):
        return  # "قتل مدني و3 عناصر": the noun after the death word is read as a singular casualty already
    _add_one(cand, cas, noun, kind, Span(one.start(1), one.end(1), one.group(1)), "singular-person-noun-joined-before-count")


_AMONG_WORDS = r"(?:بينهم|بينهن|بينهما|ضمنهم|among\s+them|among\s+whom|including)"
_AMONG_THEM = re.compile(rf"(?:^|[^\w])(?:من\s+)?{_AMONG_WORDS}\s+$")
_AMONG_LISTED = re.compile(r"(?<!\w)including\s+(?:an?\s+)?[a-z]+\s+and\s+$")  # "including a girl and [four]"
# "seven, including two IRGC officers": a side named after these words is some of the count's, not all of it.
_AMONG = re.compile(rf"(?<!\w){_AMONG_WORDS}(?!\w)")
# "eight civilians were injured, two of them seriously", "أصيب 8 مدنيين، 3 منهم بحالة خطرة": some of a count told.
_OF_THEM = re.compile(r"\s+(?:of\s+them|منهم|منهما|منهن)(?!\w)")
# "4 قتلى بينهم جنديان", "four dead, including two soldiers": the count is a whole toll that holds others.
_HOLDS_OTHERS = re.compile(rf"[\s,،]*(?:من\s+)?{_AMONG_WORDS}(?!\w)")
# "Among them: the dead included nine girls", "وكان بين القتلى ثلاثة أطفال": who the toll told before was made of
_TOLL_MADE_OF = re.compile(r"(?:(?<!\w)(?:the\s+)?(?:dead|victims|those\s+killed|wounded|injured)\s+(?:included|include|were)"
                           r"|(?:من\s+)?بين\s+(?:ال)?(?:قتلى|ضحايا|جرحى|مصابين))\s+(?:at\s+least\s+)?$", re.IGNORECASE)
_WERE_AMONG = re.compile(r"\s+(?:were|are|was|is)\s+among\s+(?:the\s+)?(?:at\s+least\s+)?|\s+من\s+بين\s+", re.IGNORECASE)
# "مقتل وإصابة", "قتلى وجرحى", "killed or wounded": a death word and an injury word joined, one count for both.
_JOINED = re.compile(r"\s*(?:و|أو|/|and|or)\s*")


def _own_count(text: str, word: Mention, numbers: list[NumberMention]) -> bool:
    """A count right after a death or injury word ("وإصابة 7 آخرين", "وأصيب خمسة آخرون")."""
    return bool(_OWN_COUNT.match(text, word.end)) or any(0 <= m.start - word.end <= 2 for m in numbers)


def _dead_and_wounded(text: str, cue: Mention, cues: list[Mention], count: NumberMention,
                      numbers: list[NumberMention]) -> bool:
    """The nearest death or injury word is joined to one of the other kind, and neither has a count of its own
    ("لقي جنديان مصرعهما وأصيب ثالث", "فقدان 3 عناصر لحياتهم وإصابة 7 آخرين" are two tolls)."""
    for o in cues:
        if o.data["type"] == cue.data["type"]:
            continue
        first, second = (o, cue) if o.end <= cue.start else (cue, o)
        counted_first = any(m is not count and 0 <= first.start - m.end <= 2 for m in numbers)
        if _JOINED.fullmatch(text, first.end, second.start) and not counted_first and (
                count.start >= second.end or not _own_count(text, second, numbers)):
            return True
    return False


_NEXT_TOLL = re.compile(r"[\s,،]*(?:و|and\s+)\s*")  # between a count and the next toll's word: "، وإصابة"
_BOTH_TOLLS = re.compile(r"\s*(?:و|او|or|and)\s*(?:ال)?(?:مصاب|جريح|جرحي|قتيل|قتلي|wounded|injured|dead|killed)")  # folded
_OWN_COUNT = re.compile(r"\s*(?:بجروح\s+)?(?:\d|ثالث|ثان|رابع|آخر|اخر|another|others?|a\s+third|\w+\s+others)")


def _named_once(clause: Clause, start: int, end: int) -> str:
    """The text between two offsets with each actor's name in it one word: "three fighters from the Popular
    Mobilization Forces were killed" is "three fighters from the X were killed"."""
    out, pos = [], start
    for a in clause.actors:
        if start <= a.start and a.end <= end:
            out += [clause.text[pos:a.start], "X"]
            pos = a.end
    return "".join(out) + clause.text[pos:end]


def fill_casualties(cand: Candidate, clause: Clause, actor_at: dict[int, tuple[str, bool]]) -> None:
    """Killed and injured per party: a person or casualty count next to a death or injury word.

    ``actor_at`` maps an actor mention's offset to (actor code, is a bare nationality adjective);
    an adjective names the party only right after the count ("جنديين أمريكيين"), not in
    "اثنين من منتسبيها بقصف أمريكي".
    """
    cues = [c for c in clause.cues if c.data.get("type") in {"killed", "injured"}]
    counted: tuple[NumberMention, str] | None = None  # the last count read, and whether killed or injured
    counted_party: str | None = None
    for n in clause.numbers:
        if n.value is None:
            continue
        right_after_cue = any(0 <= n.start - c.end <= 2 for c in cues)  # "استشهاد اثنين من منتسبيها"
        # "… and 25 were wounded": the count is the passive verb's subject.
        passive = next((c for c in cues if c.start >= n.end and _PASSIVE_GAP.fullmatch(_named_once(clause, n.end, c.start))),
                       None)
        right_before_cue = passive is not None
        # "killed a family of five", "مقتل عائلة من خمسة": the count of a family is of people, with no noun after it
        family = _FAMILY_BEFORE.search(clause.text, max(0, n.start - 20), n.start) is not None
        if n.noun_category not in {"person", "casualty"} and not (
                n.noun_category is None and (right_after_cue or right_before_cue or family)):
            continue
        if _TOLL_MADE_OF.search(clause.text, max(0, n.start - 30), n.start):
            continue  # a breakdown of the toll already told, not more dead
        if _AMONG_THEM.search(clause.text, max(0, n.start - 16), n.start) or (
                cand.casualties and _AMONG_LISTED.search(clause.text, max(0, n.start - 40), n.start)):
            continue  # "مقتل 11 شخصاً بينهم 3 أطفال", "seven, including a girl and four boys": of the count before
        among = _WERE_AMONG.match(clause.text, n.noun_end or n.end)
        if among and any(0 <= m.start - among.end() <= 2 and m.noun_category == "person" for m in clause.numbers):
            continue  # "four children were among nine civilians killed": the four are of the nine
        if passive is not None and n.noun_id not in {"killed", "injured"} and _dead_and_wounded(
                clause.text, passive, cues, n, clause.numbers):
            continue
        if n.noun_id in {"killed", "injured"} and n.noun_end is not None and _BOTH_TOLLS.match(
                fold(clause.text[n.noun_end:n.noun_end + 30])):
            continue  # "23 قتيلاً ومصاباً": the dead and the wounded together, neither toll
        kind = n.noun_id if n.noun_id in {"killed", "injured"} else passive.data["type"] if passive else None
        joined = bool(counted) and _COORDINATED.fullmatch(clause.text, counted[0].end, n.start) is not None
        if kind is None and joined:
            kind = counted[1]  # "استشهاد تسعة عسكريين ومدنيين اثنين": the second count shares the first's word
        if kind is None:
            def gap(c: Mention) -> int:  # characters between the count and the death/injury word
                return n.start - c.end if c.end <= n.start else max(0, c.start - n.end)
            near = [c for c in cues if gap(c) <= CASUALTY_WINDOW]
            if not near:
                continue
            nearest = min(near, key=gap)
            if nearest.start >= n.end and _NEXT_TOLL.fullmatch(clause.text, n.noun_end or n.end, nearest.start):
                # "مقتل ضابط، وجنديين، وإصابة ثالث", "killing an officer and two soldiers and wounding a third": the
                # word after "و" opens the next toll; the count closes the one before it
                before = [c for c in near if c.end <= n.start and c.data["type"] != nearest.data["type"]]
                nearest = max(before, key=lambda c: c.end, default=nearest)
            if _dead_and_wounded(clause.text, nearest, cues, n, clause.numbers):
                continue  # "قتل وجرح 28 عنصراً", "33 killed or wounded": neither toll alone
            kind = nearest.data["type"]
        if _OF_THEM.match(clause.text, n.noun_end or n.end) and any(getattr(c, kind) is not None for c in cand.casualties):
            continue  # the two are of the eight already counted
        if n.noun_id == "other_people" and cand.casualties:
            party = cand.casualties[-1].party  # "مقتل 3 من الحرس الثوري وإصابة 5 آخرين"
        elif n.noun_id in NOUN_PARTY:
            party = NOUN_PARTY[n.noun_id]  # "ثلاثة أطفال", "three children": the noun names the party
        elif (_POSSESSED.match(clause.text, n.end) or _OF_ITS.search(clause.text, n.start, n.end)) and (owners := [code for pos, (code, adjective) in sorted(actor_at.items())
                                                                   if pos < n.start and not adjective]):
            # "أعلن الجيش مقتل جنديين من جنوده": his soldiers, the last side named (a nationality adjective
            # qualifies an attack, "القصف الأمريكي", and owns no soldiers)
            party = owners[-1]
        else:
            # The party follows the count, unless it is another count's own noun ("تسعة عسكريين ومدنيين
            # اثنين": the civilians are the two's).
            party = next((code for pos, (code, adjective) in sorted(actor_at.items())
                          if n.start <= pos <= (n.end + 2 if adjective else n.end + CASUALTY_WINDOW)
                          and not any(o is not n and o.start <= pos < o.end for o in clause.numbers)
                          and not _AMONG.search(clause.text, n.end, pos)), "unknown")  # "11 people, including civilians"
        if party == "unknown" and (family or _FAMILY_AFTER.match(clause.text, n.noun_end or n.end)):
            party = "civilians"  # "عائلة مكونة من 6 أشخاص", "ثلاثة أشخاص من عائلة واحدة": a family's members
        cas = next((c for c in cand.casualties if c.party == party), None)
        if cas is None:
            cas = Casualty(party)
            cand.casualties.append(cas)
        if getattr(cas, kind) is None:
            setattr(cas, kind, n.value)
            whole = " whole-toll" if n.noun_id != "other_people" and _HOLDS_OTHERS.match(clause.text, n.noun_end or n.end) else ""
            cand.cite(f"casualties.{party}.{kind}", _span(n), f"numbers:{n.rule}{whole}")
            _one_more(cand, clause, n.end, cas, kind)
            _one_joined_before(cand, clause, n, cas, kind)
        elif joined and kind == counted[1] and counted_party == party:
            # "قتل ثلاثة أطفال وامرأتان": two counts of one party joined by و are more of its people
            setattr(cas, kind, getattr(cas, kind) + n.value)
            cand.cite(f"casualties.{party}.{kind}", _span(n), f"numbers:{n.rule} joined-count")
        counted, counted_party = (n, kind), party
    _singular_casualties(cand, clause, cues, actor_at)
    _others_of_the_one_before(cand, clause)


def _others_of_the_one_before(cand: Candidate, clause: Clause) -> None:
    """"استشهد عنصر من الجيش العراقي وأصيب اثنان آخران": the others are of the side of the one named before them,
    who is read after the counts (a singular noun has no number)."""
    for n in clause.numbers:
        if n.noun_id != "other_people":
            continue
        told = next((e for e in cand.evidence if e.start == n.start and e.field.startswith("casualties.unknown.")), None)
        one = max((e for e in cand.evidence if e.rule == "singular-person-noun" and e.end <= n.start
                   and not e.field.startswith("casualties.unknown.")), key=lambda e: e.start, default=None)
        if told is None or one is None:
            continue
        kind, party = told.field.split(".")[2], one.field.split(".")[1]
        unknown = next((c for c in cand.casualties if c.party == "unknown"), None)
        theirs = next((c for c in cand.casualties if c.party == party), None)
        if unknown is None or theirs is None or getattr(theirs, kind) is not None:
            continue
        setattr(theirs, kind, getattr(unknown, kind))
        setattr(unknown, kind, None)
        if unknown.killed is None and unknown.injured is None:
            cand.casualties.remove(unknown)
        cand.evidence = [e for e in cand.evidence if e is not told]
        cand.cite(f"casualties.{party}.{kind}", Span(told.start, told.end, told.text), f"{told.rule} others-of-the-one-before")


def fill_calibre(cand: Candidate, clause: Clause) -> None:
    """"بثلاثة صواريخ من عيار 107 مم": the calibre, with its words."""
    a, b = clause.seg.start, clause.seg.end
    if not has_digits(clause.text, a, b):  # most clauses state no figure at all
        return
    found = parse_calibre(clause.text[a:b], normalize(clause.text).slice(a, b))
    if found:
        c = found[0]
        cand.calibre = c.label
        cand.cite("calibre", Span(a + c.start, a + c.end, c.text), "numbers:calibre")


def fill_damage_and_time(cand: Candidate, clause: Clause) -> None:
    for cue in clause.cues:
        kind = cue.data.get("type")
        if kind == "damage_none" and cand.damage == "unknown":
            cand.damage = "none"
            cand.cite("damage", cue, "cues:damage_none")
        elif kind == "damage_material" and cand.damage == "unknown":
            cand.damage, cand.damage_text = "material", cue.text
            cand.cite("damage", cue, "cues:damage_material")
    if clause.times and cand.time is None:
        t = clause.times[0]
        cand.time = t.time
        cand.cite("time", Span(t.start, t.end, t.text), f"times:{t.rule}")
