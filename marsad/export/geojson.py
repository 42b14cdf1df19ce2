"""`--format geojson`: the events as map points, for QGIS, kepler.gl or geojson.io.

GeoJSON (RFC 7946) orders a position as [longitude, latitude], the reverse of
how places are usually written ("35.15, 40.58" for حقل العمر): swapping them
puts eastern Syria in the Indian Ocean.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from marsad.export.summary import casualty_total, outlets


@dataclass(frozen=True)
class GeoJSONResult:
    written: int
    without_coordinates: int  # events left out: no place, or a place with no coordinates


def feature(event: dict) -> dict[str, Any] | None:
    """A Point feature for the event, or None when its place has no coordinates."""
    loc = event.get("location") or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
        "properties": {
            "id": event["id"],
            "date": event.get("date"),
            "date_precision": event.get("date_precision"),
            "sub_event_type": event.get("sub_event_type"),
            "weapons": ", ".join(event.get("weapons") or []),
            "attacker": event.get("attacker"),
            "target_actor": event.get("target_actor"),
            "location": loc.get("name"),
            "launched": (event.get("munitions") or {}).get("launched"),
            "killed": casualty_total(event, "killed"),
            "injured": casualty_total(event, "injured"),
            "n_reports": len(event.get("reports") or []),
            "outlets": "; ".join(outlets(event)),
        },
    }


def write_geojson(events: Iterable[dict], out: IO[str]) -> GeoJSONResult:
    """Write one FeatureCollection; events without coordinates are counted, not written."""
    features, skipped = [], 0
    for event in events:
        f = feature(event)
        if f is None:
            skipped += 1
        else:
            features.append(f)
    json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return GeoJSONResult(len(features), skipped)
