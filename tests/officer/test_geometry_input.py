"""What an officer can paste into a map field: a clear error on the field, never a 500, nothing
written (issue 13, part 3)."""

import pytest
from django.urls import reverse

from registry.models import Designation, HeritageSite
from tests.officer.conftest import IN_TURKISTAN, site_form_data
from tests.officer.test_officer_flow import client_for

SQUARE = "68.26 43.29,68.28 43.29,68.28 43.30,68.26 43.29"
SQUARE_Z = "68.26 43.29 1,68.28 43.29 1,68.28 43.30 1,68.26 43.29 1"
ZM_RING = "[[68.26,43.29,1,2],[68.28,43.29,1,2],[68.28,43.30,1,2],[68.26,43.29,1,2]]"
DEEP = '{"type": "Polygon", "coordinates": ' + "[" * 5000 + "]" * 5000 + "}"
NO_Z_M = "Z and M values are not accepted"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("location", '{"type": "Point", "coordinates": [68.27, 43.29, 210]}', NO_Z_M),
        ("location", '{"type": "Point", "coordinates": [68.27, 43.29, 210, 5]}', NO_Z_M),
        ("location", "POINT Z (68.27 43.29 210)", NO_Z_M),
        ("location", "POINT M (68.27 43.29 5)", NO_Z_M),
        ("location", "POINT ZM (68.27 43.29 210 5)", NO_Z_M),
        ("location", "POINT (68.27 43.29 210)", NO_Z_M),
        ("boundary", f"POLYGON Z (({SQUARE_Z}))", NO_Z_M),
        ("boundary", f"POLYGON M (({SQUARE_Z}))", NO_Z_M),
        ("boundary", f'{{"type": "Polygon", "coordinates": [{ZM_RING}]}}', NO_Z_M),
        ("location", "GEOMETRYCOLLECTION(POINT(68.27 43.29))", "must be a point"),
        ("boundary", "LINESTRING(68.26 43.29,68.28 43.29)", "must be a multipolygon"),
        ("location", DEEP, "nested too deeply"),
        ("boundary", DEEP, "nested too deeply"),
        ("location", "SRID=999999;POINT(68.27 43.29)", "EPSG:999999 is not accepted"),
        ("boundary", f"SRID=999999;POLYGON(({SQUARE}))", "EPSG:999999 is not accepted"),
        (
            "location",
            '{"type": "Point", "coordinates": [68.27, 43.29],'
            ' "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}}',
            "`crs` member is not accepted",
        ),
    ],
)
def test_a_bad_map_value_is_refused_on_its_field(people, field, value, message):
    officer = client_for(people["officer_in"])

    response = officer.post(reverse("registry:site-new"), site_form_data(**{field: value}))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert not HeritageSite.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (f"POLYGON Z (({SQUARE_Z}))", NO_Z_M),
        (DEEP, "nested too deeply"),
        (f"SRID=999999;POLYGON(({SQUARE}))", "EPSG:999999 is not accepted"),
    ],
)
def test_a_bad_protection_zone_is_refused_on_its_field(people, value, message):
    officer = client_for(people["officer_in"])
    act = {"acts-TOTAL_FORMS": "1", "acts-0-scheme": "unesco", "acts-0-zone_kind": "core",
           "acts-0-zone": value}  # fmt: skip

    response = officer.post(reverse("registry:site-new"), site_form_data(**act))

    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert message in " ".join(errors.get("zone", [])), errors
    assert not HeritageSite.objects.exists()
    assert not Designation.objects.exists()


def test_an_allowed_projected_point_and_a_drawn_polygon_are_still_accepted(people):
    """UTM 42N (EPSG:32642) EWKT lands at the same place; Leaflet draws a Polygon, stored as a
    MultiPolygon."""
    officer = client_for(people["officer_in"])
    boundary = (
        '{"type": "Polygon", "coordinates": [[[68.26, 43.29], [68.28, 43.29], [68.28, 43.30],'
        " [68.26, 43.29]]]}"
    )

    response = officer.post(
        reverse("registry:site-new"),
        site_form_data(location="SRID=32642;POINT(440872.49 4794132.07)", boundary=boundary),
    )

    assert response.status_code == 302, response.context["form"].errors
    site = HeritageSite.objects.get()
    assert site.location.distance(IN_TURKISTAN) < 1e-6
    assert site.boundary.geom_type == "MultiPolygon"
