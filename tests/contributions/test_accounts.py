"""Contributor accounts (issue 16): sign up, confirm by a link that arrives by SMTP, sign in by
email, sign out, reset a password; the username is never the address; officers keep their own
login. Mail goes to a real SMTP server on loopback (tests/contributions/smtp.py)."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from contributions.models import Consent, Contributor
from tests.contributions import smtp
from tests.contributions.conftest import contributor_make

# The SMTP server fixtures, by the names the tests ask for.
smtp_server, smtp_mail = smtp.smtp_server, smtp.smtp_mail
pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PASSWORD = "heritage-Ot1rar-2026"


def sign_up(client, email="aigerim.n@example.kz", name="Aigerim N.", **extra):
    form = {
        "email": email,
        "display_name": name,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        "shown_at": signup_stamp(client),
        "website": "",
    } | extra
    return client.post(reverse("account_signup"), form, **EN)


def signup_stamp(client) -> str:
    page = client.get(reverse("account_signup"), **EN).content.decode()
    return re.search(r'name="shown_at" value="([^"]+)"', page).group(1)


def sign_in(client, email, password=PASSWORD, page="account_login"):
    html = client.get(reverse(page), **EN).content.decode()
    stamp = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    form = {"login": email, "password": password, "shown_at": stamp, "website": ""}
    return client.post(reverse("account_login"), form, **EN)


def confirmation_path(inbox, email) -> str:
    (message,) = inbox.to(email)
    (link,) = [u for u in inbox.links(message) if "/contributors/confirm-email/" in u]
    return urlsplit(link).path


def test_sign_up_sends_a_link_by_smtp_that_confirms_the_address(client, smtp_mail):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    (message,) = smtp_mail.to("aigerim.n@example.kz")
    assert message["Subject"] == "Mura: Confirm your email address"
    assert smtp_mail.envelopes[0][1] == ["aigerim.n@example.kz"]
    path = confirmation_path(smtp_mail, "aigerim.n@example.kz")
    page = client.get(path, **EN)
    assert b"Confirm that aigerim.n@example.kz is your address" in page.content
    assert not EmailAddress.objects.get(email="aigerim.n@example.kz").verified

    confirmed = client.post(path, **EN)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="aigerim.n@example.kz").verified


def test_a_confirmed_contributor_signs_in_by_email_sees_their_account_and_signs_out(
    client, smtp_mail
):
    sign_up(client)
    client.post(confirmation_path(smtp_mail, "aigerim.n@example.kz"), **EN)

    signed_in = sign_in(client, "Aigerim.N@example.kz")

    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("account-me")
    page = client.get(reverse("account-me"), **EN).content.decode()
    assert "aigerim.n@example.kz" in page  # the owner sees their address
    assert 'value="Aigerim N."' in page
    client.post(reverse("account_logout"), **EN)
    assert client.get(reverse("account-me"), **EN).status_code == 302


def test_an_unconfirmed_account_cannot_sign_in_and_gets_a_new_link(client, smtp_mail):
    sign_up(client)
    cache.clear()  # past allauth's 3-minute cooldown between two links to one address

    response = sign_in(client, "aigerim.n@example.kz")

    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(smtp_mail.to("aigerim.n@example.kz")) == 2


def test_the_username_is_a_random_token_never_the_address_or_the_name(client, smtp_mail):
    sign_up(client, email="nurlan.k@example.kz", name="Nurlan")

    user = get_user_model().objects.get(email="nurlan.k@example.kz")
    assert re.fullmatch(r"c-[0-9a-f]{16}", user.username)
    assert "nurlan" not in user.username.lower()
    assert user.first_name == user.last_name == ""


def test_sign_up_records_the_contributor_and_consent_to_the_current_notice(
    client, smtp_mail, settings
):
    settings.MURA_PRIVACY_NOTICE_VERSION = "2026-12"
    sign_up(client)

    contributor = Contributor.objects.get(user__email="aigerim.n@example.kz")
    assert contributor.display_name == "Aigerim N."
    assert list(contributor.consents.values_list("notice_version", flat=True)) == ["2026-12"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"consent": ""}, "consent", "Consent: tick the box"),
        ({"display_name": ""}, "display_name", "This field is required"),
        ({"display_name": "me@example.kz"}, "display_name", "do not use an email address"),
        ({"email": "not-an-address"}, "email", "valid email address"),
    ],
)
def test_a_sign_up_with_bad_input_is_refused_naming_the_field(
    client, smtp_mail, change, field, message
):
    response = sign_up(client, **change)

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not Contributor.objects.exists()
    assert smtp_mail.messages == []


def test_signing_up_again_with_a_known_address_says_nothing_but_mails_its_owner(client, smtp_mail):
    contributor_make(email="known@example.kz")

    response = sign_up(client, email="known@example.kz")

    assert response["Location"] == reverse("account_email_verification_sent")
    assert Contributor.objects.count() == 1
    (message,) = smtp_mail.to("known@example.kz")
    assert "already has an account" in smtp_mail.text(message)


def test_a_password_is_reset_by_a_link_sent_by_smtp(client, smtp_mail):
    contributor = contributor_make(email="reset.me@example.kz")
    EmailAddress.objects.create(
        user=contributor.user, email="reset.me@example.kz", verified=True, primary=True
    )
    html = client.get(reverse("account_reset_password"), **EN).content.decode()
    stamp = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)

    sent = client.post(
        reverse("account_reset_password"),
        {"email": "reset.me@example.kz", "shown_at": stamp, "website": ""},
        **EN,
    )

    assert sent["Location"] == reverse("account_reset_password_done")
    (message,) = smtp_mail.to("reset.me@example.kz")
    (link,) = [u for u in smtp_mail.links(message) if "/password/reset/key/" in u]
    form_page = client.get(urlsplit(link).path, follow=True, **EN)
    assert b"new-password-form" in form_page.content
    new = "another-Turk1stan-pw"
    changed = client.post(
        form_page.redirect_chain[-1][0], {"password1": new, "password2": new}, **EN
    )
    assert changed.status_code == 302
    assert sign_in(client, "reset.me@example.kz", new)["Location"] == reverse("account-me")


def test_a_staff_account_neither_signs_in_nor_resets_here(client, smtp_mail, officer):
    officer.email = "officer@example.kz"
    officer.set_password(PASSWORD)
    officer.save()
    EmailAddress.objects.create(user=officer, email=officer.email, verified=True, primary=True)

    refused = sign_in(client, "officer@example.kz")

    assert refused.status_code == 400
    assert "_auth_user_id" not in client.session
    html = client.get(reverse("account_reset_password"), **EN).content.decode()
    stamp = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    client.post(
        reverse("account_reset_password"),
        {"email": officer.email, "shown_at": stamp, "website": ""},
        **EN,
    )
    assert smtp_mail.messages == []


def test_officers_keep_their_own_login_page(client, officer):
    officer.set_password(PASSWORD)
    officer.save()

    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": officer.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/officer/"


def test_the_pages_speak_kazakh_by_default(client):
    page = client.get(reverse("account_signup")).content.decode()

    assert 'lang="kk"' in page
    assert "Sign up" not in page


def test_consent_rows_are_not_repeated(client, smtp_mail):
    sign_up(client)
    assert Consent.objects.count() == 1


def test_an_account_keeps_one_address_and_can_ask_for_the_link_again(client, smtp_mail):
    sign_up(client)
    user = get_user_model().objects.get(email="aigerim.n@example.kz")
    client.force_login(user)
    page = client.get(reverse("account_email"), **EN).content.decode()
    assert "not confirmed yet" in page

    client.post(reverse("account_email"), {"email": "second@example.kz", "action_add": ""}, **EN)
    cache.clear()  # past allauth's cooldown between two links
    client.post(
        reverse("account_email"), {"email": "aigerim.n@example.kz", "action_send": ""}, **EN
    )

    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["aigerim.n@example.kz"]
    assert smtp_mail.to("second@example.kz") == []
    assert len(smtp_mail.to("aigerim.n@example.kz")) == 2


def test_a_suspended_contributor_can_still_sign_in(client, smtp_mail, officer):
    from contributions.accounts import contributor_suspend

    sign_up(client)
    client.post(confirmation_path(smtp_mail, "aigerim.n@example.kz"), **EN)
    contributor = Contributor.objects.get(user__email="aigerim.n@example.kz")
    contributor_suspend(contributor=contributor, by=officer, reason="Spam")

    assert sign_in(client, "aigerim.n@example.kz")["Location"] == reverse("account-me")
    assert b"account-suspended" in client.get(reverse("account-me"), **EN).content


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("kk", "Mura: Электрондық пошта мекенжайыңызды растаңыз"),
        ("ru", "Mura: Подтвердите адрес электронной почты"),
    ],
)
def test_the_mail_speaks_the_language_of_the_page(client, smtp_mail, language, subject):
    form = {
        "email": "til@example.kz",
        "display_name": "Til",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        "shown_at": signup_stamp(client),
    }

    client.post(reverse("account_signup"), form, HTTP_ACCEPT_LANGUAGE=language)

    (message,) = smtp_mail.to("til@example.kz")
    assert message["Subject"] == subject
    assert "/contributors/confirm-email/" in smtp_mail.text(message)
