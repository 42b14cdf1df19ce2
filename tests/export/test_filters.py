"""Export filters: date window, place, admin1, country, actor, sub-event type narrow the events."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.export.filters import EventFilter


def docs(events: list[dict]) -> set[str]:
    """The documents behind the events: names the kept events without their generated ids."""
    return {r["doc_id"] for e in events for r in e["reports"]}


ALL = {"omar-a", "omar-b", "asad-c", "mayadin-d"}
OMAR = {"omar-a", "omar-b"}


@pytest.mark.parametrize("conditions, expected", [
    ({}, ALL),
    ({"date_from": date(2024, 1, 1)}, OMAR | {"asad-c"}),
    # "الأسبوع الماضي" is 2023-12-25..31: a window holding any of those days keeps it.
    ({"date_to": date(2023, 12, 27)}, {"mayadin-d"}),
    ({"date_from": date(2023, 12, 30), "date_to": date(2023, 12, 30)}, {"mayadin-d"}),
    ({"date_from": date(2024, 1, 5)}, set()),
    ({"place": "العمر"}, OMAR),
    ({"place": "عين الاسد"}, {"asad-c"}),  # typed without hamza
    ({"place": "OMAR"}, OMAR),
    ({"place": "deir"}, OMAR | {"mayadin-d"}),  # matches admin1 "Deir ez-Zor"
    ({"admin1": "anbar"}, {"asad-c"}),
    ({"country": "iq"}, {"asad-c"}),
    ({"country": "SY"}, OMAR | {"mayadin-d"}),
    ({"actor": "sdf"}, {"mayadin-d"}),  # as target
    ({"actor": "iran_backed_militias"}, OMAR | {"asad-c"}),  # as attacker
    ({"sub_event_type": "air/drone strike"}, {"mayadin-d"}),
    ({"country": "SY", "actor": "us_coalition"}, OMAR),
])
def test_filter_narrows_events(events: list[dict], conditions: dict, expected: set[str]) -> None:
    assert docs(EventFilter(**conditions).select(events)) == expected


@pytest.mark.parametrize("place, doc_id, place_words", [
    ("حقل العمر", "omar-a", "قاعدة حقل العمر"),
    ("badia_mayadin", "mayadin-d", "بادية الميادين"),
])
def test_place_filter_keeps_the_event_whose_location_it_names(events: list[dict], cited, place, doc_id,
                                                              place_words) -> None:
    kept = list(EventFilter(place=place).select(events))
    assert len(kept) == 1
    assert cited(kept[0], doc_id, "location") == [place_words]


def test_undated_event_fails_a_date_window(events: list[dict]) -> None:
    undated = {**events[0], "date": None, "date_range": None}
    assert EventFilter().matches(undated)
    assert not EventFilter(date_to=date(2030, 1, 1)).matches(undated)


def test_window_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        EventFilter(date_from=date(2024, 2, 1), date_to=date(2024, 1, 1))


def test_cli_options_filter_every_format(export_db: Path) -> None:
    args = ["export", "--db", str(export_db), "--country", "SY", "--from", "2024-01-01",
            "--type", "Shelling/artillery/missile attack"]
    jsonl = CliRunner().invoke(cli, args)
    geo = CliRunner().invoke(cli, [*args, "--format", "geojson"])
    assert (jsonl.exit_code, geo.exit_code) == (0, 0)
    assert docs([json.loads(line) for line in jsonl.stdout.splitlines()]) == OMAR
    assert [f["properties"]["location"] for f in json.loads(geo.stdout)["features"]] == ["Al-Omar oil field"]


@pytest.mark.parametrize("args, message", [
    (["--from", "2024-13-01"], "not an ISO date"),
    (["--from", "2024-02-01", "--to", "2024-01-01"], "before it starts"),
    (["--type", "Riot"], "Invalid value for '--type'"),
])
def test_cli_rejects_bad_filters(export_db: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", str(export_db), *args])
    assert result.exit_code == 2
    assert message in result.output
