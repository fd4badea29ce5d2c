"""The public journey on a desktop (1440×900) in kk, ru and en, offline: the map with its own
base layer and place names, a place and a site found by search, the site chosen and ringed, its
page and photos, back to the same view; a sensitive site as its cell, a withheld one as its
region. Nothing is asked of any host but the site itself."""

import pytest
from django.contrib.gis.geos import Point

from registry.models import AdminArea
from registry.services.photos import photo_add
from registry.services.regions import regions_load
from tests.factories import HeritageSiteFactory, UserFactory
from tests.journeys.conftest import jpeg
from tests.maps.test_browser import _until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YASAWI = (68.27105556, 43.29769444)
HOARD = (68.36313, 43.21188)  # S2: public as its 0.1° cell's centre, 68.35, 43.25
BARROW = (71.4, 51.1)  # S3: public as its region only
# What each visitor types: a place, a site; the names they expect back.
TYPED = {
    "kk": {"place": "Түркістан", "site": "Ясауи", "name": "Қожа Ахмет Ясауи кесенесі"},
    "ru": {"place": "Туркестан", "site": "Ясави", "name": "Мавзолей Ходжи Ахмеда Ясави"},
    "en": {"place": "Turkistan", "site": "Yasawi", "name": "Mausoleum of Khoja Ahmed Yasawi"},
}


@pytest.fixture
def sites(live_site):
    if not AdminArea.objects.exists():
        regions_load()
    yasawi = HeritageSiteFactory(
        published=True, sensitivity="S0", category="architecture", location=Point(*YASAWI),
        name_kk=TYPED["kk"]["name"], name_ru=TYPED["ru"]["name"], name_en=TYPED["en"]["name"],
        description_en="A Timurid mausoleum.", date_from=1389, date_to=1405,
    )  # fmt: skip
    photographer = UserFactory(username="photographer")
    for colour, caption in (("#b5651d", "South portal"), ("#2e86c1", "The dome")):
        photo_add(
            site=yasawi, upload=jpeg(colour), added_by=photographer, author="A. Photographer",
            caption_en=caption, caption_kk=caption, caption_ru=caption, is_public=True,
        )  # fmt: skip
    hoard = HeritageSiteFactory(
        published=True, sensitivity="S2", category="archaeology", location=Point(*HOARD),
        name_kk="Жасырын қазына", name_ru="Скрытый клад", name_en="Hidden hoard",
    )  # fmt: skip
    barrow = HeritageSiteFactory(
        published=True, sensitivity="S3", category="archaeology", location=Point(*BARROW),
        name_kk="Құпия оба", name_ru="Тайный курган", name_en="Withheld barrow",
    )  # fmt: skip
    return {"yasawi": yasawi, "hoard": hoard, "barrow": barrow}


def _names(page) -> set[str]:
    """The base map's place names drawn on the public map."""
    page.wait_for_selector("#map .mura-name", state="attached")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)  # names are laid out 60 ms after the last tile
    return {n.strip() for n in page.locator("#map .mura-name").all_inner_texts()}


def _choose(page, typed: str, kind: str) -> None:
    page.fill("#search-input", typed)
    suggestion = page.locator(f"#search-suggestions li.suggestion-{kind}").first
    suggestion.wait_for()
    suggestion.dispatch_event("mousedown")


