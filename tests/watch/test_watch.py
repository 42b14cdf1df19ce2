"""`marsad watch`: feeds by URL (ETag, linked pages, failures), folders, growing manifests; nothing read twice.

Every request goes to a server on 127.0.0.1 started by the test, serving a
feed and article pages written for these tests, and logging what it is asked.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from marsad import __version__
from marsad.settings import Settings
from marsad.store.db import connect
from marsad.store.store import Store
from marsad.watch.command import run_watch
from marsad.watch.http import FetchError, Http, HttpPolicy
from marsad.watch.interval import parse_interval
from marsad.watch.loop import RoundResult, watch, watch_round

# Reports written for these tests. The feed's dates are Thursday 4 January 2024, so "اليوم الخميس" is that day.
PUBDATE = "Thu, 04 Jan 2024 09:00:00 +0000"
OMAR_SUMMARY = "سقطت صواريخ على قاعدة حقل العمر شرق دير الزور."
OMAR_PAGE = ("أصيب جنديان أمريكيان بجروح طفيفة اليوم الخميس إثر سقوط ثلاثة صواريخ على قاعدة حقل العمر "
             "في ريف دير الزور الشرقي، بحسب مصادر محلية.",
             "وقالت المصادر إن صفارات الإنذار دوت في القاعدة بعد الهجوم مباشرة، وإن مروحيات حلقت فوق المنطقة.")
ASAD_CONTENT = ("تبنت المقاومة الإسلامية في العراق هجوما بطائرة مسيرة على قاعدة عين الأسد الجوية في محافظة "
                "الأنبار اليوم الخميس، وقالت في بيان إن الطائرة أصابت هدفها.")
CONOCO_SUMMARY = "قذائف على حقل كونيكو."
CONOCO_PAGE = ("استهدفت قذائف صاروخية قاعدة حقل كونيكو للغاز في ريف دير الزور اليوم الخميس، ولم ترد أنباء "
               "عن إصابات بين الجنود.",
               "وذكر شهود أن دخانا كثيفا تصاعد من داخل القاعدة بعد سقوط القذائف.")
HAJIN_CONTENT = "انفجرت عبوة ناسفة بسيارة عسكرية في بلدة هجين بريف دير الزور الشرقي اليوم الخميس."


@dataclass
class Entry:
    guid: str
    title: str
    link: str
    summary: str
    content: str | None = None  # content:encoded: the full text, so no page is fetched


OMAR = Entry("omar-1", "صواريخ على قاعدة حقل العمر", "/a/omar.html", OMAR_SUMMARY)
# Its link is never fetched: the entry carries its full text.
ASAD = Entry("asad-1", "هجوم على عين الأسد", "/a/asad.html", "هجوم بطائرة مسيرة.", ASAD_CONTENT)
CONOCO = Entry("conoco-1", "قذائف على كونيكو", "/a/conoco.html", CONOCO_SUMMARY)
PAGES = {"/a/omar.html": ("صواريخ على قاعدة حقل العمر", OMAR_PAGE),
         "/a/conoco.html": ("قذائف على كونيكو", CONOCO_PAGE),
         "/a/asad.html": ("هجوم على عين الأسد", (ASAD_CONTENT,))}


def rss(entries: list[Entry], base: str) -> bytes:
    items = "".join(
        f"<item><guid>{e.guid}</guid><title>{escape(e.title)}</title><link>{base}{e.link}</link>"
        f"<pubDate>{PUBDATE}</pubDate><description>{escape(e.summary)}</description>"
        + (f"<content:encoded>{escape('<p>' + e.content + '</p>')}</content:encoded>" if e.content else "")
        + "</item>" for e in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Test Wire</title>'
            f'<link>{base}/</link><language>ar</language>{items}</channel></rss>').encode("utf-8")


def page(title: str, paragraphs: tuple[str, ...]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><nav><a href="/">الرئيسية</a></nav><article><h1>{title}</h1>{body}</article>'
            f'<footer>جميع الحقوق محفوظة</footer></body></html>').encode("utf-8")


@dataclass
class Site:
    """What the server serves, and the log of (path, status) it answered."""

    base: str = ""
    entries: list[Entry] = field(default_factory=lambda: [OMAR, ASAD])
    honour_etag: bool = True
    flaky_failures: int = 0  # /flaky.xml answers 500 this many more times
    page_failures: int = 0  # article pages answer 500 this many more times
    slow_seconds: float = 1.5  # /slow.xml waits this long before answering
    interrupt_on_feed: bool = False  # /feed.xml sends the test process a Ctrl-C
    log: list[tuple[str, int]] = field(default_factory=list)
    agents: set[str] = field(default_factory=set)

    def paths(self) -> list[str]:
        return [p for p, _ in self.log]


def handler_for(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # the test log replaces the server's stderr lines
            pass

        def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            site.log.append((self.path, status))
            site.agents.add(self.headers.get("User-Agent", ""))
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/feed.xml":
                if site.interrupt_on_feed:
                    os.kill(os.getpid(), signal.SIGINT)
                body = rss(site.entries, site.base)
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if site.honour_etag and self.headers.get("If-None-Match") == etag:
                    self.answer(304, headers={"ETag": etag})
                else:
                    self.answer(200, body, {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag})
            elif self.path in PAGES and site.page_failures > 0:
                site.page_failures -= 1
                self.answer(500)
            elif self.path in PAGES:
                self.answer(200, page(*PAGES[self.path]), {"Content-Type": "text/html; charset=utf-8"})
            elif self.path == "/flaky.xml":
                if site.flaky_failures > 0:
                    site.flaky_failures -= 1
                    self.answer(500)
                else:
                    entry = Entry("hajin-1", "عبوة في هجين", "/a/none.html", "عبوة ناسفة.", HAJIN_CONTENT)
                    self.answer(200, rss([entry], site.base), {"Content-Type": "application/rss+xml"})
            elif self.path == "/slow.xml":
                time.sleep(site.slow_seconds)
                try:
                    self.answer(200, rss([], site.base))
                except OSError:  # the client gave up waiting
                    pass
            else:
                self.answer(404)

        def do_POST(self) -> None:
            self.answer(405)

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site))
    server.daemon_threads = True
    server.block_on_close = False
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


FAST = HttpPolicy(timeout=5.0, retries=1, backoff=0.0, host_delay=0.0)


def one_round(db: Path, specs: list[str], policy: HttpPolicy = FAST) -> RoundResult:
    """One round with a new Store and a new client, as a restarted watcher would run it."""
    with Store(db) as store:
        return watch_round(store, specs, Settings(), Http(policy, sleep=lambda s: None))


def documents(db: Path) -> dict[str, str]:
    conn = connect(str(db))
    try:
        return dict(conn.execute("SELECT doc_id, text FROM documents"))
    finally:
        conn.close()


def evidence(db: Path, doc_id: str, field_name: str) -> list[str]:
    conn = connect(str(db))
    try:
        return [r[0] for r in conn.execute("SELECT text FROM evidence WHERE doc_id = ? AND field = ?",
                                           (doc_id, field_name))]
    finally:
        conn.close()


def failures(db: Path) -> list[tuple[str, str]]:
    conn = connect(str(db))
    try:
        return [tuple(r) for r in conn.execute("SELECT source, reason FROM failures ORDER BY id")]
    finally:
        conn.close()


# --- feeds by URL -------------------------------------------------------------------------------

def test_feed_entries_and_linked_pages_are_ingested(site, database):
    db = database
    result = one_round(db, [f"{site.base}/feed.xml"])
    assert (result.ingest.stored, result.failures) == (2, [])
    # The summary-only entry's page is fetched; the entry with full content is not.
    assert site.log == [("/feed.xml", 200), ("/a/omar.html", 200)]
    assert site.agents == {f"marsad-watch/{__version__} (+https://example.invalid/marsad)"}
    docs = documents(db)
    omar = next(text for doc_id, text in docs.items() if "حقل العمر" in text)
    assert OMAR_PAGE[1] in omar and "الرئيسية" not in omar  # the page's body, without its navigation
    omar_id = next(doc_id for doc_id, text in docs.items() if text == omar)
    assert evidence(db, omar_id, "casualties.us_coalition.injured") == ["جنديان"]
    assert evidence(db, omar_id, "location") == ["قاعدة حقل العمر"]


def test_second_round_and_restarted_watcher_read_nothing(site, database):
    db = database
    feed = f"{site.base}/feed.xml"
    with Store(db) as store:
        http = Http(FAST)
        watch_round(store, [feed], Settings(), http)
        again = watch_round(store, [feed], Settings(), http)
    assert (again.ingest.stored, again.ingest.unchanged) == (0, 0)
    restarted = one_round(db, [feed])  # new Store, new client: the state is in the database
    assert (restarted.ingest.stored, restarted.ingest.unchanged) == (0, 0)
    assert site.log[2:] == [("/feed.xml", 304), ("/feed.xml", 304)]


def test_server_ignoring_etags_still_gets_no_entry_read_twice(site, tmp_path):
    db = tmp_path / "w.db"
    one_round(db, [f"{site.base}/feed.xml"])
    site.honour_etag = False
    result = one_round(db, [f"{site.base}/feed.xml"])
    assert (result.ingest.stored, result.ingest.unchanged) == (0, 0)
    assert site.log[2:] == [("/feed.xml", 200)]  # the feed again, but no page


def test_restarted_watcher_process_reads_nothing_twice(site, tmp_path):
    db = tmp_path / "w.db"
    command = [sys.executable, "-m", "marsad", "watch", f"{site.base}/feed.xml", "--db", str(db), "--once",
               "--host-delay", "0"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120)
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert "2 stored" in first.stderr and "0 stored, 0 unchanged, 0 failed" in second.stderr
    assert site.log == [("/feed.xml", 200), ("/a/omar.html", 200), ("/feed.xml", 304)]


def test_new_entry_is_picked_up_with_its_page(site, tmp_path):
    db = tmp_path / "w.db"
    one_round(db, [f"{site.base}/feed.xml"])
    site.entries = [CONOCO, *site.entries]
    result = one_round(db, [f"{site.base}/feed.xml"])
    assert (result.ingest.stored, result.ingest.unchanged) == (1, 0)
    assert site.log[2:] == [("/feed.xml", 200), ("/a/conoco.html", 200)]
    assert sum(CONOCO_PAGE[0] in text for text in documents(db).values()) == 1


def test_failing_and_slow_sources_are_reported_and_the_others_ingested(site, tmp_path):
    db = tmp_path / "w.db"
    site.flaky_failures = 2  # the first round's attempt and its retry
    specs = [f"{site.base}/flaky.xml", f"{site.base}/slow.xml", f"{site.base}/feed.xml"]
    policy = HttpPolicy(timeout=0.3, retries=1, backoff=0.0, host_delay=0.0)
    first = one_round(db, specs, policy)
    assert first.ingest.stored == 2  # the good feed's two entries
    assert [(f.source, f.reason) for f in first.failures] == [
        (f"{site.base}/flaky.xml", "feed: HTTP 500 Internal Server Error"),
        (f"{site.base}/slow.xml", "feed: timed out after 0.3s")]
    assert failures(db) == [(f.source, f.reason) for f in first.failures]
    second = one_round(db, specs, policy)  # the flaky feed has recovered; the slow one has not
    assert second.ingest.stored == 1
    assert [f.source for f in second.failures] == [f"{site.base}/slow.xml"]
    assert any(HAJIN_CONTENT in text for text in documents(db).values())


def test_failing_page_is_asked_for_again_next_round(site, tmp_path):
    db = tmp_path / "w.db"
    site.page_failures = 2  # the first round's attempt and its retry
    first = one_round(db, [f"{site.base}/feed.xml"])
    assert first.ingest.stored == 1
    assert [f.reason for f in first.failures] == ["article page: HTTP 500 Internal Server Error"]
    second = one_round(db, [f"{site.base}/feed.xml"])
    assert (second.ingest.stored, second.failures) == (1, [])
    # The feed is asked for in full again (no ETag sent), and only the page left over is fetched.
    assert site.log[3:] == [("/feed.xml", 200), ("/a/omar.html", 200)]
    assert any(OMAR_PAGE[1] in text for text in documents(db).values())


def test_page_gone_for_good_leaves_the_summary(site, tmp_path):
    db = tmp_path / "w.db"
    saved = PAGES.pop("/a/omar.html")
    try:
        first = one_round(db, [f"{site.base}/feed.xml"])
    finally:
        PAGES["/a/omar.html"] = saved
    # A 404 is final: the summary is stored, and the page's failure reported.
    assert first.ingest.stored == 2
    assert [f.reason for f in first.failures] == ["article page: HTTP 404 Not Found"]
    assert any(text.endswith(OMAR_SUMMARY) for text in documents(db).values())


# --- HTTP: retries, backoff, per-host delay -------------------------------------------------------

def test_retries_back_off_exponentially_and_4xx_is_final(site):
    sleeps: list[float] = []
    http = Http(HttpPolicy(retries=2, backoff=1.0, host_delay=0.0), sleep=sleeps.append)
    site.flaky_failures = 5
    with pytest.raises(FetchError) as failed:
        http.get(f"{site.base}/flaky.xml")
    assert (failed.value.reason, failed.value.transient, sleeps) == ("HTTP 500 Internal Server Error", True, [1.0, 2.0])
    sleeps.clear()
    with pytest.raises(FetchError) as missing:
        http.get(f"{site.base}/nothing-here")
    assert (missing.value.transient, sleeps) == (False, [])
    assert site.paths() == ["/flaky.xml"] * 3 + ["/nothing-here"]


def test_requests_to_one_host_wait_their_turn(site):
    now, sleeps = [100.0], []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    http = Http(HttpPolicy(host_delay=5.0), sleep=sleep, clock=lambda: now[0])
    http.get(f"{site.base}/a/omar.html")
    http.get(f"{site.base}/a/asad.html")
    assert sleeps == [5.0]
    now[0] += 60
    http.get(f"{site.base}/a/omar.html")
    assert sleeps == [5.0]


def test_only_http_urls_are_fetched():
    with pytest.raises(FetchError) as refused:
        Http().get("file:///etc/hostname")
    assert (refused.value.reason, refused.value.transient) == ("not an http(s) URL", False)


# --- folders, manifests, feed files ------------------------------------------------------------------

OMAR_TEXT = OMAR_PAGE[0]
CONOCO_TEXT = CONOCO_PAGE[0]
ASAD_TEXT = ASAD_CONTENT


def write_record(doc_id: str, text: str) -> str:
    return json.dumps({"doc_id": doc_id, "text": text, "published": "2024-01-04"}, ensure_ascii=False) + "\n"


def test_folder_picks_up_new_and_changed_files(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "w.db"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(OMAR_TEXT, encoding="utf-8")
    (folder / ".draft.txt").write_text(CONOCO_TEXT, encoding="utf-8")  # hidden: not read
    assert one_round(db, [str(folder)]).ingest.stored == 1
    (folder / "a.txt").write_text(CONOCO_TEXT, encoding="utf-8")
    (folder / "sub" / "b.txt").write_text(ASAD_TEXT, encoding="utf-8")
    changed = one_round(db, [str(folder)])
    assert (changed.ingest.stored, changed.ingest.unchanged) == (2, 0)
    assert documents(db) == {"a": CONOCO_TEXT, "b": ASAD_TEXT}
    quiet = one_round(db, [f"{folder}/"])  # the same folder written another way shares its state
    assert (quiet.ingest.stored, quiet.ingest.unchanged) == (0, 0)


def test_growing_manifest_reads_only_new_lines(tmp_path):
    manifest, db = tmp_path / "feed.jsonl", tmp_path / "w.db"
    manifest.write_text(write_record("m-omar", OMAR_TEXT) + write_record("m-asad", ASAD_TEXT), encoding="utf-8")
    assert one_round(db, [str(manifest)]).ingest.stored == 2
    half = write_record("m-conoco", CONOCO_TEXT)
    with open(manifest, "a", encoding="utf-8") as out:
        out.write(half[:30])  # a writer half-way through a line
    waiting = one_round(db, [str(manifest)])
    assert (waiting.ingest.stored, waiting.ingest.unchanged, waiting.failures) == (0, 0, [])
    with open(manifest, "a", encoding="utf-8") as out:
        out.write(half[30:])
    grown = one_round(db, [str(manifest)])
    assert (grown.ingest.stored, grown.ingest.unchanged) == (1, 0)
    assert documents(db)["m-conoco"] == CONOCO_TEXT


def test_feed_file_reads_only_new_entries(tmp_path, site):
    path, db = tmp_path / "wire.xml", tmp_path / "w.db"
    path.write_bytes(rss([ASAD], "http://127.0.0.1:9"))
    assert one_round(db, [str(path)]).ingest.stored == 1
    assert one_round(db, [str(path)]).ingest.stored == 0
    hajin = Entry("hajin-1", "عبوة في هجين", f"{site.base}/a/none.html", "عبوة ناسفة.", HAJIN_CONTENT)
    path.write_bytes(rss([hajin, ASAD], ""))
    grown = one_round(db, [str(path)])
    assert (grown.ingest.stored, grown.ingest.unchanged) == (1, 0)
    assert site.log == []  # entries with their full content: no page asked for


def test_url_that_is_no_feed_is_reported_with_its_url(site, tmp_path):
    result = one_round(tmp_path / "w.db", [f"{site.base}/a/asad.html"])
    assert [(f.source, f.reason.split(":")[0]) for f in result.failures] == [
        (f"{site.base}/a/asad.html", "not an RSS/Atom feed")]


def test_missing_source_is_reported_and_retried(tmp_path):
    db, later = tmp_path / "w.db", tmp_path / "later"
    first = one_round(db, [str(later / "x.txt")])
    assert [f.reason for f in first.failures] == [f"file not found: {later / 'x.txt'}"]
    later.mkdir()
    (later / "x.txt").write_text(OMAR_TEXT, encoding="utf-8")
    assert one_round(db, [str(later / "x.txt")]).ingest.stored == 1


# --- the loop and the command ---------------------------------------------------------------------

@pytest.mark.parametrize("text, seconds", [("30s", 30), ("10m", 600), ("1h", 3600), ("1.5h", 5400), (" 2M ", 120)])
def test_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["10", "10x", "m", "0s", "-5m", "1h30m"])
def test_bad_interval(text):
    with pytest.raises(ValueError, match="not an interval"):
        parse_interval(text)


def test_stop_ends_the_loop_between_rounds(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(OMAR_TEXT, encoding="utf-8")
    stop = threading.Event()
    rounds: list[RoundResult] = []

    def report(result: RoundResult) -> None:
        rounds.append(result)
        if len(rounds) == 2:
            stop.set()

    with Store(tmp_path / "w.db") as store:
        last = watch(store, [str(tmp_path / "in")], Settings(), Http(FAST), every=0.0, once=False, stop=stop,
                     report=report)
    assert [r.ingest.stored for r in rounds] == [1, 0] and last is rounds[-1]


def test_ctrl_c_finishes_the_round_then_exits(site, tmp_path, capsys):
    site.interrupt_on_feed = True
    status = run_watch([f"{site.base}/feed.xml"], tmp_path / "w.db", every=3600.0, once=False, quiet=False,
                       alerts=None, policy=FAST)
    assert status == 0
    assert len(documents(tmp_path / "w.db")) == 2  # the round went on to the end after Ctrl-C
    assert "stopping after this round" in capsys.readouterr().err


def test_bad_every_is_refused_by_the_command():
    from click.testing import CliRunner

    from marsad.cli import cli

    result = CliRunner().invoke(cli, ["watch", "x", "--every", "often"])
    assert result.exit_code == 2 and "not an interval like 30s, 10m or 1h: 'often'" in result.output


def test_once_exits_1_when_a_source_failed(tmp_path):
    from marsad.cli import cli

    with pytest.raises(SystemExit) as done:
        cli(["watch", str(tmp_path / "nothing.txt"), "--db", str(tmp_path / "w.db"), "--once", "-q"])
    assert done.value.code == 1
