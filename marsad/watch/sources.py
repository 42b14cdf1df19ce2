"""What one watched source has that the store has not: new or changed documents.

A source is named on the command line: an http(s) URL is a feed, a folder is
watched file by file, a ``.jsonl`` file is a manifest that grows, a feed file
is read entry by entry, and any other file is one document. Each poll returns
the documents to ingest and the state (``Mark``) to remember once they are
stored; a source that cannot be read returns a ``Failure`` and no state, so
it is read again next round.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from marsad.errors import IngestError
from marsad.ingest.decode import decode_bytes
from marsad.ingest.files import read_checked
from marsad.ingest.readers import FEED_SUFFIXES, FOLDER_SUFFIXES, MANIFEST_NAME, iter_articles
from marsad.ingest.records import record_article
from marsad.settings import Settings
from marsad.types import Failure
from marsad.watch.feed import FeedSource
from marsad.watch.http import SCHEMES
from marsad.watch.poll import Context, Item, Poll, Source, path_name, sha256
from marsad.watch.state import Mark


def is_url(spec: str) -> bool:
    return urlsplit(spec).scheme in SCHEMES


def make_source(spec: str) -> Source:
    """The source a command-line argument names; decided every round, so a folder may appear later."""
    if is_url(spec):
        return FeedSource(spec)
    path = Path(spec)
    return FolderSource(path) if path.is_dir() else file_source(path)


def file_source(path: Path) -> Source:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return ManifestSource(path)
    if suffix in FEED_SUFFIXES:
        return FeedSource(str(path))
    return FileSource(path)


@dataclass(frozen=True)
class FileSource:
    """One document file (.txt, .html, .json): read again whenever its bytes change."""

    path: Path

    @property
    def name(self) -> str:
        return path_name(self.path)

    def poll(self, ctx: Context) -> Poll:
        try:
            digest = sha256(read_checked(self.path, self.path.stem, ctx.settings))
        except IngestError as exc:
            return Poll([Failure(exc.doc_id, str(self.path), exc.reason)])
        if ctx.state.get(self.name, "sha256") == digest:
            return Poll()
        return Poll(list(iter_articles([self.path], settings=ctx.settings)), [Mark(self.name, "sha256", digest)])


@dataclass(frozen=True)
class ManifestSource:
    """A JSONL manifest that grows: only lines not read before (by their sha256) are read."""

    path: Path

    @property
    def name(self) -> str:
        return path_name(self.path)

    def poll(self, ctx: Context) -> Poll:
        try:
            text = decode_bytes(read_checked(self.path, self.path.stem, ctx.settings), self.path.stem)
        except IngestError as exc:
            return Poll([Failure(exc.doc_id, str(self.path), exc.reason)])
        seen = ctx.state.with_prefix(self.name, "line:")
        lines = text.split("\n")
        poll = Poll()
        for number, line in enumerate(lines, 1):
            digest = sha256(line.strip())
            if not line.strip() or digest in seen:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                if number == len(lines):  # no newline after it yet: the writer may be half-way through
                    continue
                poll.items.append(Failure(f"{self.path.stem}:{number}", f"{self.path}:{number}",
                                          f"manifest line {number}: invalid JSON: {exc.msg} (column {exc.colno})"))
            else:
                poll.items.append(self._article(record, number, ctx.settings))
            poll.marks.append(Mark(self.name, f"line:{digest}", str(number)))
        return poll

    def _article(self, record: object, number: int, settings: Settings) -> Item:
        source = f"{self.path}:{number}"
        try:
            return record_article(record, doc_id=None, base_dir=self.path.parent, source=source, settings=settings)
        except IngestError as exc:
            doc_id = exc.doc_id if exc.doc_id != source else f"{self.path.stem}:{number}"
            return Failure(doc_id, source, f"manifest line {number}: {exc.reason}")


@dataclass(frozen=True)
class FolderSource:
    """Every known file below a folder, each watched as its own source (new files included).

    A folder holding ``manifest.jsonl`` is read through its manifest alone, as
    `marsad ingest` reads it. Files that disappear leave their documents stored.
    """

    path: Path

    @property
    def name(self) -> str:
        return path_name(self.path)

    def poll(self, ctx: Context) -> Poll:
        try:
            sources = list(_sources_below(self.path, set()))
        except OSError as exc:
            return Poll([Failure(self.path.name, str(self.path), f"unreadable folder: {exc.strerror}")])
        poll = Poll()
        for source in sources:
            poll.add(source.poll(ctx))
        return poll


def _sources_below(folder: Path, visited: set[Path]) -> Iterator[Source]:
    real = folder.resolve()
    if real in visited:  # a symlink loop
        return
    visited.add(real)
    if (folder / MANIFEST_NAME).is_file():
        yield ManifestSource(folder / MANIFEST_NAME)
        return
    for child in sorted(folder.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _sources_below(child, visited)
        elif child.suffix.lower() in FOLDER_SUFFIXES:
            yield file_source(child)
