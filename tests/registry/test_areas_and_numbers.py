"""Regions, districts and registry numbers come from the registry, not from the officer."""

import json

import pytest
from django.contrib.gis.geos import Point

from registry.models import AdminArea, HeritageSite
from registry.services.areas import registry_numbers_reserve
from registry.services.regions import REGIONS_FILE, regions_load
from tests.factories import HeritageSiteFactory


@pytest.mark.django_db
def test_all_twenty_regions_and_224_districts_are_loaded_with_three_names():
    regions = AdminArea.objects.filter(level=AdminArea.Level.REGION)

    assert regions.count() == 20
    assert AdminArea.objects.filter(level=AdminArea.Level.DISTRICT).count() == 224
    with REGIONS_FILE.open(encoding="utf-8") as f:
        source = {x["properties"]["pcode"]: x["properties"] for x in json.load(f)["features"]}
    for region in regions:
        names = source[region.code]
        assert (region.name_kk, region.name_ru, region.name_en) == (
            names["name_kk"], names["name_ru"], names["name_en"]
        )  # fmt: skip
        assert region.registry_prefix == names["alpha_code_geokz"]
    assert not AdminArea.objects.filter(level=2, parent__isnull=True).exists()


@pytest.mark.django_db
def test_loading_the_regions_again_updates_them_in_place():
    ids = set(AdminArea.objects.values_list("pk", flat=True))

    assert regions_load() == (20, 224)
    assert set(AdminArea.objects.values_list("pk", flat=True)) == ids


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("point", "region", "district"),
    [
        ((68.27105556, 43.29769444), "KZ-61", "Түркістан"),  # Yasawi mausoleum
        ((76.9457, 43.2364), "KZ-75", None),  # Almaty city centre
        ((71.4307, 51.1282), "KZ-71", None),  # Astana
        ((80.2275, 50.4111), "KZ-10", "Семей"),  # Semey
    ],
)
def test_region_and_district_are_derived_from_the_location(point, region, district):
    site = HeritageSiteFactory(location=Point(*point, srid=4326))

    assert site.region.iso_3166_2 == region
    assert site.district.parent == site.region
    assert site.district.geom.covers(site.location)
    if district:
        assert site.district.name_kk == district


@pytest.mark.django_db
def test_a_border_monument_just_outside_the_generalised_boundary_gets_the_nearest_region():
    # About 3 km beyond the Turkistan region's southern tip, inside the registry's extent.
    outside = Point(68.0, 40.78, srid=4326)
    assert not AdminArea.objects.filter(level=1, geom__covers=outside).exists()

    site = HeritageSiteFactory(location=outside)

    assert site.region.iso_3166_2 == "KZ-61"


@pytest.mark.django_db
def test_registry_numbers_carry_the_region_code_and_count_up():
    first = HeritageSiteFactory()
    second = HeritageSiteFactory()

    assert first.registry_number.startswith("KZ-YUZ-")
    assert int(second.registry_number[-6:]) == int(first.registry_number[-6:]) + 1


@pytest.mark.django_db
def test_a_deleted_sites_number_is_never_given_again():
    site = HeritageSiteFactory()
    number = site.registry_number
    HeritageSite.objects.filter(pk=site.pk).delete()

    replacement = HeritageSiteFactory()

    assert replacement.registry_number != number
    assert replacement.registry_number > number


@pytest.mark.django_db
def test_numbers_past_a_million_keep_every_digit():
    registry_numbers_reserve(prefix="KZ-TST", count=999_999)

    assert registry_numbers_reserve(prefix="KZ-TST", count=2) == [
        "KZ-TST-1000000",
        "KZ-TST-1000001",
    ]
