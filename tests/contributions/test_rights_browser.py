"""The deletion page in a real browser: the contributor chooses to keep their public photo
anonymously, confirms with their password, and nothing of them is left (screenshots for the
README: contributor-delete-*.png)."""

from django.test import Client
from playwright.sync_api import expect

from contributions.models import Contributor
from registry.models import SitePhoto
from registry.services.demo import demo_accounts_ensure
from tests.contributions.personal_data import log_output, personal_bytes_left  # noqa: F401
from tests.contributions.rights_world import EMAIL, NAME, PASSWORD, world_make


def _signed_in(page, base, user, language):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base},
        {"name": "django_language", "value": language, "url": base},
    ])  # fmt: skip


def test_a_contributor_deletes_their_account_keeping_their_photo_anonymously(
    live_site,
    page,
    screenshot,
    caplog,
    log_output,  # noqa: F811 (the fixture imported above)
):
    world = world_make(demo_accounts_ensure()["officer"])
    base = live_site.url
    _signed_in(page, base, world.contributor.user, "en")

    page.goto(f"{base}/contributors/me/delete/")
    expect(page.locator("main")).to_contain_text("You have 1 accepted public photo.")
    page.check("input[name=public_photos][value=keep]")
    page.fill("input[name=password]", PASSWORD)
    screenshot(page, "contributor-delete-en")
    with page.expect_navigation():
        page.click("main button[type=submit]")

    expect(page.locator("h1")).to_have_text("Your account is deleted")
    screenshot(page, "contributor-deleted-en")
    assert not Contributor.objects.exists()
    assert SitePhoto.objects.get(pk=world.public_photo.pk).is_public
    page.goto(f"{base}/sites/{world.site.registry_number}/")
    expect(page.locator(".photo-credit").first).to_contain_text("anonymous contributor")
    assert personal_bytes_left(EMAIL, NAME, logs=[caplog, log_output]) == []


def test_the_deletion_page_in_kazakh(live_site, page, screenshot):
    world = world_make(demo_accounts_ensure()["officer"])
    _signed_in(page, live_site.url, world.contributor.user, "kk")

    page.goto(f"{live_site.url}/contributors/me/delete/")

    expect(page.locator("h1")).to_have_text("Тіркелгімді жою")
    screenshot(page, "contributor-delete-kk")
