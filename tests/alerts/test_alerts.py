"""Alert rules: which events each kind of rule fires on, once per (rule, event), and where alerts go.

The events come from short Arabic reports written for these tests, ingested
for real; webhooks are POSTed to a server on 127.0.0.1 started by the test.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.alerts.config import AlertConfigError, Conditions, load_config
from marsad.alerts.engine import check_alerts
from marsad.alerts.match import Timeline, meets
from marsad.cli import cli
from marsad.run import ingest_items, reprocess
from marsad.settings import Settings
from marsad.store.store import Store
from marsad.types import Article

PUBLISHED = date(2024, 1, 4)  # a Thursday: "اليوم الخميس" is this day, "يوم الثلاثاء" the 2nd
REPORTS = {
    "omar-hurt": "أصيب جنديان أمريكيان بجروح طفيفة اليوم الخميس إثر سقوط صواريخ على قاعدة حقل العمر في ريف "
                 "دير الزور الشرقي، بحسب مصادر محلية.",
    "omar-quiet": "سقط صاروخان قرب قاعدة حقل العمر في ريف دير الزور يوم الثلاثاء دون أن يسفر الهجوم عن إصابات.",
    "asad-claim": "تبنت المقاومة الإسلامية في العراق هجوما بطائرة مسيرة على قاعدة عين الأسد الجوية في محافظة "
                  "الأنبار اليوم الخميس.",
    "conoco": "استهدفت قذائف صاروخية قاعدة حقل كونيكو للغاز في ريف دير الزور اليوم الخميس، ولم ترد أنباء عن إصابات.",
    "kamal": "قصفت طائرة مسيرة مجهولة موقعا عسكريا في مدينة البوكمال بريف دير الزور اليوم الخميس.",
    "hajin": "انفجرت عبوة ناسفة بسيارة عسكرية في بلدة هجين بريف دير الزور الشرقي اليوم الخميس.",
}
# A later report on Tuesday's attack at حقل العمر: the event it joins now has wounded.
OMAR_QUIET_UPDATE = ("أصيب ثلاثة جنود أمريكيين بجروح في الهجوم الصاروخي على قاعدة حقل العمر بريف دير الزور "
                     "يوم الثلاثاء، بحسب مصدر عسكري.")

RULES = """
rules:
  - id: casualties-at-omar
    when: {place: base_sy_al_omar, casualties: true}
  - id: deir-ez-zor-surge
    when: {admin1: Deir ez-Zor, count_over: 3, within_hours: 24}
  - id: claim-by-irq-resistance
    when: {attacker: iran_backed_militias, attribution: claimed}
outputs:
  - {type: jsonl, path: alerts.jsonl}
  - {type: terminal}
