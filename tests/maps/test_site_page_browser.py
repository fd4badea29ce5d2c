"""A site page in a real browser (Debian's Chromium) on a desktop and a phone: the photo viewer
by keyboard, back to the map's previous view, and the print layout."""

import io

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from registry.models import AdminArea
from registry.services.photos import photo_add
from registry.services.regions import regions_load
from tests.factories import HeritageSiteFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YASAWI = (68.27105556, 43.29769444)
HIDDEN = (68.36313, 43.21188)  # an S2 neighbour's exact point; its cell's centre: 68.35, 43.25
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


def _jpeg(colour: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def yasawi(live_site):
    if not AdminArea.objects.exists():  # the live server's database is emptied between tests
        regions_load()
    site = HeritageSiteFactory(
        published=True, sensitivity="S0", location=Point(*YASAWI),
        name_en="Mausoleum of Khoja Ahmed Yasawi", description_en="A Timurid mausoleum.",
    )  # fmt: skip
    officer = UserFactory(username="photographer")
    for colour, caption in (("#b5651d", "South portal"), ("#2e86c1", "The dome")):
        photo_add(
            site=site, upload=_jpeg(colour), added_by=officer, author="A. Photographer",
            caption_en=caption, is_public=True,
        )  # fmt: skip
    HeritageSiteFactory(
        published=True, sensitivity="S2", location=Point(*HIDDEN), name_en="Hidden hoard"
    )
    return site


@pytest.fixture(params=list(VIEWPORTS))
def device(request, browser, live_site):
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=request.param == "phone"
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield request.param, page, errors
    context.close()


def _save(screenshot, page, name: str, *, full_page: bool = True) -> None:
    """Through the screenshot fixture (docs/screenshots under scripts/screenshots); a modal
    viewer covers the viewport, not the whole page, so it is taken as the visitor sees it."""
    screenshot(page, name, full_page=full_page)


def _focused(page) -> str:
    return page.evaluate(
        "document.activeElement.className + '|' + (document.activeElement.closest('dialog')"
        " ? 'in-dialog' : 'outside')"
    )


def _wait_for_image(page) -> None:
    # Polled from here: wait_for_function evaluates a string, which the page's CSP forbids.
    for _ in range(50):
        if page.evaluate("document.getElementById('lightbox-image').complete"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the viewer's photo never loaded")


def _tab_to(page, selector: str, most: int = 40) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_photo_viewer_works_by_keyboard_and_back_returns_to_the_maps_view(
    live_site, yasawi, device, screenshot
):
    name, page, errors = device
    page.goto(f"{live_site.url}/?z=12&lat=43.2500&lon=68.3000")
    page.wait_for_selector("body[data-map-ready=true]")
    page.wait_for_load_state("networkidle")
    map_url = page.url
    with page.expect_navigation():  # a visitor's link from the map: the map is the referrer
        page.evaluate(f"location.href = '/sites/{yasawi.registry_number}/'")
    page.wait_for_load_state("networkidle")

    _tab_to(page, ".gallery-open")
    page.keyboard.press("Enter")
    page.wait_for_selector("#lightbox[open]")
    first = page.locator("#lightbox-caption").text_content()
    page.keyboard.press("ArrowRight")
    second = page.locator("#lightbox-caption").text_content()
    _wait_for_image(page)
    _save(screenshot, page, f"site-page-{name}-lightbox", full_page=False)
    trapped = []
    for _ in range(5):
        page.keyboard.press("Tab")
        trapped.append(_focused(page))
    page.keyboard.press("Escape")

    assert "South portal" in first
    assert "A. Photographer" in first
    assert "CC BY" in first
    assert "The dome" in second
    assert page.locator("#lightbox-count").text_content() == "2 of 2"
    assert all(f.endswith("in-dialog") for f in trapped)
    assert page.locator("#lightbox[open]").count() == 0
    assert _focused(page) == "gallery-open|outside"  # focus back on the thumbnail
    _save(screenshot, page, f"site-page-{name}")

    page.locator("#back-to-map").click()
    page.wait_for_selector("body[data-map-ready=true]")
    centre = page.evaluate("window.muraMap.getCenter()")

    assert page.url == map_url
    assert page.evaluate("window.muraMap.getZoom()") == 12
    assert (centre["lat"], centre["lng"]) == (pytest.approx(43.25, abs=1e-3), pytest.approx(68.3))
    assert errors == []


def test_without_the_map_before_it_back_opens_the_map_at_the_sites_public_point(
    live_site, yasawi, device
):
    name, page, errors = device
    hoard = yasawi.__class__.objects.get(name_en="Hidden hoard")
    page.goto(f"{live_site.url}/sites/{hoard.registry_number}/")

    page.locator("#back-to-map").click()
    page.wait_for_selector("body[data-map-ready=true]")
    centre = page.evaluate("window.muraMap.getCenter()")

    assert (centre["lat"], centre["lng"]) == (pytest.approx(43.25), pytest.approx(68.35))
    assert f"site={hoard.registry_number}" in page.url
    assert "43.2118" not in page.url
    assert "68.3631" not in page.url
    assert errors == []


def test_copy_link_answers_and_the_print_layout_hides_the_controls_and_prints_the_address(
    live_site, yasawi, device, screenshot
):
    name, page, errors = device
    page.goto(f"{live_site.url}/sites/{yasawi.registry_number}/")
    page.wait_for_load_state("networkidle")

    page.locator("#share-copy").click()
    page.wait_for_selector("#share-status:text('Link copied')")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # as printing does
    _save(screenshot, page, f"site-page-{name}-print")

    assert not page.locator(".top-bar").is_visible()
    assert not page.locator("#back-to-map").is_visible()
    assert not page.locator(".leaflet-control-zoom").is_visible()
    assert page.locator(".print-url").is_visible()
    assert f"/sites/{yasawi.registry_number}/" in page.locator(".print-url").text_content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []


def test_choosing_a_language_on_a_pages_language_address_shows_the_choice(page, live_site, yasawi):
    page.goto(f"{live_site.url}/sites/{yasawi.registry_number}/?lang=ru")
    assert page.locator("html").get_attribute("lang") == "ru"

    with page.expect_navigation():
        page.select_option("#language-select", "en")

    assert page.locator("html").get_attribute("lang") == "en"
    assert "lang=" not in page.url
