"""The officer's upload form."""

import re

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from registry.models import HeritageSite
from registry.services.areas import areas_for_location
from tests.imports.files import ALMATY, GOOD, OTRAR, csv_lonlat, write
from tests.officer.test_officer_flow import client_for

URL = reverse("registry:site-import")


def _upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_an_officer_checks_then_imports_a_file(people, tmp_path):
    client = client_for(people["officer_in"])
    path = write("geojson", tmp_path)

    assert client.get(URL).status_code == 200
    checked = client.post(URL, {"file": _upload(path), "dry_run": "on"})
    assert checked.status_code == 200
    assert "Every row passes" in checked.content.decode()
    assert not HeritageSite.objects.exists()

    imported = client.post(URL, {"file": _upload(path)})
    page = imported.content.decode()
    assert imported.status_code == 200
    assert "Imported 2 drafts." in page
    for site in HeritageSite.objects.all():
        assert site.draft_reference in page
        assert site.status == "draft"


def test_the_form_shows_the_report_row_by_row(people, tmp_path):
    client = client_for(people["officer_in"])
    path = csv_lonlat(tmp_path / "a.csv", [GOOD[0] | {"lonlat": ALMATY}, GOOD[1] | {"name_kk": ""}])

    response = client.post(URL, {"file": _upload(path)})

    page = response.content.decode()
    assert response.status_code == 422
    assert "Nothing was written" in page
    assert "outside your regions" in page
    assert "is required." in page
    assert not HeritageSite.objects.exists()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_report_is_in_the_officers_language(people, tmp_path, language):
    """Every sentence of the report in the page's language: the row problems, the refusal of a
    row outside the officer's regions, the notes (HTML removed), not English among Kazakh."""
    client = client_for(people["officer_in"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    rows = [
        GOOD[0] | {"lonlat": ALMATY, "description_en": "<b>Ruins</b>"},
        GOOD[1] | {"name_kk": ""},
    ]
    path = csv_lonlat(tmp_path / "a.csv", rows)

    page = client.post(URL, {"file": _upload(path)}).content.decode()

    with translation.override(language):
        expected = [
            _("is required."),
            _("lies in %(region)s, outside your regions.") % {"region": _region_of(ALMATY)},
            _("HTML removed: kept as plain text."),
            _("Nothing was written. Correct these rows and try again."),
        ]
    for sentence in expected:
        assert escape(sentence) in page
    for english in ("is required.", "outside your regions", "HTML removed"):
        assert english not in page


def _region_of(lonlat) -> str:
    region, _district = areas_for_location(Point(*lonlat, srid=4326))
    return str(region)


def test_an_oversized_upload_is_refused(people, tmp_path, settings):
    settings.MURA_IMPORT_MAX_BYTES = 100
    client = client_for(people["officer_in"])

    response = client.post(URL, {"file": _upload(write("geojson", tmp_path))})

    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_a_researcher_may_not_import(people, tmp_path):
    client = client_for(people["researcher"])

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": _upload(write("geojson", tmp_path))}).status_code == 403
    assert not HeritageSite.objects.exists()


def test_the_form_caps_the_rows_it_processes_synchronously(people, tmp_path, settings):
    settings.MURA_IMPORT_FORM_MAX_ROWS = 1
    client = client_for(people["officer_in"])

    response = client.post(URL, {"file": _upload(write("csv-lonlat", tmp_path))})

    assert response.status_code == 400
    assert "the file has 2 rows; at most 1" in response.content.decode()
    assert not HeritageSite.objects.exists()


def test_the_report_speaks_the_officers_language(people, existing_otrar, tmp_path):
    """A possible duplicate, listed in Kazakh: headings, and the distance's unit."""
    near = GOOD[0] | {"name_kk": "Отырар қаласы", "lonlat": (OTRAR[0] + 0.003, OTRAR[1])}
    client = client_for(people["officer_in"])
    client.cookies["django_language"] = "kk"

    response = client.post(URL, {"file": _upload(csv_lonlat(tmp_path / "a.csv", [near]))})
    page = response.content.decode()

    assert response.status_code == 200
    assert "Ықтимал қайталанулар" in page
    assert existing_otrar.reference in page
    assert re.search(r"<td>2\d\d м</td>", page)  # about 245 m east
    assert " m</td>" not in page