"""
WEBHOOK = "  - {{type: webhook, url: '{url}', retries: 1}}\n"


def articles(reports: dict[str, str]) -> list[Article]:
    return [Article(doc_id=d, source=d, text=t, published=PUBLISHED) for d, t in reports.items()]


def write_rules(folder: Path, extra: str = "") -> Path:
    path = folder / "rules.yaml"
    path.write_text(RULES + extra, encoding="utf-8")
    return path


def fired_docs(store: Store, alerts) -> set[tuple[str, str]]:
    """(rule, first report's doc_id) of each alert, so expectations name reports, not event hashes."""
    first = {e["id"]: e["reports"][0]["doc_id"] for e in store.events()}
    return {(a.rule_id, first[a.event_id]) for a in alerts}


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


@dataclass
class Hook:
    url: str = ""
    failures: int = 0  # answer 500 this many more times
    received: list[dict] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def hook() -> Iterator[Hook]:
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = 500 if hook.failures > 0 else 200
            if status == 200:
                hook.received.append(json.loads(body))
            else:
                hook.failures -= 1
            hook.statuses.append(status)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield hook
    server.shutdown()
    server.server_close()


EXPECTED = {("casualties-at-omar", "omar-hurt"), ("claim-by-irq-resistance", "asad-claim"),
            *(("deir-ez-zor-surge", d) for d in ("omar-hurt", "conoco", "kamal", "hajin"))}


# --- rules fire on matching events, once ------------------------------------------------------------

def test_each_rule_fires_on_matching_events_only(database, tmp_path):
    config = load_config(write_rules(tmp_path))
    lines: list[str] = []
    with Store(database) as store:
        ingest_items(store, articles(REPORTS), Settings())
        result = check_alerts(store, config, echo=lines.append)
        assert fired_docs(store, result.fired) == EXPECTED
        surge = next(a for a in result.fired if a.rule_id == "deir-ez-zor-surge")
        assert surge.payload["surge"]["count"] == 4 and surge.payload["surge"]["within_hours"] == 24
        hurt = next(a for a in result.fired if a.rule_id == "casualties-at-omar")
    assert hurt.payload["event"]["location"]["name_ar"] == "حقل العمر"
    assert hurt.payload["summary"].endswith("us_coalition (unknown); 0 killed, 2 injured")
    assert sorted(lines) == sorted(f"alert {a.rule_id}: {a.payload['summary']}" for a in result.fired)
    written = jsonl(tmp_path / "alerts.jsonl")
    assert sorted((r["rule_id"], r["event_id"]) for r in written) == sorted((a.rule_id, a.event_id)
                                                                           for a in result.fired)


def test_alert_fires_once_across_reingest_reprocess_and_restart(database, tmp_path):
    config = load_config(write_rules(tmp_path))
    db = database
    with Store(db) as store:
        ingest_items(store, articles(REPORTS), Settings())
        first = check_alerts(store, config, echo=lambda line: None)
        ingest_items(store, articles(REPORTS), Settings())
        assert check_alerts(store, config, echo=lambda line: None).fired == []
        reprocess(store, Settings())
        assert check_alerts(store, config, echo=lambda line: None).fired == []
    with Store(db) as store:  # restarted
        assert check_alerts(store, config, echo=lambda line: None).fired == []
        assert store.conn.execute("SELECT count(*) FROM alerts").fetchone()[0] == len(first.fired) == len(EXPECTED)
    assert len(jsonl(tmp_path / "alerts.jsonl")) == len(EXPECTED)


def test_changed_event_is_checked_again(database, tmp_path):
    config = load_config(write_rules(tmp_path))
    with Store(database) as store:
        ingest_items(store, articles(REPORTS), Settings())
        check_alerts(store, config, echo=lambda line: None)
        ingest_items(store, articles({"omar-quiet-2": OMAR_QUIET_UPDATE}), Settings())
        later = check_alerts(store, config, echo=lambda line: None)
        assert fired_docs(store, later.fired) == {("casualties-at-omar", "omar-quiet")}
        assert later.fired[0].payload["event"]["date"] == "2024-01-02"


def test_new_rule_looks_at_events_already_checked(database, tmp_path):
    rules = write_rules(tmp_path)
    with Store(database) as store:
        ingest_items(store, articles(REPORTS), Settings())
        check_alerts(store, load_config(rules), echo=lambda line: None)
        rules.write_text(RULES.replace("outputs:", "  - id: ied\n    when: {sub_event_type: "
                                                   "Remote explosive/landmine/IED}\noutputs:"), encoding="utf-8")
        added = check_alerts(store, load_config(rules), echo=lambda line: None)
        assert fired_docs(store, added.fired) == {("ied", "hajin")}


def test_rejected_event_fires_nothing(database, tmp_path):
    config = load_config(write_rules(tmp_path))
    with Store(database) as store:
        ingest_items(store, articles(REPORTS), Settings())
        omar = next(e for e in store.events() if e["reports"][0]["doc_id"] == "omar-hurt")
        store.update_event({**omar, "review": {**omar["review"], "rejected": True}})
        fired = check_alerts(store, config, echo=lambda line: None).fired
        assert "omar-hurt" not in {d for _, d in fired_docs(store, fired)}


# --- conditions, one kind at a time ----------------------------------------------------------------

EVENT = {"id": "evt-1", "date": "2024-01-04", "time": None, "sub_event_type": "Air/drone strike",
         "weapons": ["drone"], "attacker": "iran_backed_militias", "target_actor": "us_coalition",
         "attribution": "claimed",
         "location": {"id": "base_iq_ain_al_asad", "name": "Ain al-Asad Air Base", "name_ar": "عين الأسد",
                      "admin1": "Anbar", "country": "IQ"},
         "casualties": [{"party": "us_coalition", "killed": None, "injured": 3}]}


@pytest.mark.parametrize("when, expected", [
    ({"place": "base_iq_ain_al_asad"}, True),
    ({"place": "عين الاسد"}, True),  # typed without hamza
    ({"place": "base_sy_al_omar"}, False),
    ({"admin1": "anbar"}, True),
    ({"admin1": "Deir ez-Zor"}, False),
    ({"country": "IQ"}, True),
    ({"country": "SY"}, False),
    ({"attacker": "iran_backed_militias"}, True),
    ({"attacker": "us_coalition"}, False),
    ({"target": "us_coalition"}, True),
    ({"actor": "us_coalition"}, True),
    ({"actor": "isis"}, False),
    ({"attribution": "claimed"}, True),
    ({"attribution": "accused"}, False),
    ({"sub_event_type": "Air/drone strike"}, True),
    ({"weapon": "drone"}, True),
    ({"weapon": "rocket"}, False),
    ({"casualties": True}, True),
    ({"casualties": False}, False),
    ({"min_killed": 1}, False),
    ({"attacker": "iran_backed_militias", "attribution": "accused"}, False),  # every condition must hold
])
def test_conditions(when, expected):
    assert meets(Conditions(**when), EVENT) is expected


@pytest.mark.parametrize("moments, count_over, hours, fires", [
    ([("2024-01-04", None)] * 4, 3, 24, True),
    ([("2024-01-04", None)] * 3, 3, 24, False),
    ([("2024-01-03", None), ("2024-01-04", None), ("2024-01-04", None), ("2024-01-04", None)], 3, 24, False),
    ([("2024-01-03", "23:00"), ("2024-01-04", "01:00"), ("2024-01-04", "02:00"), ("2024-01-04", "03:00")], 3, 6, True),
    ([("2024-01-03", "20:00"), ("2024-01-04", "01:00"), ("2024-01-04", "02:00"), ("2024-01-04", "03:00")], 3, 6, False),
])
def test_surge_window(moments, count_over, hours, fires):
    events = [{"id": f"e{n}", "date": d, "time": t} for n, (d, t) in enumerate(moments)]
    # The event checked is the earliest, so the window must reach forward from it too.
    surge = Timeline(events).surge(events[0], count_over, hours)
    assert (surge is not None) is fires
    if fires:
        assert surge.event_ids == tuple(e["id"] for e in events)


# --- outputs ------------------------------------------------------------------------------------

def test_webhook_receives_alerts_and_a_failing_one_is_retried_next_round(database, tmp_path, hook):
    config = load_config(write_rules(tmp_path, WEBHOOK.format(url=hook.url)))
    hook.failures = 2  # the first POST and its one retry
    with Store(database) as store:
        ingest_items(store, articles(REPORTS), Settings())
        first = check_alerts(store, config, echo=lambda line: None, sleep=lambda s: None)
        assert hook.statuses == [500, 500]  # the rest of the round's alerts did not try a broken hook
        assert first.problems == [f"alert output webhook:{hook.url} failed, retried next round: "
                                  "HTTP 500 Internal Server Error"]
        assert store.conn.execute("SELECT count(*) FROM alerts WHERE sent = 0").fetchone()[0] == len(EXPECTED)
        second = check_alerts(store, config, echo=lambda line: None, sleep=lambda s: None)
        assert (second.fired, second.problems) == ([], [])
        assert store.conn.execute("SELECT count(*) FROM alerts WHERE sent = 0").fetchone()[0] == 0
        assert fired_docs(store, first.fired) == EXPECTED
    assert sorted((m["rule_id"], m["event_id"]) for m in hook.received) == sorted(
        (a.rule_id, a.event_id) for a in first.fired)
    assert {m["alert_id"] for m in hook.received} == {a.id for a in first.fired}
    assert len(jsonl(tmp_path / "alerts.jsonl")) == len(EXPECTED)  # the JSONL output was not written twice


# --- the rules file ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("rule:\n  - id: x\n    when: {place: omar}\n", "top level: unknown key 'rule'; did you mean 'rules'?"),
    ("rules:\n  - id: x\n    when: {admin: Anbar}\n", "rule 1 (x) 'when': unknown key 'admin'; did you mean 'admin1'?"),
    ("rules:\n  - id: x\n    wen: {place: omar}\n", "rule 1 (x): unknown key 'wen'; did you mean 'when'?"),
    ("rules:\n  - id: x\n    when: {severity: high}\n", "rule 1 (x) 'when': unknown key 'severity'; known: place,"),
    ("rules:\n  - id: x\n    when: {attribution: claim}\n", "rule 1 (x): attribution: must be one of unknown, claimed"),
    ("rules:\n  - id: x\n    when: {casualties: 'yes'}\n", "rule 1 (x): casualties: must be true or false"),
    ("rules:\n  - id: x\n    when: {count_over: 3}\n", "'count_over' and 'within_hours' go together"),
    ("rules:\n  - id: x\n    when: {count_over: 3, within_hours: -1}\n", "within_hours: must be a positive number"),
    ("rules:\n  - when: {place: omar}\n", "rule 1: 'id' must be a non-empty string"),
    ("rules:\n  - id: x\n    when: {}\n", "rule 1 (x): 'when' must be a non-empty mapping"),
    ("rules:\n  - {id: x, when: {place: a}}\n  - {id: x, when: {place: b}}\n", "rule id 'x' is used twice"),
    ("rules: []\n", "'rules' must be a non-empty list"),
    ("rules:\n  - {id: x, when: {place: a}}\noutputs:\n  - {type: email}\n",
     "output 1: needs 'type', one of jsonl, terminal, webhook"),
    ("rules:\n  - {id: x, when: {place: a}}\noutputs:\n  - {type: jsonl, file: a.jsonl}\n",
     "output 1 (jsonl): unknown key 'file'"),
    ("rules:\n  - {id: x, when: {place: a}}\noutputs:\n  - {type: webhook, url: 'ftp://x'}\n",
     "output 1 (webhook): 'url' must be an http(s) URL"),
    ("rules:\n  - id: x\n    when: {place: [\n", "not valid YAML (line 4, column 1)"),
    ("", "expected a mapping with 'rules'"),
])
def test_bad_rules_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AlertConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)


