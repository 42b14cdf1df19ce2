"""Agreement between the first coding of eval/real and the independent second reading.

    python tools/agreement.py            # a Markdown table for docs/CODING.md

The first coding is taken as gold and the second reading as predictions, matched the way
`../shared/eval/score.py` matches events (a shared document and two agreeing facts);
each field's agreement is over the matched events that state it. Kind agreement is per
document (incident / negative / background only).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_eval import OWN_GOLD, OWN_PLACES, SHARED, load_jsonl, load_scorer  # noqa: E402

SECOND = OWN_GOLD.with_name("second-reading.jsonl")


def as_prediction(doc_id: str, ev: dict, places: dict) -> dict:
    """A second-reading event in the exported shape the scorer reads."""
    ids = ev.get("place") if isinstance(ev.get("place"), list) else [ev.get("place")]
    point = next((places[i] for i in ids if i in places), None)
    casualties = [{"party": p, "killed": n, "injured": None} for p, n in (ev.get("killed") or {}).items()]
    casualties += [{"party": p, "killed": None, "injured": n} for p, n in (ev.get("injured") or {}).items()]
    return {"id": f"{doc_id}/{ev['eid']}", "sub_event_type": ev.get("sub_event_type"), "weapons": ev.get("weapons"),
            "date": ev.get("date"), "date_precision": ev.get("date_precision"),
            "location": {"lat": point["lat"], "lon": point["lon"]} if point else None,
            "attacker": ev.get("attacker"), "target_actor": ev.get("target_actor"),
            "attribution": ev.get("attribution"), "munitions": {"launched": ev.get("launched")},
            "casualties": casualties, "reports": [{"doc_id": doc_id, "role": ev.get("role")}]}


def main() -> int:
    score = load_scorer(SHARED)
    places = json.loads(OWN_PLACES.read_text(encoding="utf-8"))
    second = {d["doc_id"]: d for d in load_jsonl(SECOND)}
    first = [d for d in load_jsonl(OWN_GOLD) if d["doc_id"] in second]
    preds = [as_prediction(d, ev, places) for d, line in second.items() for ev in line["events"]]
    result = score.score(first, preds, places)
    kinds = sum(d["kind"] == second[d["doc_id"]]["kind"] for d in first)
    print("| measure | agreement | over |\n|---|---:|---:|")
    print(f"| kind of report | {kinds / len(first):.2f} | {len(first)} documents |")
    for name, label in (("events_main", "main events (F1)"), ("events_all", "all events (F1)")):
        print(f"| {label} | {result[name][2]:.2f} | P {result[name][0]:.2f} R {result[name][1]:.2f} |")
    for name, (acc, right, n) in result["fields"].items():
        print(f"| {name} | {'-' if acc is None else f'{acc:.2f}'} | {right}/{n} matched events |")
    print(f"| field mean | {result['field_mean']:.2f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