def _view(page) -> tuple[int, float, float]:
    centre = page.evaluate("window.muraMap.getCenter()")
    return page.evaluate("window.muraMap.getZoom()"), centre["lat"], centre["lng"]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_visitor_finds_a_place_and_a_site_opens_its_page_and_returns_to_the_map(
    journey, sites, screenshot, language
):
    visitor = journey(language)
    page, typed = visitor.page, TYPED[language]
    shot = f"journey-public-{language}"

    # The map, offline: our own base layer with the country's names and its neighbours.
    page.goto(visitor.base + "/")
    page.wait_for_selector("body[data-map-ready=true]")
    country_names = _names(page)
    assert page.locator("html").get_attribute("lang") == language
    assert ({"Astana", "Almaty"} if language == "en" else {"Астана", "Алматы"}) <= country_names
    assert page.locator("#map canvas.mura-base-tile").count() > 0
    assert "OpenStreetMap" in page.inner_text("#map .leaflet-control-attribution")
    screenshot(page, f"{shot}-1-map")

    # A place: the map goes to the city, whose name is on the map.
    _choose(page, typed["place"], "place")
    _until(page, "Math.abs(window.muraMap.getCenter().lng - 68.25) < 0.1")
    city_names = _names(page)
    assert page.evaluate("window.muraMap.getZoom()") == 11
    city = {"kk": {"Түркістан"}, "ru": {"Туркестан"}, "en": {"Turkistan", "Turkestan"}}[language]
    assert city & city_names, city_names
    screenshot(page, f"{shot}-2-place")

    # A site: chosen from the suggestions, its panel opens and it is ringed on the map.
    _choose(page, typed["site"], "site")
    page.wait_for_selector("#panel:not([hidden])")
    page.wait_for_selector("path.selected-site")
    assert page.locator("#panel-name").text_content() == typed["name"]
    assert f"site={sites['yasawi'].registry_number}" in page.url
    map_view, map_url = _view(page), page.url
    screenshot(page, f"{shot}-3-site")

    # Its page, and the photos in the viewer.
    with page.expect_navigation():
        page.locator("#panel-link").click()
    assert page.locator("h1").text_content().strip() == typed["name"]
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{shot}-4-page")
    page.locator(".gallery-open").first.click()
    page.wait_for_selector("#lightbox[open]")
    page.keyboard.press("ArrowRight")
    assert "The dome" in page.locator("#lightbox-caption").text_content()
    assert page.locator("#lightbox-count").text_content().strip().startswith("2")
    # Polled from here: wait_for_function evaluates a string, which the page's CSP forbids.
    for _ in range(50):
        if page.evaluate("document.getElementById('lightbox-image').naturalWidth > 0"):
            break
        page.wait_for_timeout(100)
    screenshot(page, f"{shot}-5-lightbox", full_page=False)
    page.keyboard.press("Escape")
    assert page.locator("#lightbox[open]").count() == 0

    # Back to the map: the same view, the same site chosen.
    page.locator("#back-to-map").click()
    page.wait_for_selector("body[data-map-ready=true]")
    page.wait_for_selector("#panel:not([hidden])")
    zoom, lat, lon = _view(page)
    assert page.url == map_url
    assert (zoom, lat, lon) == (map_view[0], pytest.approx(map_view[1]), pytest.approx(map_view[2]))
    assert page.locator("#panel-name").text_content() == typed["name"]
    screenshot(page, f"{shot}-6-back")

    assert visitor.foreign() == []
    assert visitor.recorder.errors == []
    assert visitor.recorder.dialogs == []


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_sensitive_site_shows_its_cell_and_a_withheld_one_only_its_region(
    journey, sites, screenshot, language
):
    visitor = journey(language)
    page = visitor.page
    page.goto(visitor.base + "/?z=9&lat=49.8&lon=73.1")
    page.wait_for_selector("body[data-map-ready=true]")

    # S2: its 0.1° cell, never its point, in the address, the page or anything fetched.
    _choose(page, getattr(sites["hoard"], f"name_{language}"), "site")
    page.wait_for_selector("#panel:not([hidden])")
    _until(page, "Math.abs(window.muraMap.getCenter().lng - 68.35) < 0.01")
    page.wait_for_load_state("networkidle")
    centre = page.evaluate("window.muraMap.getCenter()")
    assert (centre["lng"], centre["lat"]) == (pytest.approx(68.35), pytest.approx(43.25))
    assert page.locator("#panel-name").text_content() == getattr(sites["hoard"], f"name_{language}")
    screenshot(page, f"journey-public-{language}-7-sensitive")

    # S3: only the region: the map shows the region, the panel names it, no point anywhere.
    region = sites["barrow"].region
    west, south, east, north = region.geom.extent
    _choose(page, getattr(sites["barrow"], f"name_{language}"), "site")
    _until(page, "Math.abs(window.muraMap.getCenter().lng - 68.35) > 1")
    page.wait_for_load_state("networkidle")
    bounds = [
        float(v) for v in page.evaluate("window.muraMap.getBounds().toBBoxString()").split(",")
    ]
    centre = page.evaluate("window.muraMap.getCenter()")
    screenshot(page, f"journey-public-{language}-8-withheld")

    assert page.locator("#panel-name").text_content() == getattr(
        sites["barrow"], f"name_{language}"
    )
    assert (
        getattr(region, f"name_{language}", region.name)
        in page.locator("#panel-region").text_content()
    )
    assert west - 1 <= centre["lng"] <= east + 1
    assert south - 1 <= centre["lat"] <= north + 1
    assert bounds[2] - bounds[0] > 1  # a region's view, not a point's
    assert page.locator("path.selected-site").count() == 0
    everything = page.content() + page.url + "".join(text for _, text in visitor.recorder.texts)
    for exact in ("68.3631", "43.2118", "71.4000", "51.1000"):
        assert exact not in everything
    assert visitor.foreign() == []
    assert visitor.recorder.errors == []
