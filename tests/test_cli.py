"""The `marsad` command through click's CliRunner: exit codes, messages, and what each subcommand writes."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from marsad.cli import cli
from marsad.store.store import Store

# Two short reports written for these tests; the folder's documents carry no date, so --published gives it.
CONOCO = ("أطلقت جماعة مسلحة خمسة صواريخ على حقل كونيكو للغاز في ريف دير الزور اليوم الخميس. "
          "وأفادت مصادر محلية بأن الصواريخ لم تسفر عن إصابات.")
TANF = ("تعرضت قاعدة التنف التي يتمركز فيها جنود أمريكيون لهجوم صاروخي اليوم الخميس. "
        "ولم تتبن أي جماعة الهجوم حتى ساعة إعداد الخبر.")
WIDE = 200  # columns: a table row and an error line fit on one line

SUB_EVENT_TYPES = {"Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED",
                   "Armed clash", "Suicide bomb", "Grenade", "Disrupted weapons use"}
WEAPONS = {"rocket", "missile", "mortar", "artillery", "drone", "aircraft", "ied", "small_arms", "unknown"}
EVENT_KEYS = {"id", "sub_event_type", "weapons", "date", "date_precision", "date_range", "time", "location",
              "target_actor", "attacker", "attribution", "launch_site", "munitions", "casualties", "damage",
              "responds_to", "reports"}
LOCATION_KEYS = {"name", "name_ar", "admin1", "country", "lat", "lon", "precision"}
MUNITION_KEYS = {"launched", "impacted", "intercepted"}
REPORT_KEYS = {"doc_id", "role", "said_by", "hedged", "evidence"}
EVIDENCE_KEYS = {"field", "start", "end", "text"}


def run(*args: object, width: int = WIDE) -> Result:
    """Invoke the CLI with a fixed console width, so output does not depend on the caller's terminal."""
    return CliRunner().invoke(cli, [str(a) for a in args], env={"COLUMNS": str(width)})


def good_folder(root: Path) -> Path:
    folder = root / "in"
    folder.mkdir()
    (folder / "conoco.txt").write_text(CONOCO, encoding="utf-8")
    (folder / "tanf.txt").write_text(TANF, encoding="utf-8")
    return folder


