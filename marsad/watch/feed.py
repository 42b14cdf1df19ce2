"""An RSS/Atom feed, by URL or as a file: its new and changed entries, with their pages.

A URL is asked for with the ETag and Last-Modified of its last answer, so an
unchanged feed costs one 304. Every entry read is remembered by its doc_id
and text hash, so a server that ignores ETags still gets nothing read twice,
and an entry edited by its outlet is read again. Many Arabic news feeds carry
only a line of summary ("قصف يستهدف قاعدة ...") and link to the report: an
entry without full content and under SUMMARY_CHARS is replaced by its page,
cleaned like any HTML page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser

from marsad.errors import IngestError
from marsad.ingest.decode import decode_bytes
from marsad.ingest.feeds import feed_articles
from marsad.ingest.files import read_checked
from marsad.ingest.html import extract_html
from marsad.types import Article, Failure
from marsad.watch.http import SCHEMES, FetchError
from marsad.watch.poll import Context, Poll, path_name, sha256
from marsad.watch.state import Mark

SUMMARY_CHARS = 400  # entry text (title included) below this, with a link and no content: fetch the page
_FEED_SUFFIX = re.compile(r"\.(xml|rss|atom)$", re.IGNORECASE)


@dataclass(frozen=True)
class FeedSource:
    location: str  # an http(s) URL or a file path

    @property
    def is_url(self) -> bool:
        return urlsplit(self.location).scheme in SCHEMES

    @property
    def name(self) -> str:
        return self.location if self.is_url else path_name(Path(self.location))

    @property
    def label(self) -> str:
        """The doc_id prefix of its entries: the file's stem, or host and path of a URL.

        Without the port, so a feed served again on another port keeps its ids;
        without dots, because feed_articles takes the prefix as a file stem.
        """
        if not self.is_url:
            return Path(self.location).stem
        parts = urlsplit(self.location)
        where = _FEED_SUFFIX.sub("", f"{parts.hostname}{parts.path}") + (f"-{parts.query}" if parts.query else "")
        return re.sub(r"[^0-9A-Za-z]+", "-", where).strip("-")

    def poll(self, ctx: Context) -> Poll:
        if self.is_url:
            try:
                answer = ctx.http.get(self.location, etag=ctx.state.get(self.name, "etag"),
                                      last_modified=ctx.state.get(self.name, "last-modified"))
            except FetchError as exc:
                return Poll([Failure(self.label, self.location, f"feed: {exc.reason}")])
            if answer.status == 304:
                return Poll()
            data = answer.body
            validators = [Mark(self.name, "etag", answer.etag), Mark(self.name, "last-modified", answer.last_modified)]
        else:
            path = Path(self.location)
            try:
                data = read_checked(path, path.stem, ctx.settings)
            except IngestError as exc:
                return Poll([Failure(exc.doc_id, self.location, exc.reason)])
            digest = sha256(data)
            if ctx.state.get(self.name, "sha256") == digest:
                return Poll()
            validators = [Mark(self.name, "sha256", digest)]
        parsed = feedparser.parse(data)
        items = list(feed_articles(data, Path(self.label) if self.is_url else Path(self.location)))
        if not parsed.entries:  # not a feed (an error page?): its Failure, nothing remembered, asked again
            return Poll([replace(item, source=self.location) for item in items])
        poll, deferred = self._entries(ctx, parsed.entries, items)
        if not deferred:  # an entry left for next round needs the whole feed again, not a 304
            poll.marks += validators
        return poll

    def _entries(self, ctx: Context, entries: list[Any], items: list[Article | Failure]) -> tuple[Poll, bool]:
        """The entries not read before; True when one of them waits for the next round."""
        seen = ctx.state.with_prefix(self.name, "entry:")
        poll, deferred = Poll(), False
        for number, (entry, item) in enumerate(zip(entries, items, strict=True), 1):
            digest = sha256(item.text) if isinstance(item, Article) else ""
            if seen.get(item.doc_id) == digest:
                continue
            if isinstance(item, Article):
                item = replace(item, source=f"{self.location}#{number}")
                if _summary_only(entry, item):
                    try:
                        item = _with_page(ctx, item)
                    except FetchError as exc:
                        poll.items.append(Failure(item.doc_id, exc.url, f"article page: {exc.reason}"))
                        if exc.transient:  # the entry is read again next round, page and all
                            deferred = True
                            continue
                        # a page gone for good (404) or without text: the summary is all there is
            poll.items.append(item)
            poll.marks.append(Mark(self.name, f"entry:{item.doc_id}", digest))
        return poll, deferred


def _summary_only(entry: Any, article: Article) -> bool:
    return (not entry.get("content") and len(article.text or "") < SUMMARY_CHARS
            and urlsplit(article.url or "").scheme in SCHEMES)


def _with_page(ctx: Context, article: Article) -> Article:
    """The entry with its linked page's cleaned text; FetchError when the page gives none."""
    answer = ctx.http.get(article.url)
    try:
        html = decode_bytes(answer.body, article.doc_id, declared=answer.charset)
        page = extract_html(html, article.doc_id)
    except IngestError as exc:
        raise FetchError(article.url, exc.reason, transient=False) from None
    title = article.title or page.title
    text = page.text if not title or page.text.startswith(title) else f"{title}\n\n{page.text}"
    return replace(article, text=text, html=html, title=title, published=article.published or page.published,
                   outlet=article.outlet or page.sitename)
