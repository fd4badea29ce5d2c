"""generate_sites at bulk speed: every row as a hand-made site would have it.

The generator derives regions, districts and public areas set-based, in its own SQL; these
tests hold that SQL to the one definition (registry.projection.public_areas_sql, run by the
services) and to the registry's numbering, with the indexes kept and with them rebuilt.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from registry.models import HeritageSite, RegistrySequence, SearchWord
from registry.services import generate
from registry.services.areas import areas_for_location, public_areas_refresh
from registry.services.generate import sites_generate
from registry.services.search_words import search_words_rebuild
from tests.factories import HeritageSiteFactory

PUBLIC_AREAS = ["public_region_id", "public_district_id", "public_region_ids",
                "public_district_ids"]  # fmt: skip


def _public_areas(sites):
    return {row[0]: row[1:] for row in sites.values_list("id", *PUBLIC_AREAS)}


def _schema():
    """The site table's indexes and constraints, as the catalog defines them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = 'registry_heritagesite'::regclass"
            " UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'registry_heritagesite'::regclass ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture(params=[False, True], ids=["indexes kept", "indexes rebuilt"])
def generated(request, db):
    """Several batches, so that cells met in one batch are reused by the next."""
    sites_generate(count=3000, batch_size=1100, rebuild_indexes=request.param)
    return HeritageSite.objects.all()


def test_generated_public_areas_are_what_public_areas_sql_gives(generated):
    made = _public_areas(generated)

    public_areas_refresh(site_ids=list(made))  # PUBLIC_AREAS_SQL, as every service runs it

    again = _public_areas(generated)
    assert [pk for pk in made if made[pk] != again[pk]] == []
    sensitive = generated.filter(sensitivity__in=["S1", "S2"])
    assert sensitive.exclude(public_region_id=None).count() == sensitive.count() > 1000
    assert sensitive.filter(public_district_ids__len__gt=1).exists()  # border cells occur


def test_generated_search_documents_are_mura_fold_of_the_names(generated):
    """The generator gives each document (folded from its typology's and settlement's names,
    once each), where the trigger would fold every row (migration 0024): the same text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE search_document IS DISTINCT FROM mura_fold("
            "coalesce(name_kk, '') || ' ' || coalesce(name_ru, '') || ' ' || coalesce(name_en,"
            " ''))), count(DISTINCT typology_id) FROM registry_heritagesite"
        )
        made, apart, typologies = cursor.fetchone()
    assert (made, apart) == (generated.count(), 0)
    assert typologies > 5
    assert generated.filter(search_document__regex="[а-яәіңғүұқөһ]").count() == 0  # all folded


@pytest.mark.django_db
def test_a_generated_sensitive_site_saved_by_hand_gets_the_same_public_areas():
    sites_generate(count=2000, batch_size=700)
    sensitive = HeritageSite.objects.filter(sensitivity__in=["S1", "S2"]).order_by("id")
    border = list(sensitive.filter(public_district_ids__len__gt=1)[:12])
    sample = border + list(sensitive.exclude(pk__in=[s.pk for s in border])[:12])
    assert len(border) >= 6

    for site in sample:
        by_hand = HeritageSiteFactory(location=site.location, sensitivity=site.sensitivity)

        assert [getattr(by_hand, f) for f in PUBLIC_AREAS] == [
            getattr(site, f) for f in PUBLIC_AREAS
        ], site.draft_reference


@pytest.mark.django_db
def test_a_generated_site_has_the_region_and_district_of_its_point():
    sites_generate(count=20_000, batch_size=7000, rebuild_indexes=True)
    sites = HeritageSite.objects.order_by("id")
    outside = sites.exclude(district__geom__covers=F("location"))  # snapped, or none at all
    assert outside.exclude(district=None).exists()  # (about 1 in 10,000 with these outlines)

    for site in [*sites[:60], *outside]:
        region, district = areas_for_location(site.location)

        assert region.pk == site.region_id, site.draft_reference
        assert getattr(district, "pk", None) == site.district_id, site.draft_reference


@pytest.mark.django_db
def test_registry_numbers_and_draft_references_stay_unique_and_in_order():
    sites_generate(count=1300, batch_size=500)
    sites_generate(count=700, batch_size=500, rebuild_indexes=True)

    sites = HeritageSite.objects.order_by("id")
    references = list(sites.values_list("draft_reference", flat=True))
    assert references == [f"D-{n:07d}" for n in range(1, 2001)]
    numbers = list(sites.exclude(registry_number=None).values_list("registry_number", flat=True))
    assert numbers == [f"KZ-{n:07d}" for n in range(1, len(numbers) + 1)]
    assert not sites.filter(status="published", registry_number=None).exists()
    counters = dict(RegistrySequence.objects.values_list("prefix", "last_value"))
    assert counters == {"D": 2000, "KZ": len(numbers)}


@pytest.mark.django_db
def test_rebuilding_puts_back_every_index_and_constraint_as_it_was():
    HeritageSiteFactory()  # its deferred foreign-key checks are pending when the keys go
    before = _schema()

    sites_generate(count=800, batch_size=300, rebuild_indexes=True)

    assert _schema() == before
    assert HeritageSite.objects.count() == 801


@pytest.mark.django_db
def test_a_run_that_at_least_doubles_the_table_says_it_rebuilds(monkeypatch, capsys):
    monkeypatch.setattr(generate, "REBUILD_MIN_ROWS", 500)
    call_command("generate_sites", "600")
    first = capsys.readouterr().out

    call_command("generate_sites", "500")
    second = capsys.readouterr().out

    assert "Dropped" in first
    assert "built again in" in first
    assert "rows/s overall" in first
    assert "Dropped" not in second
    assert "rows/s overall" in second


@pytest.mark.django_db
def test_the_search_words_a_run_adds_are_exactly_those_of_its_published_documents():
    HeritageSiteFactory(published=True, name_en="Aisha Bibi")  # a hand-made site's words stay
    sites_generate(count=3000, batch_size=1100)
    added = set(SearchWord.objects.values_list("word", flat=True))

    SearchWord.objects.all().delete()
    search_words_rebuild()  # every public document read again

    assert added == set(SearchWord.objects.values_list("word", flat=True))
    assert {"aisha", "bibi", "taraz"} <= added
    drafts_only = HeritageSite.objects.exclude(status="published").values_list("name_en")
    assert len(added) > 100
    assert drafts_only.exists()
