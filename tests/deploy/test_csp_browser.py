"""The Content Security Policy in a real browser (Debian's Chromium): every kind of page still
works under it, and the browser reports no violation. A script the policy blocked shows as a
console error ("Refused to execute inline script ...") and as a securitypolicyviolation event."""

import base64

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from heritage.settings import tile_origin
from registry.services.demo import demo_accounts_ensure
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
});
"""

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAHnOcQAAAAABJRU5ErkJggg=="
)


def _blank_tile(route):
    route.fulfill(status=200, content_type="image/png", body=PNG_1X1)


@pytest.fixture
def watched(page):
    """The page, and the list its console errors, uncaught errors and CSP violations go to.
    OpenStreetMap's tiles and Redoc's logo come from here (this machine may be offline): the
    browser still checks them against img-src."""
    problems = []
    page.route(tile_origin(settings.MURA_WEB_TILES[0][1]) + "/**", _blank_tile)
    page.route("https://cdn.redoc.ly/**", _blank_tile)  # Redoc's logo, allowed on its page
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script(REPORT_VIOLATIONS)
    return page, problems


@pytest.fixture
def site(live_site):
    demo_accounts_ensure()
    return HeritageSiteFactory(published=True, sensitivity="S0", location=Point(68.2711, 43.2977))


def _visit(page, url: str, ready: str) -> dict:
    response = page.goto(url)
    page.wait_for_selector(ready, state="attached")
    page.wait_for_load_state("networkidle")
    return response.headers


def _login(page, base: str, path: str, username: str, password: str) -> None:
    page.goto(f"{base}{path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def test_public_pages_and_api_docs_run_under_the_policy(watched, live_site, site):
    page, problems = watched
    base = live_site.url

    headers = _visit(page, f"{base}/", "body[data-map-ready=true]")
    _visit(page, f"{base}/sites/{site.registry_number}/", "#site-map .leaflet-map-pane")
    _visit(page, f"{base}/api/docs/", "#swagger-ui .info .title")
    title = page.inner_text("#swagger-ui .info .title")
    _visit(page, f"{base}/api/redoc/", ".api-content")

    assert "script-src 'self' 'nonce-" in headers["content-security-policy"]
    assert "Mura API" in title
    assert problems == [], "\n".join(problems)


def test_the_admin_and_its_map_widgets_run_under_the_policy(watched, live_site, site):
    page, problems = watched
    base = live_site.url

    _login(page, base, "/admin/login/", "admin", "mura-admin-demo")
    _visit(page, f"{base}/admin/", "#content-main")
    _visit(page, f"{base}/admin/registry/heritagesite/{site.pk}/change/", ".leaflet-map-pane")
    drawable = page.locator(".leaflet-draw-toolbar").count()

    assert drawable >= 1  # the widget's inline script ran: it adds the drawing toolbar
    assert problems == [], "\n".join(problems)


def test_officer_pages_with_map_widgets_run_under_the_policy(watched, live_site, site):
    page, problems = watched
    base = live_site.url

    _login(page, base, "/accounts/login/", "officer", "mura-officer-demo")
    _visit(page, f"{base}/officer/sites/new/", "#id_location-map .leaflet-draw-toolbar")
    _visit(page, f"{base}/officer/sites/{site.reference}/", "#site-map .leaflet-map-pane")
    page.select_option("#officer-language", "en")  # the language switch is a nonce'd script
    page.wait_for_load_state("networkidle")

    assert page.locator("html").get_attribute("lang") == "en"
    assert problems == [], "\n".join(problems)
