"""One document file → Article, with every refusal stated as a one-line reason.

The size is checked with ``stat`` before reading, so a stray multi-gigabyte
file in an input folder costs nothing.
"""
from __future__ import annotations

import re
import stat
from datetime import date
from pathlib import Path

from marsad.errors import IngestError
from marsad.ingest.decode import decode_bytes
from marsad.ingest.html import extract_html
from marsad.settings import Settings
from marsad.types import Article

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_HTML_START = re.compile(r"\s*(<!doctype\s+html|<html)", re.IGNORECASE)


def read_checked(path: Path, doc_id: str, settings: Settings) -> bytes:
    """The bytes of a regular file within the size limit, else IngestError."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IngestError(doc_id, f"file not found: {path}") from None
    except OSError as exc:
        raise IngestError(doc_id, f"unreadable path: {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(doc_id, f"not a regular file: {path}")
    if info.st_size > settings.max_bytes:
        raise IngestError(doc_id, f"file too large: {info.st_size} bytes > limit {settings.max_bytes}")
    if info.st_size == 0:
        raise IngestError(doc_id, "empty file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(doc_id, f"unreadable path: {path}: {exc.strerror}") from None


def read_text(path: Path, doc_id: str, settings: Settings) -> str:
    """A text file decoded; HTML files may name their charset in a meta tag."""
    data = read_checked(path, doc_id, settings)
    declared = _META_CHARSET.search(data[:4096])
    return decode_bytes(data, doc_id, declared=declared.group(1).decode("ascii") if declared else None)


def file_article(path: Path, doc_id: str, settings: Settings, *, source: str | None = None,
                 url: str | None = None, outlet: str | None = None, published: date | None = None,
                 lang: str | None = None, title: str | None = None) -> Article:
    """An Article from a .txt or .html file; keyword fields win over the page's own metadata."""
    text = read_text(path, doc_id, settings)
    if not text.strip():
        raise IngestError(doc_id, "empty file (only whitespace)")
    fields = dict(doc_id=doc_id, source=source or str(path), url=url, outlet=outlet,
                  published=published, lang=lang, title=title)
    if path.suffix.lower() in HTML_SUFFIXES or _HTML_START.match(text):
        return html_article(text, **fields)
    return Article(text=text, **fields)


def html_article(html: str, *, doc_id: str, source: str, url: str | None = None,
                 outlet: str | None = None, published: date | None = None, lang: str | None = None,
                 title: str | None = None) -> Article:
    """Extract the page now, so a page without text is refused at ingest, with its reason."""
    page = extract_html(html, doc_id)
    return Article(doc_id=doc_id, source=source, text=page.text, html=html,
                   url=url or page.url, outlet=outlet or page.sitename,
                   published=published or page.published, lang=lang, title=title or page.title)
