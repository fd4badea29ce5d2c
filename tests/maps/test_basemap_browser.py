"""Mura's own base map in a real browser (Debian's Chromium), offline: the public map, a site
page and an officer's map widget draw countries, water and place names from the site alone,
and a web base map that fails to load is said so on the map."""

import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings

from registry.services.demo import demo_accounts_ensure
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Pixels of each fill of maps/static/maps/basemap.js found on the canvases of `root`.
FILLS = """(root) => {
  const want = {home: [250, 247, 240], country: [233, 228, 216], water: [188, 213, 232]};
  const counts = {home: 0, country: 0, water: 0};
  for (const canvas of document.querySelectorAll(root + " canvas.mura-base-tile")) {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4 * 7) {
      for (const [kind, rgb] of Object.entries(want)) {
        if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1])
            + Math.abs(data[i + 2] - rgb[2]) < 6) counts[kind]++;
      }
    }
  }
  return counts;
}"""


@pytest.fixture
def watched(page, live_site):
    """The page in English, and every URL it asked for and every error it logged."""
    base = live_site.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    asked, errors = [], []
    page.on("request", lambda r: asked.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, base, asked, errors


def _foreign(asked: list[str], base: str) -> list[str]:
    return [url for url in asked if not url.startswith((base + "/", "data:", "blob:"))]


def _names(page, root: str) -> set[str]:
    page.wait_for_selector(f"{root} .mura-name-city", state="attached")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)  # names are laid out 60 ms after the last tile
    return set(page.locator(f"{root} .mura-name").all_inner_texts())


def test_the_public_map_draws_countries_water_and_names_offline(watched):
    page, base, asked, errors = watched

    page.goto(f"{base}/?z=5&lat=47.5&lon=66")
    page.wait_for_selector("body[data-map-ready=true]")
    names = _names(page, "#map")
    fills = page.evaluate(FILLS, "#map")

    assert {"Almaty", "Astana", "Aktobe"} <= {n.strip() for n in names}
    assert {"RUSSIA", "CHINA", "UZBEKISTAN"} & {n.strip().upper() for n in names}
    assert "Caspian Sea" in {n.strip() for n in names}
    assert min(fills["home"], fills["country"]) > 1000, fills
    assert fills["water"] > 100, fills
    assert "OpenStreetMap" in page.inner_text("#map .leaflet-control-attribution")
    assert any("/maps/base/en/5/" in url for url in asked)
    assert _foreign(asked, base) == []
    assert errors == []


def test_the_site_page_map_draws_the_base_map(watched):
    page, base, asked, errors = watched
    site = HeritageSiteFactory(published=True, sensitivity="S0", location=Point(68.2711, 43.2977))

    page.goto(f"{base}/sites/{site.registry_number}/")
    page.wait_for_selector("#site-map canvas.mura-base-tile", state="attached")
    page.wait_for_load_state("networkidle")
    fills = page.evaluate(FILLS, "#site-map")

    assert fills["home"] > 1000, fills
    assert _foreign(asked, base) == []
    assert errors == []


def test_an_officer_map_widget_draws_names_and_countries_offline(watched):
    page, base, asked, errors = watched
    demo_accounts_ensure()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "mura-officer-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")

    page.goto(f"{base}/officer/sites/new/")
    names = _names(page, "#id_location-map")
    fills = page.evaluate(FILLS, "#id_location-map")

    assert "Astana" in {n.strip() for n in names}
    assert fills["home"] > 1000, fills
    assert fills["country"] > 100, fills
    assert page.locator("#id_location-map .leaflet-draw-draw-marker").count() == 1
    assert _foreign(asked, base) == []
    assert errors == []


def test_a_web_map_that_fails_is_said_and_the_offline_map_comes_back(watched):
    page, base, asked, errors = watched
    missing = ("Web map", base + "/no-such-tiles/{z}/{x}/{y}.png", {"attribution": "test"})

    with override_settings(MURA_WEB_TILES=[missing]):
        page.goto(f"{base}/?z=5&lat=47.5&lon=66")
        page.wait_for_selector("body[data-map-ready=true]")
        _names(page, "#map")
        page.hover("#map .leaflet-control-layers")
        page.click("#map .leaflet-control-layers label:has-text('Web map')")
        notice = page.locator("#map .mura-base-notice")
        notice.wait_for(state="visible")

    assert "Web map could not be loaded" in notice.inner_text()
    offline = page.locator("#map .leaflet-control-layers-base input").first
    assert offline.is_checked()
    page.wait_for_selector("#map canvas.mura-base-tile", state="attached")
    assert _foreign(asked, base) == []
    assert [e for e in errors if "404" not in e] == []  # the missing web tiles' own errors
