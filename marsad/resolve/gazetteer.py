"""The packaged gazetteer: places with coordinates, and a lexicon of their names.

Places live in ``data/gazetteer/places.tsv`` (built by tools/build_gazetteer.py).
Each place becomes one lexicon entry whose forms are its Arabic and English
names and aliases, so the ordinary ``Matcher`` finds places with their
proclitics (بريف دير الزور، وحقل العمر، لقاعدة عين الأسد) and the longest
name wins (ريف دير الزور الشرقي over ريف دير الزور over دير الزور).
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from marsad.lexicon.load import Entry, Lexicon, LexiconError, load_table

PLACES_TABLE = ("gazetteer", "places.tsv")
KINDS = frozenset({"base", "site", "airport", "town", "city", "district", "admin1", "country", "region"})
PRECISIONS = frozenset({"site", "town", "district", "admin1", "country"})
_EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Place:
    id: str
    kind: str
    name_en: str
    name_ar: str
    admin1: str  # English admin1 name as exported ("Deir ez-Zor"); empty for countries
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float
    precision: str  # site | town | district | admin1 | country


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]
    lexicon: Lexicon

    def airport_of(self, place: Place) -> Place | None:
        """The city's airport: the airport row named after it ("Damascus International Airport")."""
        return next((p for p in self.places.values() if p.kind == "airport" and p.country == place.country
                     and p.name_en.startswith(place.name_en + " ")), None)

    def admin1_place(self, place: Place) -> Place | None:
        """The governorate row a place lies in (its own row for a governorate)."""
        return next((p for p in self.places.values()
                     if p.kind == "admin1" and p.country == place.country and p.admin1 == place.admin1
                     and place.admin1), None)

    def nearest(self, lat: float, lon: float, kinds: frozenset[str] | set[str] = KINDS) -> Place | None:
        """The place of one of ``kinds`` closest to a point (great-circle distance)."""
        pool = [p for p in self.places.values() if p.kind in kinds]
        return min(pool, key=lambda p: distance_km(lat, lon, p.lat, p.lon), default=None)


@lru_cache(maxsize=None)
def namesake_capital(place_id: str | None) -> bool:
    """A governorate's capital that shares its name ("دير الزور", "كركوك"): a report naming it bare may mean
    the governorate, so within one report it does not keep apart a town of that governorate."""
    g = load_gazetteer()
    place = g.places.get(place_id or "")
    if place is None or place.kind != "city":
        return False
    gov = g.admin1_place(place)
    return gov is not None and gov.name_ar.removeprefix("محافظة").strip() == place.name_ar


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in (cell or "").split("|") if s.strip())


def _place(row: dict[str, str]) -> Place:
    if row["kind"] not in KINDS or row["precision"] not in PRECISIONS:
        raise LexiconError(f"gazetteer: place {row['id']!r} has kind {row['kind']!r} / precision {row['precision']!r}")
    return Place(row["id"], row["kind"], row["name_en"], row["name_ar"], row["admin1"], row["country"],
                 float(row["lat"]), float(row["lon"]), row["precision"])


def _entry(row: dict[str, str]) -> Entry:
    english = (row["name_en"], *_split(row["aliases_en"]))
    # English writers hyphenate the article or not ("Ras al-Ain", "Ras al Ain", "Deir ez Zor"): both spellings.
    spaced = tuple(f.replace("-", " ") for f in english if "-" in f)
    forms = dict.fromkeys((row["name_ar"], *_split(row["aliases_ar"]), *english, *spaced))
    return Entry(row["id"], tuple(f for f in forms if f.strip()), row["source"],
                 {"kind": row["kind"], "precision": row["precision"]})


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The packaged gazetteer, read and validated once per process."""
    rows = load_table(*PLACES_TABLE)
    places: dict[str, Place] = {}
    for row in rows:
        if row["id"] in places:
            raise LexiconError(f"gazetteer: duplicate place id {row['id']!r}")
        places[row["id"]] = _place(row)
    raw = resources.files("marsad").joinpath("data", *PLACES_TABLE).read_bytes()
    sha = hashlib.sha256(raw).hexdigest()[:12]
    lexicon = Lexicon("gazetteer", sha, sha, tuple(_entry(r) for r in rows))
    return Gazetteer(places, lexicon)
