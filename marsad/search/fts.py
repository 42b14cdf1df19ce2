"""Full-text search over documents with Arabic clitics and the article ignored.

SQLite's FTS5 and PostgreSQL's text search both match whole tokens, and an Arabic word carries its article and
one-letter clitics glued on: "بالصواريخ" is ب + ال + صواريخ, so a search for
"صواريخ" would miss it. Each document is indexed as a normalised copy: every
word folded like the matching view (أ/إ → ا, ة → ه, no harakat), then written
with each reading of its prefix letters stripped, and a query word matches
when any of its own readings does. Several readings, not one stem, because
stripping is ambiguous: the ب of "البوكمال" is part of the name, while the ب
of "بالقوات" is a preposition, so "بوكمال" (query) and "البوكمال" (text) meet
only on the reading "بوكمال" that both have.
"""
from __future__ import annotations

import re
from functools import lru_cache

from marsad.clean.normalize import fold
from marsad.store.db import SQLITE, Connection, migrate

TABLE = "documents_fts"
# SQLite: the FTS5 table, and which document each of its rows indexes. PostgreSQL: one row per
# document with its words as a tsvector ('simple': no stemming, the readings are our own), and a GIN index.
SQLITE_SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(body);
CREATE TABLE IF NOT EXISTS search_docs (
    fts_rowid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE
);
"""
POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS search_docs (
    doc_id TEXT COLLATE "C" PRIMARY KEY,
    body tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS search_docs_body ON search_docs USING GIN (body);
"""
MAX_QUERY_WORDS = 16  # a pasted paragraph is not a search; AND-ing more words adds nothing
_WORD = re.compile(r"\w+")
CONJUNCTIONS = "وف"  # و ف: "and", "so"
PREPOSITIONS = "بلك"  # ب ل ك: "with", "for", "like"
MIN_STEM = 3  # "بيت" keeps its ب: a two-letter remainder is more often a root letter than a clitic
MIN_AFTER_ARTICLE = 2  # "الحي" → "حي"


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


def readings(word: str) -> list[str]:
    """The word and each form with its conjunction, preposition and article stripped.

    "وبالصواريخ" → وبالصواريخ, بالصواريخ, الصواريخ, صواريخ; "للقوات" (ل + ال with
    its alef dropped) → للقوات, لقوات, قوات.
    """
    forms = [word]
    if word[:1] in CONJUNCTIONS and len(word) - 1 >= MIN_STEM:
        forms.append(word[1:])
    forms += [f[1:] for f in forms if f[:1] in PREPOSITIONS and len(f) - 1 >= MIN_STEM]
    forms += [f[2:] for f in forms if f.startswith("لل") and len(f) - 2 >= MIN_AFTER_ARTICLE]
    forms += [f[2:] for f in forms if f.startswith("ال") and len(f) - 2 >= MIN_AFTER_ARTICLE]
    return list(dict.fromkeys(forms))


def index_text(text: str) -> str:
    """The copy of a document FTS5 indexes: every reading of every word."""
    return " ".join(map(_indexed_readings, words(text)))


@lru_cache(maxsize=1 << 16)
def _indexed_readings(word: str) -> str:
    """A word's readings as indexed; cached, since a corpus repeats the same few thousand words."""
    return " ".join(readings(word))


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every query word, in any of its readings; None without words."""
    terms = _terms(query)
    if not terms:
        return None
    # Quoted strings: FTS5 operators typed by a user ("NOT", "*", "NEAR") stay plain words.
    return " AND ".join("(" + " OR ".join(f'"{r}"' for r in readings(t)) + ")" for t in terms)


def tsquery(query: str) -> str | None:
    """The same condition as a PostgreSQL tsquery: ('r1' | 'r2') & …; None without words."""
    terms = _terms(query)
    if not terms:
        return None
    return " & ".join("(" + " | ".join(f"'{r}'" for r in readings(t)) + ")" for t in terms)


def _terms(query: str) -> list[str]:
    return list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]


def ensure_schema(conn: Connection) -> None:
    migrate(conn, "0002_search", SQLITE_SCHEMA if conn.dialect == SQLITE else POSTGRES_SCHEMA, translate=False)


def index_document(conn: Connection, doc_id: str, text: str, *, body: str | None = None) -> None:
    """(Re)index one document; call inside the transaction that saves it.

    ``body`` is ``index_text(text)`` when another process (a Dask worker) computed it already.
    SQLite: the FTS row is found through search_docs by its own rowid, never by
    scanning the FTS table for the doc_id, so saving stays cheap in a large store.
    PostgreSQL: each reading once and no positions (strip), which keeps a long
    document far below the 1 MB a tsvector may hold.
    """
    body = index_text(text) if body is None else body
    if conn.dialect != SQLITE:
        unique = " ".join(dict.fromkeys(body.split()))
        conn.execute("INSERT INTO search_docs (doc_id, body) VALUES (?, strip(to_tsvector('simple', ?))) "
                     "ON CONFLICT (doc_id) DO UPDATE SET body = excluded.body", (doc_id, unique))
        return
    old = conn.execute("SELECT fts_rowid FROM search_docs WHERE doc_id = ?", (doc_id,)).fetchone()
    if old is not None:
        conn.execute(f"DELETE FROM {TABLE} WHERE rowid = ?", (old[0],))
        conn.execute("DELETE FROM search_docs WHERE doc_id = ?", (doc_id,))
    rowid = conn.execute(f"INSERT INTO {TABLE} (body) VALUES (?)", (body,)).lastrowid
    conn.execute("INSERT INTO search_docs (fts_rowid, doc_id) VALUES (?, ?)", (rowid, doc_id))


def backfill(conn: Connection) -> int:
    """Index documents stored before search existed (a database from an older marsad)."""
    # NOT EXISTS, not NOT IN: PostgreSQL runs NOT IN over a subquery too large for work_mem as a
    # nested loop (minutes at a million documents, every time the workbench opened the store).
    rows = conn.execute("SELECT doc_id, text FROM documents d WHERE NOT EXISTS "
                        "(SELECT 1 FROM search_docs s WHERE s.doc_id = d.doc_id)").fetchall()
    with conn:
        for doc_id, text in rows:
            index_document(conn, doc_id, text)
    return len(rows)


def matching_documents_sql(conn: Connection, query: str) -> tuple[str, list[str]] | None:
    """SQL selecting the doc_ids that contain every word of ``query``; None when it has no words."""
    if conn.dialect != SQLITE:
        expr = tsquery(query)
        return (None if expr is None else
                ("SELECT doc_id FROM search_docs WHERE body @@ to_tsquery('simple', ?)", [expr]))
    expr = match_expression(query)
    if expr is None:
        return None
    return (f"SELECT doc_id FROM search_docs WHERE fts_rowid IN "
            f"(SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?)"), [expr]


def search(conn: Connection, query: str) -> list[str]:
    """doc_ids of the documents containing every word of ``query``, best match first."""
    if conn.dialect != SQLITE:
        expr = tsquery(query)
        return [] if expr is None else [r[0] for r in conn.execute(
            "SELECT doc_id FROM search_docs, to_tsquery('simple', ?) q WHERE body @@ q "
            "ORDER BY ts_rank(body, q) DESC, doc_id", (expr,))]
    expr = match_expression(query)
    if expr is None:
        return []
    return [r[0] for r in conn.execute(
        f"SELECT m.doc_id FROM {TABLE} f JOIN search_docs m ON m.fts_rowid = f.rowid "
        f"WHERE {TABLE} MATCH ? ORDER BY f.rank", (expr,))]
