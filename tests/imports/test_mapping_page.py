"""The import page's two steps: upload, then the columns mapped over the first rows; the kept
upload is the uploader's alone."""

import re
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from registry.models import Designation, HeritageSite, ImportMapping
from registry.services.demo import demo_accounts_ensure
from registry.services.imports.preview import KEPT_FOLDER
from registry.storage import private_storage
from tests.imports.files import (
    UNESCO_COLUMNS,
    UNESCO_MAPPING,
    UNESCO_ROWS,
    unesco_csv,
    unesco_geojson,
)
from tests.officer.test_officer_flow import client_for

URL = reverse("registry:site-import")
INDEX = {column: index for index, column in enumerate(UNESCO_COLUMNS)}


def _upload(client, path, **options):
    return client.post(URL, {"file": SimpleUploadedFile(path.name, path.read_bytes()), **options})


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def _selected(page: str, column: str) -> str:
    select = re.search(rf'<select name="column_{INDEX[column]}".*?</select>', page, re.S).group()
    chosen = re.search(r'<option value="([^"]*)" selected>', select)
    return chosen.group(1) if chosen else ""


def _mapping_post(token, mapping=UNESCO_MAPPING, **options):
    columns = {f"column_{INDEX[c]}": target or "" for c, target in mapping.items()}
    return {"token": token, "action": "import", **columns, **options}


def _kept_files() -> list[str]:
    try:
        return private_storage().listdir(KEPT_FOLDER)[1]
    except FileNotFoundError:
        return []


def test_a_file_with_other_names_shows_its_first_rows_with_suggested_fields(people, tmp_path):
    client = client_for(people["officer_in"])

    response = _upload(client, unesco_csv(tmp_path / "whc-kz.csv"), dry_run="on")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Columns of whc-kz.csv" in page
    assert page.count("<tr><td") == 2  # the preview's rows, as the file has them
    assert "Қожа Ахмет Ясауи кесенесі" in page
    for column, target in UNESCO_MAPPING.items():
        assert _selected(page, column) == (target or ""), column
    assert "from the name" in page
    assert "— do not import —" in page
    assert not HeritageSite.objects.exists()
    assert len(_kept_files()) == 1


def test_a_gis_layer_shows_its_attributes_its_geometry_being_the_location(people, tmp_path):
    client = client_for(people["officer_in"])

    response = _upload(client, unesco_geojson(tmp_path / "whc.geojson"), dry_run="on")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Each feature's own geometry is its location" in page
    assert '<th scope="col">id_no</th>' in page
    assert "latitude" not in page
    assert "Мавзолей Арыстан-Баба" in page


def test_the_second_step_imports_the_kept_file_with_the_mapping(people, tmp_path):
    client = client_for(people["officer_in"])
    token = _token(_upload(client, unesco_csv(tmp_path / "whc-kz.csv")))

    response = client.post(URL, _mapping_post(token))

    page = response.content.decode()
    assert response.status_code == 200, page
    assert "Imported 2 drafts." in page
    assert "not mapped: ignored." in page
    site = HeritageSite.objects.get(unesco_id=1103)
    assert site.draft_reference in page
    assert Designation.objects.get(site=site).scheme == "unesco"
    assert _kept_files() == []  # written: the kept upload is gone


def test_a_dry_run_keeps_the_file_for_the_real_import(people, tmp_path):
    client = client_for(people["officer_in"])
    token = _token(_upload(client, unesco_csv(tmp_path / "whc-kz.csv"), dry_run="on"))

    checked = client.post(URL, _mapping_post(token, dry_run="on"))
    assert "Every row passes." in checked.content.decode()
    assert not HeritageSite.objects.exists()
    imported = client.post(URL, _mapping_post(token))

    assert "Imported 2 drafts." in imported.content.decode()
    assert HeritageSite.objects.count() == 2


def test_a_saved_mapping_fills_in_the_columns_of_the_next_file(people, tmp_path):
    client = client_for(people["officer_in"])
    token = _token(_upload(client, unesco_csv(tmp_path / "whc-2024.csv"), dry_run="on"))
    mine = UNESCO_MAPPING | {"short_description_en": None}  # not the suggestion
    saved = client.post(URL, _mapping_post(token, mine, dry_run="on", save_as="UNESCO list"))
    assert "Mapping saved as “UNESCO list”." in saved.content.decode()

    colleague = client_for(people["officer_in_2"])  # saved mappings are the agency's
    token = _token(_upload(colleague, unesco_csv(tmp_path / "whc-2025.csv"), dry_run="on"))
    filled = colleague.post(URL, {"token": token, "action": "load", "saved": "UNESCO list"})

    page = filled.content.decode()
    assert filled.status_code == 200
    assert _selected(page, "short_description_en") == ""
    assert _selected(page, "id_no") == "unesco_id"
    assert "from the saved mapping" in page
    assert ImportMapping.objects.get().mapping == mine


