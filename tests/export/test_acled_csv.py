"""`--format csv`: ACLED's columns and codes, the lowest-fatalities rule, disagreements in notes."""
from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.export.acled_codes import SCALES, source_scale
from marsad.export.acled_csv import fatalities, write_acled_csv
from marsad.lexicon.load import load_table

ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp"]
CORPUS_MANIFEST = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "manifest.jsonl"


@pytest.fixture(scope="module")
def csv_file(export_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv") / "events.csv"
    result = CliRunner().invoke(cli, ["export", "--db", str(export_db), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def rows(csv_file: Path) -> dict[str, dict[str, str]]:
    """event id → CSV row, read back with the csv module."""
    with open(csv_file, encoding="utf-8", newline="") as f:
        return {r["event_id_cnty"]: r for r in csv.DictReader(f)}


@pytest.fixture
def claimed(events: list[dict]) -> list[dict]:
    """The exported events: every report's own killed/injured figures are in their claims."""
    return events


def test_header_is_acled_columns_in_order(csv_file: Path) -> None:
    with open(csv_file, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == ACLED_COLUMNS


def test_one_row_per_event(rows: dict, events: list[dict]) -> None:
    assert sorted(rows) == sorted(e["id"] for e in events)


def test_fatalities_is_the_lowest_of_disagreeing_reports(rows: dict, events: list[dict], event_of, cited) -> None:
    omar = event_of(events, "omar-a")
    assert omar is event_of(events, "omar-b")  # both outlets' accounts are one event
    assert cited(omar, "omar-a", "casualties.unknown.killed") == ["ستة أشخاص"]
    assert cited(omar, "omar-b", "casualties.unknown.killed") == ["ثمانية أشخاص"]
    assert rows[omar["id"]]["fatalities"] == "6"


def test_fatalities_zero_when_no_report_states_deaths(rows: dict, events: list[dict], event_of, cited) -> None:
    asad = event_of(events, "asad-c")
    assert not any(f.startswith("casualties") for r in asad["reports"] for f in (x["field"] for x in r["evidence"]))
    assert rows[asad["id"]]["fatalities"] == "0"


@pytest.mark.parametrize("extra, expected", [
    ([], 6),
    ([{"value": 2, "hedged": True}], 6),  # a hedged lower figure does not undercut stated ones
    ([{"value": 4, "hedged": False}], 4),
])
def test_lowest_figure_counts_only_unhedged_reports(claimed: list[dict], event_of, extra, expected) -> None:
    omar = event_of(claimed, "omar-a")
    more = [{"field": "killed", "report": "x#0", "doc_id": "x", "outlet": "X", "said_by": [], **c} for c in extra]
    assert fatalities({**omar, "claims": omar["claims"] + more}) == expected


def test_only_hedged_figures_still_give_the_lowest(claimed: list[dict], event_of) -> None:
    omar = event_of(claimed, "omar-a")
    hedged = [{**c, "hedged": True} for c in omar["claims"]]
    assert fatalities({**omar, "claims": hedged}) == 6


def test_casualty_claims_name_each_outlet(claimed: list[dict], event_of) -> None:
    omar = event_of(claimed, "omar-a")
    assert sorted((c["outlet"], c["value"]) for c in omar["claims"] if c["field"] == "killed") == \
        [("Outlet A", 6), ("Outlet B", 8)]


def test_notes_give_every_outlets_figures_when_they_differ(rows: dict, events: list[dict], event_of,
                                                          cited) -> None:
    omar = event_of(events, "omar-a")
    assert cited(omar, "omar-a", "munitions.launched") == ["ثمانية صواريخ"]
    assert cited(omar, "omar-b", "munitions.launched") == ["ثلاثة صواريخ"]
    notes = rows[omar["id"]]["notes"]
    assert notes.startswith("On 2024-01-04, Iran-backed Militias (Syria) fired rockets at Al-Omar oil field, "
                            "targeting Military Forces of the United States.")
    assert "Launched: 8 (Outlet A) · 3 (Outlet B)." in notes
    assert "Killed: 6 (Outlet A) · 8 (Outlet B)." in notes
    assert rows[omar["id"]]["tags"] == "disputed"


@pytest.mark.parametrize("doc_id, date_words, place_words, time_precision, geo_precision", [
    ("omar-a", "اليوم الخميس", "قاعدة حقل العمر", "1", "1"),  # a stated day at a site
    ("mayadin-d", "الأسبوع الماضي", "بادية الميادين", "2", "2"),  # a week, in a district
])
def test_precision_codes(rows: dict, events: list[dict], event_of, cited, doc_id, date_words, place_words,
                         time_precision, geo_precision) -> None:
    event = event_of(events, doc_id)
    assert cited(event, doc_id, "date") == [date_words]
    assert cited(event, doc_id, "location") == [place_words]
    row = rows[event["id"]]
    assert (row["time_precision"], row["geo_precision"]) == (time_precision, geo_precision)


@pytest.mark.parametrize("doc_id, expected", [
    ("omar-a", {"event_date": "2024-01-04", "year": "2024", "disorder_type": "Political violence",
                "event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack",
                "actor1": "Iran-backed Militias (Syria)", "actor2": "Military Forces of the United States",
                "iso": "760", "region": "Middle East", "country": "Syria", "admin1": "Deir ez-Zor",
                "location": "Al-Omar oil field", "latitude": "35.1517", "longitude": "40.5758",
                "source": "Outlet A; Outlet B", "civilian_targeting": "",
                # political militia on foreign forces; invented outlets have no scale
                "inter1": "3", "inter2": "8", "interaction": "38", "admin2": "Al-Mayadin", "source_scale": ""}),
    ("asad-c", {"country": "Iraq", "iso": "368", "admin1": "Anbar", "tags": "hedged",
                "actor1": "Iran-backed Militias (Iraq)", "source": "Outlet C", "admin2": "Hit"}),
    # No report names the drone's owner: ACLED's name for an unknown attacker, a political militia.
    ("mayadin-d", {"event_date": "2023-12-25", "event_type": "Explosions/Remote violence",
                   "sub_event_type": "Air/drone strike", "actor1": "Unidentified Armed Group (Syria)",
                   "actor2": "SDF: Syrian Democratic Forces", "location": "Mayadin desert",
                   "inter1": "3", "inter2": "2", "interaction": "23"}),
])
def test_row_values(rows: dict, events: list[dict], event_of, doc_id, expected) -> None:
    row = rows[event_of(events, doc_id)["id"]]
    assert {k: row[k] for k in expected} == expected


def _event(eid: str, attacker: str, target: str, country: str, place_id: str | None, outlets: list[str]) -> dict:
    """A minimal exported event: who, where, and which outlets reported it."""
    return {"id": eid, "date": "2024-01-04", "date_precision": "day", "sub_event_type": "Air/drone strike",
            "weapons": ["drone"], "attacker": attacker, "target_actor": target,
            "location": {"id": place_id, "name": place_id, "admin1": None, "country": country, "lat": None,
                         "lon": None, "precision": "town"},
            "casualties": [], "munitions": {}, "claims": [],
            "reports": [{"doc_id": f"{eid}-{n}", "outlet": o, "hedged": False} for n, o in enumerate(outlets)]}


CONSTRUCTED = [
    # foreign state forces abroad are External/Other Forces (8); a state's own army at home is State Forces (1)
    (_event("us-on-militia", "us_coalition", "iran_backed_militias", "SY", "town_sy_albu_kamal", ["Reuters"]),
     {"inter1": "8", "inter2": "3", "interaction": "38", "admin2": "Abu Kamal", "source_scale": "International",
      "civilian_targeting": ""}),
    (_event("army-on-civilians", "syrian_government", "civilians", "SY", "city_sy_hasakah", ["SANA", "SOHR"]),
     {"inter1": "1", "inter2": "7", "interaction": "17", "admin2": "Al-Hasakah", "source_scale": "National",
      "civilian_targeting": "Civilian targeting"}),
    (_event("iraq-army-at-home", "iraqi_government", "isis", "IQ", "city_iq_mosul", ["Shafaq News", "Rudaw"]),
     {"inter1": "1", "inter2": "2", "interaction": "12", "admin2": "Mosul", "source_scale": "Subnational-National"}),
    # one actor alone: ten times its code
    (_event("strike-no-target", "us_coalition", "unknown", "IQ", "town_iq_al_qaim", ["Daftain Network", "AFP"]),
     {"inter1": "8", "inter2": "", "interaction": "80", "actor2": "", "admin2": "Al-Qa'im",
      "source_scale": "Local-International"}),
    # a place with no district on record, an outlet with no scale on record
    (_event("no-district", "turkey", "sdf", "SY", "base_sy_al_tanf", ["Outlet Nobody Lists"]),
     {"inter1": "8", "inter2": "2", "interaction": "28", "admin2": "", "source_scale": ""}),
]


def test_constructed_events_get_acled_inter_interaction_district_and_scale() -> None:
    out = io.StringIO()
    write_acled_csv([event for event, _ in CONSTRUCTED], out)

    reader = csv.DictReader(io.StringIO(out.getvalue()))
    rows = {r["event_id_cnty"]: r for r in reader}
    assert reader.fieldnames == ACLED_COLUMNS
    for event, expected in CONSTRUCTED:
        assert {k: rows[event["id"]][k] for k in expected} == expected, event["id"]


@pytest.mark.parametrize("outlets, expected", [
    (["Euphrates Monitor"], "Subnational"),
    (["reuters", "Reuters"], "International"),  # folded: one outlet however it is spelled
    (["SOHR", "Rudaw", "Asharq Al-Awsat", "Reuters"], "Subnational-International"),  # narrowest and widest
    (["Daftain Network", "SANA"], "Local-National"),
    (["Outlet A", "SANA"], "National"),
    ([], ""),
])
def test_source_scale_joins_the_narrowest_and_widest_reach(outlets: list[str], expected: str) -> None:
    assert source_scale(outlets) == expected


def test_every_actor_code_has_an_acled_type_with_its_source() -> None:
    rows = load_table("lexicons", "actor_names.tsv")
    assert rows and all(r["inter"] in set("12345678") and r["inter_source"] for r in rows)
    assert all(r["state_of"] == "" or r["inter"] == "1" for r in rows)  # only state forces have a home country


def test_every_district_row_is_a_gazetteer_place() -> None:
    places = {r["id"] for r in load_table("gazetteer", "places.tsv")}
    rows = load_table("gazetteer", "admin2.tsv")
    assert len(rows) > 50 and {r["id"] for r in rows} <= places
    assert all(r["admin2"] for r in rows)


def _manifest_outlets(text: str) -> set[str]:
    return {json.loads(line).get("outlet") for line in text.splitlines() if line.strip()} - {None, "unknown"}


def test_every_demo_outlet_has_a_scale() -> None:
    manifest = resources.files("marsad").joinpath("demo", "samples", "manifest.jsonl").read_text(encoding="utf-8")
    outlets = _manifest_outlets(manifest)
    assert len(outlets) == 8
    assert all(source_scale([o]) in SCALES for o in outlets)


def test_every_dev_corpus_outlet_has_a_scale() -> None:
    if not CORPUS_MANIFEST.exists():
        pytest.skip(f"no development corpus at {CORPUS_MANIFEST}")
    outlets = _manifest_outlets(CORPUS_MANIFEST.read_text(encoding="utf-8"))
    assert outlets and all(source_scale([o]) in SCALES for o in outlets), outlets
