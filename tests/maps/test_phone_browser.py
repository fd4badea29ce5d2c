"""The public map on a phone (390×844) in a real browser (Debian's Chromium): the map fills
the screen, the controls and a chosen site's panel are in a bottom sheet (peek / half / full,
by touch, buttons and keys, Escape), every control is at least 44 px, and "near me" moves the
map or says why it cannot. The desktop (1440×900) keeps its layout."""

import pytest
from django.contrib.gis.geos import Point
from django.utils import translation

from registry.models import AdminArea
from registry.services.regions import regions_load
from tests.factories import HeritageSiteFactory
from tests.maps.test_browser import Recorder, _until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
YASAWI = (68.27105556, 43.29769444)
HERE = (68.2650, 43.2950)  # a visitor in Turkistan, a few hundred metres from the mausoleum


@pytest.fixture
def sites(live_site):
    if not AdminArea.objects.exists():
        regions_load()
    return {
        "yasawi": HeritageSiteFactory(
            published=True, sensitivity="S0", category="architecture",
            name_en="Mausoleum of Khoja Ahmed Yasawi", location=Point(*YASAWI),
        ),
        "kurgan": HeritageSiteFactory(
            published=True, sensitivity="S0", category="archaeology", name_en="Saka kurgan",
            location=Point(68.2600, 43.2900),
        ),
        "far": HeritageSiteFactory(
            published=True, sensitivity="S0", category="history", name_en="Far away fort",
            location=Point(76.95, 43.25),
        ),
    }  # fmt: skip


@pytest.fixture
def phone(browser, live_site):
    """`phone(language, **context options)`: a page on a 390×844 touch phone, with its
    Recorder, the map opened and ready."""
    contexts = []

    def open_(language="en", query="", **options):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options)
        context.add_cookies([{"name": "django_language", "value": language, "url": live_site.url}])
        contexts.append(context)
        page = context.new_page()
        recorder = Recorder(page)
        page.goto(f"{live_site.url}/{query}")
        page.wait_for_selector("body[data-map-ready=true]")
        page.wait_for_load_state("networkidle")
        return page, recorder

    yield open_
    for context in contexts:
        context.close()


def _state(page) -> str:
    return page.locator("#sheet").get_attribute("data-state")


def _box(page, selector):
    return page.locator(selector).bounding_box()


def _said(language: str, message: str) -> str:
    with translation.override(language):
        return str(translation.gettext(message))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_map_fills_the_phone_and_the_sheet_peeks_with_the_search(
    phone, sites, screenshot, language
):
    page, recorder = phone(language)
    screenshot(page, f"phone-map-{language}")
    map_box, sheet_box = _box(page, "#map"), _box(page, "#sheet")
    search_box = _box(page, "#search-input")

    assert _state(page) == "peek"
    assert page.locator("#sheet-handle").get_attribute("aria-expanded") == "false"
    assert map_box["height"] >= 0.8 * PHONE["height"]
    assert map_box["width"] == PHONE["width"]
    # What the sheet leaves of the map at rest: four fifths of the screen.
    assert sheet_box["y"] - map_box["y"] >= 0.8 * PHONE["height"]
    assert sheet_box["y"] <= search_box["y"]
    assert search_box["y"] + search_box["height"] <= PHONE["height"]
    assert page.locator("#near-me").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The attribution (ODbL, Natural Earth) stays in sight above the sheet.
    attribution = _box(page, ".leaflet-control-attribution")
    assert attribution["y"] + attribution["height"] <= sheet_box["y"] + 1
    assert recorder.errors == []


# Every control a finger uses on the phone's map page (inline links in text excepted).
TARGETS = """() => {
  const selectors = ["#language-select", ".brand", ".top-nav a", "#sheet-handle", "#near-me",
    "#search-input", "#search-form button", "#in-view-title", "#filters-box summary",
    "#download-box summary", ".filters .check", "input[name=year_from]", "input[name=year_to]",
    "select[name=region]", ".filter-buttons button", "#download-format", "#download-link",
    "#in-view-list button", ".leaflet-control-zoom-in", ".leaflet-control-zoom-out",
    ".leaflet-control-layers-toggle", "#panel-close", "#panel-link"];
  const found = [];
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      const box = el.getBoundingClientRect();
      if (!box.width && !box.height) continue;  // not shown now
      found.push([selector + " " + (el.textContent || "").trim().slice(0, 20),
                  Math.round(box.width * 10) / 10, Math.round(box.height * 10) / 10]);
    }
  }
  return found;
}"""


