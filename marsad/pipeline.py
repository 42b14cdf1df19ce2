"""Per-document stages: clean → extract. Pure functions of (article, settings), told what the store holds already."""
from __future__ import annotations

from collections.abc import Callable

from marsad.clean.text import make_doc
from marsad.errors import MarsadError
from marsad.extract.document import extract_document
from marsad.settings import Settings
from marsad.types import Article, Candidate, Doc, Failure


def process_doc(doc: Doc, settings: Settings = Settings()) -> list[Candidate]:
    """Extract the event candidates of an already cleaned document."""
    return extract_document(doc, settings)


Known = Callable[[str, str], bool]  # does the store hold this (doc_id, sha) already?


def process_article(article: Article, settings: Settings = Settings(),
                    known: Known | None = None) -> tuple[Doc, list[Candidate]]:
    """Clean one article and extract its event candidates. An article the store holds unchanged is not
    extracted again (its reports are stored already): a watch round or a re-run reads whole feeds again."""
    doc = make_doc(article, settings)
    if known is not None and known(doc.doc_id, doc.sha):
        return doc, []
    return doc, process_doc(doc, settings)


def process_safely(article: Article, settings: Settings = Settings(),
                   known: Known | None = None) -> tuple[Doc, list[Candidate]] | Failure:
    """process_article, with bad input (and a bug on one document) returned as a Failure naming it."""
    try:
        return process_article(article, settings, known)
    except MarsadError as exc:
        return Failure(article.doc_id, article.source, getattr(exc, "reason", str(exc)))
    except Exception as exc:  # a bug on one document must not lose the run
        return Failure(article.doc_id, article.source, f"internal error: {type(exc).__name__}: {exc}")
