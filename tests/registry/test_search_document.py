"""The site's search document is kept by the database (triggers, migration 0024) on every write
path: it always equals `mura_fold` of the kk, ru and en names, whoever wrote the row."""

import pytest
from django.db import connection
from django.urls import reverse

from registry.models import HeritageSite
from registry.services.imports import sites_import
from registry.services.sites import site_update
from tests.factories import HeritageSiteFactory, UserFactory
from tests.imports.files import write
from tests.officer.conftest import people  # noqa: F401 (one person per role)
from tests.registry.test_admin import _site_form

FOLDED = (
    "mura_fold(coalesce(name_kk, '') || ' ' || coalesce(name_ru, '') || ' '"
    " || coalesce(name_en, ''))"
)


def apart() -> list[tuple]:
    """Sites whose document is not their names folded (none, on every path)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, search_document, {FOLDED} FROM registry_heritagesite"
            f" WHERE search_document IS DISTINCT FROM {FOLDED}"
        )
        return cursor.fetchall()


def stored(site: HeritageSite) -> str:
    return HeritageSite.objects.values_list("search_document", flat=True).get(pk=site.pk)


@pytest.mark.django_db
def test_the_services_create_and_update_keep_the_document_and_the_instance_sees_it():
    site = HeritageSiteFactory(name_kk="Тараз", name_ru="Тараз", name_en="Taraz")
    assert site.search_document == stored(site) == "taraz taraz taraz"

    fields = {"name_en": "Ancient Taraz", "name_ru": None}
    by = UserFactory(username="editor")
    site = site_update(site=site, expected_version=site.version, fields=fields, by=by, reason="r")

    assert site.search_document == stored(site) == "taraz  ancient taraz"
    assert apart() == []


@pytest.mark.django_db
def test_a_model_save_bulk_create_and_queryset_update_keep_the_document():
    site = HeritageSiteFactory()
    site.name_en = "Ақмешіт"
    site.save()
    assert site.search_document == stored(site)
    site.name_kk = "Жаңа"
    site.save(update_fields=["name_kk"])  # the document is not written: folded all the same
    assert stored(site).startswith("zhana ")
    copy = HeritageSite.objects.get(pk=site.pk)
    copy.pk, copy.draft_reference, copy.registry_number, copy.search_document = (
        None, "D-9999998", None, "given by nobody")  # fmt: skip
    copy.name_en = "Qyzylorda"  # folds to kizilorda
    HeritageSite.objects.bulk_create([copy])
    HeritageSite.objects.filter(pk=site.pk).update(name_ru="Щучинск")

    assert "shchuchinsk" in stored(site)
    assert apart() == []
    assert HeritageSite.objects.filter(search_document__contains="kizilorda").count() == 1


@pytest.mark.django_db
def test_raw_sql_cannot_part_the_document_from_the_names():
    site = HeritageSiteFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_heritagesite SET name_kk = 'Шымкент' WHERE id = %s",
                       [site.pk])  # fmt: skip
        cursor.execute("UPDATE registry_heritagesite SET search_document = 'x' WHERE id = %s",
                       [site.pk])  # fmt: skip
        cursor.execute("UPDATE registry_heritagesite SET search_document = NULL")

    assert stored(site).startswith("shimkent ")  # ы folds to i
    assert apart() == []


@pytest.mark.django_db
def test_the_admin_and_an_import_keep_the_document(client, users, people, tmp_path):  # noqa: F811
    client.force_login(users["admin"])
    response = client.post(reverse("admin:registry_heritagesite_add"), _site_form())
    assert response.status_code == 302
    officer = people["officer_in"]
    with write("csv-lonlat", tmp_path).open("rb") as upload:
        report = sites_import(upload=upload, filename="sites.csv", user=officer, dry_run=False)
    assert report.ok, report.problems

    assert HeritageSite.objects.get(name_en="Aisha Bibi mausoleum").search_document == (
        "aisha bibi kesenesi mavzolei aisha-bibi aisha bibi mausoleum"
    )
    assert HeritageSite.objects.filter(search_document__contains="otrar").exists()
    assert HeritageSite.objects.count() == 3
    assert apart() == []
