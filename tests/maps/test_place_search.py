"""The map's suggestions find places (OSM settlements, loaded by migration 0014) as well as
sites: typos and either script, closest and largest first, and nothing about the register."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from registry.models import Place
from tests.factories import HeritageSiteFactory

TURKESTAN = (68.2516, 43.2973)  # about; the OSM node is checked to lie within 0.05°


def _suggest(client, text, language="en"):
    client.cookies["django_language"] = language
    response = client.get(reverse("maps:suggest"), {"q": text})
    assert response.status_code == 200
    return response.json()["results"]


def _places(results):
    return [r for r in results if r["type"] == "place"]


@pytest.mark.parametrize("typed", ["Turkistan", "Turkestan", "Туркестан", "Түркістан", "Turkestn"])
def test_turkestan_is_found_in_either_script_and_through_a_typo(client, db, typed):
    first = _suggest(client, typed)[0]

    assert first["type"] == "place"
    assert first["name"] == "Turkestan"
    assert first["lon"] == pytest.approx(TURKESTAN[0], abs=0.05)
    assert first["lat"] == pytest.approx(TURKESTAN[1], abs=0.05)
    assert first["zoom"] == 11  # a city


def test_a_place_is_named_in_the_chosen_language(client, db):
    kk, ru = _suggest(client, "Turkestan", "kk")[0], _suggest(client, "Turkestan", "ru")[0]

    assert (kk["name"], ru["name"]) == ("Түркістан", "Туркестан")
    assert kk["region"]
    assert kk["category"]


def test_the_city_comes_before_a_village_of_the_same_name(client, db):
    names = [p["name"] for p in _places(_suggest(client, "Turkistan", "ru"))]

    assert names[:2] == ["Туркестан", "Туркистан"]  # 228,003 people, then a village


def test_taraz_finds_the_city_before_any_site_whose_name_holds_it(client, db):
    HeritageSiteFactory(published=True, name_en="Taraz gate", location=Point(71.37, 42.9))
    HeritageSiteFactory(
        published=True, name_en="Aksu-Zhabagly reserve near Taraz", location=Point(70.5, 42.4)
    )

    results = _suggest(client, "Taraz")

    assert (results[0]["type"], results[0]["name"]) == ("place", "Taraz")
    assert {r["name"] for r in results if r["type"] == "site"} >= {"Taraz gate"}


def test_a_name_matched_whole_ranks_before_one_it_begins(client, db):
    places = _places(_suggest(client, "Aksu"))

    assert places
    assert all(p["name"] in ("Aksu", "Ақсу", "Аксу", "Aqsu") for p in places)


def test_a_loose_place_match_follows_the_sites(client, db):
    HeritageSiteFactory(published=True, name_en="Turkebai kurgan", location=Point(68.3, 43.3))

    results = _suggest(client, "Turkebai kurgan")

    assert results[0]["type"] == "site"


def test_places_never_bring_a_draft_or_a_withheld_sites_point(client, db):
    HeritageSiteFactory(name_en="Turkestan draft barrow", location=Point(68.26, 43.30))
    HeritageSiteFactory(
        published=True,
        sensitivity="S3",
        name_en="Turkestan hidden hoard",
        location=Point(68.2611, 43.3012),
    )

    results = _suggest(client, "Turkestan")
    body = str(results)

    assert "draft" not in body
    assert "68.2611" not in body
    assert "43.3012" not in body
    hidden = [r for r in results if r["name"] == "Turkestan hidden hoard"]
    assert [(r["lon"], r["lat"]) for r in hidden] == [(None, None)]


def test_the_answer_is_the_same_with_or_without_a_draft(client, db):
    before = _suggest(client, "Turkestn")
    HeritageSiteFactory(name_en="Turkestn", location=Point(68.26, 43.30))

    assert _suggest(client, "Turkestn") == before


def test_places_are_loaded_and_folded_when_the_schema_is_made(db):
    place = Place.objects.get(name="Түркістан")

    assert "turkistan" in place.search_document
    assert "turkestan" in place.search_document


def test_suggestions_ask_one_statement_for_places(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # places, sites (with its key), nothing else
        _suggest(client, "Taraz")
