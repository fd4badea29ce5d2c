"""A researcher filters the public map and downloads what it shows (Debian's Chromium via
Playwright, a live server): the file holds exactly the published sites matching the filter, in
the view, at their public positions, and is named after the filter."""

import csv

import pyogrio
import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from registry.models import AdminArea, PublicSite
from registry.services.regions import regions_load
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TURKISTAN = "?z=11&lat=43.295&lon=68.27"


@pytest.fixture
def sites(live_site):
    if not AdminArea.objects.exists():  # the live server's database is emptied between tests
        regions_load()
    return {
        "yasawi": HeritageSiteFactory(published=True, sensitivity="S0", category="architecture",
                                      location=Point(68.2711, 43.2977)),
        "kurgan": HeritageSiteFactory(published=True, sensitivity="S0", category="archaeology",
                                      name_en="Saka kurgan", location=Point(68.2600, 43.2900)),
        "cell": HeritageSiteFactory(published=True, sensitivity="S1", category="archaeology",
                                    location=Point(68.2833, 43.3044)),
        "draft": HeritageSiteFactory(published=False, category="archaeology",
                                     location=Point(68.2650, 43.2950)),
        "withheld": HeritageSiteFactory(published=True, sensitivity="S3",
                                        category="archaeology", location=Point(68.2700, 43.3000)),
        "far": HeritageSiteFactory(published=True, sensitivity="S2", category="archaeology",
                                   location=Point(76.95193, 43.23807)),
    }  # fmt: skip


def _open_filtered(page, live_site):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_site.url}])
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_site.url}/{TURKISTAN}")
    page.wait_for_selector("body[data-map-ready=true]")
    page.get_by_label("Archaeology").check()
    page.wait_for_load_state("networkidle")
    page.locator("#download-box summary").click()
    return errors


def _download(page, fmt: str):
    page.select_option("#download-format", fmt)
    with page.expect_download() as info:
        page.locator("#download-link").click()
    return info.value


def test_download_these_sites_gives_the_filtered_public_sites_in_view(
    page, live_site, sites, screenshot
):
    errors = _open_filtered(page, live_site)
    screenshot(page, "map-download-en")

    download = _download(page, "csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))

    day = timezone.localdate().isoformat()
    assert download.suggested_filename == f"mura-sites-archaeology-in-view-{day}.csv"
    # In view, archaeology, published, with a public point: not the draft, the architecture
    # site, the withheld one (no point) nor the one near Almaty.
    assert {r["registry_number"] for r in rows} == {
        sites["kurgan"].registry_number, sites["cell"].registry_number,
    }  # fmt: skip
    assert {r["category_label"] for r in rows} == {"Archaeology"}
    cell = next(r for r in rows if r["registry_number"] == sites["cell"].registry_number)
    public = PublicSite.objects.get(registry_number=sites["cell"].registry_number)
    assert (float(cell["lon"]), float(cell["lat"])) == pytest.approx(
        (public.public_location.x, public.public_location.y), abs=1e-6
    )
    assert (float(cell["lon"]), float(cell["lat"])) != pytest.approx((68.2833, 43.3044), abs=1e-4)
    assert errors == []


def test_unticking_the_view_downloads_the_filter_everywhere_as_a_geopackage(
    page, live_site, sites, tmp_path
):
    errors = _open_filtered(page, live_site)
    page.locator("#download-in-view").uncheck()

    download = _download(page, "gpkg")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    meta, _, _, fields = pyogrio.raw.read(path)
    numbers = dict(zip(meta["fields"].tolist(), fields, strict=True))["registry_number"]

    day = timezone.localdate().isoformat()
    assert download.suggested_filename == f"mura-sites-archaeology-{day}.gpkg"
    assert set(numbers.tolist()) == {
        sites[name].registry_number for name in ("kurgan", "cell", "withheld", "far")
    }
    assert errors == []


def test_the_data_page_and_the_ogc_pages_share_the_sites_look(page, live_site, sites, screenshot):
    """The OGC API's HTML (items, one item) in the public site's frame and style, as the
    "Data & API" page it links to; neither breaks the CSP."""
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_site.url}])
    number = sites["kurgan"].registry_number
    looks = {}
    for name, path in [
        ("data", "/data/"),
        ("ogc-items", "/ogc/collections/sites/items/?f=html&limit=3"),  # slash: redirected
        ("ogc-item", f"/ogc/collections/sites/items/{number}?f=html"),
    ]:
        page.goto(live_site.url + path)
        screenshot(page, f"{name}-ru")
        looks[name] = page.evaluate(
            "[getComputedStyle(document.querySelector('.top-bar')).backgroundColor,"
            " getComputedStyle(document.body).fontFamily,"
            " getComputedStyle(document.querySelector('.content')).maxWidth]"
        )

    assert page.locator("h1").text_content() == number
    assert looks["ogc-items"] == looks["data"] == looks["ogc-item"]
    assert errors == []


def test_swagger_ui_draws_no_padlock_on_public_operations(page, live_site):
    """Every operation is open to anyone (`security: []`): Swagger UI shows no lock beside
    any; its Authorize button stays, for a token's full records."""
    page.goto(f"{live_site.url}/api/docs/")
    page.wait_for_selector("#swagger-ui .opblock-summary")

    assert page.locator(".opblock").count() >= 9
    assert page.locator(".opblock .authorization__btn").count() == 0
    assert page.locator(".auth-wrapper .authorize").count() == 1
