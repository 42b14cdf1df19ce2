"""Long, mixed sequences of operations on one store, against a model of what it must hold.

A hypothesis state machine grows a store the ways a user does: `marsad ingest` of a
batch (new, changed and re-sent documents, some bridging or splitting events), `marsad
watch --once` rounds over a growing folder and a growing manifest, analyst reviews
(correct, reject, merge, split), `marsad reprocess`, a lexicon change followed by
reprocess, and an ingest killed at a random write followed by a re-run. After every
step: the command succeeded or failed with one line, `marsad doctor` finds nothing,
every report sits in exactly one event, event ids are unique, events whose reports
did not change kept their ids, the analysts' decisions hold, and the events equal
those of one fresh ingest of the same documents with the same reviews replayed.

Texts are sentences written for this test. `MARSAD_SEQUENCE_PROFILE=long` runs the
long profile (README, "Stateful tests").
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from functools import lru_cache
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from marsad.cli import cli
from marsad.doctor import diagnose
from marsad.extract import mentions
from marsad.review import actions
from marsad.pipeline import process_safely
from marsad.run import ingest_items, plan_merge, remerge
from marsad.settings import Settings
from marsad.store.consistency import event_conflicts
from marsad.store.store import Store
from marsad.types import Article
from databases import PG_URL, new_database
from lexicons import weapons_without

PROFILES = {  # examples on SQLite, on PostgreSQL, steps per example
    "ci": (120, 100, 30),  # within CI's time: PostgreSQL's round trips make its examples several times slower
    "long": (1000, 1000, 50),
    "quick": (20, 20, 30),  # while working on the store
}
EXAMPLES, PG_EXAMPLES, STEPS = PROFILES[os.environ.get("MARSAD_SEQUENCE_PROFILE", "ci")]

FIRST_DAY = date(2024, 5, 5)  # a Sunday
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
PLACES = (("قاعدة حقل العمر", "في ريف دير الزور الشرقي"),
          ("حقل كونيكو", "شمال شرقي دير الزور"),
          ("قاعدة عين الأسد", "في محافظة الأنبار غربي العراق"))
WEAPONS = ("استهدفت ثلاثة صواريخ", "هاجمت طائرة مسيرة مجهولة")
OUTLETS = ("Valley Post", "River Daily", "Plain Wire")
SLOTS = 10  # document ids the machine draws from: re-drawing one re-sends or changes it


def _weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def document_text(variant: tuple[int, int, int, int, int]) -> tuple[str, date]:
    """An invented report and its publication day: place, day, weapon, how the day is told, recall.

    Told "today" it is published that day; told "yesterday" it is published the next day.
    A recall adds an earlier drone attack on the same base, two days before.
    """
    place, day_n, weapon, told, recall = variant
    if place < 0:  # a document with no attack
        return ("عقد مجلس المحافظة اجتماعاً لمناقشة خطة ترميم المدارس قبل بدء العام الدراسي، "
                "وأعلن عن تخصيص مبالغ إضافية لصيانة الطرق الريفية."), FIRST_DAY + timedelta(days=day_n)
    day = FIRST_DAY + timedelta(days=day_n)
    name, region = PLACES[place]
    when = f"صباح اليوم {_weekday(day)}" if told == 0 else f"مساء أمس {_weekday(day)}"
    published = day if told == 0 else day + timedelta(days=1)
    text = (f"{WEAPONS[weapon]} {name} {region} {when}. وقالت مصادر محلية إن دوي انفجارات سمع في محيط "
            f"القاعدة دون ورود معلومات عن إصابات.")
    if recall:
        earlier = day - timedelta(days=2)
        text += f" وكانت القاعدة قد تعرضت في {earlier.day} من الشهر الجاري لهجوم بطائرة مسيرة."
    return text, published


variants = st.one_of(
    st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 1), st.integers(0, 1), st.integers(0, 1)),
    st.tuples(st.just(-1), st.integers(0, 2), st.just(0), st.just(0), st.just(0)),
)
batches = st.lists(st.tuples(st.integers(0, SLOTS - 1), variants), min_size=1, max_size=4, unique_by=lambda d: d[0])


def record(doc_id: str, variant: tuple) -> dict:
    text, published = document_text(variant)
    return {"doc_id": doc_id, "text": text, "published": published.isoformat(),
            "outlet": OUTLETS[sum(variant) % len(OUTLETS)]}


def article(doc_id: str, variant: tuple) -> Article:
    r = record(doc_id, variant)
    return Article(doc_id=doc_id, source=f"{doc_id}.json", text=r["text"], outlet=r["outlet"],
                   published=date.fromisoformat(r["published"]))


class Killed(BaseException):
    """What kill -9 does to a process, as far as the store can tell: it stops between two statements."""


class DyingConnection:
    """The store's connection, dying at its n-th statement; transactions roll back as after a kill."""

    def __init__(self, conn, statements_left: int):
        self._conn, self._left = conn, statements_left

    def _tick(self) -> None:
        self._left -= 1
        if self._left < 0:
            raise Killed

    def execute(self, *args):
        self._tick()
        return self._conn.execute(*args)

    def executemany(self, *args):
        self._tick()
        return self._conn.executemany(*args)

    def __enter__(self):
        self._conn.__enter__()
        return self

    def __exit__(self, *exc):
        return self._conn.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self._conn, name)