def test_every_control_is_at_least_44_px(phone, sites):
    page, recorder = phone("ru", f"?z=15&lat={YASAWI[1]}&lon={YASAWI[0]}")
    page.locator("#sheet-handle").tap()
    page.locator("#sheet-handle").tap()
    assert _state(page) == "full"
    page.locator("#filters-box summary").tap()
    page.locator("#download-box summary").tap()
    page.locator("#in-view-title").tap()
    page.wait_for_selector("#in-view-list button")
    controls = page.evaluate(TARGETS)
    page.locator("#in-view-list button").first.tap()
    page.wait_for_selector("#panel:not([hidden])")
    controls += page.evaluate(TARGETS)

    shown = {name.split(" ")[0] for name, _, _ in controls}
    assert {"#sheet-handle", "#near-me", ".filters", "#panel-close", "#panel-link",
            ".leaflet-control-zoom-in", "#in-view-list"} <= shown  # fmt: skip
    small = [(name, w, h) for name, w, h in controls if w < 44 or h < 44]
    assert small == []
    assert recorder.errors == []


def _touch_drag(page, start, end, steps=8):
    """A finger on `start` moved to `end` and lifted (Chrome's touch events, as a phone's)."""
    cdp = page.context.new_cdp_session(page)
    x, y = start
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, steps + 1):
        point = {"x": x + (end[0] - x) * i / steps, "y": y + (end[1] - y) * i / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_the_sheet_opens_by_touch_buttons_and_keys_and_escape_closes_it(phone, sites):
    page, recorder = phone("kk")
    handle = page.locator("#sheet-handle")
    room = _box(page, ".map-layout")["height"]

    handle.tap()
    half = _box(page, "#sheet")
    assert _state(page) == "half"
    assert handle.get_attribute("aria-expanded") == "true"
    assert handle.get_attribute("aria-controls") == "sheet-body"
    assert half["height"] == pytest.approx(room / 2, abs=2)
    assert page.locator("#sheet-state").text_content() == _said("kk", "Half open")
    handle.tap()
    assert _state(page) == "full"
    assert _box(page, "#sheet")["height"] == pytest.approx(room, abs=2)
    handle.tap()
    assert _state(page) == "peek"

    handle.focus()
    page.keyboard.press("ArrowUp")
    assert _state(page) == "half"
    page.keyboard.press("ArrowUp")
    assert _state(page) == "full"
    page.keyboard.press("ArrowDown")
    assert _state(page) == "half"
    page.locator("#filters-box summary").focus()
    page.keyboard.press("Escape")
    assert _state(page) == "peek"
    assert page.evaluate("document.activeElement.id") == "sheet-handle"

    grip = _box(page, "#sheet-handle")
    centre = (grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    _touch_drag(page, centre, (centre[0], 120))
    assert _state(page) == "full"
    grip = _box(page, "#sheet-handle")
    _touch_drag(page, (centre[0], grip["y"] + 20), (centre[0], PHONE["height"] * 0.55))
    assert _state(page) == "half"
    grip = _box(page, "#sheet-handle")
    _touch_drag(page, (centre[0], grip["y"] + 20), (centre[0], PHONE["height"] - 10))
    assert _state(page) == "peek"
    assert page.locator("#sheet").get_attribute("style") in (None, "")  # snapped, not left
    assert recorder.errors == []


def test_a_site_searched_from_the_sheet_shows_its_panel_in_the_sheet(phone, sites, screenshot):
    page, recorder = phone("en")

    page.locator("#search-input").tap()
    assert _state(page) == "full"  # room for the suggestions and the keyboard
    page.locator("#search-input").fill("Yasawi")
    page.wait_for_selector("#search-suggestions li.suggestion-site")
    page.locator("#search-suggestions li.suggestion-site").first.dispatch_event("mousedown")
    page.wait_for_selector("#panel:not([hidden])")
    page.wait_for_selector("path.selected-site")
    screenshot(page, "phone-sheet-site-en")
    sheet_box, panel_box = _box(page, "#sheet"), _box(page, "#panel")
    point = page.evaluate(f"window.muraMap.latLngToContainerPoint([{YASAWI[1]}, {YASAWI[0]}])")
    map_box = _box(page, "#map")

    assert _state(page) == "half"
    assert page.locator("#panel-name").text_content() == "Mausoleum of Khoja Ahmed Yasawi"
    assert page.locator("#sheet #panel").count() == 1
    assert sheet_box["y"] <= panel_box["y"] < sheet_box["y"] + sheet_box["height"]
    assert page.locator(".map-controls").is_hidden()  # the panel takes the sheet
    assert 0 < map_box["y"] + point["y"] < sheet_box["y"] - 20  # the site above the sheet

    page.keyboard.press("Escape")  # in the panel: the panel closes first
    page.wait_for_selector("#panel", state="hidden")
    assert page.locator(".map-controls").is_visible()
    assert _state(page) == "half"
    page.keyboard.press("Escape")  # then the sheet
    assert _state(page) == "peek"
    assert recorder.errors == []


def test_the_filters_work_from_the_sheet(phone, sites, screenshot):
    page, recorder = phone("en", "?z=9&lat=43.3&lon=68.27")

    page.locator("#sheet-handle").tap()  # at rest the sheet shows the search only
    page.locator("#filters-box summary").tap()
    _until(page, "document.getElementById('sheet').dataset.state === 'full'")  # on its toggle
    page.get_by_label("Archaeology").tap()
    _until(page, "location.search.indexOf('category=archaeology') >= 0")
    page.wait_for_load_state("networkidle")
    screenshot(page, "phone-filters-en")

    assert page.get_by_label("Archaeology").is_checked()
    assert any("category=archaeology" in url for url in recorder.urls if ".pbf" in url)
    page.locator("#sheet-handle").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert _state(page) == "peek"
    assert "category=archaeology" in page.url
    assert recorder.errors == []


def test_near_me_moves_the_map_there_and_lists_the_sites_around(phone, sites, screenshot):
    page, recorder = phone(
        "en",
        "?z=6&lat=48&lon=67",
        geolocation={"latitude": HERE[1], "longitude": HERE[0], "accuracy": 30},
        permissions=["geolocation"],
    )

    page.locator("#near-me").tap()
    page.wait_for_selector("#in-view-list button")
    page.wait_for_selector("path.you-are-here")
    page.wait_for_load_state("networkidle")
    screenshot(page, "phone-near-me-en")
    listed = page.locator("#in-view-list .in-view-name").all_text_contents()
    you = page.evaluate(f"window.muraMap.latLngToContainerPoint([{HERE[1]}, {HERE[0]}])")
    map_box, sheet_box = _box(page, "#map"), _box(page, "#sheet")

    assert page.locator("#near-me-status").text_content() == "Showing the sites around you."
    assert {"Mausoleum of Khoja Ahmed Yasawi", "Saka kurgan"} <= set(listed)
    assert "Far away fort" not in listed
    assert page.evaluate("window.muraMap.getZoom()") == 12
    assert 0 < you["x"] < map_box["width"]
    assert 0 < map_box["y"] + you["y"] < sheet_box["y"]  # shown above the sheet
    # The position stays in the browser: asked for are views (rounded), never the point.
    assert not [url for url in recorder.urls if "43.295" in url and "bbox" not in url]
    assert not [url for url in recorder.urls if not url.startswith((page.url[:22], "data:"))]
    page.go_back()  # the move is one history step
    _until(page, "window.muraMap.getZoom() === 6")
    assert recorder.errors == []


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_near_me_refused_says_so_in_the_pages_language(phone, sites, live_site, language):
    page, recorder = phone(language, "?z=6&lat=48&lon=67")
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Browser.setPermission",
        {"permission": {"name": "geolocation"}, "setting": "denied", "origin": live_site.url},
    )

    page.locator("#near-me").tap()
    page.wait_for_selector("#near-me-status.near-me-failed")
    status = page.locator("#near-me-status")
    expected = _said(
        language,
        "Your position was not shared. Allow location for this site in your browser's "
        "settings, or search for a place instead.",
    )

    assert status.is_visible()
    assert status.text_content() == expected
    if language != "en":
        assert not expected.startswith("Your position")  # translated
    assert status.get_attribute("role") == "status"
    assert _state(page) == "half"
    assert page.evaluate("window.muraMap.getZoom()") == 6  # not moved
    assert page.locator("#near-me").get_attribute("aria-busy") is None
    assert recorder.errors == []


def test_the_desktop_keeps_its_layout_and_the_panel_its_close_button(page, live_site, sites):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    page.goto(f"{live_site.url}/?z=15&lat={YASAWI[1]}&lon={YASAWI[0]}")
    page.wait_for_selector("body[data-map-ready=true]")
    controls, map_box = _box(page, ".map-controls"), _box(page, "#map")

    assert controls["x"] == 0
    assert controls["width"] == 320
    assert map_box["x"] == pytest.approx(320, abs=1)
    assert map_box["x"] + map_box["width"] == 1440
    assert page.locator(".sheet-bar").is_hidden()
    assert page.locator("#near-me").is_hidden()
    assert page.locator("#filters-box").get_attribute("open") is not None
    assert page.locator(".leaflet-control-layers").count() == 1  # the web map's switcher

    page.fill("#search-input", "Yasawi")
    page.wait_for_selector("#search-suggestions li.suggestion-site")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel:not([hidden])")
    close = _box(page, "#panel-close")
    hit = page.evaluate(
        f"document.elementFromPoint({close['x'] + close['width'] / 2}, "
        f"{close['y'] + close['height'] / 2}).id"
    )
    panel_box = _box(page, "#panel")

    assert hit == "panel-close"
    assert panel_box["x"] + panel_box["width"] == pytest.approx(1440 - 0.6 * 16, abs=1)
    page.locator("#panel-close").click()
    page.wait_for_selector("#panel", state="hidden")
