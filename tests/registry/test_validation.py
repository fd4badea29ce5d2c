"""Bad geometry gets a clear error naming the field, and nothing is written."""

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.utils import translation

from registry.models import HeritageSite, RegistrySequence
from registry.services.sites import site_create
from tests.factories import YASAWI

SQUARE = Polygon.from_bbox((68.270, 43.297, 68.272, 43.299))
BOWTIE = Polygon(((68.27, 43.29), (68.28, 43.30), (68.28, 43.29), (68.27, 43.30), (68.27, 43.29)))


def _fields(**geometry):
    return {
        "name_kk": "Сынақ",
        "category": "archaeology",
        "significance": "local",
        "location": YASAWI.clone(),
        **geometry,
    }


def _many_vertices(n):
    ring = [(68.27 + 0.01 * i / n, 43.29 + (0.001 if i % 2 else 0)) for i in range(n)]
    return Polygon([(68.27, 43.28), *ring, (68.28, 43.28), (68.27, 43.28)])


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the assertions read English
        yield


BAD_INPUT = [
    ("location", Point(float("nan"), 43.3), "finite"),
    ("location", Point(68.2, float("inf")), "finite"),
    ("location", Point(200.0, 43.3), "longitude"),
    ("location", Point(68.3, -95.0), "latitude"),
    ("location", Point(43.29769444, 68.27105556), "extent"),  # lat, lon swapped
    ("location", Point(2.35, 48.85), "extent"),  # Paris
    ("location", Point(69.24, 41.30), "region"),  # Tashkent: in the extent, in no region
    ("location", LineString((68.2, 43.2), (68.3, 43.3)), "must be a point"),
    ("location", Point(600000, 4800000, srid=2154), "EPSG:2154"),
    ("boundary", BOWTIE, "Self-intersection"),
    ("boundary", Point(68.27, 43.29), "must be a polygon"),
    ("boundary", Polygon(), "empty"),
    ("boundary", _many_vertices(25_000), "vertices"),
    ("boundary", MultiPolygon(Polygon.from_bbox((10, 10, 11, 11))), "extent"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_geometry_is_refused_naming_the_field_and_nothing_is_written(
    officer, field, value, message
):
    sequences = list(RegistrySequence.objects.values_list("prefix", "last_value"))

    with pytest.raises(ValidationError) as refused:
        site_create(fields=_fields(**{field: value}), created_by=officer)

    assert list(refused.value.message_dict) == [field]
    assert message in " ".join(refused.value.message_dict[field])
    assert not HeritageSite.objects.exists()
    assert list(RegistrySequence.objects.values_list("prefix", "last_value")) == sequences


@pytest.mark.django_db
def test_a_polygon_boundary_is_stored_as_a_multipolygon(officer):
    site = site_create(fields=_fields(boundary=SQUARE.clone()), created_by=officer)

    assert site.boundary.geom_type == "MultiPolygon"
    assert site.boundary[0].equals(SQUARE)


@pytest.mark.django_db
def test_a_point_in_utm_is_stored_in_lon_lat(officer):
    utm = Point(68.27105556, 43.29769444, srid=4326).transform(32642, clone=True)

    site = site_create(fields=_fields(location=utm), created_by=officer)

    assert site.location.srid == 4326
    assert site.location.coords == pytest.approx(YASAWI.coords, abs=1e-7)


@pytest.mark.django_db
def test_a_year_range_out_of_order_is_refused(officer):
    with pytest.raises(ValidationError) as refused:
        site_create(fields=_fields(date_from=1400, date_to=-500), created_by=officer)

    assert "__all__" in refused.value.message_dict or "date_to" in refused.value.message_dict
    assert not HeritageSite.objects.exists()


@pytest.mark.django_db
def test_fields_the_registry_sets_cannot_be_sent(officer):
    with pytest.raises(ValidationError) as refused:
        site_create(
            fields=_fields(registry_number="KZ-0000001", status="published"), created_by=officer
        )

    assert set(refused.value.message_dict) == {"registry_number", "status"}
    assert not HeritageSite.objects.exists()