DROPPED_DRONE_FORMS = {"طائرة مسيرة", "مسيرة"}
PACKAGED_MATCHER = mentions.matcher


@lru_cache(maxsize=1)
def changed_matcher():
    """The matcher after a lexicon change (singular drones dropped), built once for the whole run."""
    real = mentions.load_lexicon
    mentions.load_lexicon = weapons_without(real, DROPPED_DRONE_FORMS)
    try:
        return PACKAGED_MATCHER.__wrapped__()
    finally:
        mentions.load_lexicon = real


def use_lexicon(changed: bool) -> None:
    mentions.matcher = changed_matcher if changed else PACKAGED_MATCHER


@lru_cache(maxsize=None)
def extracted(doc_id: str, variant: tuple, lexicon_changed: bool):
    """One document cleaned and extracted, for the fresh store the invariant compares with."""
    use_lexicon(lexicon_changed)
    return process_safely(article(doc_id, variant), Settings())


def members(store: Store) -> dict[str, frozenset[str]]:
    """event id → its report ids, as the reports table says."""
    out: dict[str, set[str]] = {}
    for row in store.conn.execute("SELECT report_id, event_id FROM reports"):
        out.setdefault(row[1], set()).add(row[0])
    return {k: frozenset(v) for k, v in out.items()}


def report_data(store: Store) -> dict[str, str]:
    return {row[0]: row[1] for row in store.conn.execute("SELECT report_id, data FROM reports")}


def records(store: Store) -> dict[str, dict]:
    return {e["id"]: e for e in store.events(include_rejected=True)}


