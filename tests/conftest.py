"""Databases for the store tests: a SQLite file, and a PostgreSQL schema when a server is given.

`.ci/run` starts PostgreSQL and sets MARSAD_TEST_PG_URL; elsewhere the PostgreSQL
cases skip, saying so. Each PostgreSQL case gets a schema of its own (through
the URL's search_path), dropped afterwards, so cases never see each other's rows.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

PG_URL = os.environ.get("MARSAD_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"]
NO_SERVER = "PostgreSQL tests need a server: set MARSAD_TEST_PG_URL=postgresql://… (.ci/run does)"


def _with_schema(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


def _admin():
    import psycopg

    return psycopg.connect(PG_URL, autocommit=True)


def new_database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database of ``kind``: its path or URL, then cleanup."""
    if kind == "sqlite":
        yield str(folder / "marsad.db")
        return
    if not PG_URL:
        pytest.skip(NO_SERVER)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with _admin() as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _with_schema(PG_URL, schema)
    finally:
        with _admin() as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend (path or URL), for one test."""
    yield from new_database(request.param, tmp_path)


@pytest.fixture(params=BACKENDS, scope="module")
def module_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database on each backend shared by a module's tests (filled once by a fixture of theirs)."""
    yield from new_database(request.param, tmp_path_factory.mktemp("db"))


@pytest.fixture
def another_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Makes more empty databases within one test: another_database("postgresql") → its URL."""
    made: list[Iterator[str]] = []

    def make(kind: str) -> str:
        folder = tmp_path / f"db-{len(made)}"
        folder.mkdir()
        made.append(new_database(kind, folder))
        return next(made[-1])

    yield make
    for database in made:
        database.close()  # runs new_database's cleanup
