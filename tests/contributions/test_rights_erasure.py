"""Erasure: a contributor deletes their account (contributions/rights.py); afterwards no byte of
their email address or display name is left in the database or the logs."""

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from contributions.models import Consent, Contribution, Contributor, EmailLook
from registry.models import SitePhoto
from registry.storage import private_storage
from tests.conftest import close_response
from tests.contributions.personal_data import log_output, personal_bytes_left  # noqa: F401
from tests.contributions.rights_world import EMAIL, NAME, PASSWORD, world_make

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def delete(client, django_capture_on_commit_callbacks):
    """Post the deletion form as the world's contributor; files go as the transaction commits."""

    def post(world, choice: str, password: str = PASSWORD):
        client.force_login(world.contributor.user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("rights-delete"), {"password": password, "public_photos": choice}
            )

    return post


def test_the_delete_page_asks_for_the_password_and_what_becomes_of_public_photos(
    client, delete, officer
):
    world = world_make(officer)
    client.force_login(world.contributor.user)

    with translation.override("en"):
        page = client.get(reverse("rights-delete"), headers={"accept-language": "en"})
    refused = delete(world, "keep", password="not it")

    assert page.status_code == 200
    assert "You have 1 accepted public photo." in page.content.decode()
    assert refused.status_code == 400
    assert refused.context["form"].errors["password"]
    assert Contributor.objects.filter(pk=world.contributor.pk).exists()


def test_the_choice_of_what_becomes_of_photos_is_required(client, delete, officer):
    world = world_make(officer)

    refused = delete(world, "")

    assert refused.status_code == 400
    assert refused.context["form"].errors["public_photos"]


def test_deletion_erases_the_account_and_signs_them_out_everywhere(client, delete, officer):
    world = world_make(officer)
    user_id = world.contributor.user_id
    other = client.__class__()
    other.force_login(world.contributor.user)  # a second browser

    response = delete(world, "keep")

    assert response.status_code == 302
    assert response["Location"] == reverse("rights-deleted")
    assert not Contributor.objects.filter(pk=world.contributor.pk).exists()
    assert not world.contributor.user.__class__.objects.filter(pk=user_id).exists()
    assert not Consent.objects.exists()
    assert not EmailAddress.objects.filter(user_id=user_id).exists()
    assert not AccessAttempt.objects.filter(username__iexact=EMAIL).exists()
    assert not any(
        str(s.get_decoded().get("_auth_user_id")) == str(user_id) for s in Session.objects.all()
    )
    assert other.get(reverse("rights-export")).status_code == 302  # to the login page


def test_what_was_never_accepted_goes_with_its_files(client, delete, officer):
    world = world_make(officer)
    gone = [world.items[k] for k in ("photo_submitted", "photo_rejected", "correction")]

    delete(world, "keep")

    assert not Contribution.objects.filter(pk__in=[i.pk for i in gone]).exists()
    for item in gone[:2]:
        assert not private_storage().exists(item.photo.name)


def test_accepted_record_items_stay_detached_with_names_taken_out_of_their_text(
    client, delete, officer
):
    world = world_make(officer)

    delete(world, "keep")

    observation = Contribution.objects.get(pk=world.items["observation"].pk)
    assert observation.contributor is None
    assert observation.pseudonym == ""
    assert observation.text == "Walked round it with […]; the north wall leans."
    assert observation.decision_reason == "Thank you, […]: an inspection is planned."
    report = Contribution.objects.get(pk=world.items["report"].pk)
    assert report.text == "Fresh pits by the mound."
    assert report.location is not None


def test_kept_photos_are_credited_to_an_anonymous_contributor_in_the_readers_language(
    client, delete, officer
):
    world = world_make(officer)

    delete(world, "keep")

    photo = SitePhoto.objects.get(pk=world.public_photo.pk)
    assert photo.is_public
    assert photo.licence == "CC-BY-4.0"
    assert {h.author for h in photo.history.all()} == {SitePhoto.ANONYMOUS_AUTHOR}
    url = reverse("maps:site-detail", args=[world.site.registry_number])
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Photo: anonymous contributor" in english
    with translation.override("ru"):
        assert photo.credit != "anonymous contributor"
        assert photo.credit


def test_removed_photos_leave_the_site_and_the_storage(client, delete, officer):
    world = world_make(officer)
    files = [world.public_photo.web.name, world.public_photo.thumbnail.name]

    delete(world, "remove")

    assert not SitePhoto.objects.filter(pk=world.public_photo.pk).exists()
    assert not Contribution.objects.filter(pk=world.items["photo_accepted"].pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert not private_storage().exists(world.items["photo_accepted"].photo.name)


def test_looks_at_the_address_keep_the_officer_and_time_but_lose_the_contributor(
    client, delete, officer
):
    world = world_make(officer)
    look = EmailLook.objects.get()

    delete(world, "keep")

    after = EmailLook.objects.get(pk=look.pk)
    assert (after.officer, after.looked_at) == (officer, look.looked_at)
    assert after.contributor is None
    assert after.reason == "To ask […] where the pits are"


def test_the_admin_action_erases_the_same_way(admin_client, officer):
    world = world_make(officer)

    admin_client.post(
        reverse("admin:contributions_contributor_changelist"),
        {"action": "erase_keep_photos", "_selected_action": [world.contributor.pk]},
    )

    assert not Contributor.objects.exists()
    assert Contribution.objects.filter(pk=world.items["observation"].pk).exists()
    assert personal_bytes_left(EMAIL, NAME) == []


def test_after_contributions_an_export_and_deletion_no_byte_of_email_or_name_remains(
    client,
    delete,
    officer,
    caplog,
    log_output,  # noqa: F811 (the fixture imported above)
):
    caplog.set_level("DEBUG")
    world = world_make(officer)
    assert personal_bytes_left(EMAIL, NAME)  # the scan finds them while they are there
    client.force_login(world.contributor.user)
    close_response(client.get(reverse("rights-export")))

    delete(world, "keep")

    assert personal_bytes_left(EMAIL, NAME, logs=[caplog, log_output]) == []
    erased = [r.getMessage() for r in caplog.records if r.name == "contributions.rights"]
    assert erased[-1].startswith(f"Account erased: contributor {world.contributor.pk} ")
    assert LogEntry.objects.filter(object_id=str(world.contributor.pk)).exists()