class StoreSequences(RuleBasedStateMachine):
    backend = "sqlite"

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="marsad-seq-"))
        self._database = new_database(self.backend, self.folder)
        self.db = next(self._database)
        self.documents: dict[str, tuple] = {}  # doc_id → the variant last sent
        self.decisions: list[tuple] = []  # ("reject"|"unreject"|"correct"|"merge"|"split", …) in order
        self.lexicon_changed = False
        (self.folder / "watched").mkdir()
        self.manifest = self.folder / "growing.jsonl"
        self.manifest.touch()
        self.manifest_read: set[str] = set()  # manifest lines the watcher has read
        self.folder_read: dict[str, tuple] = {}  # doc_id → the variant the watcher last read from its file
        self.before: tuple[dict, dict] = ({}, {})

    def teardown(self):
        use_lexicon(False)
        self._database.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # helpers -----------------------------------------------------------------------
    def run(self, *args: str) -> None:
        """One CLI command: it succeeds, or fails with one line and no traceback."""
        result = CliRunner().invoke(cli, [*args, "--db", self.db], catch_exceptions=True)
        out = result.output.strip()
        assert "Traceback" not in out, out
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
            f"{args}: {result.exception!r}")
        assert result.exit_code == 0, out

    def snapshot(self) -> None:
        with Store(self.db) as store:
            self.before = (members(store), report_data(store))

    def send(self, batch) -> list[tuple[str, tuple]]:
        docs = [(f"seq-{slot}", variant) for slot, variant in batch]
        self.snapshot()
        return docs

    def accept(self, docs) -> None:
        for doc_id, variant in docs:
            self.documents[doc_id] = variant

    def events(self) -> dict[str, dict]:
        with Store(self.db) as store:
            return records(store)

    # rules -------------------------------------------------------------------------
    @initialize()
    def empty_store(self):
        Store(self.db).close()
        self.run("doctor")

    @rule(batch=batches)
    def ingest(self, batch):
        docs = self.send(batch)
        path = self.folder / "batch.jsonl"
        path.write_text("".join(json.dumps(record(d, v), ensure_ascii=False) + "\n" for d, v in docs),
                        encoding="utf-8")
        self.run("ingest", str(path), "--quiet")
        self.accept(docs)

    @rule(batch=batches)
    def watch_folder(self, batch):
        docs = self.send(batch)
        for doc_id, variant in docs:
            (self.folder / "watched" / f"{doc_id}.json").write_text(
                json.dumps(record(doc_id, variant), ensure_ascii=False), encoding="utf-8")
        self.run("watch", str(self.folder / "watched"), "--once", "--quiet")
        # The watcher reads a file again only when its bytes changed since it last read it.
        self.accept([(d, v) for d, v in docs if self.folder_read.get(d) != v])
        self.folder_read.update(docs)

    @rule(batch=batches)
    def watch_manifest(self, batch):
        docs = self.send(batch)
        lines = [json.dumps(record(d, v), ensure_ascii=False) for d, v in docs]
        with self.manifest.open("a", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in lines)
        self.run("watch", str(self.manifest), "--once", "--quiet")
        # A line the watcher has read before, appended again word for word, is not read twice.
        self.accept([doc for doc, line in zip(docs, lines) if line not in self.manifest_read])
        self.manifest_read.update(lines)

    @rule(batch=batches, statements=st.integers(0, 40))
    def ingest_killed_then_rerun(self, batch, statements):
        docs = self.send(batch)
        with Store(self.db) as store:
            store.conn = DyingConnection(store.conn, statements)
            try:
                ingest_items(store, [article(d, v) for d, v in docs], Settings())
            except Killed:
                pass
            store.conn = store.conn._conn
        path = self.folder / "rerun.jsonl"
        path.write_text("".join(json.dumps(record(d, v), ensure_ascii=False) + "\n" for d, v in docs),
                        encoding="utf-8")
        self.run("ingest", str(path), "--quiet")
        self.accept(docs)

    @rule()
    def reprocess(self):
        self.snapshot()
        self.run("reprocess")

    @rule()
    def change_the_lexicon_and_reprocess(self):
        self.snapshot()
        self.lexicon_changed = not self.lexicon_changed
        use_lexicon(self.lexicon_changed)
        self.run("reprocess")

    @precondition(lambda self: self.documents)
    @rule(data=st.data(), action=st.sampled_from(["reject", "unreject", "correct"]))
    def review_one_event(self, data, action):
        events = sorted(self.events())
        if not events:
            return
        self.snapshot()
        eid = data.draw(st.sampled_from(events))
        with Store(self.db) as store:
            if action == "correct":
                value = data.draw(st.integers(0, 9))
                actions.correct(store, eid, "killed", value, "tester", "seen in the source")
                self.decisions.append(("correct", eid, value))
            else:
                getattr(actions, action)(store, eid, "tester", "checked")
                self.decisions.append((action, eid))

    @precondition(lambda self: self.documents)
    @rule(data=st.data())
    def merge_two_events(self, data):
        events = sorted(self.events())
        if len(events) < 2:
            return
        self.snapshot()
        pair = data.draw(st.lists(st.sampled_from(events), min_size=2, max_size=2, unique=True))
        with Store(self.db) as store:
            reports = sorted(self.before[0].get(pair[0], set()) | self.before[0].get(pair[1], set()))
            actions.merge(store, pair, "tester", "one incident")
        self.decisions.append(("merge", frozenset(reports)))

    @precondition(lambda self: self.documents)
    @rule(data=st.data())
    def split_a_report(self, data):
        self.snapshot()
        several = sorted((eid, sorted(rids)) for eid, rids in self.before[0].items() if len(rids) > 1)
        if not several:
            return
        eid, rids = data.draw(st.sampled_from(several))
        rid = data.draw(st.sampled_from(rids))
        with Store(self.db) as store:
            actions.split(store, eid, rid, "tester", "another incident")
        self.decisions.append(("split", rid, frozenset(rids) - {rid}))

    # invariants --------------------------------------------------------------------
    @invariant()
    def store_is_sound(self):
        """Every invariant, on one reading of the store."""
        found = diagnose(self.db)
        assert found.problems == [], found.problems
        assert not any("not merged" in n for n in found.notes), found.notes
        with Store(self.db) as store:
            now = (members(store), report_data(store))
            events = records(store)
            full = plan_merge(store)
            full_records = {e["id"]: e for e in full.records(full.membership)}
            assert store.conn.execute("SELECT count(*) FROM reports WHERE event_id IS NULL").fetchone()[0] == 0
            assert event_conflicts(store.conn) == set()
            audit = store.conn.execute("SELECT at, who, action, event_id, field, value, why, report_id, "
                                       "other_event_id FROM audit ORDER BY id").fetchall()
        assert len(events) == len(now[0])  # ids unique, each report's event stored
        # The store, built by incremental merges, is what a full merge of its reports would write, field by field.
        assert events == full_records
        self.check_unchanged_events_keep_their_ids(*now)
        self.check_analyst_decisions_hold(now[0], events)
        self.check_events_equal_one_fresh_ingest(events, now[0], audit)

    def check_unchanged_events_keep_their_ids(self, now_members, now_data):
        old_members, old_data = self.before
        by_members = {rids: eid for eid, rids in now_members.items()}
        for eid, rids in old_members.items():
            if rids in by_members and all(old_data[r] == now_data.get(r) for r in rids):
                assert by_members[rids] == eid, f"event {eid} with unchanged reports became {by_members[rids]}"

    def check_analyst_decisions_hold(self, now_members, events):
        where = {r: eid for eid, rids in now_members.items() for r in rids}
        rejected, corrected = {}, {}
        for i, d in enumerate(self.decisions):
            later = self.decisions[i + 1:]
            if d[0] in ("reject", "unreject"):
                rejected[d[1]] = d[0] == "reject"
            elif d[0] == "correct":
                corrected[d[1]] = d[2]
            elif d[0] == "merge" and not any(_touches(x, d[1]) for x in later):
                present = {where[r] for r in d[1] if r in where}
                assert len(present) <= 1, f"merged reports {sorted(d[1])} are apart again"
            elif d[0] == "split" and not any(_touches(x, d[2] | {d[1]}) for x in later) and d[1] in where:
                assert all(where.get(r) != where[d[1]] for r in d[2]), f"split report {d[1]} is back"
        for eid, flag in rejected.items():
            if eid in events:
                assert events[eid]["review"]["rejected"] == flag
        for eid, value in corrected.items():
            if eid in events:
                assert sum(c.get("killed") or 0 for c in events[eid]["casualties"]) == value

    def check_events_equal_one_fresh_ingest(self, ours, now_members, audit):
        """A new store given the same documents, the same audit log and the same ids holds the same events."""
        docs = sorted(self.documents.items())
        processed = [[(article(d, v), extracted(d, v, self.lexicon_changed))] for d, v in docs]
        use_lexicon(self.lexicon_changed)
        with Store(":memory:") as fresh:
            ingest_items(fresh, [], Settings(), processed=processed)
            with fresh.conn:
                fresh.conn.executemany("UPDATE reports SET event_id = ? WHERE report_id = ?",
                                       [(e, r) for e, rids in now_members.items() for r in rids])
                fresh.conn.executemany("INSERT INTO audit (at, who, action, event_id, field, value, why, "
                                       "report_id, other_event_id) VALUES (?,?,?,?,?,?,?,?,?)",
                                       [tuple(row) for row in audit])
            remerge(fresh, full=True)
            theirs = records(fresh)
        assert {e: sorted(r["report_id"] for r in v["reports"]) for e, v in ours.items()} == {
            e: sorted(r["report_id"] for r in v["reports"]) for e, v in theirs.items()}
        assert ours == theirs


