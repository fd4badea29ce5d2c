"""The offline base map's tiles (maps/basemap.py): names by zoom and in the asked language,
countries and water, attribution, and refusals of tiles that do not exist."""

import json

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from registry.models import Place
from tests.maps.conftest import tile_of

ALMATY = (76.9457, 43.2364)
OSKEMEN = (82.6275, 49.9484)  # Өскемен / Усть-Каменогорск / Ust-Kamenogorsk
RUSSIA_NAME = (62.0, 56.5)  # where scripts/natural_earth.py writes it


def _tile(client, language: str, lon: float, lat: float, z: int) -> dict:
    response = client.get(reverse("maps:base-tile", args=[language, *tile_of(lon, lat, z)]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def _names(tile: dict, kind: str | None = None) -> set[str]:
    return {name for k, name, *_ in tile["names"] if kind is None or k == kind}


def _kinds(tile: dict) -> set[str]:
    return {kind for kind, *_ in tile["names"]}


@pytest.mark.django_db
def test_a_country_wide_tile_names_cities_and_neighbours_but_no_village(client):
    tile = _tile(client, "en", *ALMATY, 4)

    assert "Almaty" in _names(tile, "city")
    assert {"Kyrgyzstan", "China"} & _names(tile, "country")
    assert not {"town", "village"} & _kinds(tile)


@pytest.mark.django_db
def test_towns_then_villages_appear_as_the_map_zooms_in(client):
    at_seven = _tile(client, "en", *ALMATY, 7)
    at_ten = _tile(client, "en", *ALMATY, 10)

    assert "town" in _kinds(at_seven)
    assert "village" not in _kinds(at_seven)
    assert "village" in _kinds(at_ten)


@pytest.mark.django_db
def test_the_most_important_names_come_first(client):
    ranks = [rank for *_, rank in _tile(client, "en", *ALMATY, 10)["names"]]

    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "city", "country"),
    [("kk", "Өскемен", "Ресей"), ("ru", "Усть-Каменогорск", "Россия"),
     ("en", "Ust-Kamenogorsk", "Russia")],
)  # fmt: skip
def test_names_are_in_the_tile_language(client, language, city, country):
    assert city in _names(_tile(client, language, *OSKEMEN, 5), "city")
    assert country in _names(_tile(client, language, *RUSSIA_NAME, 4), "country")


@pytest.mark.django_db
def test_a_place_without_a_name_in_the_language_is_named_as_signposted(client):
    place = Place.objects.filter(kind="village", name_en="").exclude(name="").first()

    tile = _tile(client, "en", place.point.x, place.point.y, 12)

    assert place.name in _names(tile, "village")


@pytest.mark.django_db
def test_a_tile_draws_kazakhstan_its_neighbours_and_water(client):
    tile = _tile(client, "en", 52.0, 45.0, 5)  # the Caspian's north-east shore

    kinds = {kind for kind, _ in tile["areas"]}
    assert {"home", "country", "sea"} <= kinds
    assert "border" in {kind for kind, _ in tile["lines"]}
    assert "Caspian Sea" in _names(tile, "water_name")


@pytest.mark.django_db
def test_lake_balkhash_and_rivers_are_drawn(client):
    balkhash = _tile(client, "en", 74.5, 46.4, 6)
    syr_darya = _tile(client, "en", 65.5, 44.8, 6)  # near Kyzylorda

    assert "lake" in {kind for kind, _ in balkhash["areas"]}
    assert "river" in {kind for kind, _ in syr_darya["lines"]}


@pytest.mark.django_db
def test_a_tile_is_one_query_and_then_cached_with_its_etag(client, django_assert_num_queries):
    url = reverse("maps:base-tile", args=["ru", *tile_of(*ALMATY, 8)])

    with django_assert_num_queries(2) as made:  # the rate limit's counter, the tile
        first = client.get(url)
    with django_assert_num_queries(1) as cached:  # the rate limit's counter
        again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert any("ST_AsMVTGeom" in q["sql"] for q in made.captured_queries)
    assert not any("ST_AsMVTGeom" in q["sql"] for q in cached.captured_queries)
    assert (first.status_code, again.status_code) == (200, 304)
    assert "max-age=86400" in first["Cache-Control"]
    assert "Vary" not in first  # the same for everyone: one copy per URL in a shared cache


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/maps/base/en/19/0/0.json", "/maps/base/en/1/0/0.json", "/maps/base/en/4/16/0.json",
     "/maps/base/en/4/0/16.json", "/maps/base/de/4/11/5.json", "/maps/base/en/4/-1/5.json",
     "/maps/base/en/4/x/5.json"],
)  # fmt: skip
def test_a_tile_that_does_not_exist_is_not_found(client, path):
    assert client.get(path).status_code == 404


def _config(content: bytes) -> dict:
    page = content.decode()
    start = page.index('<script id="mura-base-config" type="application/json">')
    start = page.index(">", start) + 1
    return json.loads(page[start : page.index("</script>", start)])


@pytest.mark.django_db
def test_the_map_page_credits_openstreetmap_and_natural_earth(client):
    config = _config(client.get(reverse("maps:home"), headers={"accept-language": "ru"}).content)

    assert (
        '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
        in config["attribution"]
    )
    assert "Natural Earth" in config["attribution"]
    assert config["tiles"] == "/maps/base/ru/{z}/{x}/{y}.json"


@pytest.mark.django_db
def test_officer_pages_draw_the_base_map_too(client, officer):
    client.force_login(officer)

    page = client.get(reverse("registry:site-new")).content.decode()

    assert "maps/basemap.js" in page
    assert "MuraBase.addTo(event.detail.map)" in page
    assert "tile.openstreetmap.org" not in page.split('id="mura-base-config"')[0]


@pytest.mark.django_db
def test_no_web_map_is_offered_when_none_is_configured(client):
    with override_settings(MURA_WEB_TILES=[]):
        config = _config(client.get(reverse("maps:home")).content)

    assert config["web"] == []


@pytest.mark.django_db
def test_the_admin_maps_keep_the_web_map(admin_client):
    page = admin_client.get(reverse("admin:registry_protectionzone_add")).content.decode()

    assert settings.MURA_WEB_TILES[0][1] in page
