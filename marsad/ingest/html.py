"""News HTML → main text and metadata, trafilatura behind one function.

trafilatura with ``favor_precision`` keeps the headline and body paragraphs and
drops navigation, share buttons and "مقالات ذات صلة" blocks. Its date search is
run without the extensive scan: that scan takes "© 2022" in a footer for
2022-01-01 when the page only shows an Arabic date, which is silently wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import lxml.html
from lxml import etree

from marsad.errors import IngestError

# Elements whose end is a line break in the rendered page.
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
           "section", "article", "header", "footer", "ul", "ol", "table", "pre", "figcaption")
_INVISIBLE = ("script", "style", "noscript", "template", "head")
# lxml refuses control characters (and NUL) anywhere in a string it parses.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# lxml refuses a str that still declares its byte encoding (<?xml ... encoding="utf-8"?>).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class HtmlResult:
    text: str
    title: str | None
    published: date | None
    url: str | None
    sitename: str | None


def extract_html(html: str, doc_id: str) -> HtmlResult:
    """The article text and metadata of a page; IngestError when it has no text."""
    # Imported here: trafilatura takes ~0.3 s to import, and most runs (manifests of text) never need it.
    import trafilatura
    from trafilatura.settings import set_date_params

    html = _XML_ILLEGAL.sub("", html)
    doc = trafilatura.bare_extraction(html, with_metadata=True, favor_precision=True,
                                      include_comments=False,
                                      date_extraction_params=set_date_params(False))
    text = (doc.text or "") if doc is not None else ""
    if not text.strip():
        text = trafilatura.extract(html, favor_recall=True, include_comments=False) or ""
    if not text.strip():
        text = html_to_text(html)
    if not text.strip():
        raise IngestError(doc_id, "no article text found in HTML")
    if doc is None:
        return HtmlResult(text, None, None, None, None)
    return HtmlResult(text, doc.title or None, _iso_date(doc.date), doc.url or None,
                      doc.sitename or None)


def html_to_text(html: str) -> str:
    """Every visible text of an HTML document or fragment, one line per block.

    Used for feed entries (already the article body, too short for trafilatura's
    heuristics) and as the last resort for pages trafilatura finds empty.
    """
    html = _XML_DECLARATION.sub("", _XML_ILLEGAL.sub("", html))
    if not html.strip():
        return ""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("|".join(f"//{tag}" for tag in _INVISIBLE)):
        bad.drop_tree()
    for block in root.iter(*_BLOCKS):
        # A broken character reference ("&#x6") decodes to a control character that lxml will
        # not take back when the tail is set (found by tools/fuzz.py): drop it on the way.
        block.tail = "\n" + _XML_ILLEGAL.sub("", block.tail or "")
    lines = (_SPACES.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
