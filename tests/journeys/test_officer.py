"""The officer's and the reviewer's journey (Russian, desktop), offline: a new site refused
with plain-language errors beside its fields; its point typed (decimal longitude, DMS
latitude) and its boundary drawn on the same map; a photo uploaded with its progress shown;
submitted with a note; the reviewer sees the photos, the region and the note, and approves;
the public then sees the site."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from registry.models import HeritageSite
from registry.services.demo import demo_accounts_ensure

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOTE = "Проверено на месте, граница по ограде"


def _photo(tmp_path):
    path = tmp_path / "portal.jpg"
    Image.new("RGB", (1600, 1200), (180, 140, 90)).save(path, format="JPEG")
    return path


def _draw_boundary(page):
    """Four clicks around the typed point, then the first again to close the polygon."""
    page.click("#id_location-map .leaflet-draw-draw-polygon")
    box = page.locator("#id_location-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(-60, -40), (60, -40), (60, 40), (-60, 40), (-60, -40)]
    for dx, dy in corners:
        page.mouse.click(x + dx, y + dy)
        page.wait_for_timeout(150)  # leaflet.draw ignores a click too soon after the last


def _fill_names(page):
    page.fill("#id_name_kk", "Сынақ кесенесі")
    page.fill("#id_name_ru", "Тестовый мавзолей")
    page.fill("#id_name_en", "Test mausoleum")
    page.select_option("#id_category", "architecture")
    page.select_option("#id_significance", "local")
    page.select_option("#id_sensitivity", "S0")


def test_an_officer_creates_a_site_offline_a_reviewer_approves_and_the_public_sees_it(
    journey, screenshot, tmp_path
):
    demo_accounts_ensure()
    officer = journey("ru")
    page = officer.page
    officer.login("officer", "mura-officer-demo")

    # Refused: a period back to front and no place, said beside each field, in Russian.
    page.goto(officer.base + "/officer/sites/new/")
    _fill_names(page)
    page.fill("#id_date_from", "1405")
    page.fill("#id_date_to", "1389")
    with page.expect_navigation():
        page.click("#site-form button[type=submit]")
    expect(page.locator("#id_date_to_error")).to_have_text(
        "Значение «С года» не может быть позже значения «До года»."
    )
    expect(page.locator("#id_location_error")).to_contain_text("на карте")
    assert page.locator("#id_date_to ~ ul#id_date_to_error").count() == 1
    assert "Constraint" not in page.content()
    assert "No geometry" not in page.content()
    page.locator("#id_date_to_error").scroll_into_view_if_needed()
    screenshot(page, "journey-officer-1-errors-ru")
    assert not HeritageSite.objects.exists()

    # Put right: the period, the point typed (longitude in degrees, latitude in DMS as read
    # off a GPS), the boundary drawn around it on the same map.
    page.fill("#id_date_from", "1389")
    page.fill("#id_date_to", "1405")
    page.fill("#id_longitude", "68.2711")
    page.fill("#id_latitude", "43°17′51.7″ с.ш.")
    expect(page.locator("#coordinates-status")).to_have_text(
        page.locator("#typed-coordinates").get_attribute("data-moved")
    )
    assert page.locator("#id_location-map .leaflet-marker-icon").count() == 1
    page.locator("#id_location-map").scroll_into_view_if_needed()
    _draw_boundary(page)
    expect(page.locator("#id_location-map path.leaflet-interactive")).to_have_count(1)
    page.locator("#typed-coordinates").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -60)")
    screenshot(page, "journey-officer-2-form", full_page=False)
    with page.expect_navigation():
        page.click("#site-form button[type=submit]")
    site = HeritageSite.objects.get(name_en="Test mausoleum")
    assert site.status == "draft"
    assert (site.location.x, site.location.y) == (
        pytest.approx(68.2711),
        pytest.approx(43 + 17 / 60 + 51.7 / 3600),
    )
    assert site.boundary is not None
    assert site.boundary.contains(site.location)

    # A photo, the upload's progress reported as it goes.
    page.goto(f"{officer.base}/officer/sites/{site.draft_reference}/photos/")
    said = []
    page.expose_function("muraSaw", lambda what: said.append(what))
    page.evaluate(
        """() => {
          const status = document.getElementById("upload-status");
          const bar = document.getElementById("upload-progress");
          new MutationObserver(() => window.muraSaw("status:" + status.textContent))
            .observe(status, {childList: true, characterData: true, subtree: true});
          new MutationObserver(() => window.muraSaw("bar:" + (bar.hidden ? "hidden" : "shown")))
            .observe(bar, {attributes: true});
        }"""
    )
    page.set_input_files("input[name=photos]", str(_photo(tmp_path)))
    page.fill("#id_author", "А. Фотограф")
    page.check("#id_is_public")
    with page.expect_navigation():
        page.click("#photo-upload button[type=submit]")
    assert "bar:shown" in said
    assert any(s.startswith("status:") and "%" in s for s in said), said
    thumbnail = page.locator("main ol img").first
    expect(thumbnail).to_have_count(1)
    thumbnail.evaluate("img => img.decode()")
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    screenshot(page, "journey-officer-3-photos")

    page.goto(f"{officer.base}/officer/sites/{site.draft_reference}/")
    page.fill("#submit-note", NOTE)
    with page.expect_navigation():
        page.click("form[action$='/submit/'] button")
    site.refresh_from_db()
    assert site.status == "in_review"
    officer.logout()
    assert officer.foreign() == []
    assert officer.recorder.errors == []

    # The reviewer: the photo, the region and the note in view; approves.
    reviewer = journey("ru")
    page = reviewer.page
    reviewer.login("reviewer", "mura-reviewer-demo")
    page.goto(reviewer.base + "/officer/review/")
    with page.expect_navigation():
        page.click(f"text={site.draft_reference}")
    expect(page.locator("#review-region")).to_contain_text(site.region.name_ru)
    expect(page.locator("#submission-note")).to_contain_text(NOTE)
    preview = page.locator(".review-photos img")
    expect(preview).to_have_count(1)
    preview.scroll_into_view_if_needed()
    preview.evaluate("img => img.decode()")
    assert preview.evaluate("img => img.naturalWidth") > 0
    assert "А. Фотограф" in page.locator(".review-photos").text_content()
    screenshot(page, "journey-reviewer-1-review")
    with page.expect_navigation():
        page.click("button[value=approve]")
    site.refresh_from_db()
    assert site.status == "published"
    assert reviewer.foreign() == []
    assert reviewer.recorder.errors == []

    # The public: the site's page with its photo, and the site on the map.
    visitor = journey("ru")
    page = visitor.page
    page.goto(f"{visitor.base}/sites/{site.registry_number}/")
    assert page.locator("h1").text_content().strip() == "Тестовый мавзолей"
    photo = page.locator("img[src*='/media/photos/public/']").first
    photo.evaluate("img => img.decode()")
    assert photo.evaluate("img => img.naturalWidth") > 0
    assert "А. Фотограф" in page.content()
    screenshot(page, "journey-officer-4-public-page")
    page.locator("#back-to-map").click()
    page.wait_for_selector("body[data-map-ready=true]")
    page.wait_for_selector("#panel:not([hidden])")
    assert page.locator("#panel-name").text_content() == "Тестовый мавзолей"
    page.wait_for_load_state("networkidle")
    screenshot(page, "journey-officer-5-public-map")
    assert visitor.foreign() == []
    assert visitor.recorder.errors == []
