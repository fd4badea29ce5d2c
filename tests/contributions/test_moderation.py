"""Moderation (issue 16): the queue of one's regions only, one decision per item, what accepting
does for each kind, and the contributor's address shown only by a logged look."""

import html
import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contributions.models import Contribution, EmailLook
from registry.models import ChangeRequest, SitePhoto
from tests.contributions.conftest import contributor_make
from tests.contributions.contrib_helpers import (
    EN,
    decide,
    has_metadata,
    officer_of,
    send_observation,
    send_photo,
    send_report,
)
from tests.factories import HeritageSiteFactory

ALMATY = Point(76.9453, 43.2381, srid=4326)  # the city of Almaty, KZ75
EMAIL = "aigerim.contributes@example.kz"


@pytest.fixture
def site(db):
    return HeritageSiteFactory(
        published=True, sensitivity="S0", location=ALMATY.clone(), name_en="Zenkov cathedral"
    )


@pytest.fixture
def item(client, site):
    """An observation sent by Aigerim to the Almaty site; the client is signed out after."""
    sender = contributor_make("Aigerim", EMAIL)
    client.force_login(sender.user)
    send_observation(client, site, note="Cracks on the north wall")
    client.logout()
    return Contribution.objects.get()


@pytest.fixture
def moderator(client, db):
    user = officer_of("KZ75")
    client.force_login(user)
    return user


def test_the_queue_lists_only_the_officers_regions(client, item):
    client.force_login(officer_of("KZ61"))
    elsewhere = client.get(reverse("moderation-queue")).content.decode()
    client.force_login(officer_of("KZ75"))
    here = client.get(reverse("moderation-queue")).content.decode()

    detail = reverse("moderation-detail", args=[item.pk])
    assert detail in here
    assert "Aigerim" in here
    assert detail not in elsewhere
    assert "Aigerim" not in elsewhere


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_staff_outside_the_region_cannot_open_decide_or_look(client, item, role):
    client.force_login(officer_of("KZ61", role=role))

    assert client.get(reverse("moderation-detail", args=[item.pk])).status_code == 404
    assert decide(client, item, "accept").status_code == 404
    email = client.post(reverse("moderation-email", args=[item.pk]), {"reason": "reply"})
    assert email.status_code == 404
    assert Contribution.objects.get().state == "submitted"
    assert not EmailLook.objects.exists()


def test_a_contributor_cannot_open_the_queue(client, item):
    client.force_login(contributor_make("Other").user)

    assert client.get(reverse("moderation-queue")).status_code == 403
    assert client.get(reverse("moderation-detail", args=[item.pk])).status_code == 403


def test_a_reviewer_of_the_region_moderates_too(client, item):
    client.force_login(officer_of("KZ75", role="reviewer"))

    assert decide(client, item, "reject", "Not this site").status_code == 302


def test_officers_see_the_display_name_not_the_email(client, item, moderator):
    page = client.get(reverse("moderation-detail", args=[item.pk])).content.decode()

    assert "Aigerim" in page
    assert "Cracks on the north wall" in page
    assert EMAIL not in page
    assert "aigerim.contributes" not in page


def test_showing_the_email_needs_a_reason_and_is_logged(client, item, moderator):
    url = reverse("moderation-email", args=[item.pk])

    refused = client.post(url, {"reason": ""})
    shown = client.post(url, {"reason": "Ask for a photo of the crack"})

    assert refused.status_code == 400
    assert EMAIL not in refused.content.decode()
    assert shown.status_code == 200
    assert EMAIL in shown.content.decode()
    look = EmailLook.objects.get()
    assert (look.officer, look.contribution_id) == (moderator, item.pk)
    assert look.contributor == item.contributor
    assert look.reason == "Ask for a photo of the crack"
    assert look.looked_at is not None


def test_a_rejection_needs_a_reason_which_the_contributor_reads(client, item, moderator):
    without = decide(client, item, "reject")
    rejected = decide(client, item, "reject", "The photo shows another building")
    client.force_login(item.contributor.user)
    mine = client.get(reverse("contribute-mine"), headers=EN).content.decode()

    assert without.status_code == 400
    assert rejected.status_code == 302
    assert "Rejected" in mine
    assert "The photo shows another building" in mine