def test_two_columns_on_one_field_are_refused_naming_the_column(people, tmp_path):
    client = client_for(people["officer_in"])
    token = _token(_upload(client, unesco_csv(tmp_path / "whc-kz.csv")))

    response = client.post(URL, _mapping_post(token, UNESCO_MAPPING | {"longitude": "lat"}))

    assert response.status_code == 400
    assert "Column “longitude”: lat is already chosen for column “latitude”" in (
        response.content.decode()
    )
    assert not HeritageSite.objects.exists()


def test_a_field_mura_does_not_import_is_refused(people, tmp_path):
    client = client_for(people["officer_in"])
    token = _token(_upload(client, unesco_csv(tmp_path / "whc-kz.csv")))

    response = client.post(URL, _mapping_post(token, UNESCO_MAPPING | {"id_no": "status"}))

    assert response.status_code == 400
    assert "Column “id_no”: “status” is not a field Mura imports." in response.content.decode()
    assert not HeritageSite.objects.exists()


def test_a_forged_token_is_refused(people):
    client = client_for(people["officer_in"])

    response = client.post(URL, _mapping_post("whc-kz.csv:forged"))

    assert response.status_code == 400
    assert "token: not a valid upload token" in response.content.decode()
    assert not HeritageSite.objects.exists()


def test_another_officers_upload_cannot_be_used(people, tmp_path):
    token = _token(_upload(client_for(people["officer_in"]), unesco_csv(tmp_path / "a.csv")))

    response = client_for(people["officer_in_2"]).post(URL, _mapping_post(token))

    assert response.status_code == 400
    assert "token: this upload is not yours" in response.content.decode()
    assert not HeritageSite.objects.exists()


def test_an_expired_upload_is_refused(people, tmp_path, settings):
    client = client_for(people["officer_in"])
    token = _token(_upload(client, unesco_csv(tmp_path / "whc-kz.csv")))
    settings.MURA_IMPORT_KEEP_SECONDS = -1

    response = client.post(URL, _mapping_post(token))

    assert response.status_code == 400
    assert "token: the upload has expired" in response.content.decode()


def test_old_kept_uploads_are_removed_by_the_next_upload(people, tmp_path, settings):
    old = f"{KEPT_FOLDER}/{int(time.time()) - 3 * 3600}-abandoned.csv"
    private_storage().save(old, ContentFile(b"lon,lat\n"))
    client = client_for(people["officer_in"])

    _upload(client, unesco_csv(tmp_path / "whc-kz.csv"))

    kept = _kept_files()
    assert len(kept) == 1
    assert "abandoned" not in kept[0]


@pytest.mark.parametrize("path", ["/etc/passwd", "../../x.csv"])
def test_the_kept_name_comes_from_the_signed_token_only(people, tmp_path, path):
    """A token is signed: a name put in by hand is not a token at all."""
    client = client_for(people["officer_in"])

    response = client.post(URL, _mapping_post(path))

    assert response.status_code == 400
    assert "token: not a valid upload token" in response.content.decode()


def _login(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_an_officer_maps_a_unesco_list_in_the_browser(live_site, page, screenshot, tmp_path):
    demo_accounts_ensure()
    base = live_site.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    _login(page, base, "officer", "mura-officer-demo")

    page.goto(f"{base}/officer/imports/")
    page.set_input_files("#id_file", str(unesco_csv(tmp_path / "whc-kz.csv", UNESCO_ROWS)))
    page.uncheck("#id_dry_run")
    page.click("#upload-form button[type=submit]")

    expect(page.locator("#preview tbody tr")).to_have_count(2)
    assert page.locator("#preview tbody").inner_text().count("Kazakhstan") == 2
    description = f"#id_column_{INDEX['short_description_en']}"
    assert page.locator(description).input_value() == "description_en"
    assert page.locator(f"#id_column_{INDEX['id_no']}").input_value() == "unesco_id"
    page.select_option(description, "")  # the officer leaves the long texts out
    screenshot(page, "import-mapping")
    page.click("#mapping-form button[value=import]")

    page.wait_for_selector("#report")
    assert "Imported 2 drafts." in page.locator("#report").inner_text()
    assert "short_description_en" in page.locator("#notes").inner_text()
    screenshot(page, "import-mapped-report")
    site = HeritageSite.objects.get(unesco_id=1103)
    assert not site.description_en
    assert site.designations.get().act_date.year == 2003
