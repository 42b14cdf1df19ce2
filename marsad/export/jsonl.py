"""`--format marsad-jsonl`: one merged event per line, as SCHEMA.md defines it."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO


def write_jsonl(events: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for event in events:
        out.write(json.dumps(event, ensure_ascii=False) + "\n")
        n += 1
    return n
