"""The public map in a real browser (Debian's Chromium via Playwright) against a live server."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Point

from registry.models import AdminArea
from registry.services.regions import regions_load
from tests.factories import HeritageSiteFactory
from tests.maps.conftest import decode

# Serialized rollback: what the migrations made (regions, groups) is put back after each
# test empties the live server's database, for the live-server tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HOSTILE = "<img src=x onerror=alert(1)>"
YASAWI = (68.27105556, 43.29769444)
SENSITIVE = (76.95193, 43.23807)
EXACT_TEXTS = ("76.9519", "43.2380")


@pytest.fixture
def sites(live_site):
    if not AdminArea.objects.exists():  # the live server's database is emptied between tests
        regions_load()
    made = {
        "yasawi": HeritageSiteFactory(
            published=True, sensitivity="S0", category="architecture",
            name_kk="Қожа Ахмет Ясауи кесенесі", name_ru="Мавзолей Ходжи Ахмеда Ясави",
            name_en="Mausoleum of Khoja Ahmed Yasawi", date_from=1389, date_to=1405,
        ),
        "hostile": HeritageSiteFactory(
            published=True, sensitivity="S0", category="history", name_kk=HOSTILE,
            name_en=HOSTILE, location=Point(68.2800, 43.3000),
        ),
        "kurgan": HeritageSiteFactory(
            published=True, sensitivity="S0", category="archaeology", name_en="Saka kurgan",
            date_from=-500, date_to=-300, location=Point(68.2600, 43.2900),
        ),
        "sensitive": HeritageSiteFactory(
            published=True, sensitivity="S2", category="archaeology",
            name_en="Hidden hoard of Almaty", location=Point(*SENSITIVE),
        ),
        "withheld": HeritageSiteFactory(
            published=True, sensitivity="S3", name_en="Withheld barrow",
            location=Point(68.3000, 43.3100),
        ),
    }  # fmt: skip
    return made


class Recorder:
    """Console errors, dialogs and every URL the page asked for. Bodies are fetched again
    through the page's own request context afterwards (Playwright cannot hand over bodies of
    script fetches reliably), so tiles are decoded exactly as the server sends them."""

    def __init__(self, page):
        self.page, self.errors, self.dialogs, self.urls, self._bodies = page, [], [], [], {}
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: self.urls.append(r.url))

    def _body(self, url: str) -> bytes:
        if url not in self._bodies:
            self._bodies[url] = self.page.request.get(url).body()
        return self._bodies[url]

    @property
    def tiles(self) -> list[tuple[str, dict]]:
        return [(url, decode(self._body(url))) for url in self.urls if ".pbf" in url]

    @property
    def texts(self) -> list[tuple[str, str]]:
        return [
            (url, self._body(url).decode("utf-8", errors="replace"))
            for url in self.urls
            if ".pbf" not in url and not url.startswith("data:")
        ]

    def layer_features(self, layer, since=0):
        """Features of `layer` in the tiles asked for after the first `since` tiles, each
        tile once (a redraw asks again)."""
        tiles = dict(self.tiles[since:])
        return [f for t in tiles.values() for f in t.get(layer, {}).get("features", [])]


def _open(page, live_site, query=""):
    recorder = Recorder(page)
    page.goto(f"{live_site.url}/{query}")
    page.wait_for_selector("body[data-map-ready=true]")
    page.wait_for_load_state("networkidle")
    return recorder


def _zoom_to(page, lon, lat, zoom):
    page.evaluate(f"window.muraMap.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def _click_site(page, lon, lat):
    point = page.evaluate(f"window.muraMap.latLngToContainerPoint([{lat}, {lon}])")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_the_map_loads_without_errors_and_zooming_turns_cells_into_sites(
    page, live_site, sites, screenshot
):
    recorder = _open(page, live_site)
    counts = recorder.layer_features("cells")
    screenshot(page, "map-desktop-kk-country")

    before = len(recorder.tiles)
    _zoom_to(page, *YASAWI, 16)
    pins = recorder.layer_features("sites", since=before)

    assert recorder.errors == []
    assert sum(f["properties"]["count"] for f in counts) >= 4  # S3 never counted
    assert {f["properties"]["ref"] for f in pins} >= {
        sites["yasawi"].registry_number,
        sites["kurgan"].registry_number,
    }
    assert recorder.layer_features("cells", since=before) == []


def test_clicking_a_site_opens_its_panel_and_a_hostile_name_stays_text(
    page, live_site, sites, screenshot
):
    recorder = _open(page, live_site)
    _zoom_to(page, 68.2800, 43.3000, 17)

    _click_site(page, 68.2800, 43.3000)
    page.wait_for_selector("#panel:not([hidden])")

    assert page.locator("#panel-name").text_content() == HOSTILE
    assert page.locator("img[src='x']").count() == 0
    assert recorder.dialogs == []
    assert "site=" + sites["hostile"].registry_number in page.url
    screenshot(page, "map-desktop-kk-panel-hostile")

    page.go_back()
    page.wait_for_selector("#panel", state="hidden")
    assert recorder.errors == []


def test_a_filter_changes_what_the_map_shows_and_back_undoes_it(page, live_site, sites):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    recorder = _open(page, live_site, "?z=9&lat=43.3&lon=68.27")
    everything = sum(f["properties"]["count"] for f in recorder.layer_features("cells"))

    before = len(recorder.tiles)
    page.get_by_label("Archaeology").check()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    filtered = recorder.tiles[before:]

    assert everything == 3  # around Turkistan: Yasawi, the hostile one, the kurgan
    assert all("category=archaeology" in url for url, _ in filtered)
    assert sum(f["properties"]["count"] for f in recorder.layer_features("cells", before)) == 1
    assert "category=archaeology" in page.url

    page.fill("input[name=year_from]", "-600")
    page.fill("input[name=year_to]", "-400")
    page.locator("input[name=year_to]").dispatch_event("change")
    _until(page, "location.search.indexOf('year_to=-400') >= 0")
    assert "year_from=-600" in page.url

    for _ in range(3):  # year_to, year_from, category: each change was one history step
        page.go_back()
    page.wait_for_timeout(300)
    assert "category" not in page.url
    assert not page.get_by_label("Archaeology").is_checked()
    assert recorder.errors == []


def test_search_suggests_latin_typed_kazakh_and_the_map_follows(page, live_site, sites):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    _open(page, live_site)

    page.fill("#search-input", "Qoja Ahmet Iasaui")
    page.wait_for_selector("#search-suggestions li")
    first = page.locator("#search-suggestions li").first.text_content()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel:not([hidden])")
    centre = page.evaluate("window.muraMap.getCenter()")

    assert "Mausoleum of Khoja Ahmed Yasawi" in first
    assert page.locator("#panel-name").text_content() == "Mausoleum of Khoja Ahmed Yasawi"
    assert centre["lng"] == pytest.approx(YASAWI[0], abs=1e-3)
    assert page.evaluate("window.muraMap.getZoom()") == 16


def test_a_sensitive_site_is_a_square_never_a_pin_and_its_exact_point_goes_nowhere(
    page, live_site, sites, screenshot
):
    recorder = _open(page, live_site)
    for zoom in (8, 12, 14, 16):
        _zoom_to(page, *SENSITIVE, zoom)
    page.fill("#search-input", "Hidden hoard")
    page.wait_for_selector("#search-suggestions li")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel:not([hidden])")
    screenshot(page, "map-desktop-kk-sensitive-cell")

    drawn = [
        f
        for f in recorder.layer_features("sites")
        if f["properties"]["ref"] == sites["sensitive"].registry_number
    ]
    assert drawn
    assert {f["properties"]["kind"] for f in drawn} == {"cell"}
    assert {f["geometry"]["type"] for f in drawn} == {"Polygon"}
    assert sites["withheld"].registry_number not in json.dumps(recorder.tiles)
    everything = page.content() + "".join(text for _, text in recorder.texts)
    for exact in EXACT_TEXTS:
        assert exact not in everything
    assert recorder.errors == []


def test_switching_to_kazakh_changes_the_interface_and_is_remembered(
    page, live_site, sites, screenshot
):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    _open(page, live_site)
    assert page.locator("label[for=search-input]").text_content() == "Search sites"
    screenshot(page, "map-desktop-en")

    with page.expect_navigation():
        page.select_option("#language-select", "kk")
    page.wait_for_selector("body[data-map-ready=true]")
    assert page.locator("label[for=search-input]").text_content() == "Нысандарды іздеу"

    page.goto(f"{live_site.url}/sites/{sites['yasawi'].registry_number}/")
    assert page.locator("h1").text_content() == "Қожа Ахмет Ясауи кесенесі"
    assert page.locator("html").get_attribute("lang") == "kk"
    screenshot(page, "site-page-desktop-kk")


@pytest.mark.parametrize("language", ["en", "kk"])
def test_the_map_and_a_site_page_work_on_a_phone(browser, live_site, sites, screenshot, language):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_site.url}])
    page = context.new_page()
    recorder = _open(page, live_site)
    screenshot(page, f"map-phone-{language}")
    _zoom_to(page, 68.2800, 43.3000, 17)
    _click_site(page, 68.2800, 43.3000)
    page.wait_for_selector("#panel:not([hidden])")
    screenshot(page, f"map-phone-{language}-panel")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.goto(f"{live_site.url}/sites/{sites['yasawi'].registry_number}/")
    screenshot(page, f"site-page-phone-{language}")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()

    assert width <= 375
    assert page_width <= 375
    assert recorder.errors == []


def test_the_controls_are_reachable_with_the_keyboard(page, live_site, sites):
    _open(page, live_site)
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.name"))

    assert {"language-select", "search-input", "category", "region"} <= reached


def _tab_to(page, condition: str, presses: int = 40) -> bool:
    """Press Tab until `condition` (a script about `document.activeElement`) holds."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {condition})(document.activeElement)"):
            return True
    return False


