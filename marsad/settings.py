"""The one settings object, passed explicitly to every stage."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    max_bytes: int = 20 * 1024 * 1024  # larger inputs are refused, not read
    min_text_chars: int = 40  # cleaned text shorter than this is not a report
    background_days: int = 2  # an event this many days before publication is background
