"""iter_articles: every input form, and a one-line Failure for every bad input."""
import json
from datetime import date
from pathlib import Path

import pytest

from marsad.clean.text import make_doc
from marsad.ingest.readers import iter_articles
from marsad.settings import Settings
from marsad.types import Article, Failure

SETTINGS = Settings()
TEXT_A = "قصف مدفعي يستهدف أطراف بلدة زراعية شرق النهر.\n\nوقال سكان إن القذائف سقطت في أرض خالية."
TEXT_B = "انفجار عبوة ناسفة على طريق ترابي قرب قرية صغيرة.\n\nولم يعلن أحد مسؤوليته عن الانفجار."
PARA = ("سقطت ثلاثة صواريخ قرب قاعدة عسكرية في ريف المحافظة الشرقية فجر اليوم، "
        "ولم تسجل إصابات بين العاملين فيها بحسب مصادر محلية تحدثت إلينا.")


def page(published: str | None = None, body: str = PARA) -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (f"<html><head><title>خبر</title>{meta}</head><body><article>"
            f"<p>{body}</p><p>{body}</p></article></body></html>")


def read(paths, **kwargs):
    items = list(iter_articles([Path(p) for p in paths], settings=kwargs.pop("settings", SETTINGS),
                               **kwargs))
    articles = {i.doc_id: i for i in items if isinstance(i, Article)}
    failures = {i.doc_id: i for i in items if isinstance(i, Failure)}
    return articles, failures


def write_manifest(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)
                              for x in lines) + "\n", encoding="utf-8")
    return path


# --- single files and folders -------------------------------------------------

