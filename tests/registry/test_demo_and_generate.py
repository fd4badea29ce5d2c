"""The demo register and the synthetic data generator."""

import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from registry.models import HeritageSite, PublicSite
from registry.services.demo import DEMO_SITES_FILE


@pytest.fixture
def demo_records():
    with DEMO_SITES_FILE.open(encoding="utf-8") as f:
        return json.load(f)


@pytest.mark.django_db
def test_load_demo_publishes_every_demo_site_in_three_languages(demo_records, capsys):
    call_command("load_demo")

    assert PublicSite.objects.count() == len(demo_records) >= 40
    assert not PublicSite.objects.filter(name_ru__isnull=True).exists()
    assert not PublicSite.objects.filter(name_en__isnull=True).exists()
    assert "officer" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_register_holds_the_unesco_sites_and_every_sensitivity_class(demo_records):
    call_command("load_demo")

    unesco = set(PublicSite.objects.exclude(unesco_id=None).values_list("unesco_id", flat=True))
    assert {1102, 1103, 1145, 1442, 1490} <= unesco
    classes = Counter(PublicSite.objects.values_list("sensitivity", flat=True))
    assert set(classes) == {"S0", "S1", "S2", "S3"}
    yasawi = PublicSite.objects.get(unesco_id=1103)
    assert yasawi.region.iso_3166_2 == "KZ-61"


@pytest.mark.django_db
def test_every_demo_site_lies_in_the_region_of_its_coordinates(demo_records):
    call_command("load_demo")

    for record in demo_records:
        site = HeritageSite.objects.get(name_en=record["name_en"])
        assert site.location.coords == pytest.approx((record["lon"], record["lat"]))
        assert site.region.geom.distance(site.location) < 0.1


@pytest.mark.django_db
def test_loading_the_demo_twice_adds_nothing(demo_records):
    call_command("load_demo")
    call_command("load_demo")

    assert HeritageSite.objects.count() == len(demo_records)


@pytest.mark.django_db(transaction=False)
def test_generate_sites_makes_realistic_sites_in_every_region_and_class(capsys):
    call_command("generate_sites", "3000", "--batch-size", "1000")

    sites = HeritageSite.objects.all()
    assert sites.count() == 3000
    assert "rows/s" in capsys.readouterr().out
    assert set(sites.values_list("sensitivity", flat=True)) == {"S0", "S1", "S2", "S3"}
    assert len(set(sites.values_list("category", flat=True))) == 6
    assert sites.values("region").distinct().count() >= 15
    published = sites.filter(status="published")
    numbers = sorted(published.values_list("registry_number", flat=True))
    assert numbers == [f"KZ-{n:07d}" for n in range(1, published.count() + 1)]  # no gaps
    assert not sites.exclude(status="published").exclude(registry_number=None).exists()
    references = set(sites.values_list("draft_reference", flat=True))
    assert references == {f"D-{n:07d}" for n in range(1, 3001)}
    assert not sites.exclude(district__parent=F("region")).exists()
    assert not sites.filter(date_from__gt=F("date_to")).exists()


@pytest.mark.django_db
def test_generated_sites_are_public_only_through_the_projection():
    call_command("generate_sites", "1000")

    public = PublicSite.objects.all()
    assert public.count() == HeritageSite.objects.published().count()
    exact_s0 = HeritageSite.objects.published().filter(sensitivity="S0")
    assert not exact_s0.exclude(public_location=F("location")).exists()
    assert not public.filter(sensitivity="S3", public_location__isnull=False).exists()
    assert not public.filter(sensitivity="S3", district__isnull=False).exists()
    assert public.filter(sensitivity="S2", district__isnull=False).exists()
    with_district = public.filter(district__isnull=False)
    assert not with_district.exclude(district__geom__covers=F("public_location")).exists()


@pytest.mark.django_db
def test_generate_sites_refuses_a_nonsense_count():
    with pytest.raises(CommandError, match="positive"):
        call_command("generate_sites", "0")
