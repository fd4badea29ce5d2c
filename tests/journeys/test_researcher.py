"""The researcher's journey (Russian, desktop), offline: from the public map to the links to
the API, the OGC pages and the exports; then "download these sites" for the map's filters and
view as CSV, GeoJSON and GeoPackage, each named after the filter, the CSV with labels beside
codes, and the GeoPackage (read by GDAL's ogrinfo) holding as many sites as the map's list."""

import csv
import json
import re
import subprocess

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from registry.models import AdminArea
from registry.services.regions import regions_load
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TURKISTAN = "?z=13&lat=43.295&lon=68.27"


@pytest.fixture
def sites(live_site):
    if not AdminArea.objects.exists():
        regions_load()
    return {
        "yasawi": HeritageSiteFactory(published=True, sensitivity="S0", category="architecture",
                                      location=Point(68.2711, 43.2977)),
        "kurgan": HeritageSiteFactory(published=True, sensitivity="S0", category="archaeology",
                                      name_ru="Сакский курган", location=Point(68.2600, 43.2900)),
        "mound": HeritageSiteFactory(published=True, sensitivity="S0", category="archaeology",
                                     name_ru="Городище", location=Point(68.2780, 43.2920)),
        "cell": HeritageSiteFactory(published=True, sensitivity="S1", category="archaeology",
                                    location=Point(68.2833, 43.3044)),
        "draft": HeritageSiteFactory(published=False, category="archaeology",
                                     location=Point(68.2650, 43.2950)),
        "withheld": HeritageSiteFactory(published=True, sensitivity="S3",
                                        category="archaeology", location=Point(68.2700, 43.3000)),
    }  # fmt: skip


def _download(page, fmt: str, tmp_path):
    page.select_option("#download-format", fmt)
    with page.expect_download() as info:
        page.locator("#download-link").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path


def _ogr_count(path) -> int:
    """Features in the file's one layer, as GDAL counts them."""
    report = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True
    ).stdout
    counts = re.findall(r"^Feature Count: (\d+)$", report, re.MULTILINE)
    assert len(counts) == 1, report
    return int(counts[0])


def test_a_researcher_finds_the_api_and_downloads_the_filtered_sites(
    journey, sites, screenshot, tmp_path
):
    researcher = journey("ru")
    page = researcher.page

    # From the map, the top bar leads to the data page: exports, the API, the OGC service.
    page.goto(researcher.base + "/")
    page.wait_for_selector("body[data-map-ready=true]")
    with page.expect_navigation():
        page.get_by_role("link", name="Данные и API").click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "journey-researcher-1-data")
    hrefs = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/api/docs/" in hrefs
    assert any(h.startswith("/ogc/") for h in hrefs)
    assert {h.rsplit(".", 1)[-1] for h in hrefs if "/exports/sites." in h} >= {
        "csv",
        "geojson",
        "gpkg",
    }

    with page.expect_navigation():
        page.locator("a[href^='/ogc/']").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "ru"
    with page.expect_navigation():
        page.locator("a[href*='collections']").first.click()
    assert page.locator("a[href*='/collections/sites']").count() >= 1
    screenshot(page, "journey-researcher-2-ogc")

    # Back on the map: archaeology around Turkistan; the list says how many.
    page.goto(researcher.base + "/" + TURKISTAN)
    page.wait_for_selector("body[data-map-ready=true]")
    page.get_by_label("Археология").check()
    page.wait_for_load_state("networkidle")
    page.locator("#in-view-title").click()
    page.wait_for_selector("#in-view-list button")
    page.wait_for_load_state("networkidle")
    listed = page.locator("#in-view-list button").count()
    status = page.locator("#in-view-status").text_content()
    counted = int(re.search(r"\d+", status).group())
    assert listed == counted == 3, status  # the kurgan, the mound, the S1 cell
    page.locator("#download-box summary").click()
    screenshot(page, "journey-researcher-3-filtered")

    day = timezone.localdate().isoformat()
    csv_name, csv_path = _download(page, "csv", tmp_path)
    geojson_name, geojson_path = _download(page, "geojson", tmp_path)
    gpkg_name, gpkg_path = _download(page, "gpkg", tmp_path)

    # Named after what was filtered.
    assert csv_name == f"mura-sites-archaeology-in-view-{day}.csv"
    assert geojson_name == f"mura-sites-archaeology-in-view-{day}.geojson"
    assert gpkg_name == f"mura-sites-archaeology-in-view-{day}.gpkg"
    # The CSV: labels beside codes, in the page's language.
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        columns = reader.fieldnames
    assert columns.index("category_label") == columns.index("category") + 1
    assert {(r["category"], r["category_label"]) for r in rows} == {("archaeology", "Археология")}
    assert {r["registry_number"] for r in rows} == {
        sites[name].registry_number for name in ("kurgan", "mound", "cell")
    }
    # GeoJSON and GeoPackage: as many sites as the map's list, the GeoPackage read by GDAL.
    assert len(json.loads(geojson_path.read_text())["features"]) == counted
    assert _ogr_count(gpkg_path) == counted == len(rows)

    assert researcher.foreign() == []
    assert researcher.recorder.errors == []
