"""In a real browser (no JavaScript needed by these pages): a visitor signs up, the confirmation
arrives at the SMTP server on loopback, they open its link, confirm, sign in by email and see
their account page; then sign out."""

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from contributions.models import Contributor
from tests.contributions import smtp

# The SMTP server fixtures, by the names the tests ask for.
smtp_server, smtp_mail = smtp.smtp_server, smtp.smtp_mail


def test_sign_up_confirm_by_mail_and_sign_in(live_site, page, smtp_mail, screenshot):
    base = live_site.url
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    page.goto(f"{base}/contributors/signup/")
    page.fill("#id_email", "dana.s@example.kz")
    page.fill("#id_display_name", "Dana S.")
    page.fill("#id_password1", "heritage-Ot1rar-2026")
    page.fill("#id_password2", "heritage-Ot1rar-2026")
    page.check("#id_consent")
    screenshot(page, "contributor-signup")
    with page.expect_navigation():
        page.click("#signup-form button[type=submit]")
    expect(page.locator("#verification-sent")).to_contain_text("We have sent you a message")

    (message,) = smtp_mail.to("dana.s@example.kz")
    (link,) = [u for u in smtp_mail.links(message) if "/contributors/confirm-email/" in u]
    assert link.startswith(base)
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Confirm that dana.s@example.kz")
    with page.expect_navigation():
        page.click("#confirm-form button[type=submit]")
    assert EmailAddress.objects.get(email="dana.s@example.kz").verified

    page.fill("#id_login", "dana.s@example.kz")
    page.fill("#id_password", "heritage-Ot1rar-2026")
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")
    assert page.url == f"{base}/contributors/me/"
    expect(page.locator("#account-email")).to_contain_text("dana.s@example.kz")
    expect(page.locator("#id_display_name")).to_have_value("Dana S.")
    screenshot(page, "contributor-account")
    assert Contributor.objects.get(user__email="dana.s@example.kz").consents.count() == 1

    with page.expect_navigation():
        page.click("main form[action$='/logout/'] button")
    page.goto(f"{base}/contributors/me/")
    assert "/contributors/login/" in page.url
