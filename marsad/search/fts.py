"""Full-text search over documents with Arabic clitics and the article ignored.

SQLite FTS5 matches whole tokens, and an Arabic word carries its article and
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
import sqlite3

from marsad.clean.normalize import fold

TABLE = "documents_fts"
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
    return " ".join(r for w in words(text) for r in readings(w))


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every query word, in any of its readings; None without words."""
    terms = list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]
    if not terms:
        return None
    # Quoted strings: FTS5 operators typed by a user ("NOT", "*", "NEAR") stay plain words.
    return " AND ".join("(" + " OR ".join(f'"{r}"' for r in readings(t)) + ")" for t in terms)


def index_document(conn: sqlite3.Connection, doc_id: str, text: str, *, body: str | None = None) -> None:
    """(Re)index one document; call inside the transaction that saves it.

    ``body`` is ``index_text(text)`` when another process (a Dask worker) computed it already.
    The FTS row is found through search_docs by its own rowid, never by scanning
    the FTS table for the doc_id, so saving stays cheap in a large store.
    """
    old = conn.execute("SELECT fts_rowid FROM search_docs WHERE doc_id = ?", (doc_id,)).fetchone()
    if old is not None:
        conn.execute(f"DELETE FROM {TABLE} WHERE rowid = ?", (old[0],))
        conn.execute("DELETE FROM search_docs WHERE doc_id = ?", (doc_id,))
    rowid = conn.execute(f"INSERT INTO {TABLE} (body) VALUES (?)",
                         (index_text(text) if body is None else body,)).lastrowid
    conn.execute("INSERT INTO search_docs (fts_rowid, doc_id) VALUES (?, ?)", (rowid, doc_id))


def backfill(conn: sqlite3.Connection) -> int:
    """Index documents stored before search existed (a database from an older marsad)."""
    rows = conn.execute("SELECT doc_id, text FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM search_docs)"
                        ).fetchall()
    with conn:
        for doc_id, text in rows:
            index_document(conn, doc_id, text)
    return len(rows)


def matching_documents_sql(query: str) -> tuple[str, list[str]] | None:
    """SQL selecting the doc_ids that contain every word of ``query``; None when it has no words."""
    expr = match_expression(query)
    if expr is None:
        return None
    return (f"SELECT doc_id FROM search_docs WHERE fts_rowid IN "
            f"(SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?)"), [expr]


def search(conn: sqlite3.Connection, query: str) -> list[str]:
    """doc_ids of the documents containing every word of ``query``, best match first."""
    expr = match_expression(query)
    if expr is None:
        return []
    return [r[0] for r in conn.execute(
        f"SELECT m.doc_id FROM {TABLE} f JOIN search_docs m ON m.fts_rowid = f.rowid "
        f"WHERE {TABLE} MATCH ? ORDER BY f.rank", (expr,))]