def test_a_keyboard_user_reaches_the_sites_in_view_and_opens_one(
    page, live_site, sites, screenshot
):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    recorder = _open(page, live_site, f"?z=15&lat={YASAWI[1]}&lon={YASAWI[0]}")

    assert _tab_to(page, "el.id === 'in-view-title'")
    page.keyboard.press("Enter")
    page.wait_for_selector("#in-view-list button")
    listed = page.locator("#in-view-list button").all_text_contents()
    status = page.locator("#in-view-status").text_content()
    screenshot(page, "map-desktop-en-sites-in-view")
    assert _tab_to(page, "el.textContent.indexOf('Khoja Ahmed Yasawi') >= 0", presses=5)
    page.keyboard.press("Space")
    page.wait_for_selector("#panel:not([hidden])")
    page.wait_for_function("document.activeElement.id === 'panel'")

    assert [text.split(" ")[0] for text in listed] == [HOSTILE.split(" ")[0], "Mausoleum", "Saka"]
    assert sites["withheld"].registry_number not in " ".join(listed)
    assert status == "3 sites in this view."
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("#panel-name").text_content() == "Mausoleum of Khoja Ahmed Yasawi"
    assert page.evaluate("window.muraMap.getZoom()") == 16
    assert recorder.errors == []


def test_a_square_standing_for_several_sites_lists_them_to_choose_one(
    page, live_site, sites, screenshot
):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    names = ["Barrow A", "Barrow B", "Barrow C"]
    for name, lon, lat in zip(
        names, (68.3012, 68.3055, 68.3091), (43.2611, 43.2650, 43.2689), strict=True
    ):
        HeritageSiteFactory(
            published=True, sensitivity="S1", category="archaeology", name_en=name,
            location=Point(lon, lat),
        )  # fmt: skip
    centre = (68.305, 43.265)  # of their 0.01° grid cell
    recorder = _open(page, live_site)
    _zoom_to(page, *centre, 15)

    _click_site(page, *centre)
    page.wait_for_selector("#in-view-list button")
    heading = page.locator("#in-view-heading").text_content()
    listed = page.locator("#in-view-list .in-view-name").all_text_contents()
    screenshot(page, "map-desktop-en-cell-list")
    assert page.locator("#panel").is_hidden()
    page.locator("#in-view-list button", has_text="Barrow B").click()
    page.wait_for_selector("#panel:not([hidden])")

    assert heading == "3 sites share this generalised position"
    assert listed == names
    assert page.locator("#panel-name").text_content() == "Barrow B"
    assert page.evaluate("window.muraMap.getZoom()") == 13
    assert recorder.errors == []


