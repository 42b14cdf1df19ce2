"""clean_text and make_doc: tidy whitespace, drop site debris, keep every body word."""
import hashlib
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from marsad.clean.text import clean_text, guess_lang, make_doc
from marsad.errors import IngestError
from marsad.settings import Settings
from marsad.types import Article

BODY1 = ("أعلنت مصادر محلية سقوط ثلاث قذائف صاروخية قرب حقل نفطي شرق النهر مساء الأحد، "
         "من دون أن تسفر عن إصابات بين العاملين.")
BODY2 = ("وأضافت المصادر أن القذائف أطلقت من بساتين قريبة، وأن القوات الموجودة في الحقل "
         "ردت بقصف مدفعي على مواقع الإطلاق.")
BODY3 = "ويأتي القصف بعد أسبوع من هجوم مماثل استهدف الموقع ذاته بطائرة مسيرة."


def doc(*lines: str) -> str:
    return "\n\n".join(lines)


@pytest.mark.parametrize("raw, expected", [
    ("سطر أول\r\nسطر ثان\rسطر ثالث", "سطر أول\nسطر ثان\nسطر ثالث"),
    ("سطر أول   \t\nسطر ثان  ", "سطر أول\nسطر ثان"),
    ("فقرة أولى\n\n\n\n\nفقرة ثانية", "فقرة أولى\n\nفقرة ثانية"),
    ("\ufeffقصف\u200b مدفعي", "قصف مدفعي"),
    ("\u200fقصف\u202b مدفعي\u202c", "قصف مدفعي"),
    ("ا\u0654طلقت", "أطلقت"),  # decomposed hamza composed (NFC)
    ("أُطلِقَتْ صواريخ على مستشفى", "أُطلِقَتْ صواريخ على مستشفى"),  # harakat, ى kept: no folding
    ("\n\n  نص  \n\n", "نص"),
], ids=["newlines", "trailing-space", "blank-runs", "zero-width-bom", "direction-marks", "nfc",
        "no-folding", "outer-space"])
