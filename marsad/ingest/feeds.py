"""RSS / Atom feed file → one Article per entry (feedparser does the parsing).

A feed entry is already the article body, so its HTML is flattened to text
directly (trafilatura's page heuristics discard short fragments). The title is
put on the first line because feed summaries are short and the headline
often carries the event ("قصف صاروخي يستهدف قاعدة ...").
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import feedparser

from marsad.ingest.html import html_to_text
from marsad.ingest.records import parse_published
from marsad.types import Article, Failure


def feed_articles(data: bytes, path: Path) -> Iterator[Article | Failure]:
    """Articles of a feed file's entries; a Failure for the file or for an empty entry."""
    parsed = feedparser.parse(data)
    if not parsed.entries:
        cause = parsed.get("bozo_exception")
        # SAX errors print a position in feedparser's rewritten input; the message alone is clearer.
        message = getattr(cause, "getMessage", lambda: str(cause))()
        reason = f"not an RSS/Atom feed: {message}" if cause else "feed has no entries"
        yield Failure(path.stem, str(path), reason)
        return
    outlet = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, 1):
        key = entry.get("id") or entry.get("link") or f"{entry.get('title')}|{entry.get('published')}"
        doc_id = f"{path.stem}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"
        source = f"{path}#{number}"
        title = _plain(entry.get("title_detail")) or None
        body = _body(entry)
        if not body and not title:
            yield Failure(doc_id, source, f"feed entry {number} has no text")
            continue
        text = body if not title or body.startswith(title) else f"{title}\n\n{body}".strip()
        yield Article(doc_id=doc_id, source=source, text=text, url=entry.get("link"),
                      outlet=outlet, published=_entry_date(entry), title=title,
                      lang=_lang(entry, parsed))


def _body(entry: Any) -> str:
    """The fullest text the entry has: content (content:encoded, Atom content), else summary."""
    for detail in [*entry.get("content", []), entry.get("summary_detail")]:
        text = _plain(detail)
        if text:
            return text
    return ""


def _plain(detail: Any) -> str:
    if not detail or not detail.get("value"):
        return ""
    value = detail["value"]
    return html_to_text(value) if "html" in (detail.get("type") or "") else value.strip()


def _entry_date(entry: Any) -> date | None:
    """The date as written in the feed (its own offset), else feedparser's UTC reading."""
    for key in ("published", "updated"):
        try:
            found = parse_published(entry.get(key))
        except ValueError:
            found = None
        if found:
            return found
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(*parsed[:3]) if parsed else None


def _lang(entry: Any, parsed: Any) -> str | None:
    """A two-letter language the feed declares (xml:lang / <language>), if any."""
    declared = (entry.get("content") or [{}])[0].get("language") or parsed.feed.get("language")
    return declared.split("-")[0].lower() if declared else None
