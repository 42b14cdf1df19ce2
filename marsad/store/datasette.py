"""Titles and column descriptions for browsing a marsad store with Datasette.

The metadata ships as data (``data/datasette-metadata.json``); marsad does not
depend on Datasette, it only writes the file `datasette marsad.db -m FILE` reads.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

SHIPPED_NAME = "marsad"  # the database key in the shipped file


def datasette_metadata(db: str | Path = "marsad.db") -> dict[str, Any]:
    """The shipped metadata, its database entry keyed as Datasette names ``db``.

    Datasette names a database after its file without the extension, so the
    descriptions written for "marsad" would not reach ``events-2024.db``.
    """
    raw = resources.files("marsad").joinpath("data", "datasette-metadata.json").read_text(encoding="utf-8")
    meta = json.loads(raw)
    meta["databases"] = {Path(db).stem: meta["databases"][SHIPPED_NAME]}
    return meta
