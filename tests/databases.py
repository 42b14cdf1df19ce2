"""Fresh databases for tests: a SQLite file, or a PostgreSQL schema of its own when a server is given.

A module of its own (not conftest) so that test modules can import it by a name no other file shares.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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
