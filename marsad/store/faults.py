"""A fault of the SQLite file itself, told in one line: which database, what is wrong, what to do.

SQLite names a full disk, a read-only file or folder, a lock held by another
process and a damaged file in a few terse words ("database or disk is full").
Someone running `marsad ingest` needs the path, the cause and the next step,
not a traceback. Errors that are not the file's fault (a query marsad got
wrong) are left alone, so that bugs keep their traceback.
"""
from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from marsad.errors import StoreError

DEFAULT_LOCK_TIMEOUT = 30.0  # seconds: outlasts another writer's transaction, yet a stuck lock is reported

_DAMAGED = ("the file is damaged", "restore it from a backup; `marsad doctor --db {path}` lists the damage")
_READ_ONLY = ("it is read-only",
              "check the permissions of the file and its folder (marsad also writes {path}-wal and {path}-shm)")
_FOLDER_READ_ONLY = ("its folder {folder} is read-only",
                     "marsad keeps {path}-wal and {path}-shm next to the database: make the folder writable")

# SQLite's primary result codes (the low byte of an extended code) → (cause, what to do).
_CAUSES = {
    sqlite3.SQLITE_FULL: ("the disk is full",
                          "free some space and run the command again (everything stored before this is kept)"),
    sqlite3.SQLITE_IOERR: ("a read or write failed",
                           "the disk may be full or failing: check it, run `marsad doctor --db {path}`, "
                           "then the command again"),
    sqlite3.SQLITE_READONLY: _READ_ONLY,
    sqlite3.SQLITE_PERM: _READ_ONLY,
    sqlite3.SQLITE_BUSY: ("it is locked by another process",
                          "another marsad ingest, reprocess or serve writing? After waiting {timeout:g} s marsad "
                          "gave up: let that process finish or stop it, then run the command again "
                          "(MARSAD_DB_TIMEOUT sets the wait)"),
    sqlite3.SQLITE_CORRUPT: _DAMAGED,
    sqlite3.SQLITE_NOTADB: ("it is not a SQLite database",
                            "check the path; if it held your marsad store, restore it from a backup"),
}


def lock_timeout() -> float:
    """Seconds to wait for another process's write lock: MARSAD_DB_TIMEOUT, else 30."""
    value = os.environ.get("MARSAD_DB_TIMEOUT")
    if value is None:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise StoreError(f"MARSAD_DB_TIMEOUT must be a number of seconds, not {value!r}")
    return seconds


def describe(exc: sqlite3.Error, path: str | Path) -> str | None:
    """One line naming the database, the cause and the remedy; None when the file is not at fault."""
    said = str(exc)
    if said.startswith("Could not decode to UTF-8"):
        # Python's words, not SQLite's: a page of garbage read as text. The text itself is not shown.
        found, said = _DAMAGED, "a stored text is not valid UTF-8"
    else:
        code = getattr(exc, "sqlite_errorcode", None)
        found = None if code is None else _cause(code, Path(path))
    if found is None:
        return None
    cause, remedy = found
    fill = {"path": path, "folder": os.path.dirname(os.path.abspath(path)), "timeout": lock_timeout()}
    return f"database {path}: {cause.format(**fill)} ({said}); {remedy.format(**fill)}"


def _cause(code: int, path: Path) -> tuple[str, str] | None:
    """(cause, remedy) for an extended SQLite result code, or None when the code is not about the file."""
    if code == sqlite3.SQLITE_READONLY_DIRECTORY:
        return _FOLDER_READ_ONLY
    if code & 0xFF == sqlite3.SQLITE_CANTOPEN:
        return _cannot_open(path)
    return _CAUSES.get(code & 0xFF)


def _cannot_open(path: Path) -> tuple[str, str]:
    """SQLite says only "unable to open database file": look at the path to say why."""
    folder = path.absolute().parent
    if path.is_dir():
        return "it is a folder", "give a file name, e.g. --db {path}/marsad.db"
    if not folder.is_dir():
        return "the folder {folder} does not exist", "create it or give another --db path"
    if not os.access(folder, os.W_OK):
        return _FOLDER_READ_ONLY
    return "it cannot be opened", "check that you may read and write it and its folder"


@contextmanager
def explained(path: str | Path) -> Iterator[None]:
    """Inside the block, a fault of the database at ``path`` becomes a StoreError that says what to do."""
    try:
        yield
    except sqlite3.Error as exc:
        message = describe(exc, path)
        if message is None:
            raise
        raise StoreError(message) from exc