def test_folder_yields_good_documents_next_to_bad_ones(tmp_path):
    (tmp_path / "good.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "legacy.txt").write_bytes(TEXT_B.encode("cp1256"))
    (tmp_path / "sub" / "page.html").write_text(page("2022-09-20"), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (tmp_path / "garbled.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    (tmp_path / "cut.html").write_text('<html><head><meta name="descr', encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored: not a known suffix", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(TEXT_A, encoding="utf-8")

    articles, failures = read([tmp_path])

    assert sorted(articles) == ["good", "legacy", "page"]
    assert articles["good"].text == TEXT_A
    assert articles["legacy"].text == TEXT_B
    assert PARA in articles["page"].text and articles["page"].html.startswith("<html>")
    assert articles["page"].published == date(2022, 9, 20)
    assert {k: f.reason for k, f in failures.items()} == {
        "empty": "empty file",
        "blank": "empty file (only whitespace)",
        "binary": "binary file, not text",
        "garbled": "not valid UTF-8 and no known encoding fits",
        "cut": "no article text found in HTML",
    }
    assert failures["empty"].source == str(tmp_path / "empty.txt")


def test_file_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "small.txt").write_text("نص قصير", encoding="utf-8")
    size = big.stat().st_size
    original = Path.read_bytes

    def guarded(self):
        assert self.name != "big.txt", "a file over the limit was read"
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    articles, failures = read([tmp_path], settings=Settings(max_bytes=size - 1))
    assert failures["big"].reason == f"file too large: {size} bytes > limit {size - 1}"
    assert list(articles) == ["small"]


def test_missing_and_unreadable_paths(tmp_path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "fine.txt").write_text(TEXT_B, encoding="utf-8")
    original = Path.read_bytes

    def denied(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    articles, failures = read([tmp_path / "nowhere.txt", locked, tmp_path / "fine.txt"])
    assert failures["nowhere"].reason == f"file not found: {tmp_path / 'nowhere.txt'}"
    assert failures["locked"].reason == f"unreadable path: {locked}: Permission denied"
    assert list(articles) == ["fine"]


def test_published_argument_fills_only_unknown_dates(tmp_path):
    (tmp_path / "plain.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "dated.html").write_text(page("2021-07-07"), encoding="utf-8")
    (tmp_path / "undated.html").write_text(page(), encoding="utf-8")
    given = date(2023, 1, 2)
    articles, _ = read([tmp_path], published=given)
    assert articles["plain"].published == given
    assert articles["dated"].published == date(2021, 7, 7)  # the page's own date wins
    assert articles["undated"].published == given
    articles, _ = read([tmp_path])
    assert articles["plain"].published is None  # unknown stays unknown, never today


def test_duplicate_doc_id_is_a_failure(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "b" / "same.txt").write_text(TEXT_B, encoding="utf-8")
    items = list(iter_articles([tmp_path], settings=SETTINGS))
    assert [type(i).__name__ for i in items] == ["Article", "Failure"]
    assert items[1].reason == f"duplicate doc_id (already read from {tmp_path / 'a' / 'same.txt'})"


# --- manifests -----------------------------------------------------------------

def test_manifest_path_text_and_html_forms(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "one.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "docs" / "two.html").write_text(page("2020-05-06"), encoding="utf-8")
    manifest = write_manifest(tmp_path / "m.jsonl", [
        {"doc_id": "d1", "path": "docs/one.txt", "published": "2022-04-07", "outlet": "وكالة أ",
         "lang": "ar", "url": "https://example.org/1", "title": "عنوان"},
        {"doc_id": "d2", "path": "docs/two.html"},
        {"doc_id": "d3", "text": TEXT_B, "published": "2022-09-20T01:15:00+03:00"},
        {"doc_id": "d4", "html": page("2019-01-02"), "published": "2022-01-05"},
    ])
    articles, failures = read([manifest])
    assert failures == {}
    assert articles["d1"].text == TEXT_A
    assert (articles["d1"].published, articles["d1"].outlet, articles["d1"].lang,
            articles["d1"].url, articles["d1"].title) == (
        date(2022, 4, 7), "وكالة أ", "ar", "https://example.org/1", "عنوان")
    assert articles["d1"].source == str(tmp_path / "docs" / "one.txt")
    assert articles["d2"].published == date(2020, 5, 6)  # from the page's metadata
    assert PARA in articles["d2"].text
    assert articles["d3"].text == TEXT_B
    assert articles["d3"].published == date(2022, 9, 20)  # the date where it was written
    assert articles["d3"].source == f"{manifest}:3"
    assert articles["d4"].published == date(2022, 1, 5)  # the manifest wins over the page


def test_manifest_bad_lines_fail_alone(tmp_path):
    (tmp_path / "ok.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "void.txt").write_bytes(b"")
    manifest = write_manifest(tmp_path / "m.jsonl", [
        {"doc_id": "good1", "path": "ok.txt"},
        '{"doc_id": "broken", "text": "نص',
        {"path": "ok.txt"},
        {"doc_id": "nobody", "outlet": "وكالة"},
        {"doc_id": "lost", "path": "missing/gone.txt"},
        {"doc_id": "baddate", "text": TEXT_B, "published": "الأحد الماضي"},
        "",
        '["not", "an", "object"]',
        {"doc_id": "void", "path": "void.txt"},
        {"doc_id": "good2", "text": TEXT_B},
    ])
    articles, failures = read([manifest])
    assert sorted(articles) == ["good1", "good2"]
    assert {k: f.reason for k, f in failures.items()} == {
        "m:2": "manifest line 2: invalid JSON: Unterminated string starting at (column 30)",
        "m:3": "manifest line 3: missing doc_id",
        "nobody": "manifest line 4: needs one of path, text, html",
        "lost": f"manifest line 5: file not found: {tmp_path / 'missing' / 'gone.txt'}",
        "baddate": "manifest line 6: bad published date: 'الأحد الماضي'",
        "m:8": "manifest line 8: expected a JSON object, got list",
        "void": "manifest line 9: empty file",
    }
    assert failures["m:2"].source == f"{manifest}:2"


def test_folder_with_manifest_is_read_through_it(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "one.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "docs" / "stray.txt").write_text(TEXT_B, encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text('{"doc_id": "one", "events": []}\n', encoding="utf-8")
    write_manifest(tmp_path / "manifest.jsonl", [{"doc_id": "one", "path": "docs/one.txt"}])
    articles, failures = read([tmp_path])
    assert list(articles) == ["one"] and failures == {}


# --- JSON files ------------------------------------------------------------------

def test_json_object_and_list(tmp_path):
    (tmp_path / "single.json").write_text(json.dumps(
        {"text": TEXT_A, "title": "عنوان", "published": "2022-04-07", "outlet": "وكالة"},
        ensure_ascii=False), encoding="utf-8")
    (tmp_path / "batch.json").write_text(json.dumps(
        [{"text": TEXT_A}, {"html": page("2021-03-04")}, {"title": "بلا نص"}],
        ensure_ascii=False), encoding="utf-8")
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    articles, failures = read([tmp_path])
    assert articles["single"].published == date(2022, 4, 7)
    assert articles["single"].title == "عنوان"
    listed = [a for k, a in articles.items() if k.startswith("batch-")]
    assert sorted(a.published for a in listed if a.published) == [date(2021, 3, 4)]
    assert len(listed) == 2
    assert failures["broken"].reason.startswith("invalid JSON: ")
    bad = [f for f in failures.values() if f.source.endswith("batch.json#3")]
    assert [f.reason for f in bad] == ["item 3: needs one of path, text, html"]
    again, _ = read([tmp_path])
    assert sorted(again) == sorted(articles)  # ids are stable across runs


# --- feeds -----------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>نشرة الرصد</title><link>https://example.org/</link>
<language>ar</language>
<item><title>قصف على أطراف بلدة زراعية</title><link>https://example.org/a/1</link>
<guid>https://example.org/a/1</guid><pubDate>Tue, 20 Sep 2022 01:30:00 +0300</pubDate>
<description><![CDATA[<p>سقطت قذائف على أرض زراعية شرق البلدة.</p><p>ولم يصب أحد.</p>]]></description></item>
<item><title>انفجار قرب جسر</title><link>https://example.org/a/2</link>
<guid>tag:example.org,2022:2</guid><pubDate>Wed, 21 Sep 2022 18:00:00 GMT</pubDate>
<description>انفجرت عبوة قرب جسر صغير على النهر.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar"><title>موجز الأخبار</title>
<id>urn:example:feed</id><updated>2023-10-27T10:00:00Z</updated>
<entry><title>طائرة مسيرة تستهدف موقعا عسكريا</title><id>urn:example:entry:7</id>
<link href="https://example.org/e/7"/><published>2023-10-27T09:00:00+03:00</published>
<updated>2023-10-28T09:00:00+03:00</updated>
<content type="html">&lt;p&gt;استهدفت طائرة مسيرة موقعا عسكريا قرب الحدود.&lt;/p&gt;</content></entry>
<entry><title>تحديث بلا تاريخ نشر</title><id>urn:example:entry:8</id>
<updated>2023-10-29T23:30:00-05:00</updated><summary>أعلنت جهة محلية عن تفاصيل جديدة.</summary></entry>
</feed>"""


def test_rss_feed_entries_become_articles_with_dates(tmp_path):
    feed = tmp_path / "news.rss"
    feed.write_text(RSS, encoding="utf-8")
    articles, failures = read([feed])
    assert failures == {}
    by_url = {a.url: a for a in articles.values()}
    first = by_url["https://example.org/a/1"]
    assert first.published == date(2022, 9, 20)  # local date, not the UTC 19th
    assert first.text == "قصف على أطراف بلدة زراعية\n\nسقطت قذائف على أرض زراعية شرق البلدة.\nولم يصب أحد."
    assert (first.title, first.outlet, first.lang) == ("قصف على أطراف بلدة زراعية", "نشرة الرصد", "ar")
    assert first.doc_id.startswith("news-") and first.source == f"{feed}#1"
    assert by_url["https://example.org/a/2"].published == date(2022, 9, 21)
    assert sorted(read([feed])[0]) == sorted(articles)  # stable ids


def test_atom_feed_entries_become_articles_with_dates(tmp_path):
    feed = tmp_path / "brief.atom"
    feed.write_text(ATOM, encoding="utf-8")
    articles, _ = read([feed])
    by_title = {a.title: a for a in articles.values()}
    drone = by_title["طائرة مسيرة تستهدف موقعا عسكريا"]
    assert drone.published == date(2023, 10, 27)  # published, not updated
    assert drone.url == "https://example.org/e/7"
    assert drone.text.endswith("استهدفت طائرة مسيرة موقعا عسكريا قرب الحدود.")
    assert by_title["تحديث بلا تاريخ نشر"].published == date(2023, 10, 29)


@pytest.mark.parametrize("content, reason", [
    ("<?xml version='1.0'?><note><to>x</to></note>", "feed has no entries"),
    ("<rss version='2.0'><channel><title>فارغ</title></channel></rss>", "feed has no entries"),
    ("just some words, not markup", "not an RSS/Atom feed: syntax error"),
])
def test_file_that_is_no_feed_fails(tmp_path, content, reason):
    (tmp_path / "x.xml").write_text(content, encoding="utf-8")
    (tmp_path / "y.txt").write_text(TEXT_A, encoding="utf-8")
    articles, failures = read([tmp_path])
    assert failures["x"].reason == reason
    assert list(articles) == ["y"]


# --- the shared corpus -------------------------------------------------------------

SHARED = Path(__file__).parents[2].parent / "shared" / "corpus"


def test_shared_corpus_manifest_ingests_as_is():
    if not (SHARED / "manifest.jsonl").is_file():
        pytest.skip("../shared corpus not available (user clone)")
    expected = {}
    for line in (SHARED / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        expected[record["doc_id"]] = date.fromisoformat(record["published"])
    articles, failures = read([SHARED / "manifest.jsonl"])
    assert failures == {}
    assert len(articles) == 5
    assert {k: a.published for k, a in articles.items()} == expected
    assert all(a.text and a.lang == "ar" for a in articles.values())
    folder, _ = read([SHARED])  # the folder is read through its manifest, gold.jsonl ignored
    assert sorted(folder) == sorted(articles)
    debris = {"fbpx", "39", "–", "اظهر المزيد", "زر الذهاب إلى الأعلى", "مقالات ذات صلة"}
    for article in articles.values():
        made = make_doc(article, SETTINGS)
        assert made.published == expected[made.doc_id] and made.lang == "ar"
        assert not debris & set(made.text.split("\n"))
