"""Inputs (files, folders, manifests, JSON, feeds) → a stream of Articles and Failures.

A bad document never stops a run: it becomes a ``Failure`` with a one-line
reason and the documents next to it are still read. Only programming errors
raise. Publication dates come from the record or feed first, then from the
page's metadata, then from the caller's ``published``; unknown stays None.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from marsad.errors import IngestError
from marsad.ingest.decode import decode_bytes
from marsad.ingest.feeds import feed_articles
from marsad.ingest.files import HTML_SUFFIXES, file_article, read_checked
from marsad.ingest.records import record_article
from marsad.settings import Settings
from marsad.types import Article, Failure

MANIFEST_NAME = "manifest.jsonl"
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
TEXT_SUFFIXES = frozenset({".txt"})
FOLDER_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | {".json", ".jsonl"}

Item = Article | Failure


def iter_articles(paths: list[Path], *, published: date | None = None,
                  settings: Settings) -> Iterator[Item]:
    """One Article per document found under ``paths``, or a Failure saying why not."""
    seen: dict[str, str] = {}
    for path in paths:
        for item in _read_path(Path(path), settings):
            if isinstance(item, Article):
                if item.doc_id in seen:
                    yield Failure(item.doc_id, item.source,
                                  f"duplicate doc_id (already read from {seen[item.doc_id]})")
                    continue
                seen[item.doc_id] = item.source
                if item.published is None and published is not None:
                    item = replace(item, published=published)
            yield item


def _read_path(path: Path, settings: Settings) -> Iterator[Item]:
    if path.is_dir():
        yield from _read_folder(path, settings, set())
    else:
        yield from _read_file(path, settings)


def _read_folder(folder: Path, settings: Settings, visited: set[Path]) -> Iterator[Item]:
    """Every known file below ``folder``, in name order.

    A folder holding ``manifest.jsonl`` is a prepared corpus: it is read through
    its manifest alone, so the documents it lists are not read twice and side
    files (gold annotations) are not taken for documents.
    """
    real = folder.resolve()
    if real in visited:  # a symlink loop
        return
    visited.add(real)
    if (folder / MANIFEST_NAME).is_file():
        yield from _read_manifest(folder / MANIFEST_NAME, settings)
        return
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        yield Failure(folder.name, str(folder), f"unreadable path: {folder}: {exc.strerror}")
        return
    for child in children:
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _read_folder(child, settings, visited)
        elif child.suffix.lower() in FOLDER_SUFFIXES:
            yield from _read_file(child, settings)


def _read_file(path: Path, settings: Settings) -> Iterator[Item]:
    suffix = path.suffix.lower()
    readers = {".jsonl": _read_manifest, ".json": _read_json}
    reader = readers.get(suffix, _read_feed if suffix in FEED_SUFFIXES else None)
    if reader is not None:
        yield from reader(path, settings)
        return
    try:
        yield file_article(path, path.stem, settings)
    except IngestError as exc:
        yield Failure(exc.doc_id, str(path), exc.reason)


def _read_manifest(path: Path, settings: Settings) -> Iterator[Item]:
    """One record per line; a bad line is a Failure and the other lines go on."""
    try:
        lines = decode_bytes(read_checked(path, path.stem, settings), path.stem).split("\n")
    except IngestError as exc:
        yield Failure(exc.doc_id, str(path), exc.reason)
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(f"{path.stem}:{number}", source,
                          f"manifest line {number}: invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        try:
            yield record_article(record, doc_id=None, base_dir=path.parent, source=source,
                                 settings=settings)
        except IngestError as exc:
            doc_id = exc.doc_id if exc.doc_id != source else f"{path.stem}:{number}"
            yield Failure(doc_id, source, f"manifest line {number}: {exc.reason}")


def _read_json(path: Path, settings: Settings) -> Iterator[Item]:
    """A .json file: one record, or a list of records (ids get a content hash)."""
    try:
        data = json.loads(decode_bytes(read_checked(path, path.stem, settings), path.stem))
    except IngestError as exc:
        yield Failure(exc.doc_id, str(path), exc.reason)
        return
    except json.JSONDecodeError as exc:
        yield Failure(path.stem, str(path), f"invalid JSON: {exc.msg} (line {exc.lineno})")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, 1):
        source = f"{path}#{number}" if isinstance(data, list) else str(path)
        doc_id = _list_item_id(path, record) if isinstance(data, list) else path.stem
        try:
            yield record_article(record, doc_id=doc_id, base_dir=path.parent, source=source,
                                 settings=settings)
        except IngestError as exc:
            where = f"item {number}: " if isinstance(data, list) else ""
            yield Failure(exc.doc_id, source, f"{where}{exc.reason}")


def _list_item_id(path: Path, record: object) -> str:
    """File stem plus a hash of the item's body, stable however the list is reordered."""
    body = ""
    if isinstance(record, dict):
        body = next((str(record[k]) for k in ("path", "text", "html") if record.get(k)), "")
    return f"{path.stem}-{hashlib.sha1(body.encode('utf-8')).hexdigest()[:12]}"


def _read_feed(path: Path, settings: Settings) -> Iterator[Item]:
    try:
        data = read_checked(path, path.stem, settings)
    except IngestError as exc:
        yield Failure(exc.doc_id, str(path), exc.reason)
        return
    yield from feed_articles(data, path)
