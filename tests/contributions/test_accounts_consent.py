"""Consent to the privacy notice's version, the account page, and officers suspending an
account (issue 16). `consent_required` is what every contributor page that sends uses; here it
guards the account page's one post, changing the display name."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from contributions.accounts import consent_required, contributor_suspend
from contributions.models import Consent, Contribution, Contributor
from registry.models import AdminArea, RegionAssignment
from tests.contributions.conftest import contributor_make

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def agreed(settings):
    settings.MURA_PRIVACY_NOTICE_VERSION = "2026-12"
    contributor = contributor_make(
        display_name="Aigerim", email="aigerim@example.kz", consent=False
    )
    Consent.objects.create(contributor=contributor, notice_version="2026-12")
    return contributor


def rename(client, name="Aigerim K."):
    return client.post(reverse("account-me"), {"display_name": name}, **EN)


def test_the_account_page_shows_its_owner_their_address_and_the_links(client, agreed):
    client.force_login(agreed.user)

    page = client.get(reverse("account-me"), **EN).content.decode()

    assert "aigerim@example.kz" in page
    assert 'value="Aigerim"' in page
    assert reverse("account-privacy") in page
    assert reverse("account_change_password") in page


def test_the_display_name_is_changed_on_the_account_page(client, agreed):
    client.force_login(agreed.user)

    response = rename(client)

    assert response.status_code == 302
    agreed.refresh_from_db()
    assert agreed.display_name == "Aigerim K."


def test_a_bad_display_name_is_refused_naming_the_field(client, agreed):
    client.force_login(agreed.user)

    response = rename(client, "")

    assert response.status_code == 400
    assert "This field is required" in str(response.context["form"].errors["display_name"])


def test_a_new_notice_version_asks_for_consent_before_anything_is_sent(client, agreed, settings):
    settings.MURA_PRIVACY_NOTICE_VERSION = "2027-06"
    client.force_login(agreed.user)

    asked = rename(client)

    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("account-consent") + "?next=")
    agreed.refresh_from_db()
    assert agreed.display_name == "Aigerim"
    page = client.get(asked["Location"], **EN).content.decode()
    assert "has changed since you agreed" in page
    refused = client.post(reverse("account-consent"), {"next": "/contributors/me/"}, **EN)
    assert refused.status_code == 400
    assert "Consent: tick the box" in refused.content.decode()

    agreed_now = client.post(
        reverse("account-consent"), {"consent": "on", "next": "/contributors/me/"}, **EN
    )

    assert agreed_now["Location"] == "/contributors/me/"
    versions = agreed.consents.values_list("notice_version", flat=True)
    assert sorted(versions) == ["2026-12", "2027-06"]
    assert rename(client).status_code == 302


def test_consent_never_redirects_off_the_site(client, agreed):
    client.force_login(agreed.user)

    response = client.post(
        reverse("account-consent"), {"consent": "on", "next": "https://evil.example/"}, **EN
    )

    assert response["Location"] == reverse("account-me")


def test_consent_required_sends_a_stranger_to_sign_in(client):
    response = rename(client)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_consent_required_refuses_a_staff_account(client, officer):
    client.force_login(officer)

    assert rename(client).status_code == 403


def test_a_suspended_contributor_is_told_so_and_cannot_send(client, agreed, officer):
    contributor_suspend(contributor=agreed, by=officer, reason="Spam photos")
    client.force_login(agreed.user)

    refused = rename(client)

    assert refused.status_code == 403
    text = refused.content.decode()
    assert "Your account is suspended: you cannot send anything" in text
    assert "Spam photos" in text
    page = client.get(reverse("account-me"), **EN)  # still signed in, still sees the page
    assert page.status_code == 200
    assert "account-suspended" in page.content.decode()


def test_consent_required_passes_the_contributor_to_the_view(rf, agreed):
    seen = []
    view = consent_required(lambda request: seen.append(request.contributor) or "ok")
    request = rf.get("/contribute/")
    request.user = agreed.user

    assert view(request) == "ok"
    assert seen == [agreed]


@pytest.fixture
def sent(agreed):
    """Something the contributor sent, to the first region: the officers of that region see
    them, and may suspend them."""
    region = AdminArea.objects.filter(level=AdminArea.Level.REGION).order_by("pk").first()
    return Contribution.objects.create(
        contributor=agreed, kind="report", report_kind="looting", region=region
    )


def test_an_officer_suspends_and_reinstates_a_contributor(client, agreed, officer, sent):
    client.force_login(officer)
    url = reverse("account-suspend", args=[agreed.pk])

    suspended = client.post(url, {"reason": "Abusive reports", "next": "/officer/"}, **EN)

    assert suspended["Location"] == "/officer/"
    agreed.refresh_from_db()
    assert agreed.suspended_at is not None
    assert agreed.suspended_by == officer
    assert agreed.suspension_reason == "Abusive reports"
    client.post(url, {"action": "reinstate"}, **EN)
    agreed.refresh_from_db()
    assert agreed.suspended_at is None


def test_a_suspension_needs_a_reason(client, agreed, officer, sent):
    client.force_login(officer)

    response = client.post(reverse("account-suspend", args=[agreed.pk]), {"reason": " "}, **EN)

    assert response.status_code == 400
    assert "Reason: say why" in response.content.decode()
    agreed.refresh_from_db()
    assert agreed.suspended_at is None


def test_an_officer_of_another_region_cannot_suspend(client, agreed, sent, users):
    elsewhere = AdminArea.objects.filter(level=AdminArea.Level.REGION).exclude(pk=sent.region_id)
    stranger = get_user_model().objects.create_user(username="officer-elsewhere")
    stranger.groups.add(Group.objects.get(name="officer"))
    RegionAssignment.objects.create(user=stranger, region=elsewhere.first())
    client.force_login(stranger)

    response = client.post(reverse("account-suspend", args=[agreed.pk]), {"reason": "x"})

    assert response.status_code == 404
    agreed.refresh_from_db()
    assert agreed.suspended_at is None


@pytest.mark.parametrize("who", ["anonymous", "contributor", "researcher"])
def test_only_officers_and_administrators_suspend(client, agreed, users, who):
    if who == "contributor":
        client.force_login(contributor_make().user)
    elif who == "researcher":
        client.force_login(users["researcher"])

    response = client.post(reverse("account-suspend", args=[agreed.pk]), {"reason": "x"})

    assert response.status_code == 403
    agreed.refresh_from_db()
    assert agreed.suspended_at is None


def test_the_admin_suspends_and_reinstates_by_an_action(client, agreed, users):
    client.force_login(users["admin"])
    url = reverse("admin:contributions_contributor_changelist")

    client.post(url, {"action": "suspend", "_selected_action": [agreed.pk]})

    agreed.refresh_from_db()
    assert agreed.suspended_at is not None
    assert agreed.suspended_by == users["admin"]
    page = client.get(url, **EN).content.decode()
    assert "aigerim@example.kz" not in page
    client.post(url, {"action": "reinstate", "_selected_action": [agreed.pk]})
    assert Contributor.objects.get(pk=agreed.pk).suspended_at is None


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ["7 күн", "30 күн", "Қазақстан Республикасындағы"]),
        ("ru", ["7 дней", "30 дней", "в Республике Казахстан"]),
        ("en", ["7 days", "30 days", "Republic of Kazakhstan"]),
    ],
)
def test_the_privacy_notice_in_each_language_says_its_version_and_retention(
    client, settings, language, words
):
    settings.MURA_PRIVACY_NOTICE_VERSION = "2026-12"

    page = client.get(reverse("account-privacy"), HTTP_ACCEPT_LANGUAGE=language)

    text = page.content.decode()
    assert page.status_code == 200
    assert f'lang="{language}"' in text
    assert "2026-12" in text
    for word in words:
        assert word in text
