"""A full disk, a read-only or locked database and a damaged file: one clear line, and nothing stored is lost.

Each fault is made real rather than mocked: SQLite's own page limit and the
operating system's file-size limit fill the "disk", permissions or the
immutable attribute make files read-only, a second connection holds the write
lock, and bytes are overwritten in the file.
"""
from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import closing, contextmanager
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from marsad.cli import cli
from marsad.errors import StoreError
from marsad.store.faults import explained, lock_timeout
from marsad.store.store import Store

REPO = Path(__file__).resolve().parents[2]
FIRST = 4  # documents already in the store when a fault strikes


@pytest.fixture(autouse=True)
def one_document_per_transaction(monkeypatch):
    """So that a fault can strike between two new documents of a run (ingest commits STORE_BATCH at a time)."""
    monkeypatch.setattr("marsad.run.STORE_BATCH", 1)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    """The demo reports, with `first.jsonl` naming only the first few of them."""
    folder = tmp_path_factory.mktemp("samples")
    with resources.as_file(resources.files("marsad").joinpath("demo", "samples")) as src:
        shutil.copytree(src, folder, dirs_exist_ok=True)
    lines = (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "first.jsonl").write_text("\n".join(lines[:FIRST]) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(samples: Path, tmp_path_factory) -> Path:
    """Every demo report ingested in one undisturbed run."""
    db = tmp_path_factory.mktemp("reference") / "reference.db"
    assert _invoke("ingest", samples / "manifest.jsonl", "--db", db, "-q").exit_code == 0
    return db


@pytest.fixture
def partial(samples: Path, tmp_path_factory) -> Path:
    """A store holding the first few demo reports, in a folder of its own."""
    db = tmp_path_factory.mktemp("store") / "marsad.db"
    assert _invoke("ingest", samples / "first.jsonl", "--db", db, "-q").exit_code == 0
    return db


def _invoke(*args) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _error_line(result: Result, db: Path) -> str:
    """The one line a failed command printed: non-zero exit, no traceback, the database named."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an unhandled exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith(f"Error: database {db}: "), lines[0]
    return lines[0]


def _per_document(db: Path) -> dict[str, tuple[int, int, int, int]]:
    """doc_id → rows in documents, reports, evidence and the search index, read on a fresh connection.

    A document stored by halves would show here as a tuple unlike the reference run's.
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    with closing(sqlite3.connect(db)) as conn:
        for i, table in enumerate(("documents", "reports", "evidence", "search_docs")):
            for doc_id, n in conn.execute(f"SELECT doc_id, count(*) FROM {table} GROUP BY doc_id"):
                counts[doc_id][i] = n
    return {doc_id: tuple(n) for doc_id, n in counts.items()}


def _count(db: Path, table: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _events(db: Path) -> list[dict]:
    result = _invoke("export", "--db", db)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _stopped_whole_then_finished(db: Path, reference: Path, samples: Path) -> None:
    """After a fault mid-ingest: whole documents only, a sound store, and a re-run that ends like the reference."""
    stored, expected = _per_document(db), _per_document(reference)
    assert FIRST < len(stored) < len(expected), "the fault should strike after some new documents, not all"
    assert all(stored[doc_id] == expected[doc_id] for doc_id in stored)
    assert _count(db, "failures") == 0  # the store broke, not a document: nothing is blamed on one
    doctor = _invoke("doctor", "--db", db)
    assert doctor.exit_code == 0 and doctor.stdout.splitlines()[-1] == "ok", doctor.output

    assert _invoke("ingest", samples / "manifest.jsonl", "--db", db, "-q").exit_code == 0
    assert _per_document(db) == expected  # every document once, none twice
    assert _events(db) == _events(reference)


# full disk ------------------------------------------------------------------------------------

def _page_count(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("PRAGMA page_count").fetchone()[0]


def test_faults_full_disk_mid_ingest_stops_the_run_and_keeps_whole_documents(
        samples: Path, reference: Path, partial: Path, monkeypatch) -> None:
    # SQLite refuses to grow the file past max_page_count with SQLITE_FULL, its answer to a full disk.
    limit = (_page_count(partial) + _page_count(reference)) // 2
    connect = sqlite3.connect

    def capped(*args, **kwargs) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {limit}")
        return conn

    with monkeypatch.context() as patch:
        patch.setattr(sqlite3, "connect", capped)
        result = _invoke("ingest", samples / "manifest.jsonl", "--db", partial, "-q")
    line = _error_line(result, partial)
    assert "the disk is full (database or disk is full); free some space" in line
    _stopped_whole_then_finished(partial, reference, samples)


def test_faults_file_size_limit_mid_ingest_stops_the_run_and_keeps_whole_documents(
        samples: Path, reference: Path, partial: Path) -> None:
    # The operating system refuses writes past RLIMIT_FSIZE (EFBIG; Python ignores SIGXFSZ, so no signal kills
    # the process), and SQLite sees what a full disk looks like: a short or failed write.
    limit = 2 * partial.stat().st_size

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    one_per_transaction = ("import sys, marsad.run; marsad.run.STORE_BATCH = 1; from marsad.cli import main; "
                           "sys.argv[0] = 'marsad'; main()")
    done = subprocess.run([sys.executable, "-c", one_per_transaction, "ingest", str(samples / "manifest.jsonl"),
                           "--db", str(partial), "--quiet"], preexec_fn=limit_file_size, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"Error: database {partial}: ")
    assert "(disk I/O error)" in done.stderr or "(database or disk is full)" in done.stderr
    _stopped_whole_then_finished(partial, reference, samples)


# read-only ------------------------------------------------------------------------------------

@contextmanager
def _read_only(path: Path, how: str) -> Iterator[None]:
    """Make a file or folder read-only for this process: by permissions, or (for root) the immutable attribute."""
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root writes whatever the permissions say; the immutable variant covers root")
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if os.geteuid() != 0:
        pytest.skip("setting the immutable attribute needs root; the chmod variant covers other users")
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"this file system or container refuses the immutable attribute: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize("how", ["chmod", "immutable"])
def test_faults_read_only_file_refuses_writes_and_still_exports(samples: Path, partial: Path, how: str) -> None:
    before = _per_document(partial)
    with _read_only(partial, how):
        line = _error_line(_invoke("ingest", samples / "manifest.jsonl", "--db", partial, "-q"), partial)
        assert "it is read-only (attempt to write a readonly database); check the permissions" in line
        assert len(_events(partial)) > 0  # reading a read-only store is fine
        assert _invoke("doctor", "--db", partial).exit_code == 0
    assert _per_document(partial) == before


@pytest.mark.parametrize("how", ["chmod", "immutable"])
def test_faults_read_only_folder_is_named(samples: Path, partial: Path, how: str) -> None:
    # WAL needs marsad.db-wal and marsad.db-shm next to the database, even to read it.
    before = _per_document(partial)
    assert not Path(f"{partial}-wal").exists() and not Path(f"{partial}-shm").exists()
    with _read_only(partial.parent, how):
        for args in (("ingest", samples / "manifest.jsonl", "--db", partial, "-q"), ("export", "--db", partial)):
            line = _error_line(_invoke(*args), partial)
            assert f"its folder {partial.parent} is read-only" in line
            assert "make the folder writable" in line
    assert _per_document(partial) == before


@pytest.mark.parametrize("name, cause", [
    ("missing/marsad.db", "the folder {folder} does not exist (unable to open database file); create it"),
    (".", "it is a folder (unable to open database file); give a file name, e.g. --db {db}/marsad.db"),
])
def test_faults_path_that_cannot_be_a_database_is_named(samples: Path, tmp_path: Path, name: str, cause: str) -> None:
    db = tmp_path / name
    line = _error_line(_invoke("ingest", samples / "first.jsonl", "--db", db, "-q"), db)
    assert cause.format(folder=db.parent, db=db) in line


def test_faults_a_query_error_is_not_blamed_on_the_file(partial: Path) -> None:
    # A mistake in marsad's own SQL is a bug: it keeps its traceback instead of a message about the file.
    with Store(partial) as store, pytest.raises(sqlite3.OperationalError, match="no such table"):
        with explained(partial):
            store.conn.execute("SELECT * FROM no_such_table")


# locked ---------------------------------------------------------------------------------------

def test_faults_locked_store_gives_up_after_the_timeout(samples: Path, partial: Path, monkeypatch) -> None:
    monkeypatch.setenv("MARSAD_DB_TIMEOUT", "0.2")
    holder = sqlite3.connect(partial, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # what another process writing a long transaction holds
    try:
        for args in (("ingest", samples / "manifest.jsonl", "--db", partial, "-q"), ("reprocess", "--db", partial)):
            line = _error_line(_invoke(*args), partial)
            assert "it is locked by another process (database is locked)" in line
            assert "another marsad ingest, reprocess or serve writing? After waiting 0.2 s" in line
        assert len(_events(partial)) > 0  # readers are not blocked by a writer in WAL mode
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _invoke("ingest", samples / "manifest.jsonl", "--db", partial, "-q").exit_code == 0


def test_faults_lock_timeout_comes_from_the_environment(partial: Path, monkeypatch) -> None:
    monkeypatch.delenv("MARSAD_DB_TIMEOUT", raising=False)
    assert lock_timeout() == 30
    monkeypatch.setenv("MARSAD_DB_TIMEOUT", "0.2")
    with Store(partial) as store:
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 200


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_faults_lock_timeout_that_is_not_seconds_is_refused(partial: Path, monkeypatch, value: str) -> None:
    monkeypatch.setenv("MARSAD_DB_TIMEOUT", value)
    with pytest.raises(StoreError, match="MARSAD_DB_TIMEOUT must be a number of seconds"):
        lock_timeout()
    for command in ("export", "doctor"):
        result = _invoke(command, "--db", partial)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
        assert result.stderr == f"Error: MARSAD_DB_TIMEOUT must be a number of seconds, not {value!r}\n"


# damaged --------------------------------------------------------------------------------------

def _random_bytes(db: Path) -> None:
    db.write_bytes(random.Random(1).randbytes(db.stat().st_size))


def _truncated(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


def _events_page_overwritten(db: Path) -> None:
    with closing(sqlite3.connect(db)) as conn:
        page = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'events'").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(db, "r+b") as f:
        f.seek((page - 1) * size)
        f.write(random.Random(2).randbytes(size))


@pytest.mark.parametrize("damage, cause", [
    (_random_bytes, "it is not a SQLite database (file is not a database); check the path"),
    (_truncated, "the file is damaged (database disk image is malformed); restore it from a backup"),
    (_events_page_overwritten, "the file is damaged (database disk image is malformed); restore it from a backup"),
])
def test_faults_damaged_file_is_one_line_for_every_command(samples: Path, reference: Path, tmp_path: Path,
                                                          damage, cause: str) -> None:
    db = tmp_path / "damaged.db"
    shutil.copy(reference, db)
    damage(db)
    commands = [("ingest", samples / "manifest.jsonl", "-q"), ("export",), ("events",), ("reprocess",)]
    if damage is _events_page_overwritten:  # re-sending stored documents merges nothing: no event is read
        commands = commands[1:]
    for args in commands:
        line = _error_line(_invoke(*args, "--db", db), db)
        assert cause in line, (args, line)
    doctor = _invoke("doctor", "--db", db)
    assert doctor.exit_code == 1 and isinstance(doctor.exception, SystemExit) and "Traceback" not in doctor.output
    problems = [line for line in doctor.stderr.splitlines() if line.startswith("problem: ")]
    assert any(cause in p or p.startswith("problem: SQLite integrity check: ") for p in problems), problems


def test_faults_text_that_is_not_utf8_is_damage_and_is_not_printed(reference: Path, tmp_path: Path) -> None:
    # A page of garbage inside a stored text reads back as bytes that are not UTF-8.
    db = tmp_path / "garbled.db"
    shutil.copy(reference, db)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE documents SET raw = CAST(x'ff0a41fe' AS TEXT) WHERE rowid = 1")
    result = _invoke("reprocess", "--db", db)
    line = _error_line(result, db)
    assert "the file is damaged (a stored text is not valid UTF-8); restore it from a backup" in line
    assert "\ufffd" not in result.output