def test_outputs_default_to_the_terminal_and_paths_to_the_rules_folder(tmp_path):
    (tmp_path / "conf").mkdir()
    bare = tmp_path / "conf" / "bare.yaml"
    bare.write_text("rules:\n  - {id: x, when: {place: a}}\n", encoding="utf-8")
    assert [o.type for o in load_config(bare).outputs] == ["terminal"]
    assert load_config(write_rules(tmp_path)).outputs[0].path == tmp_path / "alerts.jsonl"


# --- the commands --------------------------------------------------------------------------------

def write_reports(folder: Path) -> None:
    folder.mkdir()
    lines = [json.dumps({"doc_id": d, "text": t, "published": PUBLISHED.isoformat()}, ensure_ascii=False)
             for d, t in REPORTS.items()]
    (folder / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_ingest_and_watch_take_rules_by_option_or_environment(tmp_path):
    write_reports(tmp_path / "in")
    rules = write_rules(tmp_path)
    runner = CliRunner()
    done = runner.invoke(cli, ["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "a.db"), "-q",
                               "--alerts", str(rules)])
    assert done.exit_code == 0, done.output
    assert len(jsonl(tmp_path / "alerts.jsonl")) == len(EXPECTED)
    watched = runner.invoke(cli, ["watch", str(tmp_path / "in"), "--db", str(tmp_path / "b.db"), "--once"],
                            env={"MARSAD_ALERTS": str(rules)})
    assert watched.exit_code == 0, watched.output
    assert f"{len(EXPECTED)} new alert(s)" in watched.output
    # b.db fired the same alerts again: once per event and rule is per database.
    assert len(jsonl(tmp_path / "alerts.jsonl")) == 2 * len(EXPECTED)


def test_bad_rules_stop_the_command_before_any_work(tmp_path):
    write_reports(tmp_path / "in")
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: x\n    when: {admin: Anbar}\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "a.db"),
                                    "--alerts", str(rules)])
    assert done.exit_code == 1
    assert "unknown key 'admin'; did you mean 'admin1'?" in done.output
    assert not (tmp_path / "a.db").exists()
