"""Which two accounts may describe one incident: the checks merging shares with extraction."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from marsad.merge.compat import conflict
from marsad.types import Candidate, Casualty, Location

OMAR = Location("base_sy_al_omar", "Al-Omar oil field", "حقل العمر", "Deir ez-Zor", "SY", 35.1517, 40.5758, "site")


def account(attacker: str, inferred: bool = False) -> Candidate:
    return Candidate(doc_id="d", anchor=0, date=date(2024, 2, 5), date_precision="day", date_explicit=True,
                     location=OMAR, attacker=attacker, attacker_inferred=inferred, target_actor="sdf")


def test_two_stated_attackers_are_two_incidents() -> None:
    assert conflict([account("iran_backed_militias")], account("syrian_government")) == "sides"


def test_an_attacker_guessed_from_the_launch_area_never_splits_an_incident() -> None:
    # "مصدره مناطق سيطرة النظام" in one report, a militia's claim in another: one drone strike.
    assert conflict([account("iran_backed_militias")], account("syrian_government", inferred=True)) is None
    assert conflict([account("syrian_government", inferred=True)], account("iran_backed_militias")) is None


def test_a_guessed_attacker_that_was_the_target_is_still_a_reversal() -> None:
    assert conflict([account("iran_backed_militias")], account("sdf", inferred=True)) == "sides"


def test_a_clash_told_from_the_other_side_is_the_same_incident() -> None:
    attack = replace(account("isis"), target_actor="iraqi_government")
    clash = replace(account("iraqi_government"), target_actor="isis", sub_event_type="Armed clash")
    assert conflict([attack], clash) is None
    strike = replace(clash, sub_event_type="Air/drone strike")
    assert conflict([attack], strike) == "sides"


def test_weapons_of_one_family_may_be_one_incident() -> None:
    # One outlet's "غارات جوية" is another's drone; "صواريخ" may be missiles; drones are not rockets.
    assert conflict([replace(account("us_coalition"), weapons=["aircraft"])],
                    replace(account("us_coalition"), weapons=["drone"])) is None
    assert conflict([replace(account("iran_backed_militias"), weapons=["rocket"])],
                    replace(account("iran_backed_militias"), weapons=["missile"])) is None
    assert conflict([replace(account("iran_backed_militias"), weapons=["rocket"])],
                    replace(account("iran_backed_militias"), weapons=["drone"])) == "weapons"
    # An air strike fires missiles: "غارات جوية" in one report is "صواريخ أطلقتها طائرات" in another.
    assert conflict([replace(account("israel"), weapons=["aircraft"])],
                    replace(account("israel"), weapons=["missile"])) is None
    assert conflict([replace(account("israel"), weapons=["aircraft"])],
                    replace(account("israel"), weapons=["rocket"])) == "weapons"
    # Rounds on the Green Zone: "صواريخ كاتيوشا" in one report, "قذائف هاون" in another, both dated to the day;
    # "early August" holds other attacks on the same base.
    assert conflict([replace(account("unknown"), weapons=["rocket"])],
                    replace(account("unknown"), weapons=["mortar"])) is None
    assert conflict([replace(account("unknown"), weapons=["rocket"], date_precision="month")],
                    replace(account("unknown"), weapons=["mortar"])) == "weapons"


def test_civilians_hit_beside_soldiers_are_the_same_attack() -> None:
    soldiers = replace(account("isis"), target_actor="syrian_government")
    civilians = replace(account("isis"), target_actor="civilians", casualties=[Casualty("civilians", killed=2)])
    assert conflict([soldiers], civilians) is None
    assert conflict([civilians], soldiers) is None
    threatened = replace(civilians, casualties=[])  # "يهدد المدنيين": named, not hit
    assert conflict([soldiers], threatened) == "sides"

    # "استشهد 25 مواطناً" told by one outlet, "ISIS's ambush on a bus of soldiers" by another: civilians are no
    # side of a clash, so the clash's two sides do not reverse them.
    unnamed = replace(account("isis"), attacker=None, target_actor="civilians",
                      casualties=[Casualty("civilians", killed=25)])
    ambush = replace(soldiers, sub_event_type="Armed clash")
    assert conflict([unnamed], ambush) is None
    assert conflict([unnamed], replace(ambush, attacker="sdf", target_actor="iraqi_government")) is None


BAGHDAD_OFF = Location("city_iq_baghdad", "Baghdad", "بغداد", "Baghdad", "IQ", 33.3152, 44.3661, "district", off=True)
SAMARRA = Location("city_iq_samarra", "Samarra", "سامراء", "Salah al-Din", "IQ", 34.1959, 43.8857, "town")


def test_north_of_a_city_keeps_no_mention_of_one_report_apart_but_two_reports_stay_apart() -> None:
    # "هجوم شمال بغداد" then "وقع الهجوم في سامراء" in one report: one incident; across outlets the
    # reference point says too little to join a report placed 100 km away.
    off = replace(account("isis"), location=BAGHDAD_OFF)
    town = replace(account("isis"), location=SAMARRA)
    assert conflict([off], town, strict_precision=True) is None
    assert conflict([off], town) == "places"


GREEN_ZONE = Location("site_iq_green_zone", "Baghdad Green Zone", "المنطقة الخضراء في بغداد", "Baghdad", "IQ",
                      33.30, 44.39, "site")
SADR_CITY = Location("district_iq_sadr_city", "Sadr City", "مدينة الصدر", "Baghdad", "IQ", 33.39, 44.46, "district")


def test_an_attack_dated_to_a_month_at_another_place_joins_only_an_account_it_agrees_with() -> None:
    rockets = Candidate(doc_id="a", anchor=0, date=date(2021, 7, 8), date_precision="day", date_explicit=True,
                        location=GREEN_ZONE, target_actor="us_coalition", weapons=["rocket"])
    july = Candidate(doc_id="b", anchor=0, date=date(2021, 7, 1), date_precision="month", date_explicit=True,
                     date_range=(date(2021, 7, 1), date(2021, 7, 31)), location=SADR_CITY, attacker="isis")
    assert conflict([rockets], july) == "dates"  # an ISIS bombing that month is not the rockets
    same_target = replace(july, attacker=None, target_actor="us_coalition")
    assert conflict([rockets], same_target) is None
    same_place = replace(july, location=GREEN_ZONE)
    assert conflict([rockets], same_place) is None


def test_one_attacker_at_one_place_on_one_day_is_one_strike_whoever_was_hit() -> None:
    # One outlet: the army at the airport was hit; another: the militia depots there. Same strike across outlets,
    # two incidents inside one report, and never when the sides are reversed.
    army = replace(account("israel"), target_actor="syrian_government", sub_event_type="Air/drone strike")
    depots = replace(army, target_actor="iran_backed_militias")
    assert conflict([army], depots) is None
    assert conflict([army], depots, strict_precision=True) == "sides"
    assert conflict([army], replace(depots, date=date(2024, 2, 6))) is not None
    assert conflict([replace(army, target_actor="us_coalition")], replace(depots, attacker="us_coalition")) == "sides"


def test_the_same_town_a_day_apart_may_be_one_attack_across_outlets_but_not_the_same_base() -> None:
    # "late on Tuesday" in one outlet is "early Wednesday" in another; a base is attacked day after day.
    town = Location("town_sy_dhiban", "Dhiban", "ذيبان", "Deir ez-Zor", "SY", 35.01, 40.51, "town")
    tuesday = replace(account("unknown"), attacker=None, target_actor=None, location=town)
    wednesday = replace(tuesday, date=date(2024, 2, 6))
    assert conflict([tuesday], wednesday) is None
    assert conflict([tuesday], wednesday, strict_precision=True) == "dates"
    base = replace(tuesday, location=OMAR)
    assert conflict([base], replace(base, date=date(2024, 2, 6))) == "dates"


def test_a_firefight_s_weapons_set_no_two_clashes_apart() -> None:
    # "gunfire" in one report, "RPGs" in another: one clash; a rocket attack told beside a clash is not.
    gunfire = replace(account("unknown"), weapons=["small_arms"], sub_event_type="Armed clash")
    grenades = replace(account("unknown"), weapons=["rocket"], sub_event_type="Armed clash")
    assert conflict([gunfire], grenades) is None
    assert conflict([gunfire], replace(grenades, sub_event_type="Shelling/artillery/missile attack")) == "weapons"
