"""Regions, districts, registry numbers and draft references come from the registry, not from
the officer; numbers are national and given at first publication (DESIGN §4)."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from registry.models import AdminArea, HeritageSite, RegistrySequence
from registry.selectors import site_list_public
from registry.services.numbers import registry_numbers_renumber
from registry.services.regions import REGIONS_FILE, regions_load
from registry.services.workflow import site_publish, site_restore, site_submit, site_withdraw
from tests.factories import HeritageSiteFactory, UserFactory


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


@pytest.fixture
def reviewer_of_all(db):
    return UserFactory(username="numbers-reviewer")


def _publish(site, reviewer):
    site = site_submit(site=site, by=UserFactory(username="factory-officer"))
    return site_publish(site=site, reviewer=reviewer)


def _number(site) -> int:
    assert NATIONAL_NUMBER.fullmatch(site.registry_number), site.registry_number
    return int(site.registry_number[3:])


NATIONAL_NUMBER = re.compile(r"KZ-\d{7}")


@pytest.mark.django_db
def test_a_draft_has_a_draft_reference_and_no_registry_number():
    site = HeritageSiteFactory()

    assert site.registry_number is None
    assert re.fullmatch(r"D-\d{7}", site.draft_reference)
    assert site.reference == site.draft_reference
    assert str(site).startswith(site.draft_reference)


@pytest.mark.django_db
def test_publishing_gives_the_next_national_number(reviewer_of_all):
    first = HeritageSiteFactory(published=True)
    site = HeritageSiteFactory()

    site = _publish(site, reviewer_of_all)

    assert _number(site) == _number(first) + 1
    assert site.reference == site.registry_number
    assert site.draft_reference.startswith("D-")  # kept, for staff


@pytest.mark.django_db
def test_unpublished_work_in_between_leaves_no_gap_in_the_public_sequence(reviewer_of_all):
    a = HeritageSiteFactory()
    HeritageSiteFactory()  # a draft, never submitted
    c = HeritageSiteFactory()
    submitted = site_submit(site=HeritageSiteFactory(), by=UserFactory(username="factory-officer"))
    withdrawn = HeritageSiteFactory(published=True)
    site_withdraw(site=withdrawn, by=reviewer_of_all, note="duplicate")

    a, c = _publish(a, reviewer_of_all), _publish(c, reviewer_of_all)

    assert _number(a) == _number(withdrawn) + 1
    assert _number(c) == _number(a) + 1
    assert submitted.registry_number is None
    public = sorted(site_list_public().values_list("registry_number", flat=True))
    assert public == [a.registry_number, c.registry_number]


@pytest.mark.django_db
def test_a_withdrawn_site_published_again_keeps_its_number(reviewer_of_all):
    site = HeritageSiteFactory(published=True)
    number = site.registry_number
    HeritageSiteFactory(published=True)  # the counter moves on meanwhile

    site = site_withdraw(site=site, by=reviewer_of_all, note="to correct")
    site = site_restore(site=site, by=reviewer_of_all, note="corrected")
    site = _publish(site, reviewer_of_all)

    assert site.registry_number == number
    assert site_list_public().filter(registry_number=number).exists()


@pytest.mark.django_db
def test_a_deleted_sites_number_is_never_given_again(reviewer_of_all):
    site = HeritageSiteFactory(published=True)
    number, reference = site.registry_number, site.draft_reference
    HeritageSite.objects.filter(pk=site.pk).delete()

    replacement = HeritageSiteFactory(published=True)

    assert _number(replacement) == int(number[3:]) + 1
    assert replacement.draft_reference > reference


@pytest.mark.django_db
@pytest.mark.parametrize(
    "point", [(68.27105556, 43.29769444), (76.9457, 43.2364), (80.2275, 50.4111)]
)
def test_the_number_carries_no_region_code(point):
    site = HeritageSiteFactory(published=True, location=Point(*point, srid=4326))

    assert NATIONAL_NUMBER.fullmatch(site.registry_number)
    assert site.region.registry_prefix not in site.registry_number
    assert site.region.registry_prefix not in site.draft_reference


@pytest.mark.django_db
def test_publication_is_refused_clearly_when_the_national_counter_is_full(reviewer_of_all):
    site = site_submit(site=HeritageSiteFactory(), by=UserFactory(username="factory-officer"))
    RegistrySequence.objects.update_or_create(prefix="KZ", defaults={"last_value": 9_999_999})

    with pytest.raises(ValidationError) as refused:
        site_publish(site=site, reviewer=reviewer_of_all)

    assert "9,999,999" in refused.value.message_dict["registry_number"][0]
    site.refresh_from_db()
    assert (site.status, site.registry_number) == ("in_review", None)


@pytest.mark.django_db
def test_the_last_seven_digit_number_is_still_given(reviewer_of_all):
    site = site_submit(site=HeritageSiteFactory(), by=UserFactory(username="factory-officer"))
    RegistrySequence.objects.update_or_create(prefix="KZ", defaults={"last_value": 9_999_998})

    site = site_publish(site=site, reviewer=reviewer_of_all)

    assert site.registry_number == "KZ-9999999"


@pytest.mark.django_db
def test_renumbering_numbers_published_sites_by_publication_and_keeps_the_old_number(
    reviewer_of_all,
):
    statuses = ["published", "draft", "published", "withdrawn", "published", "in_review"]
    sites = [HeritageSiteFactory(published=status == "published") for status in statuses]
    HeritageSite.objects.filter(pk=sites[3].pk).update(status="withdrawn")
    HeritageSite.objects.filter(pk=sites[5].pk).update(status="in_review")
    # As before the migration: per-region numbers from creation, published out of id order.
    for i, site in enumerate(sites):
        HeritageSite.objects.filter(pk=site.pk).update(
            registry_number=f"KZ-YUZ-{i + 1:06d}", draft_reference=f"old-{i}", former_number=None
        )
    earlier = HeritageSite.objects.get(pk=sites[4].pk).published_at - timedelta(days=1)
    HeritageSite.objects.filter(pk=sites[4].pk).update(published_at=earlier)

    registry_numbers_renumber()

    renumbered = list(HeritageSite.objects.filter(pk__in=[s.pk for s in sites]).order_by("id"))
    assert [s.former_number for s in renumbered] == [f"KZ-YUZ-{i:06d}" for i in range(1, 7)]
    assert [s.registry_number for s in renumbered] == [
        "KZ-0000002", None, "KZ-0000003", None, "KZ-0000001", None
    ]  # fmt: skip
    assert [s.draft_reference for s in renumbered] == [f"D-{i:07d}" for i in range(1, 7)]
    assert dict(RegistrySequence.objects.values_list("prefix", "last_value")) == {
        "KZ": 3, "D": 6
    }  # fmt: skip
    latest = renumbered[0].history.first()
    assert (latest.registry_number, latest.former_number) == ("KZ-0000002", "KZ-YUZ-000001")
    assert HeritageSiteFactory(published=True).registry_number == "KZ-0000004"