def test_switching_language_keeps_the_view_and_the_filters(page, live_site, sites):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    _open(page, live_site, "?z=9&lat=43.3&lon=68.27")
    page.get_by_label("Archaeology").check()
    _zoom_to(page, 76.95, 43.25, 11)

    with page.expect_navigation():
        page.select_option("#language-select", "ru")
    page.wait_for_selector("body[data-map-ready=true]")
    centre = page.evaluate("window.muraMap.getCenter()")

    assert page.locator("html").get_attribute("lang") == "ru"
    assert "category=archaeology" in page.url
    assert page.locator("input[name=category][value=archaeology]").is_checked()
    assert page.evaluate("window.muraMap.getZoom()") == 11
    assert (centre["lng"], centre["lat"]) == (pytest.approx(76.95), pytest.approx(43.25))


def test_back_and_forward_show_the_panel_their_address_names(page, live_site, sites):
    recorder = _open(page, live_site, f"?z=15&lat={YASAWI[1]}&lon={YASAWI[0]}")
    ref = sites["yasawi"].registry_number
    _click_site(page, *YASAWI)
    page.wait_for_selector("#panel:not([hidden])")
    page.locator("#panel-close").click()
    _zoom_to(page, 68.2800, 43.3000, 13)

    page.go_back()
    page.wait_for_selector("#panel:not([hidden])", timeout=5000)
    with_panel = page.url
    page.go_back()
    page.wait_for_selector("#panel", state="hidden", timeout=5000)
    before_it = page.url
    page.go_forward()
    page.wait_for_selector("#panel:not([hidden])", timeout=5000)

    assert f"site={ref}" in with_panel
    assert "site=" not in before_it
    assert f"site={ref}" in page.url
    assert page.locator("#panel-name").text_content() == "Mausoleum of Khoja Ahmed Yasawi"
    assert recorder.errors == []


