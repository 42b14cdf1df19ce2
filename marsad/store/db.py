"""One connection interface over SQLite and PostgreSQL, so every module writes its SQL once.

The interface is sqlite3's own (``execute``, ``executemany``, ``executescript``,
``with conn:`` as a transaction, rows readable by name and position), because
that is what the modules were written against and what a reader of them knows.
The SQL they send is the common subset of both dialects: ``?`` parameters,
``INSERT … ON CONFLICT``, ``RETURNING``, ``NULLS FIRST``. What cannot be common
(types in DDL, the week of a date, a list parameter, the search index) is asked
of ``conn.dialect`` in the one place that needs it.

A database is named by a path (SQLite) or a ``postgresql://`` URL.
"""
from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any, Protocol

from marsad.errors import StoreError
from marsad.store.faults import describe, lock_timeout

STREAM_BATCH = 2000  # rows a PostgreSQL server-side cursor sends at a time

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

__all__ = ["Connection", "Row", "StoreError", "connect", "is_postgres_url", "cannot_use"]


class Row(Protocol):
    def __getitem__(self, key: int | str) -> Any: ...
    def keys(self) -> list[str]: ...


class Connection(Protocol):
    """What marsad's modules use of a database connection (sqlite3.Connection's shape)."""

    dialect: str
    name: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any: ...
    def executescript(self, script: str) -> Any: ...
    def close(self) -> None: ...
    def __enter__(self) -> "Connection": ...
    def __exit__(self, *exc: object) -> Any: ...


def is_postgres_url(name: str) -> bool:
    return str(name).startswith(("postgresql://", "postgres://"))


def connect(name: str, timeout: float | None = None, read_only: bool = False) -> Connection:
    """A connection to the database at a path or a postgresql:// URL; ``timeout`` is how long to wait
    for another writer's lock (default MARSAD_DB_TIMEOUT, else 30 s)."""
    name = str(name)
    timeout = lock_timeout() if timeout is None else timeout
    if is_postgres_url(name):
        return PostgresConnection.open(name, timeout, read_only)
    return SQLiteConnection.open(name, timeout, read_only)


class SQLiteConnection(sqlite3.Connection):
    """sqlite3's connection with the dialect marked; WAL, so readers never wait for a writer."""

    dialect = SQLITE
    name = ""
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    @classmethod
    def open(cls, path: str, timeout: float, read_only: bool) -> "SQLiteConnection":
        try:
            conn = sqlite3.connect(path, timeout=timeout, factory=cls, check_same_thread=not read_only)
            conn.name = path
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            if read_only:
                conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise cannot_use(path, exc) from exc
        return conn


def cannot_use(name: str, exc: Exception) -> StoreError:
    """The error to raise when the database ``name`` (a path or a password-free URL) fails:
    for a SQLite file, what is wrong with it and what to do (marsad.store.faults)."""
    said = describe(exc, name) if isinstance(exc, sqlite3.Error) else None
    return StoreError(said or f"cannot use database {name}: {exc}".strip())


class PostgresRow(tuple):
    """A result row read by position or by column name, as sqlite3.Row is."""

    _names: dict[str, int] = {}

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor):
    names = {d.name: i for i, d in enumerate(cursor.description or ())}
    row_class = type("Row", (PostgresRow,), {"_names": names})
    return lambda values: row_class(values)


_PARAM = re.compile(r"\?")


def postgres_sql(sql: str) -> str:
    """sqlite3's ``?`` parameters as psycopg's ``%s`` (a literal % doubled first).

    marsad's SQL never has a ? inside a string literal, so a plain replace is exact."""
    return _PARAM.sub("%s", sql.replace("%", "%%"))


class PostgresConnection:
    """A psycopg connection behind sqlite3's interface.

    Statements outside ``with conn:`` commit at once (autocommit); ``with conn:``
    is one transaction, nested ones savepoints, as sqlite3 users expect of it.
    """

    dialect = POSTGRESQL

    def __init__(self, raw, name: str):
        self.raw = raw
        self.name = name
        self._transactions: list = []

    @classmethod
    def open(cls, url: str, timeout: float, read_only: bool) -> "PostgresConnection":
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError(f"cannot use database {_safe(url)}: PostgreSQL needs psycopg "
                             "(pip install 'marsad[postgresql]')") from exc
        from psycopg.conninfo import conninfo_to_dict

        try:
            # The URL's own options (a search_path, say) kept, marsad's added.
            options = [conninfo_to_dict(url).get("options") or "", f"-c lock_timeout={int(timeout * 1000)}"]
            if read_only:
                options.append("-c default_transaction_read_only=on")
            raw = psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout)),
                                  options=" ".join(o for o in options if o))
        except psycopg.Error as exc:
            raise cannot_use(_safe(url), exc) from exc
        raw.row_factory = _row_factory
        return cls(raw, _safe(url))

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        import psycopg

        return (psycopg.Error,)

    def execute(self, sql: str, params: Sequence[Any] = ()):
        return self.raw.execute(postgres_sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]):
        cur = self.raw.cursor()
        rows = [tuple(r) for r in rows]
        if rows:
            cur.executemany(postgres_sql(sql), rows)
        return cur

    def executescript(self, script: str):
        return self.raw.execute(script)

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> "PostgresConnection":
        transaction = self.raw.transaction()
        transaction.__enter__()
        self._transactions.append(transaction)
        return self

    def __exit__(self, *exc: object):
        return self._transactions.pop().__exit__(*exc)


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