def stored_docs(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT doc_id FROM documents ORDER BY doc_id")]
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding the two good reports."""
    path = tmp_path / "marsad.db"
    result = run("ingest", good_folder(tmp_path), "--db", path, "--published", "2024-01-04", "--quiet")
    assert result.exit_code == 0, result.output
    return path


def first_event(db: Path, doc_id: str) -> dict:
    with Store(db) as store:
        return next(e for e in store.events() if e["reports"][0]["doc_id"] == doc_id)


# --- ingest --------------------------------------------------------------------

def test_ingest_all_good_exits_0_and_summarises(tmp_path: Path) -> None:
    db = tmp_path / "marsad.db"

    result = run("ingest", good_folder(tmp_path), "--db", db, "--published", "2024-01-04")

    assert result.exit_code == 0
    assert result.stderr.strip() == f"2 stored, 0 unchanged, 0 failed; 2 events in {db}"
    assert stored_docs(db) == ["conoco", "tanf"]


def test_ingest_with_a_bad_file_exits_1_names_it_and_stores_the_rest(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00")
    db = tmp_path / "marsad.db"

    result = run("ingest", folder, "--db", db, "--published", "2024-01-04")

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert errors == [f"error photo: binary file, not text  ({folder / 'photo.txt'})"]
    assert stored_docs(db) == ["conoco", "tanf"]


def test_ingest_quiet_drops_the_summary_but_not_the_error(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "empty.txt").write_bytes(b"")

    result = run("ingest", folder, "--db", tmp_path / "marsad.db", "--quiet")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error empty: empty file  ({folder / 'empty.txt'})"]


def test_ingest_missing_path_exits_1(tmp_path: Path) -> None:
    result = run("ingest", tmp_path / "nowhere.txt", "--db", tmp_path / "marsad.db", "--quiet")

    assert result.exit_code == 1
    assert f"file not found: {tmp_path / 'nowhere.txt'}" in result.stderr


def test_ingest_bad_published_date_is_a_usage_error(tmp_path: Path) -> None:
    result = run("ingest", good_folder(tmp_path), "--db", tmp_path / "marsad.db", "--published", "04/01/2024")

    assert result.exit_code == 2
    assert "not an ISO date (YYYY-MM-DD): '04/01/2024'" in result.stderr
    assert not (tmp_path / "marsad.db").exists()


def test_ingest_error_is_one_line_on_a_narrow_pipe(tmp_path: Path) -> None:
    folder = tmp_path / ("reports-" + "x" * 60)
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")

    result = run("ingest", folder, "--db", tmp_path / "marsad.db", "--quiet", width=80)

    assert result.stderr.splitlines() == [f"error empty: empty file  ({folder / 'empty.txt'})"]


def test_ingest_error_keeps_brackets_in_the_document_name(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes[draft].txt").write_bytes(b"")

    result = run("ingest", folder, "--db", tmp_path / "marsad.db", "--quiet")

    assert result.stderr.splitlines() == [f"error notes[draft]: empty file  ({folder / 'notes[draft].txt'})"]




@pytest.mark.parametrize("command, where", [
    ("ingest", "not-a-database"),
    ("ingest", "missing-folder"),
    ("events", "not-a-database"),
    ("events", "missing-folder"),  # click's exists=True catches this one
])
def test_unusable_database_is_a_clear_error(tmp_path: Path, command: str, where: str) -> None:
    db = tmp_path / "notes.db"
    db.write_text("شارك هذا الخبر مع أصدقائك، فهذا ملف نصي وليس قاعدة بيانات.\n", encoding="utf-8")
    if where == "missing-folder":
        db = tmp_path / "missing" / "marsad.db"
    args = ["ingest", good_folder(tmp_path), "--quiet"] if command == "ingest" else ["events"]

    result = run(*args, "--db", db)

    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code != 0
    assert "Error: " in result.stderr and str(db) in result.stderr
    assert "Traceback" not in result.stderr


# --- export --------------------------------------------------------------------

def test_a_long_output_path_is_printed_whole(db: Path, tmp_path: Path) -> None:
    # A path wider than the terminal stays on one line, so it can be copied.
    folder = tmp_path.joinpath(*["a-rather-long-folder-name"] * 12)
    folder.mkdir(parents=True)
    out = folder / "events.jsonl"

    result = run("export", "--db", db, "--format", "marsad-jsonl", "-o", out, width=80)

    assert result.exit_code == 0 and len(str(out)) > 300
    assert result.stderr.splitlines() == [f"2 events written to {out}"]


def test_export_writes_one_schema_object_per_event(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"

    result = run("export", "--db", db, "--format", "marsad-jsonl", "-o", out)

    assert result.exit_code == 0
    assert result.stderr.strip() == f"2 events written to {out}"
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and all(isinstance(r, dict) for r in records)
    with Store(db) as store:
        texts = {d.doc_id: d.text for d in store.documents()}
    for r in records:
        assert EVENT_KEYS <= r.keys()
        assert r["sub_event_type"] in SUB_EVENT_TYPES
        assert set(r["weapons"]) <= WEAPONS
        assert r["date_precision"] in {"day", "week", "month", "year", "unknown"}
        assert r["attribution"] in {"claimed", "confirmed", "accused", "suspected", "unknown"}
        assert LOCATION_KEYS <= r["location"].keys()
        assert MUNITION_KEYS <= r["munitions"].keys()
        assert all({"party", "killed", "injured"} <= c.keys() for c in r["casualties"])
        for rep in r["reports"]:
            assert REPORT_KEYS <= rep.keys() and rep["role"] in {"main", "background"}
            assert rep["evidence"]
            for e in rep["evidence"]:
                assert EVIDENCE_KEYS <= e.keys()
                assert texts[rep["doc_id"]][e["start"]:e["end"]] == e["text"]
    by_doc = {r["reports"][0]["doc_id"]: r for r in records}
    assert (by_doc["conoco"]["location"]["name"], by_doc["conoco"]["munitions"]["launched"]) == (
        "Conoco gas field", 5)
    assert (by_doc["tanf"]["date"], by_doc["tanf"]["date_precision"]) == ("2024-01-04", "day")


def test_export_to_stdout_writes_the_same_lines(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    run("export", "--db", db, "-o", out)

    result = run("export", "--db", db)

    assert result.exit_code == 0
    assert result.stdout == out.read_text(encoding="utf-8")


def test_export_of_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    result = run("export", "--db", tmp_path / "none.db")

    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "none.db").exists()


# --- events and show -----------------------------------------------------------

def test_events_prints_a_table_with_every_event_id(db: Path) -> None:
    result = run("events", "--db", db)

    assert result.exit_code == 0
    with Store(db) as store:
        ids = [e["id"] for e in store.events()]
    assert len(ids) == 2
    assert all(eid in result.stdout for eid in ids)
    assert "Conoco gas field" in result.stdout and "Al-Tanf garrison" in result.stdout


def test_events_ids_stay_whole_but_for_their_prefix_at_80_columns(db: Path) -> None:
    result = run("events", "--db", db, width=80)

    with Store(db) as store:
        assert all(e["id"].removeprefix("evt-") in result.stdout for e in store.events())


def test_show_prints_the_evidence_of_an_event(db: Path) -> None:
    event = first_event(db, "conoco")

    result = run("show", event["id"], "--db", db)

    assert result.exit_code == 0
    evidence = event["reports"][0]["evidence"]
    assert {e["text"] for e in evidence} >= {"حقل كونيكو", "خمسة صواريخ", "اليوم الخميس"}
    for e in evidence:
        assert f"{e['field']} {e['start']}:{e['end']} «{e['text']}»" in result.stdout


def test_show_unknown_event_exits_nonzero_with_a_message(db: Path) -> None:
    result = run("show", "evt-000000000000", "--db", db)

    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no event 'evt-000000000000' in {db}"
    assert result.stdout == ""


# --- demo, extract, reprocess --------------------------------------------------

def test_demo_prints_enough_events_to_review_twenty(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"

    result = run("demo", "--db", target)

    assert result.exit_code == 0
    with Store(target) as store:
        ids = [e["id"] for e in store.events()]
    shown = [eid for eid in ids if eid in result.stdout]
    assert len(shown) >= 20 and shown == ids  # the review queue's check: an analyst reviews 20 demo events
    assert f"database: {target}" in result.stdout


def test_demo_twice_on_one_database_starts_fresh(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    first = run("demo", "--db", target)

    second = run("demo", "--db", target)

    assert second.exit_code == 0
    assert second.stdout == first.stdout


def test_extract_explain_prints_fields_and_rules_and_stores_nothing(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "conoco.txt").write_text(CONOCO, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    result = run("extract", tmp_path / "conoco.txt", "--published", "2024-01-04", "--explain")

    assert result.exit_code == 0
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    place, day = CONOCO.index("حقل كونيكو"), CONOCO.index("اليوم الخميس")
    assert f"location «حقل كونيكو» {place}:{place + 10} gazetteer:base_sy_conoco" in lines
    assert f"date «اليوم الخميس» {day}:{day + 12} dates:weekday+today" in lines
    assert any(line.startswith("munitions.launched «خمسة صواريخ»") for line in lines)
    assert "2024-01-04 (day) Conoco gas field" in result.stdout
    weighed = next(line for line in lines if line.startswith("probability "))
    assert "(intercept)" in weighed and "stated_type +" in " ".join(result.stdout.split())
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["conoco.txt"]


RECALL = ("استهدفت ثلاثة صواريخ قاعدة حقل العمر صباح اليوم الأحد. وأعلنت جماعة مسلحة مسؤوليتها عن الهجوم. "
          "وكانت القاعدة قد تعرضت في 3 من الشهر الجاري لهجوم بطائرة مسيرة.")


def test_extract_explain_shows_which_mention_joined_which_incident_and_why(tmp_path: Path) -> None:
    (tmp_path / "recall.txt").write_text(RECALL, encoding="utf-8")

    result = run("extract", tmp_path / "recall.txt", "--published", "2024-01-28", "--explain")

    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "incident grouping" in text
    assert "— opened: first mention of an attack" in text
    assert "مسؤوليتها عن الهجوم.» — joined incident 1" in text
    assert "لهجوم بطائرة مسيرة.» — opened: incident 1: dates" in text


def test_extract_without_explain_prints_no_rules(tmp_path: Path) -> None:
    (tmp_path / "conoco.txt").write_text(CONOCO, encoding="utf-8")

    result = run("extract", tmp_path / "conoco.txt", "--published", "2024-01-04")

    assert result.exit_code == 0
    assert "Conoco gas field" in result.stdout
    assert "gazetteer:" not in result.stdout


def test_extract_names_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")

    result = run("extract", tmp_path / "empty.txt")

    assert "error empty: empty file" in result.stdout


def test_extract_names_a_text_too_short_to_read_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text("قصف على القائم.\n", encoding="utf-8")

    result = run("extract", tmp_path / "short.txt")

    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "error short: no text after cleaning" in " ".join(result.stdout.split())


def test_reprocess_counts_new_changed_gone_then_nothing(db: Path) -> None:
    conoco, tanf = first_event(db, "conoco"), first_event(db, "tanf")
    conn = sqlite3.connect(db)
    with conn:  # as if the rules had changed since: one event lost, one altered, one extra
        conn.execute("DELETE FROM events WHERE event_id = ?", (conoco["id"],))
        conn.execute("UPDATE events SET data = ? WHERE event_id = ?",
                     (json.dumps({**tanf, "date": "2024-01-03"}), tanf["id"]))
        conn.execute("INSERT INTO events (event_id, data) VALUES ('evt-stale', ?)",
                     (json.dumps({"id": "evt-stale", "reports": []}),))
    conn.close()

    first = run("reprocess", "--db", db)
    second = run("reprocess", "--db", db)

    assert (first.exit_code, first.stdout) == (0, "1 new, 1 changed, 1 gone\n")
    assert (second.exit_code, second.stdout) == (0, "0 new, 0 changed, 0 gone\n")
    assert first_event(db, "conoco")["id"] == conoco["id"]
    assert first_event(db, "tanf") == tanf


def test_reprocess_right_after_ingest_changes_nothing(db: Path) -> None:
    result = run("reprocess", "--db", db)

    assert (result.exit_code, result.stdout) == (0, "0 new, 0 changed, 0 gone\n")
