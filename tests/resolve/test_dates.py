"""Date and time expressions: spans, resolution against the publication date, properties."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.resolve.dates import DateMention, find_dates, find_times

PUB = date(2022, 9, 22)  # a Thursday
D = date


def only(text: str, published: date | None = PUB) -> DateMention:
    mentions = find_dates(text, published)
    assert len(mentions) == 1, mentions
    m = mentions[0]
    assert text[m.start:m.end] == m.text
    return m


DAY_CASES = [
    # relative days
    ("قصفت مسيّرة موقعاً اليوم قرب الحدود", "اليوم", D(2022, 9, 22)),
    ("انفجرت عبوة أمس على الطريق", "أمس", D(2022, 9, 21)),
    ("تعرض الحاجز لهجوم بالأمس", "الأمس", D(2022, 9, 21)),
    ("سقطت قذيفتان أول أمس قرب السوق", "أول أمس", D(2022, 9, 20)),
    ("تعرضت القاعدة لهجوم أمس الأول", "أمس الأول", D(2022, 9, 20)),
    ("سمع دوي انفجارات الليلة الماضية في المدينة", "الليلة الماضية", D(2022, 9, 21)),
    ("استهدفت طائرة مسيرة فجر اليوم مخزناً", "فجر اليوم", D(2022, 9, 22)),
    ("اندلعت اشتباكات صباح اليوم في الحي", "صباح اليوم", D(2022, 9, 22)),
    ("أغارت طائرات مساء أمس على مواقع", "مساء أمس", D(2022, 9, 21)),
    ("وصلت تعزيزات ظهر اليوم إلى القاعدة", "ظهر اليوم", D(2022, 9, 22)),
    ("قتل عنصران قبل يومين في كمين", "قبل يومين", D(2022, 9, 20)),
    ("سقط صاروخ قبل ثلاثة أيام قرب المطار", "قبل ثلاثة أيام", D(2022, 9, 19)),
    ("أصيب جندي قبل 4 أيام", "قبل 4 أيام", D(2022, 9, 18)),
    ("تتواصل الاشتباكات منذ يومين", "منذ يومين", D(2022, 9, 20)),
    # weekdays
    ("وقال المتحدث اليوم الخميس إن الوضع هادئ", "اليوم الخميس", D(2022, 9, 22)),
    ("أعلن الجيش أمس الأربعاء مقتل مسلحين", "أمس الأربعاء", D(2022, 9, 21)),
    ("دوى قصف مدفعي مساء الأحد في البلدة", "مساء الأحد", D(2022, 9, 18)),
    ("حدث ذلك يوم الجمعة الماضي", "يوم الجمعة الماضي", D(2022, 9, 16)),
    ("شنت الطائرات غارات الثلاثاء على المعبر", "الثلاثاء", D(2022, 9, 20)),
    ("وفي يوم الاثنين قتل مدنيان", "يوم الاثنين", D(2022, 9, 19)),
    ("استهدف رتل فجر السبت", "فجر السبت", D(2022, 9, 17)),
    ("يعقد الاجتماع الجمعة المقبلة", "الجمعة المقبلة", D(2022, 9, 23)),
    ("هزت انفجارات المنطقة ليل الأربعاء-الخميس", "ليل الأربعاء-الخميس", D(2022, 9, 22)),
    ("وقع الهجوم ليلة الأربعاء الخميس", "ليلة الأربعاء الخميس", D(2022, 9, 22)),
    # day + month
    ("وقع الهجوم في 18 من أيلول", "18 من أيلول", D(2022, 9, 18)),
    ("انفجرت سيارة مساء الأحد 18 من أيلول قرب الجسر", "مساء الأحد 18 من أيلول", D(2022, 9, 18)),
    ("وذكر في مساء يوم الأحد، الموافق 18 أيلول أن", "مساء يوم الأحد، الموافق 18 أيلول", D(2022, 9, 18)),
    ("بتاريخ 7 نيسان/أبريل 2022 قصفت المدفعية", "7 نيسان/أبريل 2022", D(2022, 4, 7)),
    ("في الخامس من يناير/كانون الثاني قصف مطار", "الخامس من يناير/كانون الثاني", D(2022, 1, 5)),
    ("في الثالث من كانون الثاني/ يناير الجاري", "الثالث من كانون الثاني/ يناير الجاري", D(2022, 1, 3)),
    ("اعتباراً من 2كانون الثاني/ يناير أغلق المعبر", "2كانون الثاني/ يناير", D(2022, 1, 2)),
    ("وكان قد اعتقل في 25 من آب الماضي", "25 من آب الماضي", D(2022, 8, 25)),
    ("نشر التقرير في ١٨ سبتمبر ٢٠٢٢ على الموقع", "١٨ سبتمبر ٢٠٢٢", D(2022, 9, 18)),
    ("جرى التفجير في 30 تشرين الأول", "30 تشرين الأول", D(2021, 10, 30)),
    ("تم توقيع الاتفاق في 10 أكتوبر 2021 بالعاصمة", "10 أكتوبر 2021", D(2021, 10, 10)),
    ("بدأت العملية في الحادي والعشرين من حزيران 2020", "الحادي والعشرين من حزيران 2020", D(2020, 6, 21)),
    ("أغلق الطريق في 3 تموز من العام الماضي", "3 تموز من العام الماضي", D(2021, 7, 3)),
    ("لم تشهد البلدة قصفاً منذ 12 كانون الأول 2019", "12 كانون الأول 2019", D(2019, 12, 12)),
    ("وقع الانفجار في 5 مارس 2020م في السوق", "5 مارس 2020م", D(2020, 3, 5)),
    ("ولد في 29 شباط", "29 شباط", D(2020, 2, 29)),
    # numeric
    ("صدر البيان بتاريخ 2022/09/20 عن القيادة", "2022/09/20", D(2022, 9, 20)),
    ("في التقرير المؤرخ 20-09-2022 ورد", "20-09-2022", D(2022, 9, 20)),
    ("وصل الوفد في 03.08.2021 صباحا", "03.08.2021", D(2021, 8, 3)),
    # English
    ("Rockets hit the base on Tuesday, officials said", "Tuesday", D(2022, 9, 20)),
    ("A drone was shot down yesterday near the field", "yesterday", D(2022, 9, 21)),
    ("Explosions were heard last night in the town", "last night", D(2022, 9, 21)),
    ("The convoy was attacked Sunday evening", "Sunday evening", D(2022, 9, 18)),
    ("The strike took place on July 7, 2021 at dawn", "July 7, 2021", D(2021, 7, 7)),
    ("The strike took place on 7 July 2021 at dawn", "7 July 2021", D(2021, 7, 7)),
    ("The base was shelled on March 3", "March 3", D(2022, 3, 3)),
    ("A patrol was ambushed two days ago", "two days ago", D(2022, 9, 20)),
]


@pytest.mark.parametrize(("text", "words", "expected"), DAY_CASES)
def test_day_expressions_resolve_to_the_day(text: str, words: str, expected: date) -> None:
    m = only(text)
    assert (m.text, m.date, m.precision) == (words, expected, "day")


PERIOD_CASES = [
    ("تصاعدت الهجمات الأسبوع الماضي", "الأسبوع الماضي", D(2022, 9, 12), "week", (D(2022, 9, 12), D(2022, 9, 18))),
    ("تكررت الحوادث هذا الأسبوع", "هذا الأسبوع", D(2022, 9, 19), "week", (D(2022, 9, 19), D(2022, 9, 25))),
    ("A convoy was hit last week near the border", "last week", D(2022, 9, 12), "week",
     (D(2022, 9, 12), D(2022, 9, 18))),
    ("قتل خمسة جنود الشهر الماضي", "الشهر الماضي", D(2022, 8, 1), "month", (D(2022, 8, 1), D(2022, 8, 31))),
    ("بدأ التوتر منذ مطلع آب الماضي", "مطلع آب الماضي", D(2022, 8, 1), "month", (D(2022, 8, 1), D(2022, 8, 31))),
    ("وصلت الشحنة مطلع الشهر", "مطلع الشهر", D(2022, 9, 1), "month", (D(2022, 9, 1), D(2022, 9, 30))),
    ("انسحبت القوات أواخر الشهر الماضي", "أواخر الشهر الماضي", D(2022, 8, 1), "month",
     (D(2022, 8, 1), D(2022, 8, 31))),
    ("جرت الانتخابات منتصف أيلول", "منتصف أيلول", D(2022, 9, 1), "month", (D(2022, 9, 1), D(2022, 9, 30))),
    ("وقعت غارات في تشرين الثاني الماضي", "تشرين الثاني الماضي", D(2021, 11, 1), "month",
     (D(2021, 11, 1), D(2021, 11, 30))),
    ("توقفت الرحلات خلال أيار 2021", "أيار 2021", D(2021, 5, 1), "month", (D(2021, 5, 1), D(2021, 5, 31))),
    ("عادت المواجهات في أوائل أيلول 2021", "أوائل أيلول 2021", D(2021, 9, 1), "month",
     (D(2021, 9, 1), D(2021, 9, 30))),
    ("ارتفع عدد الهجمات منذ مطلع العام الحالي", "مطلع العام الحالي", D(2022, 1, 1), "year",
     (D(2022, 1, 1), D(2022, 12, 31))),
    ("سجلت عشرات الحوادث العام الماضي", "العام الماضي", D(2021, 1, 1), "year", (D(2021, 1, 1), D(2021, 12, 31))),
    ("تنتهي المهمة حتى نهاية العام", "نهاية العام", D(2022, 1, 1), "year", (D(2022, 1, 1), D(2022, 12, 31))),
    ("أنشئت القاعدة في 2017 شرق النهر", "2017", D(2017, 1, 1), "year", (D(2017, 1, 1), D(2017, 12, 31))),
    ("تعرضت لهجوم مماثل عام 2019", "عام 2019", D(2019, 1, 1), "year", (D(2019, 1, 1), D(2019, 12, 31))),
    ("The base was built in 2017 by the coalition", "2017", D(2017, 1, 1), "year",
     (D(2017, 1, 1), D(2017, 12, 31))),
    ("Attacks rose late last year", "late last year", D(2021, 1, 1), "year", (D(2021, 1, 1), D(2021, 12, 31))),
    ("أغلق المعبر قبل شهرين", "قبل شهرين", D(2022, 7, 1), "month", (D(2022, 7, 1), D(2022, 7, 31))),
    ("The road was cut three months ago", "three months ago", D(2022, 6, 1), "month",
     (D(2022, 6, 1), D(2022, 6, 30))),
]


@pytest.mark.parametrize(("text", "words", "days_back", "precision"), [
    ("ويأتي القصف بعد نحو شهرين من هجوم على المطار", "بعد نحو شهرين من", 60, "month"),
    ("جاء ذلك بعد مرور يومين على انفجار العبوة", "بعد مرور يومين على", 2, "day"),
    ("وقع الاشتباك بعد ثلاثة أسابيع من الغارة", "بعد ثلاثة أسابيع من", 21, "week"),
    ("The raid came two weeks after a drone attack", "two weeks after", 14, "week"),
])
def test_after_so_long_since_an_attack_dates_that_attack_back_from_the_narrative(
        text: str, words: str, days_back: int, precision: str) -> None:
    m = only(text)
    assert (m.text, m.refers_back, m.day, m.precision) == (words, "before_that", days_back, precision)


@pytest.mark.parametrize("text", ["the day after the attack the group spoke", "منذ شهر آب الماضي"])
def test_after_or_since_without_a_count_dates_nothing_back(text: str) -> None:
    assert all(m.refers_back != "before_that" and m.rule != "months-ago" for m in find_dates(text, PUB))


@pytest.mark.parametrize(("text", "words", "expected", "precision", "span"), PERIOD_CASES)
def test_periods_resolve_to_their_first_day_and_whole_range(text: str, words: str, expected: date,
                                                            precision: str, span: tuple[date, date]) -> None:
    m = only(text)
    assert (m.text, m.date, m.precision, m.range) == (words, expected, precision, span)


@pytest.mark.parametrize(("text", "words", "rule", "span"), [
    ("هزت انفجارات المنطقة ليل الأربعاء-الخميس", "ليل الأربعاء-الخميس", "night-weekday-span",
     (D(2022, 9, 21), D(2022, 9, 22))),
    ("Blasts shook the area overnight Wednesday to Thursday", "overnight Wednesday to Thursday", "night-weekday-span",
     (D(2022, 9, 21), D(2022, 9, 22))),
    ("Jets struck after midnight Wednesday-Thursday", "midnight Wednesday-Thursday", "night-weekday-span",
     (D(2022, 9, 21), D(2022, 9, 22))),
    ("They were hit on the night of Wednesday into Thursday", "night of Wednesday into Thursday", "night-weekday-span",
     (D(2022, 9, 21), D(2022, 9, 22))),
    ("سمع دوي انفجارات الليلة الماضية", "الليلة الماضية", "last-night", (D(2022, 9, 21), D(2022, 9, 22))),
    ("وقال المتحدث اليوم الخميس إن", "اليوم الخميس", "weekday+today", (D(2022, 9, 22), D(2022, 9, 22))),
    ("وقع الهجوم في 18 من أيلول", "18 من أيلول", "day-month-levantine", (D(2022, 9, 18), D(2022, 9, 18))),
    ("الأحد ١٨ / أيلول / ٢٠٢٢ قصف", "الأحد ١٨ / أيلول / ٢٠٢٢", "weekday+day-month-levantine",
     (D(2022, 9, 18), D(2022, 9, 18))),
    ("Sunday 18/September/2022 strike", "Sunday 18/September/2022", "weekday+day-month-en", (D(2022, 9, 18), D(2022, 9, 18))),
    ("الخامس من يناير/كانون الثاني", "الخامس من يناير/كانون الثاني", "ordinal-day-month-msa",
     (D(2022, 1, 5), D(2022, 1, 5))),
    ("تصاعدت الهجمات الأسبوع الماضي", "الأسبوع الماضي", "last-week", (D(2022, 9, 12), D(2022, 9, 18))),
])
def test_rule_and_range_are_reported(text: str, words: str, rule: str, span: tuple[date, date]) -> None:
    m = only(text)
    assert (m.text, m.rule, m.range) == (words, rule, span)


@pytest.mark.parametrize(("text", "words", "relative"), [
    ("بتاريخ 7 نيسان/أبريل 2022 قصفت", "7 نيسان/أبريل 2022", False),
    ("وقع الهجوم في 18 من أيلول", "18 من أيلول", True),
    ("انفجرت عبوة أمس على الطريق", "أمس", True),
    ("تعرضت لهجوم مماثل عام 2019", "عام 2019", False),
])
def test_relative_flag_says_whether_publication_date_was_used(text: str, words: str, relative: bool) -> None:
    m = only(text)
    assert (m.text, m.relative) == (words, relative)


@pytest.mark.parametrize(("text", "words", "kind", "day", "precision"), [
    ("ثم قصفت الموقع مجدداً في اليوم نفسه", "اليوم نفسه", "same_day", None, "day"),
    ("وعادت الطائرات في ذات اليوم", "ذات اليوم", "same_day", None, "day"),
    ("Another drone came the same day", "the same day", "same_day", None, "day"),
    ("وقتل آخر في 15 من الشهر نفسه", "15 من الشهر نفسه", "same_month", 15, "day"),
    ("وأعيد فتح الطريق في الخامس عشر من الشهر ذاته", "الخامس عشر من الشهر ذاته", "same_month", 15, "day"),
])
def test_same_day_and_same_month_refer_back(text: str, words: str, kind: str, day: int | None,
                                            precision: str) -> None:
    m = only(text)
    assert (m.text, m.refers_back, m.day, m.date, m.precision) == (words, kind, day, None, precision)


@pytest.mark.parametrize(("text", "words"), [
    ("انفجرت عبوة أمس على الطريق", "أمس"),
    ("وقع الهجوم في 18 من أيلول", "18 من أيلول"),
    ("تصاعدت الهجمات الأسبوع الماضي", "الأسبوع الماضي"),
    ("شنت الطائرات غارات الثلاثاء", "الثلاثاء"),
    ("هزت انفجارات المنطقة ليل الأربعاء-الخميس", "ليل الأربعاء-الخميس"),
])
def test_relative_expressions_stay_unresolved_without_publication_date(text: str, words: str) -> None:
    m = only(text, None)
    assert (m.text, m.date, m.precision, m.range) == (words, None, "unknown", None)


def test_absolute_dates_resolve_without_publication_date() -> None:
    m = only("بتاريخ 7 نيسان/أبريل 2022 قصفت", None)
    assert (m.date, m.precision) == (D(2022, 4, 7), "day")


@pytest.mark.parametrize(("text", "published", "words", "expected"), [
    # publication on a Tuesday: a bare "الثلاثاء" is that day
    ("شنت الطائرات غارات الثلاثاء", D(2022, 9, 20), "الثلاثاء", D(2022, 9, 20)),
    # dateline just after midnight: the stated weekday wins over "today"
    ("وقال المتحدث اليوم الخميس إن", D(2022, 9, 23), "اليوم الخميس", D(2022, 9, 22)),
    # "آب الماضي" published in August is last year's August
    ("منذ مطلع آب الماضي", D(2022, 8, 20), "مطلع آب الماضي", D(2021, 8, 1)),
    # a day later in the year than publication is last year's
    ("وقع الهجوم في 18 من أيلول", D(2022, 9, 10), "18 من أيلول", D(2021, 9, 18)),
])
def test_resolution_depends_on_publication_day(text: str, published: date, words: str, expected: date) -> None:
    m = only(text, published)
    assert (m.text, m.date) == (words, expected)


@pytest.mark.parametrize("text", [
    "تستمر الحملة منذ نحو 3 أشهر",
    "انقطعت الكهرباء لمدة 12 ساعة",
    "تصاعد القصف خلال الساعات الماضية",
    "بلغ منسوب الأمطار 107 مم",
    "أطلق المسلحون 14 صاروخاً على القاعدة",
    "قال الأمين العام الحالي للمنظمة",
    "ثم انسحبوا في اليوم التالي",
    "وقعت هجمات قبل أيام",
    "قرأ الجندي كتاباً عن الحرب",
    "استهدفت الضربة القاعدة للمرة الثالثة",
])
def test_durations_counts_and_lookalikes_are_not_dates(text: str) -> None:
    assert [m for m in find_dates(text, PUB) if m.date is not None or m.refers_back] == []


def test_several_dates_in_one_sentence_keep_their_own_spans() -> None:
    text = "قصفت الطائرات الموقع أمس الثلاثاء، بعد هجوم مماثل في 5 من أيلول الجاري."
    got = [(m.text, m.date) for m in find_dates(text, PUB)]
    assert got == [("أمس الثلاثاء", D(2022, 9, 20)), ("5 من أيلول الجاري", D(2022, 9, 5))]


def test_span_keeps_trailing_harakat() -> None:
    text = "وقع الانفجار أمسِ مساءً قرب السوق"
    m = only(text)
    assert (m.text, m.date) == ("أمسِ مساءً", D(2022, 9, 21))


TIME_CASES = [
    ("سمع الانفجار 10:15 صباح اليوم", "10:15", "10:15"),
    ("انطلقت الصواريخ بتمام الساعة 10:15", "الساعة 10:15", "10:15"),
    ("وقع الانفجار الساعة 12.30 ظهراً", "الساعة 12.30 ظهراً", "12:30"),
    ("سقطت القذيفة بالساعة ١٢٣٠", "الساعة ١٢٣٠", "12:30"),
    ("بدأ القصف الساعة الخامسة والنصف فجراً", "الساعة الخامسة والنصف فجراً", "05:30"),
    ("دوت صفارات الإنذار الساعة العاشرة مساءً", "الساعة العاشرة مساءً", "22:00"),
    ("The alarm sounded at 12:30 PM local time", "12:30 PM", "12:30"),
    ("The attack began at approx. 9 PM", "9 PM", "21:00"),
    ("بدأ الهجوم عند الثالثة بعد منتصف الليل", "الثالثة بعد منتصف الليل", "03:00"),
    ("انفجرت العبوة الساعة 3 عصراً", "الساعة 3 عصراً", "15:00"),
    ("وصل الرتل في الواحدة ليلاً", "الواحدة ليلاً", "01:00"),
    ("أغلق المعبر الساعة الخامسة إلا ربعا فجراً", "الساعة الخامسة إلا ربعا فجراً", "04:45"),
    ("Sirens went off at 9:30 p.m. near the base", "9:30 p.m.", "21:30"),
    ("The blast was at 12 AM", "12 AM", "00:00"),
    ("بدأ الاجتماع الساعة العاشرة", "الساعة العاشرة", "10:00"),
]


@pytest.mark.parametrize(("text", "words", "expected"), TIME_CASES)
def test_times_are_read_as_24_hour_clock(text: str, words: str, expected: str) -> None:
    mentions = find_times(text)
    assert len(mentions) == 1, mentions
    m = mentions[0]
    assert (text[m.start:m.end], m.text, m.time) == (words, words, expected)


@pytest.mark.parametrize("text", [
    "انقطعت الكهرباء لمدة 12 ساعة",
    "استهدفت الضربة القاعدة للمرة الثالثة",
    "تبعد القرية 3.5 كم عن الحدود",
    "كانت النسبة 10:1 لصالح المهاجمين",
    "على مدار الساعة",
])
def test_non_times_are_ignored(text: str) -> None:
    assert find_times(text) == []


# --- properties ---------------------------------------------------------------

MSA = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
LEVANTINE = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
             "تشرين الثاني", "كانون الأول"]
ORDINALS = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر",
            "الحادي عشر", "الثاني عشر", "الثالث عشر", "الرابع عشر", "الخامس عشر", "السادس عشر", "السابع عشر",
            "الثامن عشر", "التاسع عشر", "العشرين", "الحادي والعشرين", "الثاني والعشرين", "الثالث والعشرين",
            "الرابع والعشرين", "الخامس والعشرين", "السادس والعشرين", "السابع والعشرين", "الثامن والعشرين",
            "التاسع والعشرين", "الثلاثين", "الحادي والثلاثين"]
FORMATS = ["{d} {M} {y}", "{d} من {M} {y}", "{d} {M}، {y}", "{d} {M} عام {y}", "{d}{M} {y}", "{o} من {M} {y}",
           "{y}/{mm}/{dd}", "{dd}-{mm}-{y}"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=D(1900, 1, 1), max_value=D(2099, 12, 31)), fmt=st.sampled_from(FORMATS),
       scheme=st.sampled_from(["msa", "levantine", "both"]), indic=st.booleans(), published=st.none() | st.dates())
def test_arabic_rendered_dates_parse_back(day: date, fmt: str, scheme: str, indic: bool,
                                          published: date | None) -> None:
    msa, lev = MSA[day.month - 1], LEVANTINE[day.month - 1]
    month = {"msa": msa, "levantine": lev, "both": f"{lev}/{msa}"}[scheme]
    rendered = fmt.format(d=day.day, M=month, y=day.year, o=ORDINALS[day.day - 1],
                          mm=f"{day.month:02d}", dd=f"{day.day:02d}")
    if indic:
        rendered = rendered.translate(INDIC)
    text = f"وقع الهجوم في {rendered} قرب القاعدة."
    m = only(text, published)
    assert (m.text, m.date, m.precision, m.relative) == (rendered, day, "day", False)


WORDS = ["أمس", "اليوم", "الخميس", "مساء", "ليل", "من", "أيلول", "آب", "الماضي", "الجاري", "2022", "١٨", "18", "7",
         "الساعة", "12:30", "العاشرة", "مساءً", "الأسبوع", "الشهر", "نفسه", "ذات", "قبل", "يومين", "last", "week",
         "July", "7,", "on", "Tuesday", "PM", "/", "-", "،", "و", "بال", "ً", "\u0640", " ", "  "]


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=25), published=st.none() | st.dates())
def test_every_span_reproduces_its_text(parts: list[str], published: date | None) -> None:
    text = " ".join(parts)
    for m in find_dates(text, published):
        assert 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.text
        assert m.precision in {"day", "week", "month", "year", "unknown"}
        assert (m.date is None) == (m.range is None) or m.refers_back
        assert m.range is None or m.range[0] <= m.date <= m.range[1]
    for t in find_times(text):
        assert text[t.start:t.end] == t.text and 0 <= int(t.time[:2]) <= 23 and 0 <= int(t.time[3:]) <= 59


@settings(max_examples=300, deadline=None)
@given(text=st.text(), published=st.none() | st.dates())
def test_finders_never_raise(text: str, published: date | None) -> None:
    find_dates(text, published)
    find_times(text)


@pytest.mark.parametrize("text, expected", [
    ("بعد عام على الهجوم على السجن: في 20 أيلول دخل المسلحون من البوابة الشرقية", D(2021, 9, 20)),
    ("A year on, the prison still stands. On September 18 the attackers came at night.", D(2021, 9, 18)),
    ("في 20 أيلول دخل المسلحون من البوابة الشرقية للسجن", D(2022, 9, 20)),  # no anniversary: this year
    ("بعد عام على الهجوم: في 10 آب أعلنت القوات انتهاء التمشيط", D(2022, 8, 10)),  # over a month before: as read
])
def test_an_anniversary_piece_dates_recent_days_a_year_back(text: str, expected: date) -> None:
    assert [m.date for m in find_dates(text, PUB) if "month" in m.rule] == [expected]
