"""Counts attached to their nouns, on short sentences written for these tests."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.clean.normalize import fold
from marsad.extract.numbers import NumberMention, find_numbers, parse_calibre
from marsad.lexicon.load import load_lexicon


def _one(sentence: str, span: str) -> NumberMention:
    """The single mention whose evidence is ``span``; fails if there is not exactly one."""
    found = find_numbers(sentence)
    hits = [m for m in found if sentence[m.start:m.end] == span]
    assert len(hits) == 1, [(m.text, m.value, m.kind, m.noun_id) for m in found]
    return hits[0]


# sentence, evidence words, value, kind, noun id
COUNTS = [
    # Arabic numerals in words, noun after
    ("أطلق المسلحون ثمانية صواريخ على القاعدة", "ثمانية صواريخ", 8, "exact", "rocket"),
    ("سقطت ثلاث قذائف في محيط المطار", "ثلاث قذائف", 3, "exact", "shell"),
    ("قصفت المدفعية الموقع بثلاثة صواريخ", "ثلاثة صواريخ", 3, "exact", "rocket"),
    ("وأربع قذائف أخرى سقطت قرب النهر", "أربع قذائف", 4, "exact", "shell"),
    ("أصيب خمسة جنود في الانفجار", "خمسة جنود", 5, "exact", "soldier"),
    ("قتل ستة مدنيين بينهم طفل", "ستة مدنيين", 6, "exact", "civilian"),
    ("شنت الطائرات سبع غارات على البلدة", "سبع غارات", 7, "exact", "airstrike"),
    ("انفجرت ثماني عبوات ناسفة على الطريق", "ثماني عبوات ناسفة", 8, "exact", "ied"),
    ("دمرت تسع آليات عسكرية", "تسع آليات", 9, "exact", "military_vehicle"),
    ("عثر على عشرة صواريخ معدة للإطلاق", "عشرة صواريخ", 10, "exact", "rocket"),
    ("استهدف الهجوم أحد عشر موقعا", "أحد عشر موقعا", 11, "exact", "site"),
    ("أسر المهاجمون اثني عشر عنصرا", "اثني عشر عنصرا", 12, "exact", "member"),
    ("أطلقت اثنتا عشرة قذيفة هاون خلال الليل", "اثنتا عشرة قذيفة هاون", 12, "exact", "mortar"),
    ("أحصت المصادر خمسة عشر قتيلا", "خمسة عشر قتيلا", 15, "exact", "killed"),
    ("سقطت إحدى عشرة قذيفة", "إحدى عشرة قذيفة", 11, "exact", "shell"),
    ("أطلق عشرون صاروخا خلال ساعة", "عشرون صاروخا", 20, "exact", "rocket"),
    ("نفذ الطيران خمسة وعشرين غارة", "خمسة وعشرين غارة", 25, "exact", "airstrike"),
    ("جرح مئة وخمسة وعشرون شخصا", "مئة وخمسة وعشرون شخصا", 125, "exact", "person"),
    ("انتشر ثلاث مئة مقاتل في الريف", "ثلاث مئة مقاتل", 300, "exact", "fighter"),
    ("وصل مئتا جندي إلى القاعدة", "مئتا جندي", 200, "exact", "soldier"),
    ("حشد الفصيل ثلاثة آلاف وخمسمئة مقاتل", "ثلاثة آلاف وخمسمئة مقاتل", 3500, "exact", "fighter"),
    ("انسحب ألف ومئتا عنصر من المدينة", "ألف ومئتا عنصر", 1200, "exact", "member"),
    ("ضمت القافلة خمسين شاحنة", "خمسين شاحنة", 50, "exact", "truck"),
    # digits, noun after (ASCII and Arabic-Indic), with proclitics and tanwin
    ("أطلق 14 صاروخاً باتجاه الحقل", "14 صاروخاً", 14, "exact", "rocket"),
    ("سقطت 3 قذائف صاروخية على السوق", "3 قذائف", 3, "exact", "shell"),
    ("قتل ٣ جنود في الكمين", "٣ جنود", 3, "exact", "soldier"),
    ("أسفرت الضربة عن 9 عناصر قتلى", "9 عناصر", 9, "exact", "member"),
    ("سجلت 3 إصابات طفيفة", "3 إصابات", 3, "exact", "injured"),
    ("ونقل ١٢ جريحاً إلى المستشفى", "١٢ جريحاً", 12, "exact", "injured"),
    ("تجمع 1,200 جندي قرب الحدود", "1,200 جندي", 1200, "exact", "soldier"),
    ("يقدر عددهم بـ 3 آلاف مقاتل", "3 آلاف مقاتل", 3000, "exact", "fighter"),
    ("أطلقت 2 مسيرات نحو القاعدة", "2 مسيرات", 2, "exact", "drone"),
    ("دمرت الضربة 4 مخازن للذخيرة", "4 مخازن", 4, "exact", "depot"),
    ("نفذ التحالف 6 ضربات جوية", "6 ضربات", 6, "exact", "strike"),
    ("ثلاثة من الجنود أصيبوا بشظايا", "ثلاثة من الجنود", 3, "exact", "soldier"),
    # noun before the number
    ("سقط صاروخ واحد في الصحراء", "صاروخ واحد", 1, "exact", "rocket"),
    ("أصيب الجنود الثلاثة بجروح", "الجنود الثلاثة", 3, "exact", "soldier"),
    ("نقل الجنود الـ14 إلى بغداد", "الجنود الـ14", 14, "exact", "soldier"),
    ("أطلقت القذائف وبلغ عددها 5 دفعة واحدة", "القذائف وبلغ عددها 5", 5, "exact", "shell"),
    ("رصدت صواريخ عددها ثلاثة فوق البلدة", "صواريخ عددها ثلاثة", 3, "exact", "rocket"),
    ("ارتفع عدد القتلى إلى 7 بحسب المرصد", "القتلى إلى 7", 7, "exact", "killed"),
    ("أطلقت قذائف صاروخية عددها 4", "قذائف صاروخية عددها 4", 4, "exact", "shell"),
    # duals and "one of"
    ("أصيب جنديين أمريكيين في الهجوم", "جنديين", 2, "dual", "soldier"),
    ("استهدفت القاعدة بطائرتين مسيرتين", "طائرتين مسيرتين", 2, "dual", "drone"),
    ("صاروخان سقطا داخل القاعدة", "صاروخان", 2, "dual", "rocket"),
    ("شن المسلحون هجومين متتاليين", "هجومين", 2, "dual", "attack"),
    ("وقعت إصابتين بين العمال", "إصابتين", 2, "dual", "injured"),
    ("تضررت منشأتين نفطيتين", "منشأتين", 2, "dual", "facility"),
    ("سقطت قذيفتين اثنتين قرب البوابة", "قذيفتين اثنتين", 2, "exact", "shell"),
    ("قتل الجنديين الاثنين على الفور", "الجنديين الاثنين", 2, "exact", "soldier"),
    ("انفجرت إحدى القذائف في الساحة", "إحدى القذائف", 1, "exact", "shell"),
    ("أسقط أحد الصواريخ فوق النهر", "أحد الصواريخ", 1, "exact", "rocket"),
    ("جرح أحد عناصر الحاجز بالرصاص", "أحد عناصر", 1, "exact", "member"),  # a plural made definite by its genitive
    # approximate, vague, range
    ("أطلق نحو 20 صاروخا على المطار", "نحو 20 صاروخا", 20, "approx", "rocket"),
    ("نزح حوالي 200 مدني من القرية", "حوالي 200 مدني", 200, "approx", "civilian"),
    ("سقطت أكثر من 10 قذائف", "أكثر من 10 قذائف", 10, "approx", "shell"),
    ("قتل ما لا يقل عن 7 عناصر", "ما لا يقل عن 7 عناصر", 7, "approx", "member"),
    ("أطلقت قرابة الـ 50 قذيفة", "قرابة الـ 50 قذيفة", 50, "approx", "shell"),
    ("أطلقت عشرات الصواريخ على الموقع", "عشرات الصواريخ", None, "vague", "rocket"),
    ("أصيب عدد من المدنيين بجروح", "عدد من المدنيين", None, "vague", "civilian"),
    ("دمرت عدة آليات في القصف", "عدة آليات", None, "vague", "military_vehicle"),
    ("فر آلاف المدنيين من المدينة", "آلاف المدنيين", None, "vague", "civilian"),
    ("سقط بين 3 و5 صواريخ قرب الجسر", "بين 3 و5 صواريخ", 3, "range", "rocket"),
    ("أطلقت من 4 إلى 6 قذائف", "من 4 إلى 6 قذائف", 4, "range", "shell"),
    ("سقطت 3 أو 4 قذائف في الحي", "3 أو 4 قذائف", 3, "range", "shell"),
    # a number with no noun
    ("انفجرت اثنتين منها قبل وصولها", "اثنتين", 2, "exact", None),
    ("أطلقت صواريخ ثلاثة منها سقطت في النهر", "ثلاثة", 3, "exact", None),
    ("قتل 4 وأصيب آخرون", "4", 4, "exact", None),
    # English
    ("Militants fired 14 rockets at the base", "14 rockets", 14, "exact", "rocket"),
    ("Two drones were shot down near the airport", "Two drones", 2, "exact", "drone"),
    ("The attack caused three minor injuries", "three minor injuries", 3, "exact", "injured"),
    ("The strike killed 9 PMF fighters", "9 PMF fighters", 9, "exact", "fighter"),
    ("At least 3 US service members were hurt", "At least 3 US service members", 3, "approx",
     "soldier"),
    ("one of the drones crashed", "one of the drones", 1, "exact", "drone"),
    ("twenty-one soldiers were evacuated", "twenty-one soldiers", 21, "exact", "soldier"),
    ("one hundred and twenty rockets were stored there", "one hundred and twenty rockets", 120,
     "exact", "rocket"),
    ("dozens of rockets hit the area", "dozens of rockets", None, "vague", "rocket"),
    ("between three and five mortar rounds landed", "between three and five mortar rounds", 3,
     "range", "mortar"),
    ("3-5 shells struck the compound", "3-5 shells", 3, "range", "shell"),
    ("more than 10 civilians fled", "more than 10 civilians", 10, "approx", "civilian"),
    ("two Iranian-backed militia fighters died", "two Iranian-backed militia fighters", 2,
     "exact", "fighter"),
]


@pytest.mark.parametrize("sentence, span, value, kind, noun_id", COUNTS)
def test_finds_count_with_noun(sentence: str, span: str, value: int | None, kind: str,
                               noun_id: str | None) -> None:
    m = _one(sentence, span)
    assert (m.value, m.kind, m.noun_id) == (value, kind, noun_id)
    assert sentence[m.start:m.end] == m.text == span


# Numbers that count nothing: none of them may come back as a count.
NOT_COUNTS = [
    "وقع الهجوم في عام 2017 قرب الحدود",
    "The base was opened in 2022",
    "دوى الانفجار عند الساعة 10:15 مساء",
    "بدأ القصف في تمام 12.30 ظهرا",
    "وقع الهجوم الأحد 18 من أيلول",
    "وفي 25 آب الماضي تعرضت القاعدة لهجوم",
    "The attack took place on 5 May",
    "The attack took place on March 3",
    "الساعة 10 صباحا",
    "استخدمت قذائف عيار 107 مم",
    "ارتفعت الأسعار 5 بالمئة",
    "unemployment rose 5 percent",
    "prices rose by 50%",
    "وصلت القوات إلى منطقة الـ 55 كم",
    "هذا هو الهجوم الخامس على القاعدة",
    "في الحادي عشر من أيلول",
    "في الذكرى الخامسة والعشرين للتأسيس",
    "حلقت طائرات F-16 و MQ-9 فوق المنطقة",
    "the 14th attack this year",
    "لم يصب أحد بأذى في الهجوم",
    "no one was hurt in the attack",
    "نفذ الهجوم يوم الاثنين الماضي",
    "أعلن عن الهجوم اليوم الاثنين",
    "بين 2020 و2022 تكررت الهجمات",
    "صدر التقرير في 2022-09-18",
    "وقع الهجوم في 18/9/2022",
    "دمرت الضربة مبنى يوم الأحد",
]


@pytest.mark.parametrize("sentence", NOT_COUNTS)
def test_drops_numbers_that_count_nothing(sentence: str) -> None:
    assert [m.text for m in find_numbers(sentence) if m.is_count] == []


# Measures come back with kind "other" and the measure's category.
MEASURES = [
    ("سقطت القذائف على بعد 5 كم من القاعدة", "5 كم", 5, "distance"),
    ("على بعد خمسة كيلومترات من المطار", "خمسة كيلومترات", 5, "distance"),
    ("استمر القصف لمدة ساعتين", "ساعتين", 2, "duration"),
    ("منذ 3 سنوات لم تتعرض القاعدة لهجوم", "3 سنوات", 3, "duration"),
    ("رصدت الحكومة 1.5 مليون دولار للإعمار", "1.5 مليون دولار", 1500000, "money"),
]


@pytest.mark.parametrize("sentence, span, value, category", MEASURES)
def test_measures_are_other(sentence: str, span: str, value: int, category: str) -> None:
    m = _one(sentence, span)
    assert (m.value, m.kind, m.noun_category, m.is_count) == (value, "other", category, False)


# sentence, evidence, low, high: bounds are inclusive
BOUNDS = [
    ("سقطت أكثر من 10 قذائف", "أكثر من 10 قذائف", 11, None),
    ("قتل ما لا يقل عن 7 عناصر", "ما لا يقل عن 7 عناصر", 7, None),
    ("أصيب أقل من عشرة جنود", "أقل من عشرة جنود", None, 9),
    ("أطلق ما يصل إلى 20 صاروخا", "ما يصل إلى 20 صاروخا", None, 20),
    ("أطلق نحو 20 صاروخا", "نحو 20 صاروخا", None, None),
    ("سقط بين 3 و5 صواريخ", "بين 3 و5 صواريخ", 3, 5),
    ("سقطت بين ثلاثة وخمسة صواريخ", "بين ثلاثة وخمسة صواريخ", 3, 5),
    ("up to 30 drones were launched", "up to 30 drones", None, 30),
]


@pytest.mark.parametrize("sentence, span, low, high", BOUNDS)
def test_bounds_of_approximate_and_range_counts(sentence: str, span: str, low: int | None,
                                                high: int | None) -> None:
    m = _one(sentence, span)
    assert (m.low, m.high) == (low, high)


# sentence, evidence, the number alone, the noun alone
PARTS = [
    ("أطلقت بثلاثة صواريخ", "ثلاثة صواريخ", "ثلاثة", "صواريخ"),
    ("سقطت قذيفتين اثنتين", "قذيفتين اثنتين", "اثنتين", "قذيفتين"),
    ("أصيب جنديين أمريكيين", "جنديين", "جنديين", "جنديين"),
    ("القذائف بلغ عددها 5", "القذائف بلغ عددها 5", "5", "القذائف"),
    ("سقط بين 3 و5 صواريخ", "بين 3 و5 صواريخ", "3 و5", "صواريخ"),
    ("أطلق نحو 20 صاروخاً", "نحو 20 صاروخاً", "20", "صاروخاً"),
    ("سقطت إحدى القذائف", "إحدى القذائف", "إحدى", "القذائف"),
]


@pytest.mark.parametrize("sentence, span, number, noun", PARTS)
def test_number_and_noun_spans(sentence: str, span: str, number: str, noun: str) -> None:
    m = _one(sentence, span)
    assert sentence[m.number_start:m.number_end] == number
    assert m.noun_start is not None and m.noun_end is not None
    assert sentence[m.noun_start:m.noun_end] == noun


def test_finds_every_count_in_a_sentence_in_order() -> None:
    sentence = "أطلقت ثلاثة صواريخ وأربع قذائف، وأصيب جنديين و3 مدنيين"
    found = [(m.text, m.value, m.noun_id) for m in find_numbers(sentence)]
    assert found == [("ثلاثة صواريخ", 3, "rocket"), ("أربع قذائف", 4, "shell"),
                     ("جنديين", 2, "soldier"), ("3 مدنيين", 3, "civilian")]


def test_a_noun_after_and_starts_a_new_phrase() -> None:
    # مقتل 3 وإصابة 5: the 3 are killed, not injuries
    found = find_numbers("أسفر الهجوم عن مقتل 3 وإصابة 5")
    assert [(m.text, m.noun_id) for m in found] == [("3", None), ("5", None)]


def test_keeps_offsets_of_the_original_text_with_harakat() -> None:
    sentence = "أُطْلِقَتْ ثَمَانِيَةُ صَوَارِيخَ"
    m = find_numbers(sentence)[0]
    assert (m.value, m.noun_id, m.text) == (8, "rocket", "ثَمَانِيَةُ صَوَارِيخَ")


CALIBRES = [
    ("قذائف عيار 107 ملم", "عيار 107 ملم", "107mm"),
    ("صواريخ غراد 122 ملم", "122 ملم", "122mm"),
    ("a 120mm mortar", "120mm", "120mm"),
    ("قذائف هاون 81 مم", "81 مم", "81mm"),
    ("رشاش من عيار 14.5", "عيار 14.5", "14.5mm"),
]


@pytest.mark.parametrize("sentence, span, label", CALIBRES)
def test_parse_calibre(sentence: str, span: str, label: str) -> None:
    found = parse_calibre(sentence)
    assert [(sentence[c.start:c.end], c.label) for c in found] == [(span, label)]


def test_calibre_is_not_a_count_but_the_rockets_are() -> None:
    found = find_numbers("أطلقت 4 صواريخ عيار 107 ملم")
    assert [(m.text, m.value) for m in found] == [("4 صواريخ", 4)]


def test_lexicon_noun_forms_are_consistent() -> None:
    for entry in load_lexicon("countable_nouns").entries:
        forms = {fold(f) for f in entry.forms}
        assert entry.attrs.get("category"), entry.id
        for key in ("plural", "dual"):
            assert {fold(f) for f in entry.attrs.get(key, [])} <= forms, (entry.id, key)


def test_lexicon_cardinals_have_value_and_role() -> None:
    for entry in load_lexicon("number_words").entries:
        if entry.attrs.get("kind") == "cardinal":
            assert isinstance(entry.attrs.get("value"), int), entry.id
            assert entry.attrs.get("role") in {"unit", "ten", "hundred", "scale"}, entry.id
        else:
            assert entry.attrs.get("kind") in {"vague", "approx", "ordinal"}, entry.id


_NOUNS = st.sampled_from([("صواريخ", "rocket"), ("قذيفة", "shell"), ("جنود", "soldier"),
                          ("rockets", "rocket"), ("مدنيا", "civilian")])


def _arabic_indic(n: int) -> str:
    return "".join(chr(0x0660 + int(d)) for d in str(n))


@given(st.integers(0, 999_999).filter(lambda n: not 1900 <= n <= 2099), st.booleans(), _NOUNS)
def test_any_digits_before_a_noun_parse_back(n: int, indic: bool, noun: tuple[str, str]) -> None:
    # (four digits from 1900 to 2099 are a year: test_a_year_before_a_noun_is_no_count)
    digits = _arabic_indic(n) if indic else str(n)
    sentence = f"سقط {digits} {noun[0]} أمس"
    found = find_numbers(sentence)
    assert [(m.value, m.kind, m.noun_id, m.text) for m in found] == \
        [(n, "exact", noun[1], f"{digits} {noun[0]}")]


@settings(max_examples=300)
@given(st.text())
def test_never_raises_and_spans_reproduce_the_text(text: str) -> None:
    for m in find_numbers(text):
        assert text[m.start:m.end] == m.text
        assert m.start <= m.number_start <= m.number_end <= m.end
        if m.noun_start is not None:
            assert m.start <= m.noun_start <= m.noun_end <= m.end
    for c in parse_calibre(text):
        assert text[c.start:c.end] == c.text


_PIECES = st.sampled_from(["ثلاثة", "صواريخ", "عشرات", "بين", "و5", "الـ", "14", "جنديين",
                           "اثنتين", "نحو", "أكثر من", "عددها", "،", "-", "rockets", "two",
                           "and", "of", "الساعة", "آب", "مم", "١٢", "إحدى", "القذائف", " "])


@settings(max_examples=300)
@given(st.lists(_PIECES, max_size=12))
def test_spans_reproduce_text_built_from_number_words(pieces: list[str]) -> None:
    text = " ".join(pieces)
    for m in find_numbers(text):
        assert text[m.start:m.end] == m.text
        assert m.start <= m.number_start <= m.number_end <= m.end


@pytest.mark.parametrize("text", ["plotting a 2021 bomb attack", "منذ هجمات ٢٠٢٣ الصاروخية", "the 1991 war"])
def test_a_year_before_a_noun_is_no_count(text: str) -> None:
    assert find_numbers(text) == []


def test_a_count_that_is_no_year_still_counts() -> None:
    assert [n.value for n in find_numbers("أطلقوا 20 صاروخاً و2200 قذيفة")] == [20, 2200]
