"""Batches of passports: one ZIP per request, made by the task, never in the request."""

import io
import zipfile

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry.models import AdminArea, PassportBatch
from registry.services.passports import passport_batch_request
from registry.tasks import passport_batch_make
from tests.factories import HeritageSiteFactory

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
TURKISTAN = Point(68.27105556, 43.29769444, srid=4326)
ALMATY = Point(76.9457, 43.2364, srid=4326)


@pytest.fixture
def region_sites(db):
    """Two published sites in Turkistan region (S0 and S2), a draft there, one in Almaty."""
    return {
        "open": HeritageSiteFactory(published=True, sensitivity="S0", location=TURKISTAN.clone()),
        "generalised": HeritageSiteFactory(
            published=True, sensitivity="S2", location=Point(68.31, 43.35, srid=4326)
        ),
        "draft": HeritageSiteFactory(sensitivity="S0", location=Point(68.2, 43.3, srid=4326)),
        "elsewhere": HeritageSiteFactory(published=True, sensitivity="S0", location=ALMATY),
    }


def _turkistan():
    return AdminArea.objects.get(iso_3166_2="KZ-61")


def _names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert all(archive.read(n).startswith(b"%PDF-") for n in archive.namelist())
        return sorted(archive.namelist())


def test_the_task_makes_one_pdf_per_published_site_of_the_region(region_sites, people):
    batch = passport_batch_request(user=people["officer_in"], language="ru", region=_turkistan())

    made = passport_batch_make.call(batch.pk)

    batch.refresh_from_db()
    assert made == 2
    assert (batch.state, batch.done, batch.total) == ("done", 2, 2)
    with batch.file.open("rb") as archive:
        names = _names(archive.read())
    numbers = sorted(region_sites[k].registry_number for k in ("open", "generalised"))
    assert names == [f"passport-{n}-ru.pdf" for n in numbers]


def test_a_staff_batch_holds_drafts_of_the_officers_region(region_sites, people):
    batch = passport_batch_request(
        user=people["officer_in"], language="kk", region=_turkistan(), edition="staff"
    )

    passport_batch_make.call(batch.pk)

    batch.refresh_from_db()
    with batch.file.open("rb") as archive:
        names = _names(archive.read())
    assert f"passport-{region_sites['draft'].draft_reference}-kk.pdf" in names
    assert len(names) == 3


def test_an_officer_asks_sees_progress_and_downloads(
    client, region_sites, people, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE  # the worker's part, run as the request commits
    client.force_login(people["officer_in"])
    url = reverse("registry:passport-batches")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"region": _turkistan().pk, "language": "en",
                                     "edition": "public", "category": ""})  # fmt: skip

    assert response.status_code == 302
    page = client.get(url).content.decode()
    batch = PassportBatch.objects.get()
    assert "2 / 2" in page
    download = reverse("registry:passport-batch-download", args=[batch.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert len(_names(b"".join(response.streaming_content))) == 2


def test_a_batch_in_progress_refreshes_its_page(client, region_sites, people):
    client.force_login(people["officer_in"])
    passport_batch_request(user=people["officer_in"], language="kk", region=_turkistan())

    page = client.get(reverse("registry:passport-batches")).content.decode()

    assert 'http-equiv="refresh"' in page
    assert "0 / 2" in page


def test_nobody_else_downloads_a_batch(client, region_sites, people):
    batch = passport_batch_request(user=people["officer_in"], language="kk", region=_turkistan())
    passport_batch_make.call(batch.pk)
    client.force_login(people["officer_in_2"])

    url = reverse("registry:passport-batch-download", args=[batch.pk])

    assert client.get(url).status_code == 404


def test_an_unfinished_batch_is_not_downloaded(client, region_sites, people):
    batch = passport_batch_request(user=people["officer_in"], language="kk", region=_turkistan())
    client.force_login(people["officer_in"])

    url = reverse("registry:passport-batch-download", args=[batch.pk])

    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("field", "value"), [("language", "de"), ("edition", "secret"), ("region", "999999")]
)
def test_bad_batch_input_is_refused_naming_the_field(client, people, field, value):
    client.force_login(people["officer_in"])
    data = {"region": _turkistan().pk, "language": "kk", "edition": "public"} | {field: value}

    response = client.post(reverse("registry:passport-batches"), data)

    assert response.status_code == 400
    assert f'id="id_{field}"' in response.content.decode()
    assert response.context["form"].errors[field]
    assert not PassportBatch.objects.exists()


def test_an_officer_cannot_batch_another_region(client, people):
    client.force_login(people["officer_in"])
    almaty = AdminArea.objects.get(iso_3166_2="KZ-75")

    data = {"region": almaty.pk, "language": "kk", "edition": "public"}
    response = client.post(reverse("registry:passport-batches"), data)

    assert response.status_code == 400
    assert response.context["form"].errors["region"]


def test_the_public_cannot_ask_for_batches(client, db):
    response = client.get(reverse("registry:passport-batches"))

    assert response.status_code == 302


def test_the_command_writes_a_zip(region_sites, tmp_path):
    out = tmp_path / "passports.zip"

    call_command("passports", region="KZ-61", lang="en", out=out, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip

    assert len(_names(out.read_bytes())) == 2


def test_the_command_names_a_bad_region(db, tmp_path):
    with pytest.raises(CommandError, match="--region"):
        call_command("passports", region="KZ-00", out=tmp_path / "x.zip")
