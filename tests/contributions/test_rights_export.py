"""Access: a contributor downloads everything Mura holds about them (contributions/rights.py)."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from contributions.retention import retention_run
from contributions.rights import DATA_FILE
from tests.conftest import close_response
from tests.contributions.conftest import contributor_make
from tests.contributions.rights_world import EMAIL, NAME, world_make

pytestmark = pytest.mark.django_db


def _download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("rights-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mura-my-data.zip"'
    body = b"".join(response.streaming_content)
    close_response(response)
    return zipfile.ZipFile(io.BytesIO(body))


def test_the_export_holds_the_account_every_contribution_and_the_looks_at_the_address(
    client, officer
):
    world = world_make(officer)

    data = json.loads(_download(client, world.contributor.user).read(DATA_FILE))

    account = data["account"]
    assert (account["email"], account["display_name"]) == (EMAIL, NAME)
    assert account["joined_at"]
    assert [c["notice_version"] for c in account["consents"]] == ["1"]
    assert account["email_addresses"] == [{"email": EMAIL, "verified": True, "primary": True}]
    by_id = {item["id"]: item for item in data["contributions"]}
    assert set(by_id) == {item.pk for item in world.items.values()}
    observation = by_id[world.items["observation"].pk]
    assert observation["state"] == "accepted"
    assert observation["decision_reason"].startswith("Thank you")
    assert observation["condition_seen"] == "poor"
    assert observation["decided_by_display"] == (officer.get_full_name() or officer.username)
    report = by_id[world.items["report"].pk]
    assert report["location"]["coordinates"] == [68.3, 43.3]
    [look] = data["email_looks"]
    assert look["officer"] == (officer.get_full_name() or officer.username)
    assert look["looked_at"]
    assert look["contribution_id"] == world.items["report"].pk


def test_the_export_holds_their_photo_files_as_stored(client, officer):
    world = world_make(officer)

    archive = _download(client, world.contributor.user)

    data = json.loads(archive.read(DATA_FILE))
    photos = [item for item in data["contributions"] if item["kind"] == "photo"]
    assert len(photos) == 3
    for item in photos:
        stored = world.items[next(k for k, v in world.items.items() if v.pk == item["id"])]
        with stored.photo.open("rb") as original:
            assert archive.read(item["photo_file_in_archive"]) == original.read()


def test_the_export_explains_itself_in_kazakh_russian_and_english(client, officer):
    world = world_make(officer)

    readme = _download(client, world.contributor.user).read("README.txt").decode()

    assert "[kk]" in readme
    assert "[ru]" in readme
    assert "[en]" in readme
    assert DATA_FILE in readme
    assert "photos/" in readme


def test_items_pseudonymised_after_a_year_are_still_in_their_export(client, officer):
    world = world_make(officer)
    world.items["observation"].__class__.objects.filter(pk=world.items["observation"].pk).update(
        decided_at="2020-01-01T00:00:00Z"
    )
    retention_run()

    data = json.loads(_download(client, world.contributor.user).read(DATA_FILE))

    ids = {item["id"] for item in data["contributions"]}
    assert world.items["observation"].pk in ids


def test_only_the_signed_in_contributor_gets_an_export(client, officer):
    contributor_make()
    url = reverse("rights-export")

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(officer)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "contributor" in refused.content.decode() or refused.content
    assert client.post(url).status_code == 405


def test_the_export_log_line_names_only_the_contributor_id(client, officer, caplog):
    world = world_make(officer)
    caplog.set_level("INFO", logger="contributions")

    _download(client, world.contributor.user)

    [line] = [r.getMessage() for r in caplog.records if r.name == "contributions.rights"]
    assert f"contributor {world.contributor.pk}:" in line
    assert EMAIL not in caplog.text
    assert NAME not in caplog.text


def test_a_photo_lost_from_storage_leaves_the_rest_of_the_export_whole(client, officer):
    world = world_make(officer)
    lost = world.items["photo_rejected"]
    lost.photo.storage.delete(lost.photo.name)

    archive = _download(client, world.contributor.user)

    names = archive.namelist()
    assert f"photos/{lost.pk}-b.jpg" not in names
    assert f"photos/{world.items['photo_submitted'].pk}-a.jpg" in names