def test_a_second_decision_is_a_conflict(client, item, moderator):
    decide(client, item, "accept")

    response = client.post(
        reverse("moderation-decide", args=[item.pk]),
        {"decision": "reject", "reason": "Changed my mind"},
        headers=EN,
    )

    assert response.status_code == 409
    assert "already decided" in response.content.decode()
    assert Contribution.objects.get().state == "accepted"


def test_accepting_a_photo_publishes_it_credited_by_the_officer(client, site, moderator):
    sender = contributor_make("Aigerim", EMAIL)
    client.force_login(sender.user)
    send_photo(client, site, caption="West front")
    item = Contribution.objects.get()
    page = reverse("maps:site-detail", args=[site.registry_number])
    client.logout()
    before = client.get(page, headers=EN).content.decode()
    client.force_login(moderator)

    assert decide(client, item, "accept").status_code == 302

    photo = SitePhoto.objects.get()
    assert (photo.author, photo.licence, photo.is_public) == ("A. Nurova", "CC-BY-SA-4.0", True)
    assert photo.uploaded_by == moderator
    assert photo.site_id == site.pk
    assert Contribution.objects.get().accepted_photo == photo
    client.logout()
    after = client.get(page, headers=EN).content.decode()
    assert "A. Nurova" not in before
    assert "A. Nurova" in after
    assert "CC BY-SA 4.0" in after
    for copy in (photo.original, photo.web, photo.thumbnail):
        with copy.open("rb") as stored:
            assert has_metadata(stored.read()) == []


def test_accepting_a_correction_opens_a_change_request(client, site, moderator):
    sender = contributor_make()
    client.force_login(sender.user)
    url = reverse("contribute-correction", args=[site.registry_number])
    client.post(url, {"field": "name_en", "text": "Ascension Cathedral"})
    item = Contribution.objects.get()
    client.force_login(moderator)

    assert decide(client, item, "accept", "Its usual name").status_code == 302

    change = ChangeRequest.objects.get()
    assert change.proposed == {"name_en": "Ascension Cathedral"}
    assert change.created_by == moderator
    assert change.state == "open"
    site.refresh_from_db()
    assert site.name_en == "Zenkov cathedral"  # public only once a reviewer approves


def test_an_accepted_observation_offers_an_inspection_prefilled(client, item, moderator):
    decide(client, item, "accept")
    detail = client.get(reverse("moderation-detail", args=[item.pk])).content.decode()

    start = reverse("registry:inspection-new", args=[item.site.reference])
    assert start in detail
    link = detail.split(f'href="{start}')[1].split('"')[0].replace("&amp;", "&")
    form = client.get(start + link)
    assert form.status_code == 200
    assert form.context["form"].initial["condition"] == "poor"
    assert [f.initial for f in form.context["threats"].initial_forms] == [{"threat": "looting"}]
    assert "Cracks" not in link  # the note stays on the contribution's page, not in the address


def test_a_report_is_moderated_by_the_region_of_its_point(client, db):
    sender = contributor_make()
    client.force_login(sender.user)
    send_report(client, 43.2381, 76.9453, report_kind="unrecorded")
    item = Contribution.objects.get()
    client.force_login(officer_of("KZ61"))
    elsewhere = client.get(reverse("moderation-detail", args=[item.pk])).status_code
    client.force_login(officer_of("KZ75"))
    here = client.get(reverse("moderation-detail", args=[item.pk]))

    assert elsewhere == 404
    assert here.status_code == 200
    assert "43.238100" in here.content.decode()
    assert decide(client, item, "accept").status_code == 302