def test_clean_text_whitespace_and_invisibles(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("debris", [
    "fbpx",
    "39",
    "١٢٤٥",
    "–",
    "* * *",
    "اظهر المزيد",
    "زر الذهاب إلى الأعلى",
    "شارك المقال على:",
    "شارك هذا المقال",
    "فيسبوك تويتر واتساب تيلجرام",
    "Facebook | Twitter | WhatsApp",
    "تابعونا على تلغرام",
    "اقرأ أيضًا: وزير يفتتح مدرسة جديدة في العاصمة",
    "اقرأ أيضا:",
    "» إقرأ أيضاً - ارتفاع أسعار الخبز",
    "Read more: a minister opens a school",
    "إعلان",
    "© 2023 شبكة الأخبار",
])
def test_clean_text_drops_debris_line_and_keeps_body(debris):
    assert clean_text(doc(BODY1, debris, BODY2)) == doc(BODY1, BODY2)


@pytest.mark.parametrize("line", [
    "اقرأ أيضا ما كتبه المراسل عن الحادثة في تقريره السابق.",  # no ":" after the label
    "وقال المتحدث إن مقالات ذات صلة نشرت في الصحف المحلية تناولت الهجوم.",
    "شارك عشرات المسلحين في الهجوم على الحاجز.",  # "شارك" as a verb with an object
    "تويتر أعلن حذف حسابات مرتبطة بالفصائل",
    "قتل 39 عنصرا في الهجوم",
])
def test_clean_text_keeps_body_lines_that_resemble_debris(line):
    assert clean_text(doc(BODY1, line, BODY2)) == doc(BODY1, line, BODY2)


@pytest.mark.parametrize("heading", ["مقالات ذات صلة", "مقالات ذات صلة:", "الأكثر قراءة",
                                     "أخبار ذات صلة", "Related articles"])
def test_clean_text_cuts_footer_with_link_list(heading):
    raw = doc(BODY1, BODY2, BODY3, heading, "وزير يفتتح مدرسة جديدة", "ارتفاع أسعار الخبز")
    assert clean_text(raw) == doc(BODY1, BODY2, BODY3)


def test_clean_text_cuts_heading_in_last_third_even_before_long_teaser():
    teaser = "تقرير مطول عن أحوال الطقس في الساحل خلال الأسبوع المقبل " * 3
    raw = doc(BODY1, BODY2, BODY3, BODY1, "أخبار ذات صلة", teaser)
    assert clean_text(raw) == doc(BODY1, BODY2, BODY3, BODY1)


def test_clean_text_keeps_heading_followed_by_body_paragraphs_early_on():
    # A heading line early in the text, with long paragraphs after it, is not a footer.
    raw = doc("الأكثر قراءة", BODY1, BODY2, BODY3)
    assert clean_text(raw) == raw


def test_clean_text_real_shape_footer():
    raw = doc("fbpx", "قصف على حقل نفطي", "12", BODY1, BODY2, "اظهر المزيد", "مقالات ذات صلة",
              "زر الذهاب إلى الأعلى")
    assert clean_text(raw) == doc("قصف على حقل نفطي", BODY1, BODY2)


@given(st.text())
@settings(max_examples=300)
def test_clean_text_is_idempotent_on_any_text(text):
    once = clean_text(text)
    assert clean_text(once) == once


LINES = st.sampled_from([BODY1, BODY2, BODY3, "", "  ", "39", "fbpx", "مقالات ذات صلة", "الأكثر قراءة",
                         "اقرأ أيضا: عنوان", "فيسبوك تويتر", "عنوان قصير", "\u200b", "ا\u0654", "\r",
                         "– ", "شارك", "تقرير"])


@given(st.lists(LINES, max_size=40).map("\n".join))
@settings(max_examples=300)
def test_clean_text_is_idempotent_on_debris_mixes(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert "\n\n\n" not in once and once == once.strip()


# --- make_doc -------------------------------------------------------------------------

def test_make_doc_fields():
    raw = doc("قصف على حقل نفطي", "fbpx", BODY1)
    article = Article(doc_id="d1", source="x.txt", text=raw, outlet="وكالة", published=date(2022, 4, 7))
    made = make_doc(article, Settings())
    assert made.text == doc("قصف على حقل نفطي", BODY1)
    assert made.raw == raw
    assert made.sha == hashlib.sha256(made.text.encode("utf-8")).hexdigest()
    assert (made.doc_id, made.source, made.outlet, made.published) == ("d1", "x.txt", "وكالة",
                                                                      date(2022, 4, 7))
    assert made.lang == "ar"
    assert made.title == "قصف على حقل نفطي"


def test_make_doc_from_html_uses_page_metadata():
    html = ('<html><head><title>قصف على حقل نفطي</title>'
            '<meta property="article:published_time" content="2022-09-20"></head>'
            f"<body><article><p>{BODY1}</p><p>{BODY2}</p></article></body></html>")
    made = make_doc(Article(doc_id="h1", source="h.html", html=html), Settings())
    assert BODY1 in made.text and BODY2 in made.text
    assert made.raw == html
    assert made.published == date(2022, 9, 20)
    assert made.title == "قصف على حقل نفطي"


def test_make_doc_refuses_text_that_cleans_to_nothing():
    article = Article(doc_id="d2", source="x.txt", text=doc("fbpx", "39", "شارك هذا المقال"))
    with pytest.raises(IngestError) as err:
        make_doc(article, Settings())
    assert err.value.reason == "no text after cleaning (0 chars < 40)"


def test_make_doc_long_first_line_is_no_title():
    made = make_doc(Article(doc_id="d3", source="x", text=BODY1 * 3), Settings())
    assert made.title is None


@pytest.mark.parametrize("text, lang", [
    (BODY1, "ar"),
    ("Three rockets hit near the oil field on Sunday evening.", "en"),
    (BODY1 + " (Initial report: rockets near the base)", "ar"),
    ("", "en"),
])
def test_guess_lang(text, lang):
    assert guess_lang(text) == lang
