"""Read the packaged lexicons (YAML) and gazetteer (TSV), validated, once per process.

Every entry must say where its fact comes from (``source``); a file with an
unknown key or a duplicate id is refused, so a typo cannot silently disable
an entry.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

ENTRY_KEYS = {"id", "forms_ar", "forms_en", "source", "note", "attrs", "prefix"}
# libyaml's safe loader when PyYAML has it: the same data, read in 0.1 s instead of 0.7 s at every start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LexiconError(ValueError):
    """A lexicon or gazetteer file breaks its schema."""


@dataclass(frozen=True)
class Entry:
    id: str
    forms: tuple[str, ...]
    source: str
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    prefix: bool = False  # also match when the word continues (verb stems, suffixes)


@dataclass(frozen=True)
class Lexicon:
    name: str
    version: str
    sha: str
    entries: tuple[Entry, ...]

    def get(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)


def _data_bytes(*parts: str) -> bytes:
    return resources.files("marsad").joinpath("data", *parts).read_bytes()


def parse_lexicon(name: str, raw: bytes) -> Lexicon:
    """Validate and build a lexicon from YAML bytes."""
    doc = yaml.load(raw, Loader=_LOADER) or {}
    meta = doc.get("meta") or {}
    seen: set[str] = set()
    entries = []
    for item in doc.get("entries") or []:
        unknown = set(item) - ENTRY_KEYS
        if unknown:
            raise LexiconError(f"lexicon {name}: entry {item.get('id')!r} has unknown keys {sorted(unknown)}")
        if not item.get("id") or not item.get("source"):
            raise LexiconError(f"lexicon {name}: every entry needs an id and a source: {item!r}")
        if item["id"] in seen:
            raise LexiconError(f"lexicon {name}: duplicate id {item['id']!r}")
        seen.add(item["id"])
        forms = tuple((item.get("forms_ar") or []) + (item.get("forms_en") or []))
        if not all(isinstance(f, str) for f in forms):
            raise LexiconError(f"lexicon {name}: entry {item['id']!r} has a form that is not text "
                               f"(quote YAML words like no/on/yes): {[f for f in forms if not isinstance(f, str)]}")
        entries.append(Entry(item["id"], forms, str(item["source"]),
                             dict(item.get("attrs") or {}), bool(item.get("prefix"))))
    return Lexicon(name, str(meta.get("version", "0")), hashlib.sha256(raw).hexdigest()[:12],
                   tuple(entries))


@lru_cache(maxsize=None)
def load_lexicon(name: str) -> Lexicon:
    """The packaged lexicon ``data/lexicons/<name>.yaml``."""
    return parse_lexicon(name, _data_bytes("lexicons", f"{name}.yaml"))


@lru_cache(maxsize=None)
def load_table(*parts: str) -> tuple[dict[str, str], ...]:
    """A packaged TSV file as rows of strings (gazetteer, admin units)."""
    text = _data_bytes(*parts).decode("utf-8")
    rows = [r for r in csv.DictReader(text.splitlines(), delimiter="\t") if not r.get("id", "").startswith("#")]
    missing = [r.get("id") for r in rows if not r.get("source")]
    if missing:
        raise LexiconError(f"{'/'.join(parts)}: rows without a source: {missing[:5]}")
    return tuple(rows)