def test_the_photo_sent_is_shown_to_its_moderators_only(client, site, moderator):
    sender = contributor_make("Aigerim", EMAIL)
    client.force_login(sender.user)
    send_photo(client, site)
    item = Contribution.objects.get()
    photo_url = reverse("moderation-photo", args=[item.pk])
    client.force_login(moderator)
    detail = client.get(reverse("moderation-detail", args=[item.pk]), headers=EN)
    served = client.get(photo_url)
    data = b"".join(served.streaming_content)
    client.force_login(officer_of("KZ61"))
    elsewhere = client.get(photo_url)

    assert detail.status_code == 200
    assert photo_url in detail.content.decode()
    assert "A. Nurova" in detail.content.decode()
    assert EMAIL not in detail.content.decode()
    assert served.status_code == 200
    assert data.startswith(b"\xff\xd8")
    assert has_metadata(data) == []
    assert elsewhere.status_code == 404


def test_a_correction_to_a_site_with_an_open_change_request_waits(client, site, moderator):
    sender = contributor_make()
    client.force_login(sender.user)
    url = reverse("contribute-correction", args=[site.registry_number])
    client.post(url, {"field": "name_en", "text": "Ascension Cathedral"})
    client.post(url, {"field": "name_ru", "text": "Вознесенский собор"})
    first, second = Contribution.objects.order_by("pk")
    client.force_login(moderator)

    decide(client, first, "accept")
    response = client.post(
        reverse("moderation-decide", args=[second.pk]), {"decision": "accept"}, headers=EN
    )

    assert response.status_code == 400
    assert "already proposed a change" in response.content.decode()
    assert Contribution.objects.get(pk=second.pk).state == "submitted"
    assert ChangeRequest.objects.count() == 1


def test_the_queue_costs_the_same_queries_for_one_item_or_many(client, site, moderator):
    sender = contributor_make()
    client.force_login(sender.user)
    send_observation(client, site)
    client.force_login(moderator)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("moderation-queue"))
    client.force_login(sender.user)
    for _ in range(4):
        send_observation(client, site)
    client.force_login(moderator)
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("moderation-queue"))

    assert page.content.decode().count("/officer/contributions/") >= 5
    assert len(five) == len(one)


def _form_on(page: str, form_id: str) -> tuple[str, dict[str, str]]:
    """A form of the page as a browser would post it: its action and its hidden fields."""
    form = re.search(rf'<form[^>]*action="([^"]+)"[^>]*id="{form_id}">(.*?)</form>', page, re.S)
    assert form, f"no #{form_id} on the page"
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form[2])
    return html.unescape(form[1]), {name: html.unescape(value) for name, value in hidden}


def test_an_officer_suspends_and_reinstates_the_contributor_from_the_moderation_page(
    client, item, moderator
):
    detail = reverse("moderation-detail", args=[item.pk])
    page = client.get(detail, headers=EN).content.decode()
    action, fields = _form_on(page, "suspend-form")
    assert action == reverse("account-suspend", args=[item.contributor.pk])

    refused = client.post(action, fields | {"reason": " "}, headers=EN)
    assert refused.status_code == 400
    assert "Reason: say why the account is suspended." in refused.content.decode()
    item.contributor.refresh_from_db()
    assert item.contributor.suspended_at is None

    done = client.post(action, fields | {"reason": "Sends the same photo forty times"})
    assert done.status_code == 302
    assert done["Location"] == detail
    item.contributor.refresh_from_db()
    assert item.contributor.suspended_at is not None
    assert item.contributor.suspended_by == moderator
    assert item.contributor.suspension_reason == "Sends the same photo forty times"

    page = client.get(detail, headers=EN).content.decode()
    assert "Suspended since" in page
    assert "Sends the same photo forty times" in page
    assert 'id="suspend-form"' not in page
    action, fields = _form_on(page, "reinstate-form")
    assert client.post(action, fields).status_code == 302
    item.contributor.refresh_from_db()
    assert item.contributor.suspended_at is None
    assert 'id="suspend-form"' in client.get(detail).content.decode()


def test_a_reviewer_is_offered_no_suspension(client, item):
    client.force_login(officer_of("KZ75", role="reviewer"))
    page = client.get(reverse("moderation-detail", args=[item.pk])).content.decode()

    assert 'id="suspend-form"' not in page
    assert reverse("account-suspend", args=[item.contributor.pk]) not in page
