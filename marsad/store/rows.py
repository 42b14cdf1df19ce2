"""The rows one document is stored as, built from the document and its candidates alone.

Building them is most of the CPU a save costs (the search index's clitic readings,
each report's JSON) and needs nothing from the database, so a Dask worker builds
them next to the extraction and the process that owns the database only inserts.
"""
from __future__ import annotations

import json
from dataclasses import astuple, dataclass

from marsad.merge.cluster import block_of

from marsad.search.fts import index_text
from marsad.store.codec import candidate_to_json
from marsad.types import Candidate, Doc


@dataclass(frozen=True)
class DocumentRows:
    """A document, its search-index body, and its reports and evidence as table rows."""

    doc: Doc
    search_body: str
    reports: list[tuple]
    evidence: list[tuple]


# The reports table's columns in the order report_rows builds them.
REPORT_COLUMNS = ("report_id", "doc_id", "anchor", "role", "event_id", "date", "sub_event_type", "place",
                  "attacker", "target_actor", "data", "cell_x", "cell_y", "day_lo", "day_hi", "lat", "lon")
DATA = REPORT_COLUMNS.index("data")


def report_id(doc_id: str, anchor: int) -> str:
    return f"{doc_id}#{anchor}"


def report_rows(doc: Doc, candidates: list[Candidate]) -> tuple[list[tuple], list[tuple]]:
    """Rows of the reports and evidence tables; evidence that does not reproduce the text is refused."""
    reports, evidence = [], []
    for c in candidates:
        for e in c.evidence:
            if doc.text[e.start:e.end] != e.text:
                raise ValueError(f"{doc.doc_id}: evidence {e.field} {e.start}:{e.end} does not match the text")
        rid = report_id(doc.doc_id, c.anchor)
        block = block_of(c)
        reports.append((rid, doc.doc_id, c.anchor, c.role, None, c.date.isoformat() if c.date else None,
                        c.sub_event_type, c.location.place_id if c.location else None, c.attacker,
                        c.target_actor, json.dumps(candidate_to_json(c), ensure_ascii=False),
                        *(astuple(block) if block else (None,) * 6)))
        evidence += [(rid, doc.doc_id, e.field, e.start, e.end, e.text, e.rule) for e in c.evidence]
    return reports, evidence


def document_rows(doc: Doc, candidates: list[Candidate]) -> DocumentRows:
    """Everything ``Store.save_documents`` writes for ``doc``, except the time it is stored."""
    return DocumentRows(doc, index_text(doc.text), *report_rows(doc, candidates))
