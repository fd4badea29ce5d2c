"""The public projection: what leaves the registry for each sensitivity class (DESIGN §4)."""

import math

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from registry.models import AdminArea, Designation, ProtectionZone
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
@pytest.mark.parametrize("sensitivity", ["S1", "S2", "S3"])
def test_no_boundary_of_a_generalised_site_is_published(sensitivity):
    # A boundary crossing the 68.27° meridian: a block of whole cells showed that it did.
    boundary = MultiPolygon(Polygon.from_bbox((68.2695, 43.2971, 68.2717, 43.2983)), srid=4326)
    site = HeritageSiteFactory(sensitivity=sensitivity, boundary=boundary, published=True)

    assert site.public_boundary is None
    assert site_list_public().get(pk=site.pk).public_boundary is None


@pytest.mark.django_db
def test_an_open_boundary_is_published_as_drawn():
    boundary = MultiPolygon(Polygon.from_bbox((68.2695, 43.2971, 68.2717, 43.2983)), srid=4326)
    site = HeritageSiteFactory(sensitivity="S0", boundary=boundary, published=True)

    assert site_list_public().get(pk=site.pk).public_boundary.equals(boundary)


# The 0.1° cell 68.0-68.1 E, 43.9-44.0 N touches Kyzylorda (KZ43) and Turkistan (KZ61) regions;
# its centre lies in Turkistan. This point lies in the Kyzylorda part.
BORDER_CELL_POINT = Point(68.005, 43.955, srid=4326)


@pytest.mark.django_db
def test_a_generalised_site_on_a_border_belongs_publicly_to_every_region_its_cell_touches():
    site = HeritageSiteFactory(sensitivity="S2", location=BORDER_CELL_POINT, published=True)
    public = site_list_public().select_related("region").get(pk=site.pk)

    assert site.region.code == "KZ43"  # staff see where it is
    assert public.region.code == "KZ61"  # the public, the region of the published point
    codes = set(AdminArea.objects.filter(pk__in=public.region_ids).values_list("code", flat=True))
    assert codes == {"KZ43", "KZ61"}
    districts = AdminArea.objects.filter(pk__in=public.district_ids)
    assert {d.parent.code for d in districts} == {"KZ43", "KZ61"}
    assert public.district_id in public.district_ids


@pytest.mark.django_db
def test_moving_a_generalised_site_within_its_cell_changes_nothing_public():
    site = HeritageSiteFactory(sensitivity="S2", location=BORDER_CELL_POINT, published=True)
    before = site_list_public().filter(pk=site.pk).values().get()
    other_side = Point(68.095, 43.905, srid=4326)  # same cell, Turkistan side
    site = site_update(
        site=site, expected_version=site.version, fields={"location": other_side},
        by=site.created_by, reason="moved",
    )  # fmt: skip
    after = site_list_public().filter(pk=site.pk).values().get()

    assert site.region.code == "KZ61"
    changed = {k for k in before if before[k] != after[k]} - {"version", "updated_at"}
    assert changed == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("parent_class", "child_class", "same_cell", "public"),
    [
        ("S0", "S0", False, True),
        ("S0", "S2", True, False),  # the child would be located by its parent's exact point
        ("S2", "S0", True, False),  # the parent by its component's
        ("S2", "S2", True, True),
        ("S1", "S1", False, False),  # two cells side by side: both near their shared edge
        ("S1", "S2", True, False),
    ],
)
def test_part_of_is_public_only_where_it_narrows_neither_site(
    parent_class, child_class, same_cell, public
):
    parent = HeritageSiteFactory(sensitivity=parent_class, published=True)
    near = Point(68.2711, 43.2977, srid=4326) if same_cell else Point(68.2805, 43.2977, srid=4326)
    child = HeritageSiteFactory(
        sensitivity=child_class, location=near, parent=parent, published=True
    )

    shown = site_list_public().get(pk=child.pk).parent_id
    assert shown == (parent.pk if public else None)


@pytest.mark.django_db
def test_part_of_an_unpublished_site_is_not_shown():
    parent = HeritageSiteFactory(sensitivity="S0")
    child = HeritageSiteFactory(sensitivity="S0", parent=parent, published=True)

    assert site_list_public().get(pk=child.pk).parent_id is None


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
