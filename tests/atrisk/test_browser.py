"""The register in a real browser: the public map's Heritage at Risk switch, and the register
page with its charts (screenshots for the README: scripts/screenshots)."""

import pytest
from django.contrib.gis.geos import Point

from registry.models import AdminArea
from registry.services.regions import regions_load
from tests.atrisk.conftest import list_at_risk
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SENSITIVE = (76.95193, 43.23807)


@pytest.fixture
def register(live_site):
    if not AdminArea.objects.exists():  # the live server's database is emptied between tests
        regions_load()
    open_site = HeritageSiteFactory(
        published=True, sensitivity="S0", category="architecture",
        name_en="Mausoleum of Aisha Bibi", location=Point(71.2267, 42.8519),
    )  # fmt: skip
    list_at_risk(open_site)
    list_at_risk(
        HeritageSiteFactory(
            published=True,
            sensitivity="S1",
            category="archaeology",
            name_en="Kurgan field",
            location=Point(68.26, 43.29),
        ),
        condition="critical",
        threats=(("looting", "high", "worsening"), ("agriculture", "medium", "stable")),
    )
    list_at_risk(
        HeritageSiteFactory(
            published=True,
            sensitivity="S3",
            category="archaeology",
            name_en="Hidden hoard",
            location=Point(*SENSITIVE),
        ),
        threats=(("looting", "high", "worsening"),),
    )
    return open_site


def test_the_map_switch_shows_the_register_layer(live_site, register, page):
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_site.url}/?lang=en", wait_until="networkidle")
    page.wait_for_selector("body[data-map-ready=true]")

    page.check("#at-risk-toggle")
    page.wait_for_selector("body[data-at-risk-features='2']")  # S0 and S1; never S3

    html = page.content()
    assert "76.9519" not in html
    assert "43.2380" not in html
    assert errors == []

    # The switch is in the address: a shared link (or a reload) shows the layer again.
    page.wait_for_function("() => location.search.includes('atrisk=1')")
    page.reload(wait_until="networkidle")
    page.wait_for_selector("body[data-at-risk-features='2']")
    assert page.is_checked("#at-risk-toggle")


def test_a_layer_that_cannot_be_loaded_is_said_beside_the_switch(live_site, register, page):
    page.route("**/maps/at-risk.geojson*", lambda route: route.fulfill(status=503, body="busy"))
    page.goto(f"{live_site.url}/?lang=en", wait_until="networkidle")
    page.wait_for_selector("body[data-map-ready=true]")
    page.click("#at-risk-toggle")  # not check(): the refusal may untick it before check() looks
    status = page.locator(".at-risk-status")
    status.wait_for(state="visible")
    assert status.text_content() == "The Heritage at Risk layer could not be loaded."
    assert not page.is_checked("#at-risk-toggle")
    assert "atrisk=1" not in page.url


def test_the_register_page_and_its_charts(live_site, register, page, screenshot):
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"{live_site.url}/at-risk/", wait_until="networkidle")

    assert page.locator(".at-risk-table tbody tr").count() == 3
    assert page.locator("figure.chart-figure svg").count() == 3
    screenshot(page, "at-risk-register-en")

    page.goto(f"{live_site.url}/at-risk/charts/conditions.svg", wait_until="networkidle")
    svg = "document.documentElement"
    width, height = page.evaluate(f"[{svg}.width.baseVal.value, {svg}.height.baseVal.value]")
    page.set_viewport_size({"width": int(width), "height": int(height)})
    screenshot(page, "at-risk-chart", full_page=False)
