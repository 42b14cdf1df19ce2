"""Search finds a word whatever article or clitic the text glued to it, and letters folded."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.search.fts import (backfill, index_document, match_expression, readings, search,
                                tsquery, words)
from marsad.store.db import Connection, connect
from marsad.store.store import Store
from marsad.types import Doc

# Short texts written for these tests; each word under test appears in one form only.
DOCS = {
    "definite": "وصلت الصواريخ إلى محيط القاعدة قبل الفجر.",
    "with-bi": "استهدف المسلحون الموقع بالصواريخ مساء أمس.",
    "with-wa-bi": "وبالصواريخ ردت الفصائل على القصف.",
    "hamza": "قالت إسرائيل إنها لم تشارك في الغارة.",
    "bukamal": "شنت طائرات غارات على البوكمال ليلا.",
    "lil": "قدمت الحكومة الدعم للقوات المحلية.",
    "english": "Rockets struck the Omar oil field base on Thursday.",
    "unrelated": "ارتفعت أسعار الخبز في أسواق المدينة هذا الأسبوع.",
}


def doc(doc_id: str, text: str) -> Doc:
    return Doc(doc_id, text, text, hashlib.sha256(text.encode()).hexdigest())


@pytest.fixture(scope="module")
def conn(module_database: str) -> Iterator[Connection]:
    with Store(module_database) as store:
        for doc_id, text in DOCS.items():
            store.save_document(doc(doc_id, text), [])
    c = connect(module_database)
    yield c
    c.close()


@pytest.mark.parametrize("query, expected", [
    ("صواريخ", {"definite", "with-bi", "with-wa-bi"}),
    ("الصواريخ", {"definite", "with-bi", "with-wa-bi"}),
    ("بالصواريخ", {"definite", "with-bi", "with-wa-bi"}),
    ("اسرائيل", {"hamza"}),
    ("إسرائيل", {"hamza"}),
    ("بوكمال", {"bukamal"}),
    ("البوكمال", {"bukamal"}),
    ("قوات", {"lil"}),
    ("rockets", {"english"}),
    ("ROCKETS omar", {"english"}),
    ("صواريخ الفجر", {"definite"}),  # every word must occur
    ("صواريخ خبز", set()),
    ("طائرة", set()),
])
def test_query_finds_documents_with_the_word_in_any_form(conn, query, expected):
    assert set(search(conn, query)) == expected


@pytest.mark.parametrize("word, expected", [
    ("وبالصواريخ", ["وبالصواريخ", "بالصواريخ", "الصواريخ", "صواريخ"]),
    ("للقوات", ["للقوات", "لقوات", "قوات"]),
    ("بيت", ["بيت"]),  # a two-letter remainder keeps its first letter
    ("الحي", ["الحي", "حي"]),
    ("rockets", ["rockets"]),
])
def test_readings_strip_conjunction_preposition_and_article(word, expected):
    assert readings(word) == expected


@pytest.mark.parametrize("query", ['"', "NOT", "* OR", "صواريخ) OR (", "NEAR(a b)", "-", "'; DROP TABLE documents; --"])
def test_fts_syntax_in_a_query_is_plain_text(conn, query):
    search(conn, query)  # must not raise an FTS5 syntax error


def test_query_without_words_matches_nothing(conn):
    assert match_expression("؟ ... !!") is None
    assert tsquery("؟ ... !!") is None
    assert search(conn, "؟ ... !!") == []


def test_resaving_a_document_replaces_its_index_entry(database: str):
    with Store(database) as store:
        store.save_document(doc("d", "سقطت الصواريخ على القاعدة."), [])
        store.save_document(doc("d", "سقطت القذائف على القاعدة."), [])
        assert search(store.conn, "صواريخ") == []
        assert search(store.conn, "قذائف") == ["d"]


def test_backfill_indexes_documents_stored_before_search(database: str):
    with Store(database) as store:
        store.save_document(doc("d", "سقطت الصواريخ على القاعدة."), [])
        store.conn.execute("DELETE FROM search_docs")
        assert search(store.conn, "صواريخ") == []
        assert backfill(store.conn) == 1
        assert search(store.conn, "صواريخ") == ["d"]
        assert backfill(store.conn) == 0


ARABIC = st.text(st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآةى وبلكف.،"), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ARABIC)
def test_a_document_is_found_by_any_of_its_own_words(database, text):
    """One database for all examples: each one re-indexes document "d" over the last."""
    with Store(database) as store:
        index_document(store.conn, "d", text)
        for word in words(text):
            assert search(store.conn, word) == ["d"]
