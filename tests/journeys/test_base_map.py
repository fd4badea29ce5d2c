"""The offline base map's names by zoom, as a visitor sees them (desktop, 1440×900): the
country and its neighbours at country zoom, towns and villages at city zoom, in each language;
the site page's map and an officer's widget draw it too. These take the README's base-map-*
screenshots (docs/screenshots), so scripts/screenshots refreshes them."""

import pytest
from django.contrib.gis.geos import Point

from registry.services.demo import demo_accounts_ensure
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _names(page, root: str = "#map") -> set[str]:
    page.wait_for_selector(f"{root} .mura-name-city", state="attached")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)  # names are laid out 60 ms after the last tile
    return {n.strip() for n in page.locator(f"{root} .mura-name").all_inner_texts()}


def _map(visitor, query: str) -> set[str]:
    visitor.page.goto(f"{visitor.base}/{query}")
    visitor.page.wait_for_selector("body[data-map-ready=true]")
    return _names(visitor.page)


@pytest.mark.parametrize(
    ("language", "country", "neighbours", "city", "towns", "shot"),
    [
        ("en", {"Astana", "Almaty", "Aktobe"}, {"RUSSIA", "CHINA", "UZBEKISTAN"},
         {"Almaty", "Talgar"}, {"Qaskeleñ", "Shamalgan"}, "base-map"),
        ("ru", {"Астана", "Алматы", "Актобе"}, {"РОССИЯ", "КИТАЙ", "УЗБЕКИСТАН"},
         {"Алматы", "Талгар"}, {"Каскелен"}, "base-map-ru"),
        ("kk", {"Астана", "Алматы", "Ақтөбе"}, {"РЕСЕЙ", "ҚЫТАЙ", "ӨЗБЕКСТАН"},
         {"Алматы", "Талғар"}, {"Қаскелең"}, "base-map-kk"),
    ],
)  # fmt: skip
def test_the_base_map_names_the_country_its_neighbours_and_towns_by_zoom(
    journey, live_site, screenshot, language, country, neighbours, city, towns, shot
):
    visitor = journey(language)

    at_country = _map(visitor, "?z=5&lat=47.5&lon=66")
    screenshot(visitor.page, f"{shot}-country")
    at_south = _map(visitor, "?z=7&lat=42.6&lon=69.5")
    screenshot(visitor.page, f"{shot}-south")
    at_city = _map(visitor, "?z=10&lat=43.3&lon=76.9")
    screenshot(visitor.page, f"{shot}-city")

    assert country <= at_country
    assert {n.upper() for n in at_country} & neighbours
    assert len(at_south) > len(at_country & at_south)  # more places further in
    assert city <= at_city, at_city
    assert towns & at_city, at_city
    assert len(at_city) >= 20  # villages too, not only district lines
    assert visitor.foreign() == []
    assert visitor.recorder.errors == []


def test_the_site_pages_map_and_an_officers_widget_draw_the_base_map(
    journey, live_site, screenshot
):
    site = HeritageSiteFactory(
        published=True, sensitivity="S0", location=Point(68.2711, 43.2977),
        name_en="Mausoleum of Khoja Ahmed Yasawi",
    )  # fmt: skip
    visitor = journey("en")
    visitor.page.goto(f"{visitor.base}/sites/{site.registry_number}/")
    assert "Turkestan" in _names(visitor.page, "#site-map")
    screenshot(visitor.page, "base-site-page")

    demo_accounts_ensure()
    officer = journey("kk")
    officer.login("officer", "mura-officer-demo")
    officer.page.goto(f"{officer.base}/officer/sites/new/")
    names = _names(officer.page, "#id_location-map")
    officer.page.locator("#id_location-map").scroll_into_view_if_needed()
    screenshot(officer.page, "base-officer-widget", full_page=False)

    assert {"Астана", "Алматы"} <= names
    assert visitor.foreign() == officer.foreign() == []
    assert visitor.recorder.errors == officer.recorder.errors == []
