"""What every watched source returns when polled, and what it is given to poll with."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from marsad.settings import Settings
from marsad.types import Article, Failure
from marsad.watch.http import Http
from marsad.watch.state import Mark, WatchState

Item = Article | Failure


@dataclass(frozen=True)
class Context:
    settings: Settings
    http: Http
    state: WatchState


@dataclass
class Poll:
    """Documents to ingest (or why one could not be read) and the state to remember once they are stored."""

    items: list[Item] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    def add(self, other: "Poll") -> None:
        self.items += other.items
        self.marks += other.marks


class Source(Protocol):
    name: str  # its key in watch_state

    def poll(self, ctx: Context) -> Poll: ...


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def path_name(path: Path) -> str:
    """A file's key in watch_state: absolute, so `watch docs` and `watch ./docs/` share their state."""
    return str(path.resolve())
