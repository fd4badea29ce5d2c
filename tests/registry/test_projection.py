"""The public projection: what leaves the registry for each sensitivity class (DESIGN §4)."""

import math

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from registry.models import Designation, ProtectionZone
from registry.projection import GRID_DEGREES
from registry.selectors import site_list_public, zone_list_public
from registry.services.sites import site_update
from tests.factories import HeritageSiteFactory

# A box well inside Kazakhstan, so every drawn point has a region.
lons = st.floats(min_value=62.0, max_value=78.0, allow_nan=False)
lats = st.floats(min_value=46.0, max_value=51.0, allow_nan=False)
DB_EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _on_cell_centre(value: float, size: float) -> bool:
    """True if `value` is the centre of a `size`-degree cell (to float precision)."""
    steps = value / size - 0.5
    return abs(steps - round(steps)) < 1e-6


@pytest.mark.django_db
@DB_EXAMPLES
@given(lon=lons, lat=lats, sensitivity=st.sampled_from(["S1", "S2"]))
def test_public_point_is_the_centre_of_the_cell_holding_the_exact_point(lon, lat, sensitivity):
    size = GRID_DEGREES[sensitivity]
    assume(abs(lon / size - round(lon / size)) > 1e-6)  # not on a cell edge
    assume(abs(lat / size - round(lat / size)) > 1e-6)

    site = HeritageSiteFactory(sensitivity=sensitivity, location=Point(lon, lat, srid=4326))

    public = site.public_location
    assert abs(public.x - lon) < size / 2
    assert abs(public.y - lat) < size / 2
    assert _on_cell_centre(public.x, size)
    assert _on_cell_centre(public.y, size)
    assert math.floor(public.x / size) == math.floor(lon / size)
    assert math.floor(public.y / size) == math.floor(lat / size)


@pytest.mark.django_db
@DB_EXAMPLES
@given(lon=lons, lat=lats, dx=st.floats(0, 0.0999), dy=st.floats(0, 0.0999))
def test_sites_in_the_same_cell_get_the_same_public_point(lon, lat, dx, dy):
    cell_x, cell_y = math.floor(lon / 0.1) * 0.1, math.floor(lat / 0.1) * 0.1
    first = HeritageSiteFactory(sensitivity="S2", location=Point(cell_x + 0.0001, cell_y + 0.0001))
    second = HeritageSiteFactory(
        sensitivity="S2", location=Point(cell_x + 0.0001 + dx * 0.998, cell_y + 0.0001 + dy * 0.998)
    )

    assert first.public_location.coords == second.public_location.coords


@pytest.mark.django_db
def test_open_sites_are_public_exactly_and_withheld_sites_have_no_point():
    exact = Point(68.27105556, 43.29769444, srid=4326)

    assert HeritageSiteFactory(sensitivity="S0", location=exact).public_location.coords == (
        exact.coords
    )
    assert HeritageSiteFactory(sensitivity="S3", location=exact).public_location is None


@pytest.mark.django_db
def test_the_public_point_follows_a_change_of_sensitivity(officer):
    site = HeritageSiteFactory(sensitivity="S0")

    site = site_update(
        site=site, expected_version=site.version, fields={"sensitivity": "S2"}, by=officer,
        reason="looting reported",
    )  # fmt: skip

    assert site.public_location.coords == pytest.approx((68.25, 43.25))


@pytest.mark.django_db
def test_a_sensitive_boundary_is_published_as_whole_grid_cells():
    boundary = MultiPolygon(Polygon.from_bbox((68.2705, 43.2971, 68.2717, 43.2983)), srid=4326)
    site = HeritageSiteFactory(sensitivity="S1", boundary=boundary)

    assert site.public_boundary.extent == pytest.approx((68.27, 43.29, 68.28, 43.30))
    assert site.public_boundary.covers(boundary)
    assert HeritageSiteFactory(sensitivity="S3", boundary=boundary).public_boundary is None


@pytest.mark.django_db
def test_the_public_view_has_no_exact_geometry_column():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'registry_public_site'"
        )
        columns = {row[0] for row in cursor.fetchall()}

    assert "public_location" in columns
    assert not {"location", "boundary", "district_id_exact", "threats"} & columns


@pytest.mark.django_db
def test_drafts_never_reach_the_public_selector():
    draft = HeritageSiteFactory()
    published = HeritageSiteFactory(published=True)

    numbers = set(site_list_public().values_list("registry_number", flat=True))

    assert numbers == {published.registry_number}
    assert draft.status == "draft"


@pytest.mark.django_db
def test_a_tiny_box_around_the_exact_point_cannot_find_a_sensitive_site():
    site = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(76.9519, 43.2380))
    tiny = Polygon.from_bbox((76.9518, 43.2379, 76.9520, 43.2381))
    tiny.srid = 4326

    assert not site_list_public().filter(public_location__intersects=tiny).exists()
    assert site_list_public().filter(registry_number=site.registry_number).exists()


@pytest.mark.django_db
def test_the_public_district_is_the_district_of_the_public_point():
    # 0.1° cell 76.9-77.0 E, 43.2-43.3 N: its centre lies in Almaty city.
    site = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(76.9519, 43.2380))
    public = site_list_public().select_related("district").get(pk=site.pk)

    assert public.district.geom.covers(site.public_location)


@pytest.mark.django_db
def test_protection_zones_are_public_only_for_published_open_sites():
    square = MultiPolygon(Polygon.from_bbox((68.26, 43.29, 68.28, 43.30)), srid=4326)
    zones = {}
    for key, sensitivity, published in [("open", "S0", True), ("hidden", "S2", True),
                                        ("draft", "S0", False)]:  # fmt: skip
        site = HeritageSiteFactory(sensitivity=sensitivity, published=published)
        act = Designation.objects.create(site=site, scheme="republican_list")
        zones[key] = ProtectionZone.objects.create(designation=act, kind="protection", geom=square)

    assert set(zone_list_public()) == {zones["open"]}
