"""Abuse of contributor accounts (issue 16): the anti-bot fields (a honeypot, a signed time the
form was shown), per-address limits on sign-up and sign-in posts (heritage/limits.py), axes's
lockout without any email address in its tables, and logs without addresses or names."""

import io
import logging
import re
import time

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse

from contributions.forms_account import form_stamp
from contributions.models import Contributor
from heritage.redaction import RedactPersonalData
from tests.contributions import smtp
from tests.contributions.conftest import contributor_make

# The SMTP server fixtures, by the names the tests ask for.
smtp_server, smtp_mail = smtp.smtp_server, smtp.smtp_mail
pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PASSWORD = "heritage-Ot1rar-2026"


def signup_form(**extra):
    return {
        "email": "bot.or.not@example.kz",
        "display_name": "Sholpan",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        "shown_at": form_stamp(time.time() - 10),
        "website": "",
    } | extra


def confirmed(email="sholpan@example.kz", name="Sholpan"):
    email = email.lower()  # as allauth keeps addresses
    contributor = contributor_make(display_name=name, email=email)
    contributor.user.set_password(PASSWORD)
    contributor.user.save()
    EmailAddress.objects.create(user=contributor.user, email=email, verified=True, primary=True)
    return contributor


def login(client, email, password=PASSWORD, **extra):
    form = {"login": email, "password": password, "shown_at": form_stamp(time.time() - 10)}
    return client.post(reverse("account_login"), form | extra, **EN)


def test_a_filled_honeypot_is_refused_with_a_message(client, smtp_mail):
    response = client.post(reverse("account_signup"), signup_form(website="http://spam"), **EN)

    assert response.status_code == 400
    assert "Leave the field “Leave this field empty” empty" in response.content.decode()
    assert not Contributor.objects.exists()
    assert smtp_mail.messages == []


def test_a_form_sent_faster_than_a_person_could_is_refused(client, settings, smtp_mail):
    settings.MURA_FORM_MIN_SECONDS = 3
    page = client.get(reverse("account_signup"), **EN).content.decode()
    stamp = re.search(r'name="shown_at" value="([^"]+)"', page).group(1)

    response = client.post(reverse("account_signup"), signup_form(shown_at=stamp), **EN)

    assert response.status_code == 400
    assert "sent too quickly" in response.content.decode()
    assert not Contributor.objects.exists()
    # The form shown again carries a fresh stamp: sent a few seconds later, it goes through.
    fresh = re.search(r'name="shown_at" value="([^"]+)"', response.content.decode()).group(1)
    assert fresh != stamp


def test_a_form_sent_after_a_few_seconds_goes_through(client, settings, smtp_mail):
    settings.MURA_FORM_MIN_SECONDS = 3

    response = client.post(reverse("account_signup"), signup_form(), **EN)

    assert response.status_code == 302
    assert Contributor.objects.count() == 1


@pytest.mark.parametrize("stamp", ["missing", "forged", "stale"])
def test_a_missing_forged_or_stale_stamp_is_refused(client, smtp_mail, stamp):
    stamp = {"missing": "", "forged": "1700000000", "stale": form_stamp(time.time() - 3 * 86400)}[
        stamp
    ]
    response = client.post(reverse("account_signup"), signup_form(shown_at=stamp), **EN)

    assert response.status_code == 400
    assert "This form has expired" in response.content.decode()


def test_a_bot_sign_in_is_refused_before_any_password_is_tried(client, settings):
    settings.MURA_FORM_MIN_SECONDS = 3
    confirmed()

    response = login(client, "sholpan@example.kz", shown_at=form_stamp())

    assert response.status_code == 400
    assert "sent too quickly" in response.content.decode()
    assert AccessAttempt.objects.count() == AccessFailureLog.objects.count() == 0


def test_sign_ups_per_address_are_limited(client, settings, smtp_mail):
    settings.MURA_RATES = settings.MURA_RATES | {"signup": "2/hour"}

    answers = [
        client.post(
            reverse("account_signup"), signup_form(email=f"n{i}@example.kz"), **EN
        ).status_code
        for i in range(3)
    ]

    assert answers == [302, 302, 429]
    assert Contributor.objects.count() == 2


@pytest.mark.parametrize("path", ["account_login", "account_reset_password"])
def test_sign_in_and_reset_posts_per_address_are_limited(client, settings, smtp_mail, path):
    settings.MURA_RATES = settings.MURA_RATES | {"login": "2/hour"}
    form = {"login": "x@example.kz", "email": "x@example.kz", "password": "wrong"}

    answers = [client.post(reverse(path), form, **EN).status_code for _ in range(3)]

    assert answers[-1] == 429
    assert answers[:2] != [429, 429]


def test_axes_keeps_no_email_address_after_a_failed_and_a_successful_login(client):
    confirmed(email="Sholpan.B@example.kz")

    assert login(client, "Sholpan.B@example.kz", "wrong-password").status_code == 400
    assert login(client, "sholpan.b@example.kz").status_code == 302

    rows = [
        *AccessAttempt.objects.values(),
        *AccessFailureLog.objects.values(),
        *AccessLog.objects.values(),
    ]
    assert len(rows) >= 2  # the failure and the success were recorded...
    text = repr(rows).lower()
    assert "sholpan" not in text  # ...without the address
    assert "example.kz" not in text


def test_axes_still_locks_out_an_address_and_account_after_repeated_failures(client, settings):
    confirmed()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "sholpan@example.kz", "wrong-password")

    response = login(client, "sholpan@example.kz")

    # Refused by axes (its lockout page) or, before it, by allauth's own per-address count.
    assert response.status_code in (400, 403, 429)
    assert response.status_code != 400 or "Too many failed sign-in attempts" in str(
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT


@pytest.fixture
def log_output():
    """What the project's own log handlers (settings.LOGGING, with the redaction filter) write."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalData) for f in h.filters)
    ]
    assert handlers
    buffer = io.StringIO()
    previous = [h.setStream(buffer) for h in handlers]
    yield buffer
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


def test_the_logs_hold_no_address_and_no_display_name(client, smtp_mail, log_output):
    client.post(
        reverse("account_signup"),
        signup_form(email="nomad.z@example.kz", display_name="Zhanibek Nomad"),
        **EN,
    )
    (message,) = smtp_mail.to("nomad.z@example.kz")
    (link,) = [u for u in smtp_mail.links(message) if "/confirm-email/" in u]
    client.post(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]), **EN)
    login(client, "nomad.z@example.kz", "wrong-password")
    login(client, "nomad.z@example.kz")
    client.post(reverse("account_reset_password"), {"email": "nomad.z@example.kz"}, **EN)

    logs = log_output.getvalue()
    assert "AXES" in logs  # the logs were captured
    assert "nomad" not in logs.lower()
    assert "Zhanibek" not in logs
