"""Per-document stages: clean → extract. Pure functions of (article, settings)."""
from __future__ import annotations

from marsad.settings import Settings
from marsad.types import Article, Candidate, Doc


def process_article(article: Article, settings: Settings = Settings()) -> tuple[Doc, list[Candidate]]:
    """Clean one article and extract its event candidates."""
    raise NotImplementedError
