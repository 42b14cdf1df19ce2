"""Per-document stages: clean → extract. Pure functions of (article, settings)."""
from __future__ import annotations

from marsad.clean.text import make_doc
from marsad.extract.document import extract_document
from marsad.settings import Settings
from marsad.types import Article, Candidate, Doc


def process_doc(doc: Doc, settings: Settings = Settings()) -> list[Candidate]:
    """Extract the event candidates of an already cleaned document."""
    return extract_document(doc, settings)


def process_article(article: Article, settings: Settings = Settings()) -> tuple[Doc, list[Candidate]]:
    """Clean one article and extract its event candidates."""
    doc = make_doc(article, settings)
    return doc, process_doc(doc, settings)
