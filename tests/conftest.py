"""Databases for the store tests: a SQLite file, and a PostgreSQL schema when a server is given.

`.ci/run` starts PostgreSQL and sets MARSAD_TEST_PG_URL; elsewhere the PostgreSQL
cases skip, saying so. Each PostgreSQL case gets a schema of its own (through
the URL's search_path), dropped afterwards, so cases never see each other's rows.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from databases import BACKENDS, new_database


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


# The longest tests (minutes each), longest first: with `-n auto` xdist hands the first tests out one per
# worker in turn, so they start at once on different workers, beside the thousands of short ones, instead
# of last on one.
LONGEST_FIRST = ("tests/merge/test_sequences.py::TestStoreSequencesPostgres",
                 "tests/merge/test_sequences.py::TestStoreSequencesSQLite",
                 "tests/merge/test_growing_store.py::test_store_grown_in_rounds_equals_one_ingest")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    first = sorted((i for i in items if i.nodeid.split("::runTest")[0] in rank),
                   key=lambda i: rank[i.nodeid.split("::runTest")[0]])
    items[:] = first + [i for i in items if i not in first]
