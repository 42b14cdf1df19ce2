"""Stores of short Arabic reports written for the export tests.

Two outlets report one rocket attack on حقل العمر and disagree on the count
(8 vs 3 rockets) and the dead (6 vs 8); a third, hedged report is about عين
الأسد in Iraq; a fourth dates a drone strike in بادية الميادين only to "last
week" (``export_db``). Another store holds two outlets telling one attack, one of them recalling an older
one in passing (``told_twice_db``). Ingested for real, so the exports are tested on what the store holds.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from marsad.run import ingest_items
from marsad.settings import Settings
from marsad.store.store import Store
from marsad.types import Article

PUBLISHED = date(2024, 1, 4)  # a Thursday: "اليوم الخميس" is this day
REPORTS = {
    "omar-a": ("Outlet A", "أطلقت الميليشيات الموالية لإيران ثمانية صواريخ على قاعدة حقل العمر التي تتمركز فيها "
                           "القوات الأمريكية في ريف دير الزور الشرقي اليوم الخميس، ما أسفر عن مقتل ستة أشخاص."),
    "omar-b": ("Outlet B", "سقطت ثلاثة صواريخ على قاعدة حقل العمر التي تتمركز فيها القوات الأمريكية في ريف دير "
                           "الزور اليوم الخميس، وأسفر الهجوم عن مقتل ثمانية أشخاص بحسب مصادر محلية."),
    "asad-c": ("Outlet C", "سقطت ثلاثة صواريخ على قاعدة عين الأسد الجوية في محافظة الأنبار غرب العراق اليوم "
                           "الخميس، ويرجح أن الميليشيات تقف وراء الهجوم."),
    "mayadin-d": ("Outlet D", "استهدفت طائرة مسيرة موقعا لقوات سوريا الديمقراطية في بادية الميادين الأسبوع "
                              "الماضي، دون أن تسفر عن إصابات."),
}


@pytest.fixture(scope="session")
def export_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "marsad.db"
    articles = [Article(doc_id, doc_id, text=text, outlet=outlet, published=PUBLISHED, lang="ar")
                for doc_id, (outlet, text) in REPORTS.items()]
    with Store(path) as store:
        result = ingest_items(store, articles, Settings())
    assert (result.stored, result.failures, result.events) == (4, [], 3)
    return path


@pytest.fixture
def events(export_db: Path) -> list[dict]:
    with Store(export_db) as store:
        return store.events()


def _event_of(events: list[dict], doc_id: str) -> dict:
    return next(e for e in events if doc_id in {r["doc_id"] for r in e["reports"]})


def _cited(event: dict, doc_id: str, field: str) -> list[str]:
    return [x["text"] for r in event["reports"] if r["doc_id"] == doc_id
            for x in r["evidence"] if x["field"] == field]


@pytest.fixture
def event_of():
    """event_of(events, doc_id): the event a document's report was merged into."""
    return _event_of


@pytest.fixture
def cited():
    """cited(event, doc_id, field): the words a document's report cites for a field."""
    return _cited


# Written for these tests: two outlets tell one stated attack; one of them recalls an older one in passing.
TOLD_TWICE = {
    "conf-a": ("Valley Post", "استهدفت ثلاثة صواريخ قاعدة حقل العمر في ريف دير الزور الشرقي صباح اليوم الأحد، "
                              "وسمع دوي انفجارات داخل القاعدة. وكانت القاعدة قد تعرضت الشهر الماضي لهجوم مماثل."),
    "conf-b": ("River Daily", "سقطت ثلاثة صواريخ على قاعدة حقل العمر شرقي دير الزور صباح الأحد دون وقوع إصابات."),
}


@pytest.fixture
def told_twice_db(tmp_path: Path) -> Path:
    """A fresh store of the two outlets' reports: a main attack told twice and a passing recall."""
    db = tmp_path / "told-twice.db"
    with Store(db) as store:
        ingest_items(store, [Article(doc_id=d, source=d, text=t, outlet=o, published=date(2024, 5, 5))
                             for d, (o, t) in TOLD_TWICE.items()], Settings())
    return db
