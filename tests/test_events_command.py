"""`marsad events`: one line per event at any width, TSV and JSON Lines for scripts, export's filters.

The store holds the built-in demo samples (twenty-two events), ingested once for the module.
"""
from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len
from rich.console import Console

from marsad.cli import cli
from marsad.listing import events_table
from marsad.store.store import Store

WIDE_ONLY = ("conf.", "weapons", "outlets")


def run(*args: object, width: int = 80) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env={"COLUMNS": str(width)})


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("events") / "demo.db"
    with resources.as_file(resources.files("marsad").joinpath("demo", "samples", "manifest.jsonl")) as manifest:
        result = run("ingest", manifest, "--db", path, "--quiet")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def stored(db: Path) -> list[dict]:
    with Store(db) as store:
        return store.events()


def table_lines(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.parametrize("width", [80, 100, 160])
def test_table_is_a_header_and_one_line_per_event_within_the_width(db: Path, stored: list[dict], width: int) -> None:
    lines = table_lines(run("events", "--db", db, width=width))

    assert len(lines) == 1 + len(stored) > 10
    assert max(cell_len(line) for line in lines) <= width
    for event, line in zip(stored, lines[1:]):
        assert line.startswith(event["id"] if width >= 120 else event["id"].removeprefix("evt-") + " ")


def test_narrow_table_cuts_long_cells_with_an_ellipsis(db: Path) -> None:
    lines = table_lines(run("events", "--db", db, "--place", "asad", width=60))

    assert len(lines) == 3  # header and the two events at Ain al-Asad air base
    assert all(cell_len(line) <= 60 for line in lines)
    assert all("Ain al-Asad air base" not in line and "Ain al-" in line and "…" in line for line in lines[1:])


def test_wider_terminal_shows_more_columns(db: Path) -> None:
    narrow = table_lines(run("events", "--db", db, width=80))[0].split()
    wide = table_lines(run("events", "--db", db, width=160))[0].split()

    assert not set(WIDE_ONLY) & set(narrow)
    assert set(WIDE_ONLY) <= set(wide) and set(narrow) <= set(wide)


def test_a_long_arabic_place_and_an_unlisted_actor_stay_on_one_line() -> None:
    event = {"id": "evt-0123456789ab", "date": "2024-01-04", "date_precision": "week",
             "sub_event_type": "Air/drone strike", "attacker": "a_group_no_table_lists",
             "target_actor": "civilians", "location": {"name": None, "name_ar": "بادية ريف دير الزور الشرقي الجنوبية"},
             "casualties": [{"party": "civilians", "killed": 3, "injured": None}], "reports": []}
    out = Console(width=80, file=io.StringIO())

    out.print(events_table([event], 80))

    header, line = out.file.getvalue().splitlines()
    assert cell_len(line) <= 80 and "…" in line
    assert line.split()[:4] == ["0123456789ab", "~2024-01-04", "air/drone", "بادية"]
    assert line.rstrip().endswith("3")


def test_tsv_gives_every_value_whole_and_agrees_with_export(db: Path) -> None:
    exported = [json.loads(line) for line in run("export", "--db", db).stdout.splitlines()]

    result = run("events", "--db", db, "--format", "tsv", width=40)

    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    assert [(r["id"], r["date"], r["sub_event_type"], r["attacker"], r["target_actor"]) for r in rows] == \
        [(e["id"], e["date"] or "", e["sub_event_type"] or "", e["attacker"], e["target_actor"]) for e in exported]
    omar = next(r for r in rows if "Euphrates Monitor; Daftain Network; Mashreq News Agency" == r["outlets"])
    assert omar["place"] == "Al-Omar oil field" and omar["admin1"] == "Deir ez-Zor"


def test_json_is_json_lines_equal_to_the_marsad_jsonl_export(db: Path) -> None:
    result = run("events", "--db", db, "--format", "json")

    assert result.exit_code == 0
    assert result.stdout == run("export", "--db", db, "--format", "marsad-jsonl").stdout
    assert all(isinstance(json.loads(line), dict) for line in result.stdout.splitlines())


@pytest.mark.parametrize("conditions", [
    ["--country", "IQ"],
    ["--actor", "sdf"],
    ["--from", "2024-01-01", "--to", "2024-01-31"],
    ["--place", "omar"],
    ["--admin1", "Hasakah"],
    ["--type", "air/drone strike"],
    ["--min-confidence", "0.8"],
])
def test_filters_select_what_export_selects(db: Path, stored: list[dict], conditions: list[str]) -> None:
    listed = run("events", "--db", db, "--format", "json", *conditions).stdout
    ids = [json.loads(line)["id"] for line in listed.splitlines()]

    assert listed == run("export", "--db", db, *conditions).stdout
    assert 0 < len(ids) < len(stored)
    assert len(table_lines(run("events", "--db", db, *conditions))) == 1 + len(ids)


def test_limit_keeps_the_first_events_in_date_order(db: Path, stored: list[dict]) -> None:
    lines = table_lines(run("events", "--db", db, "--limit", 3))
    rows = run("events", "--db", db, "--limit", 3, "--format", "tsv").stdout.splitlines()[1:]

    assert [line.split()[0] for line in lines[1:]] == [e["id"].removeprefix("evt-") for e in stored[:3]]
    assert [r.split("\t")[0] for r in rows] == [e["id"] for e in stored[:3]]


def test_nothing_selected_says_so(db: Path) -> None:
    result = run("events", "--db", db, "--place", "no such place")

    assert result.exit_code == 0
    assert (result.stdout, result.stderr.strip()) == ("", "no events match")


def test_a_date_window_that_ends_before_it_starts_is_a_usage_error(db: Path) -> None:
    result = run("events", "--db", db, "--from", "2024-02-01", "--to", "2024-01-01")

    assert result.exit_code == 2
    assert "ends (2024-01-01) before it starts (2024-02-01)" in result.stderr


def test_show_takes_the_id_as_events_prints_it(db: Path, stored: list[dict]) -> None:
    printed = table_lines(run("events", "--db", db, "--limit", 1))[1].split()[0]

    result = run("show", printed, "--db", db)

    assert result.exit_code == 0, result.output
    assert f"event {stored[0]['id']}" in result.stdout


def test_show_takes_a_unique_beginning_with_or_without_the_prefix(db: Path, stored: list[dict]) -> None:
    ids = [e["id"] for e in stored]
    eid = next(i for i in ids if sum(j.startswith(i[:7]) for j in ids) == 1)

    for typed in (eid[:7], eid[4:7]):
        result = run("show", typed, "--db", db)
        assert result.exit_code == 0, result.output
        assert f"event {eid}" in result.stdout


def test_show_names_an_ambiguous_beginning_in_one_line(db: Path, stored: list[dict]) -> None:
    ids = sorted(e["id"] for e in stored)
    shared = next(a[:5] for a, b in zip(ids, ids[1:]) if a[:5] == b[:5])

    result = run("show", shared, "--db", db)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: '{shared}' begins several event ids, e.g. {shared}")
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_show_of_an_absent_id_says_so(db: Path, stored: list[dict]) -> None:
    absent = next(p for p in ("evt-" + c for c in "0123456789abcdef") if not any(e["id"].startswith(p)
                                                                             for e in stored))
    result = run("show", absent, "--db", db)

    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no event {absent!r} in {db}"
