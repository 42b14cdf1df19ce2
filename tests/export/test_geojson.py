"""`--format geojson`: a FeatureCollection of points, [longitude, latitude], events without coordinates left out."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.export.geojson import GeoJSONResult, write_geojson


@pytest.fixture(scope="module")
def collection(export_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("geojson") / "events.geojson"
    result = CliRunner().invoke(cli, ["export", "--db", str(export_db), "--format", "geojson", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def features_by_id(collection: dict) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in collection["features"]}


def test_is_a_feature_collection_of_points(collection: dict, events: list[dict]) -> None:
    assert collection["type"] == "FeatureCollection"
    assert sorted(features_by_id(collection)) == sorted(e["id"] for e in events)
    assert {(f["type"], f["geometry"]["type"]) for f in collection["features"]} == {("Feature", "Point")}


@pytest.mark.parametrize("doc_id, place_words, lon, lat", [
    ("omar-a", "قاعدة حقل العمر", 40.5758, 35.1517),
    ("asad-c", "قاعدة عين الأسد الجوية", 42.4411, 33.7856),
])
def test_coordinates_are_longitude_then_latitude(collection: dict, events: list[dict], event_of, cited,
                                                 doc_id, place_words, lon, lat) -> None:
    event = event_of(events, doc_id)
    assert cited(event, doc_id, "location") == [place_words]
    assert (event["location"]["lon"], event["location"]["lat"]) == (lon, lat)
    assert features_by_id(collection)[event["id"]]["geometry"]["coordinates"] == [lon, lat]


def test_properties_of_a_merged_event(collection: dict, events: list[dict], event_of, cited) -> None:
    omar = event_of(events, "omar-a")
    assert cited(omar, "omar-a", "casualties.unknown.killed") == ["ستة أشخاص"]
    assert features_by_id(collection)[omar["id"]]["properties"] == {
        "id": omar["id"], "date": "2024-01-04", "date_precision": "day",
        "sub_event_type": "Shelling/artillery/missile attack", "weapons": "rocket",
        "attacker": "iran_backed_militias", "target_actor": "us_coalition", "location": "Al-Omar oil field",
        "launched": 8, "killed": 6, "injured": None, "n_reports": 2, "outlets": "Outlet A; Outlet B"}


def test_events_without_coordinates_are_counted_and_left_out(events: list[dict], event_of) -> None:
    asad = event_of(events, "asad-c")
    placeless = [{**e, "location": None} if e is asad else e for e in events]
    out = io.StringIO()
    assert write_geojson(placeless, out) == GeoJSONResult(written=len(events) - 1, without_coordinates=1)
    assert asad["id"] not in features_by_id(json.loads(out.getvalue()))
