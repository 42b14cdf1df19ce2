"""Exceptions marsad raises on purpose, so callers can tell bad input from bugs."""
from __future__ import annotations


class MarsadError(Exception):
    """Base of every error marsad raises about its input or data."""


class IngestError(MarsadError):
    """A document could not be read or turned into text; ``reason`` is one line."""

    def __init__(self, doc_id: str, reason: str):
        super().__init__(doc_id, reason)
        self.doc_id = doc_id
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.reason}"


class StoreError(MarsadError):
    """The database cannot be opened or written (not SQLite, missing folder, read-only, locked, full, damaged)."""
