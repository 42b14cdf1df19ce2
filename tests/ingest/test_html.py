"""extract_html: body paragraphs and metadata, nothing of the page furniture."""
from datetime import date

import pytest

from marsad.errors import IngestError
from marsad.ingest.html import extract_html, html_to_text

PARA1 = ("سقطت ثلاثة صواريخ قرب قاعدة عسكرية في ريف المحافظة الشرقية فجر اليوم، "
         "ولم تسجل إصابات بين العاملين فيها بحسب مصادر محلية تحدثت إلينا.")
PARA2 = ("وقالت المصادر إن الصواريخ أطلقت من أرض زراعية مفتوحة جنوب القاعدة، "
         "وإن القوات المتمركزة فيها ردت بقصف مدفعي على موقع الإطلاق بعد دقائق.")
PARA3 = ("ويأتي الهجوم بعد أيام من تحذيرات أطلقتها جهات محلية من تصعيد جديد في المنطقة، "
         "من دون أن تعلن أي جهة مسؤوليتها عنه حتى الآن.")

HEAD = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>صواريخ تستهدف قاعدة عسكرية - موقع الرصد</title>
<meta property="og:title" content="صواريخ تستهدف قاعدة عسكرية">
<meta property="og:site_name" content="موقع الرصد">
<meta property="article:published_time" content="2022-09-20T08:30:00+03:00">
<link rel="canonical" href="https://example.org/news/1234"></head>"""

BODY = f"""<body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/syria">سوريا</a></li><li><a href="/iraq">العراق</a></li></ul></nav>
<article><h1>صواريخ تستهدف قاعدة عسكرية</h1>
<p>{PARA1}</p><p>{PARA2}</p><p>{PARA3}</p>
<div class="share-buttons"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
</article>
<aside class="related-articles"><h3>مقالات ذات صلة</h3><ul>
<li><a href="/news/1">وزير يزور مدرسة جديدة في العاصمة</a></li>
<li><a href="/news/2">ارتفاع أسعار الخضار في الأسواق</a></li></ul></aside>
<footer>© 2022 موقع الرصد. جميع الحقوق محفوظة</footer>
</body></html>"""


def test_extract_html_keeps_body_and_reads_metadata():
    result = extract_html(HEAD + BODY, "p1")
    for para in (PARA1, PARA2, PARA3):
        assert para in result.text
    for furniture in ("الرئيسية", "تويتر", "مقالات ذات صلة", "مدرسة جديدة", "جميع الحقوق"):
        assert furniture not in result.text
    assert result.published == date(2022, 9, 20)
    assert result.title == "صواريخ تستهدف قاعدة عسكرية"
    assert result.url == "https://example.org/news/1234"
    assert result.sitename == "موقع الرصد"


def test_extract_html_ignores_copyright_year_as_date():
    # Only a footer "© 2022" and an Arabic visible date: the page has no machine date.
    page = (f"<html><body><article><p>الثلاثاء 20 أيلول 2022</p><p>{PARA1}</p><p>{PARA2}</p>"
            "</article><footer>© 2022 موقع الرصد</footer></body></html>")
    assert extract_html(page, "p1").published is None


def test_extract_html_truncated_page_keeps_text_before_the_cut():
    page = HEAD + BODY
    cut = page[:page.index("<p>", page.index(PARA2)) + 2]  # inside the third <p> tag
    result = extract_html(cut, "p1")
    assert PARA1 in result.text
    assert PARA3 not in result.text


@pytest.mark.parametrize("page", [
    HEAD[:HEAD.index("<link") + 7],  # cut inside the head: no body at all
    "<html><head><title>",
    "",
    "<html><body><script>var a = 1;</script></body></html>",
])
def test_extract_html_without_text_raises(page):
    with pytest.raises(IngestError) as err:
        extract_html(page, "p2")
    assert err.value.reason == "no article text found in HTML"


@pytest.mark.parametrize("fragment, expected", [
    ("<p>السطر الأول</p><p>السطر <b>الثاني</b></p>", "السطر الأول\nالسطر الثاني"),
    ("سطر<br>وسطر آخر", "سطر\nوسطر آخر"),
    ("<div>نص<script>x()</script></div>", "نص"),
    ("<?xml version='1.0' encoding='utf-8'?><p>نص</p>", "نص"),
    ("", ""),
])
def test_html_to_text_one_line_per_block(fragment, expected):
    assert html_to_text(fragment) == expected



def test_broken_character_reference_after_a_block_is_dropped_not_fatal() -> None:
    # Found by tools/fuzz.py: "&#x6" decodes to U+0006 in the tail of the <p>, which lxml refuses to set again.
    text = html_to_text("<p>سقطت ثلاثة صواريخ</p>&#x6ز على القاعدة")
    assert text == "سقطت ثلاثة صواريخ\nز على القاعدة"