# Schema --------------------------------------------------------------------------------------------

_POSTGRES_DDL = (
    (re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),  # SQLite's integers are 64-bit
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),  # PostgreSQL's REAL is 32-bit: it would round coordinates
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),  # sort by code point, as SQLite does, whatever the server locale
    (re.compile(r"\bCREATE VIEW IF NOT EXISTS\b"), "CREATE OR REPLACE VIEW"),
)


def ddl(conn: Connection, script: str) -> str:
    """A schema written in SQLite's DDL, in the dialect of ``conn``."""
    if conn.dialect == SQLITE:
        return script
    for pattern, replacement in _POSTGRES_DDL:
        script = pattern.sub(replacement, script)
    return script


MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
);
"""


# SQLite's functions that marsad's SQL uses and PostgreSQL lacks, defined there under the same names.
POSTGRES_FUNCTIONS = """
CREATE OR REPLACE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS INTEGER
    LANGUAGE SQL IMMUTABLE STRICT AS 'SELECT strpos(haystack, needle)';
"""


SCHEMA_LOCK = 0x6D617275  # PostgreSQL advisory lock class: one process changes the schema at a time


def _schema_lock(conn: Connection) -> None:
    """Two processes opening a new store at once (two `marsad watch`) must not both create its tables:
    PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one. SQLite's write lock is."""
    if conn.dialect == POSTGRESQL:
        conn.execute("SELECT pg_advisory_xact_lock(?, hashtext(coalesce(current_schema(), '')))", (SCHEMA_LOCK,))


def prepare(conn: Connection) -> None:
    """What every marsad database needs before any module's tables: the migrations log, shared functions."""
    try:  # a store opened before has the log: reading it is cheaper than a script that commits
        conn.execute("SELECT 1 FROM schema_migrations LIMIT 1").fetchall()
    except conn.errors:
        with conn:
            _schema_lock(conn)
            conn.executescript(ddl(conn, MIGRATIONS_TABLE))
    if conn.dialect == POSTGRESQL:
        migrate(conn, "0000_postgres_functions", POSTGRES_FUNCTIONS, translate=False)


def migrate(conn: Connection, name: str, script: str, translate: bool = True) -> bool:
    """Apply the named schema step once per database; True when it ran now.

    ``script`` is SQLite DDL, translated for PostgreSQL unless ``translate`` is False
    (a step written for one dialect only).

    Each module owns its tables and names its steps ("0001_core", "0002_alerts"…);
    ``schema_migrations`` says which a database has, so opening a store is one
    lookup, and a later marsad adds a step instead of editing an old one.
    """
    if conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
        return False
    with conn:
        _schema_lock(conn)
        if conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
            return False  # another process applied it while this one waited
        conn.executescript(ddl(conn, script) if translate else script)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                     (name, datetime.now(timezone.utc).isoformat(timespec="seconds")))
    return True


def stream(conn: Connection, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]:
    """The rows of a query a batch at a time: psycopg's default cursor would fetch them all at once
    (a server-side cursor, inside a transaction of its own); SQLite's cursor already steps."""
    if conn.dialect != POSTGRESQL:
        yield from conn.execute(sql, params)
        return
    with conn.raw.transaction(), conn.raw.cursor(name=f"marsad_{uuid.uuid4().hex}") as cursor:
        cursor.itersize = STREAM_BATCH
        cursor.execute(postgres_sql(sql), tuple(params))
        yield from cursor


def id_list(conn: Connection, column: str, ids: list[str]) -> tuple[str, list[Any]]:
    """``column`` is one of ``ids``, as a condition with one parameter however long the list."""
    if conn.dialect == POSTGRESQL:
        return f"{column} = ANY(?)", [ids]
    return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(ids)]
