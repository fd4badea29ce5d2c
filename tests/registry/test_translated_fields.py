"""Issue 14, item 7: migration 0018 copies each existing single-language value into the column
of the language it is written in (Kazakh letters → kk, other Cyrillic → ru, Latin → en, no
letters → kk), the history rows too. The test runs the migration's own statements on rows
whose translated columns are as they were before it (empty), the old column holding the text."""

import importlib

import pytest
from django.db import connection

from registry.models import Designation, HeritageSite
from tests.factories import HeritageSiteFactory

MIGRATION = importlib.import_module("registry.migrations.0018_translated_dating_and_acts")

CASES = [
    ("XIV ғ. соңы", "kk"),
    ("конец XIV в.", "ru"),
    ("built 1389–1405; left unfinished", "en"),
    ("1389–1405", "kk"),
]


def _as_before(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s, {column}_kk = NULL, {column}_ru = NULL, "
            f"{column}_en = NULL WHERE id = %s",
            [value, pk],
        )


def _migrate() -> None:
    with connection.cursor() as cursor:
        for table, columns in MIGRATION.COPIED.items():
            for column in columns:
                cursor.execute(MIGRATION.copy_sql(table, column))


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "language"), CASES)
def test_an_existing_dating_note_lands_in_its_languages_column(value, language):
    site = HeritageSiteFactory()
    _as_before("registry_heritagesite", "dating_note", site.pk, value)

    _migrate()

    site = HeritageSite.objects.get(pk=site.pk)
    columns = {lang: getattr(site, f"dating_note_{lang}") for lang in ("kk", "ru", "en")}
    assert columns == {lang: value if lang == language else "" for lang in columns}
    history = site.history.first()
    assert getattr(history, f"dating_note_{language}") in (value, None)  # history rows too


@pytest.mark.django_db
def test_an_acts_authority_and_criteria_land_in_their_languages_columns():
    site = HeritageSiteFactory()
    act = Designation.objects.create(site=site, scheme="unesco")
    _as_before("registry_designation", "authority", act.pk, "UNESCO World Heritage Committee")
    _as_before("registry_designation", "criteria", act.pk, "(i)(iii)(iv)")

    _migrate()

    act.refresh_from_db()
    assert act.authority_en == "UNESCO World Heritage Committee"
    assert act.authority_kk == act.authority_ru == ""
    assert act.criteria_en == "(i)(iii)(iv)"  # Roman numerals are Latin letters


@pytest.mark.django_db
def test_the_public_view_and_the_page_show_the_note_with_fallback(client):
    site = HeritageSiteFactory(published=True, sensitivity="S0")
    HeritageSite.objects.filter(pk=site.pk).update(
        dating_note_kk="", dating_note_ru="конец XIV в.", dating_note_en="late 14th c."
    )
    en = client.get(f"/sites/{site.registry_number}/", HTTP_ACCEPT_LANGUAGE="en")
    kk = client.get(f"/sites/{site.registry_number}/", HTTP_ACCEPT_LANGUAGE="kk")

    assert "late 14th c." in en.content.decode()
    assert "конец XIV в." in kk.content.decode()  # kk is empty: kk falls back to ru