def test_leaflets_controls_speak_the_chosen_language(page, live_site, sites):
    english = ("Zoom in", "Zoom out", "Layers", "JavaScript library", " km", " m<")
    page.context.add_cookies([{"name": "django_language", "value": "kk", "url": live_site.url}])
    _open(page, live_site)
    controls = page.locator(".leaflet-control-container").inner_html()
    page.goto(f"{live_site.url}/sites/{sites['yasawi'].registry_number}/")
    page.wait_for_selector("#site-map .leaflet-control-zoom-in")
    site_controls = page.locator(".leaflet-control-container").inner_html()

    for html in (controls, site_controls):
        assert 'title="Жақындату"' in html
        assert 'title="Қабаттар"' in html
        assert " км" in html or " м<" in html
        assert not [word for word in english if word in html]


def test_on_a_phone_a_chosen_site_is_shown_above_the_panel(browser, live_site, sites):
    # A 667 px high phone: the panel takes the lower half of the map, where its centre is.
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    page = context.new_page()
    recorder = _open(page, live_site)

    page.fill("#search-input", "Yasawi")
    page.wait_for_selector("#search-suggestions li")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel:not([hidden])")
    point = page.evaluate(f"window.muraMap.latLngToContainerPoint([{YASAWI[1]}, {YASAWI[0]}])")
    map_box, panel_box = page.locator("#map").bounding_box(), page.locator("#panel").bounding_box()
    url = page.url
    context.close()

    assert panel_box["y"] > map_box["y"] + map_box["height"] / 3  # the phone's bottom panel
    assert 0 < point["y"] < panel_box["y"] - map_box["y"] - 20  # clear above it
    assert 0 < point["x"] < map_box["width"]
    # The address keeps the view as moved: its centre south of the site, which sits above it.
    assert "site=" in url
    assert float(parse_qs(urlsplit(url).query)["lat"][0]) < YASAWI[1] - 0.0005
    assert recorder.errors == []


