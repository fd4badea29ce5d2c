"""Coordinates typed as officers read them (registry/coordinates.py), in the site form, and in
the browser moving the map's point; the point and the boundary on one map (issue 14, item 9)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from playwright.sync_api import expect

from registry.coordinates import angle
from registry.models import HeritageSite
from registry.services.demo import demo_accounts_ensure
from tests.officer.conftest import IN_TURKISTAN, site_form_data
from tests.officer.test_browser_flow import _login
from tests.officer.test_officer_flow import client_for

# The Yasawi mausoleum: 43°17′51.7″ N, 68°16′15.8″ E.
LON, LAT = 68.2710556, 43.2976944


@pytest.mark.parametrize(
    ("text", "axis", "value"),
    [
        ("68.2710556", "lon", LON),
        ("68,2710556", "lon", LON),
        ("68°16′15.8″ E", "lon", LON),
        ("68°16'15.8\"E", "lon", LON),
        ("E 68 16 15.8", "lon", LON),
        ("68°16′15.8″ в.д.", "lon", LON),
        ("68°16′15.8″ ш.б.", "lon", LON),
        ("43°17′51.7″ N", "lat", LAT),
        ("43°17′51.7″ с.ш.", "lat", LAT),
        ("43°17′51.7″ с.е.", "lat", LAT),
        ("43°17.8617′", "lat", 43.2976950),
        ("0°30′ W", "lon", -0.5),
        ("-0.5", "lon", -0.5),
        ("51°10′ S", "lat", -51.1666667),
    ],
)
def test_coordinates_are_read_as_people_type_them(text, axis, value):
    assert angle(text, axis) == pytest.approx(value, abs=1e-7)


@pytest.mark.parametrize(
    ("text", "axis", "message"),
    [
        ("43°17′51.7″ N", "lon", "latitude field"),
        ("68°16′ E", "lat", "longitude field"),
        ("68°61′", "lon", "below 60"),
        ("200", "lon", "between -180 and 180"),
        ("95", "lat", "between -90 and 90"),
        ("68.5 16", "lon", "Only the last number"),
        ("-68 E", "lon", "not both"),
        ("Turkistan", "lon", "Type degrees"),
        ("1.2.3", "lon", "Type degrees"),
        ("9" * 80, "lon", "at most 40"),
    ],
)
def test_what_cannot_be_read_is_said_in_words(text, axis, message):
    with pytest.raises(ValidationError) as refused:
        angle(text, axis)
    assert message in refused.value.messages[0]


def _post(client, **overrides):
    return client.post(reverse("registry:site-new"), site_form_data(**overrides))


def _errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_a_site_is_registered_from_typed_coordinates_without_a_drawn_point(people):
    client = client_for(people["officer_in"])

    response = _post(client, location="", longitude="68°16′15.8″ E", latitude="43°17′51.7″ N")

    assert response.status_code == 302
    site = HeritageSite.objects.get(reference=response["Location"].split("/")[-2])
    assert (site.location.x, site.location.y) == pytest.approx((LON, LAT), abs=1e-7)
    assert site.region.iso_3166_2 == "KZ-61"


def test_typed_coordinates_win_over_the_drawn_point_and_an_edit_saves_them(people):
    client = client_for(people["officer_in"])
    response = _post(client)
    site = HeritageSite.objects.get(reference=response["Location"].split("/")[-2])

    client.post(
        reverse("registry:site-edit", args=[site.reference]),
        site_form_data(
            version=str(site.version), reason="surveyed with GPS",
            longitude="68.2711", latitude="43.2978",
        ),
    )  # fmt: skip

    site.refresh_from_db()
    assert (site.location.x, site.location.y) == (68.2711, 43.2978)
    assert site.location != IN_TURKISTAN


def test_half_typed_or_unreadable_coordinates_are_refused_on_their_field(people):
    client = client_for(people["officer_in"])

    half = _post(client, location="", longitude="68.27")
    wrong_axis = _post(client, location="", longitude="43°17′ N", latitude="43.29")
    nothing = _post(client, location="")

    assert half.status_code == 200
    assert _errors(half, "latitude") == ["Type the longitude and the latitude, or neither."]
    assert "latitude field" in _errors(wrong_axis, "longitude")[0]
    assert _errors(nothing, "location") == [
        "Put the site on the map, or type its longitude and latitude."
    ]
    assert not HeritageSite.objects.exists()


def test_coordinates_outside_the_officers_regions_are_refused(people):
    response = _post(client_for(people["officer_in"]), location="", longitude="76.9457",
                     latitude="43.2364")  # fmt: skip

    assert "outside your regions" in _errors(response, "location")[0]


def test_typing_coordinates_moves_the_point_and_one_map_holds_point_and_boundary(
    live_site, page, screenshot
):
    demo_accounts_ensure()
    base = live_site.url
    _login(page, base, "officer", "mura-officer-demo")
    page.goto(f"{base}/officer/sites/new/")

    expect(page.locator("#id_boundary-map")).to_have_count(0)
    expect(page.locator("#id_location-map .leaflet-draw-draw-marker")).to_have_count(1)
    expect(page.locator("#id_location-map .leaflet-draw-draw-polygon")).to_have_count(1)
    page.fill("#id_longitude", "68°16′15.8″ E")
    page.fill("#id_latitude", "43°17′51.7″ с.ш.")

    expect(page.locator("#coordinates-status")).not_to_be_empty()
    stored = page.input_value("#id_location")
    assert '"coordinates":[68.271' in stored.replace(" ", "")
    expect(page.locator("#id_location-map .leaflet-marker-icon")).to_have_count(1)
    page.locator("#typed-coordinates").scroll_into_view_if_needed()
    screenshot(page, "officer-typed-coordinates")
