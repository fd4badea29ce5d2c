"""The officer's map widget in a real browser (Debian's Chromium): its controls are drawn and
speak the officer's language."""

import pytest

from registry.services.demo import demo_accounts_ensure

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENGLISH = ("Reset view", "Zoom in", "Zoom out", "Draw a", "Edit layers", "Delete layers",
           "No layers", "Layers")  # fmt: skip


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


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_widgets_tooltips_and_empty_choices_speak_the_officers_language(
    page, live_site, language
):
    """django-leaflet's draw tooltips and reset view, Leaflet's zoom and layers, and Django
    6.1's "- Select an option -" were English on kk (and partly ru) pages."""
    _new_site_form(page, live_site.url, language)

    titles = page.locator("#id_location-map .leaflet-control-container [title]").evaluate_all(
        "els => els.map(e => e.title)"
    )

    assert len(titles) >= 6
    assert [t for t in titles if any(word in t for word in ENGLISH)] == []
    assert "Select an option" not in page.content()


def test_the_widgets_toolbars_fit_inside_the_map_above_its_scale(page, live_site):
    """One map holds the point's and the boundary's toolbars (two edit bars among them): at
    380 px the last one fell behind the scale and out of the map."""
    _new_site_form(page, live_site.url, "en")
    bottoms = page.locator("#id_location-map .leaflet-top.leaflet-left > *").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().bottom)"
    )
    scale = page.locator("#id_location-map .leaflet-control-scale").bounding_box()

    assert len(bottoms) >= 4
    assert max(bottoms) <= scale["y"]