def _until(page, expression: str, timeout: float = 5.0) -> None:
    """Wait until `expression` holds in the page, asked through page.evaluate (the page's CSP
    forbids the string evaluation wait_for_function does while it polls)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(100)


TURKESTAN = (68.2516, 43.2973)  # the OSM node of the city, about


@pytest.mark.parametrize(("language", "typed"), [("en", "Turkestan"), ("ru", "Туркестан")])
def test_a_place_is_found_and_chosen_and_the_map_goes_there(
    page, live_site, sites, screenshot, language, typed
):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_site.url}])
    recorder = _open(page, live_site, "?z=9&lat=49.8&lon=73.1")  # over Karaganda

    page.fill("#search-input", typed)
    page.wait_for_selector("#search-suggestions li.suggestion-place")
    first = page.locator("#search-suggestions li").first
    assert first.get_attribute("class") == "suggestion-place"
    screenshot(page, f"map-desktop-{language}-place-suggestions")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    _until(page, "Math.abs(window.muraMap.getCenter().lng - 68.25) < 0.1")
    centre = page.evaluate("window.muraMap.getCenter()")

    assert centre["lat"] == pytest.approx(TURKESTAN[1], abs=0.05)
    assert page.evaluate("window.muraMap.getZoom()") == 11
    assert page.locator("#panel").is_hidden()
    page.go_back()  # the move is one history step
    _until(page, "Math.abs(window.muraMap.getCenter().lng - 73.1) < 0.01")
    assert recorder.errors == []


@pytest.mark.parametrize("language", ["en", "kk"])
def test_cluster_circles_show_how_many_sites_they_hold(page, live_site, sites, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_site.url}])
    recorder = _open(page, live_site, "?z=9&lat=43.3&lon=68.27")
    counts = sum(f["properties"]["count"] for f in recorder.layer_features("cells"))
    labels = page.locator("#map text.cell-count")

    assert labels.count() >= 1
    shown = [int(n) for n in labels.evaluate_all("els => els.map(e => e.dataset.count)")]
    texts = labels.all_text_contents()
    assert sum(shown) == counts == 3
    assert texts == [str(n) for n in shown]
    assert recorder.errors == []


def test_a_site_chosen_from_the_search_is_ringed_on_the_map(page, live_site, sites, screenshot):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    recorder = _open(page, live_site)

    page.fill("#search-input", "Yasawi")
    page.wait_for_selector("#search-suggestions li.suggestion-site")
    page.locator("#search-suggestions li.suggestion-site").first.dispatch_event("mousedown")
    page.wait_for_selector("#panel:not([hidden])")
    page.wait_for_selector("path.selected-site")
    ring = page.locator("path.selected-site").bounding_box()
    point = page.evaluate(f"window.muraMap.latLngToContainerPoint([{YASAWI[1]}, {YASAWI[0]}])")
    box = page.locator("#map").bounding_box()
    screenshot(page, "map-desktop-en-selected-site")

    assert ring["x"] + ring["width"] / 2 == pytest.approx(box["x"] + point["x"], abs=2)
    assert ring["y"] + ring["height"] / 2 == pytest.approx(box["y"] + point["y"], abs=2)
    page.locator("#panel-close").click()
    assert page.locator("path.selected-site").count() == 0
    assert recorder.errors == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_withheld_sites_panel_moves_the_map_to_its_region_only(page, live_site, sites, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_site.url}])
    recorder = _open(page, live_site, "?z=12&lat=49.8&lon=73.1")  # over Karaganda
    region = sites["withheld"].region
    west, south, east, north = region.geom.extent

    page.fill("#search-input", "Withheld barrow")
    page.wait_for_selector("#search-suggestions li.suggestion-site")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel:not([hidden])")
    _until(page, "window.muraMap.getCenter().lng < 73")
    bounds = page.evaluate("window.muraMap.getBounds().toBBoxString()").split(",")
    centre = page.evaluate("window.muraMap.getCenter()")

    assert west - 1 <= centre["lng"] <= east + 1
    assert south - 1 <= centre["lat"] <= north + 1
    assert float(bounds[2]) - float(bounds[0]) > 1  # a region's view, not a point's
    assert page.locator("path.selected-site").count() == 0
    everything = page.content() + "".join(text for _, text in recorder.texts)
    assert "68.3000" not in everything
    assert "43.3100" not in everything
    assert recorder.errors == []


@pytest.mark.parametrize("language", ["en", "kk"])
def test_clear_empties_the_filters_a_link_gave(page, live_site, sites, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_site.url}])
    _open(page, live_site, "?z=9&lat=43.3&lon=68.27&category=archaeology&year_from=-600")

    page.locator("#filters-reset").click()
    _until(page, "location.search.indexOf('category') < 0")

    assert not page.locator("input[name=category][value=archaeology]").is_checked()
    assert page.locator("input[name=year_from]").input_value() == ""
    assert "year_from" not in page.url


def test_choosing_a_region_moves_the_map_to_it(page, live_site, sites):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    _open(page, live_site, "?z=9&lat=43.3&lon=68.27")
    region = AdminArea.objects.filter(level=1).exclude(code=sites["yasawi"].region.code).first()
    west, south, east, north = region.geom.extent

    page.select_option("select[name=region]", region.code)
    _until(page, f"location.search.indexOf('region={region.code}') >= 0")
    page.wait_for_timeout(300)
    centre = page.evaluate("window.muraMap.getCenter()")

    assert west <= centre["lng"] <= east
    assert south <= centre["lat"] <= north


def test_typing_a_year_adds_one_history_entry_not_one_per_key(page, live_site, sites):
    _open(page, live_site, "?z=9&lat=43.3&lon=68.27")
    length = page.evaluate("history.length")

    page.locator("input[name=year_from]").press_sequentially("-1200", delay=60)
    _until(page, "location.search.indexOf('year_from=-1200') >= 0")
    page.locator("input[name=year_from]").press("Tab")  # committed: no second entry
    page.wait_for_timeout(800)

    assert page.evaluate("history.length") == length + 1


@pytest.mark.parametrize(
    ("language", "label"), [("en", "From year"), ("ru", "С года"), ("kk", None)]
)
def test_an_inverted_period_is_said_beside_its_field(page, live_site, sites, language, label):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_site.url}])
    recorder = _open(page, live_site, "?z=15&lat=43.29769&lon=68.27106")
    page.locator("#in-view-title").click()
    page.wait_for_selector("#in-view-list button")

    page.fill("input[name=year_from]", "1500")
    page.fill("input[name=year_to]", "1000")
    page.locator("input[name=year_to]").dispatch_event("change")
    page.wait_for_selector("#error-year_from:not([hidden])")
    message = page.locator("#error-year_from").text_content()
    page.wait_for_timeout(500)

    shown = page.locator("input[name=year_from]").evaluate("e => e.closest('label').firstChild")
    assert shown is not None
    if label:
        assert message.startswith(label + ": ")
    assert page.locator("input[name=year_from]").get_attribute("aria-invalid") == "true"
    assert "year_to=1000" not in page.url  # the map keeps the filters it had
    # The list keeps the filters in force too, instead of failing on the bad ones.
    failed = page.evaluate("window.Mura.text.inViewFailed")
    assert page.locator("#in-view-status").text_content() not in ("", failed)
    assert all("year_to=1000" not in url for url in recorder.urls if "in-view" in url)
    assert all("400" in error for error in recorder.errors)  # the check's answer, logged

    page.fill("input[name=year_to]", "2000")
    page.locator("input[name=year_to]").dispatch_event("change")
    page.wait_for_selector("#error-year_from", state="hidden")
    assert "year_to=2000" in page.url


def test_a_link_with_an_inverted_period_says_so_beside_the_field(page, live_site, sites):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    recorder = _open(page, live_site, "?z=9&lat=43.3&lon=68.27&year_from=1500&year_to=1000")

    message = page.locator("#error-year_from").text_content()

    assert message == "From year: The period must start before it ends."
    assert sum(f["properties"]["count"] for f in recorder.layer_features("cells")) == 3
    assert all("year_from" not in url for url, _ in recorder.tiles)
