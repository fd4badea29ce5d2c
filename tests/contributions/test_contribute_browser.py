"""The report form in a real browser (Debian's Chromium): a click on the map fills latitude
and longitude, the report goes to the region of that point; and the contributor's pages as the
README shows them."""

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from contributions.models import Contribution
from registry.models import AdminArea
from tests.contributions.conftest import contributor_make
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _signed_in(page, live_site, contributor) -> None:
    client = Client()
    client.force_login(contributor.user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_site.url}])


def test_a_click_on_the_map_places_the_report_in_its_region(live_site, page, screenshot):
    site = HeritageSiteFactory(
        published=True, sensitivity="S0", location=Point(76.9453, 43.2381), name_en="Zenkov"
    )
    _signed_in(page, live_site, contributor_make("Aigerim"))
    page.set_extra_http_headers({"Accept-Language": "en"})

    page.goto(f"{live_site.url}/contribute/report/?site={site.registry_number}")
    page.wait_for_selector("#report-map.leaflet-container")
    page.locator("#report-map").click()  # the map's centre: Kazakhstan's middle
    lat, lon = page.input_value("#id_lat"), page.input_value("#id_lon")
    page.select_option("#id_report_kind", "construction")
    page.fill("#id_text", "A trench is being dug beside the mausoleum.")
    screenshot(page, "contribute-report")
    page.click(".contribute button[type=submit]")
    page.wait_for_url("**/contribute/mine/")
    screenshot(page, "contribute-mine")

    report = Contribution.objects.get()
    assert lat
    assert lon
    assert (round(report.location.y, 6), round(report.location.x, 6)) == (float(lat), float(lon))
    assert report.site == site
    assert report.region == AdminArea.objects.get(level=1, geom__covers=report.location)
    assert page.locator(".contribution").count() == 1
