"""`--every 30s | 10m | 1h` → seconds."""
from __future__ import annotations

import re

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh])\s*$", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "h": 3600}


def parse_interval(text: str) -> float:
    """Seconds in ``text``; ValueError for anything but a positive number with s, m or h."""
    found = _INTERVAL.match(text)
    if not found or float(found.group(1)) <= 0:
        raise ValueError(f"not an interval like 30s, 10m or 1h: {text!r}")
    return float(found.group(1)) * _UNIT[found.group(2).lower()]