def _touches(decision: tuple, reports: frozenset[str]) -> bool:
    """Does a later merge or split involve any of these reports?"""
    if decision[0] == "merge":
        return bool(decision[1] & reports)
    if decision[0] == "split":
        return bool(({decision[1]} | decision[2]) & reports)
    return False


SETTINGS = settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

TestStoreSequencesSQLite = StoreSequences.TestCase
TestStoreSequencesSQLite.settings = SETTINGS


class PostgresSequences(StoreSequences):
    backend = "postgresql"


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL tests need a server: set MARSAD_TEST_PG_URL=postgresql://… "
                                       "(.ci/run does)")
class TestStoreSequencesPostgres(PostgresSequences.TestCase):
    settings = settings(SETTINGS, max_examples=PG_EXAMPLES)


def _event_of(machine: StoreSequences, rid: str) -> str:
    machine.snapshot()
    return next(eid for eid, rids in machine.before[0].items() if rid in rids)


@pytest.mark.parametrize("machine", [StoreSequences, pytest.param(PostgresSequences, marks=pytest.mark.skipif(
    not PG_URL, reason="PostgreSQL tests need a server: set MARSAD_TEST_PG_URL=postgresql://… (.ci/run does)"))])
def test_a_split_report_whose_document_drops_it_frees_the_event_it_was_split_from(machine):
    """Found by the long run: the split-off report was the only link between an analyst-merged event and a later
    report; once its document no longer tells the attack, the event it was split from clusters again without it,
    although no stored report names the emptied event any more."""
    m = machine()
    try:
        m.empty_store()
        m.ingest([(4, (0, 0, 0, 0, 0)), (8, (2, 1, 1, 1, 1))])
        with Store(m.db) as store:
            actions.merge(store, [_event_of(m, "seq-4#0"), _event_of(m, "seq-8#188")], "tester", "one incident")
        m.ingest([(0, (2, 1, 1, 1, 1))])
        for rid in ("seq-8#0", "seq-8#188"):
            with Store(m.db) as store:
                actions.split(store, _event_of(m, rid), rid, "tester", "another incident")
        m.ingest([(8, (-1, 1, 0, 0, 0))])
        m.store_is_sound()
        assert _event_of(m, "seq-0#188") != _event_of(m, "seq-4#0")
    finally:
        m.teardown()
