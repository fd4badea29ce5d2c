"""The officer's map widget in a real browser (Debian's Chromium): its controls are drawn and
speak the officer's language."""

import pytest

from registry.services.demo import demo_accounts_ensure

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _new_site_form(page, base, language):
    demo_accounts_ensure()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "mura-officer-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(f"{base}/officer/sites/new/")
    page.wait_for_selector("#id_location-map .leaflet-draw-draw-polygon")


def test_the_reset_view_button_shows_its_icon(page, live_site):
    """django-leaflet 0.33 puts the icon's bare address into `style.backgroundImage`, which
    is no CSS (django-leaflet#390): the button was blank."""
    _new_site_form(page, live_site.url, "en")
    reset = page.locator("#id_location-map a[title='Reset view']")

    image = reset.evaluate("a => getComputedStyle(a).backgroundImage")

    assert image.startswith('url("')
    assert "reset-view.png" in image
    response = page.request.get(image[5:-2])
    assert response.ok
    assert response.headers["content-type"] == "image/png"
