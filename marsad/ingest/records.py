"""A JSON record (a manifest line, a .json file's object) → Article.

A record names its document in one of three ways: ``path`` (relative to the
file that holds the record), ``text`` or ``html``. The other fields are
optional metadata and win over whatever the page itself says.
"""
from __future__ import annotations

from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from marsad.errors import IngestError
from marsad.ingest.files import file_article, html_article
from marsad.settings import Settings
from marsad.types import Article

BODY_KEYS = ("path", "text", "html")
_STRING_KEYS = ("path", "text", "html", "url", "outlet", "lang", "title")


def parse_published(value: Any) -> date | None:
    """An ISO date or datetime (or an RFC 822 feed date) → the date as written.

    The date is taken in the timestamp's own offset: "2022-09-20T01:00+03:00"
    is 20 September where it was published, even though it is the 19th in UTC.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        raw = value.strip()
        try:
            return datetime.fromisoformat(raw).date()
        except ValueError:
            pass
        try:
            return parsedate_to_datetime(raw).date()
        except (TypeError, ValueError, IndexError):
            pass
    raise ValueError(f"bad published date: {value!r}")


def record_article(record: Any, *, doc_id: str | None, base_dir: Path, source: str,
                   settings: Settings) -> Article:
    """Build the Article a record describes; ``doc_id`` is used when the record has none.

    Raises IngestError naming the record's problem; the caller adds where it was.
    """
    label = doc_id or source
    if not isinstance(record, dict):
        raise IngestError(label, f"expected a JSON object, got {type(record).__name__}")
    record_id = record.get("doc_id", doc_id)
    if isinstance(record_id, int) and not isinstance(record_id, bool):
        record_id = str(record_id)
    if not isinstance(record_id, str) or not record_id.strip():
        raise IngestError(label, "missing doc_id")
    record_id = record_id.strip()
    for key in _STRING_KEYS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise IngestError(record_id, f"field {key!r} must be a string")
    if not any(record.get(key) for key in BODY_KEYS):
        raise IngestError(record_id, "needs one of path, text, html")
    try:
        published = parse_published(record.get("published"))
    except ValueError as exc:
        raise IngestError(record_id, str(exc)) from None
    fields = dict(url=record.get("url"), outlet=record.get("outlet"), published=published,
                  lang=record.get("lang"), title=record.get("title"))
    if record.get("path"):
        return file_article(base_dir / record["path"], record_id, settings, **fields)
    if record.get("text"):
        return Article(doc_id=record_id, source=source, text=record["text"],
                       html=record.get("html"), **fields)
    return html_article(record["html"], doc_id=record_id, source=source, **fields)
