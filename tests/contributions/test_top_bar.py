"""The contributor's link in the public top bar (maps/templates/maps/base.html): "Sign in" for
a visitor (back to the page after), "Your account" for a contributor, nothing for staff; a plain
link, in the reader's language."""

import re

from django.urls import reverse

from tests.contributions.conftest import contributor_make
from tests.factories import HeritageSiteFactory

EN = {"accept-language": "en"}


def _link(page: str) -> str | None:
    found = re.search(r'<a class="account-link" id="account-link" href="([^"]+)"', page)
    return found and found[1]


def test_a_visitor_is_offered_to_sign_in_and_comes_back(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S0")
    page_url = reverse("maps:site-detail", args=[site.registry_number])
    page = client.get(page_url, headers=EN).content.decode()

    assert _link(page) == f"{reverse('account_login')}?next={page_url}"
    assert ">Sign in</span>" in page
    assert ">Кіру</span>" in client.get(page_url, headers={"accept-language": "kk"}).text


def test_a_contributor_is_offered_their_account(client, db):
    client.force_login(contributor_make("Aigerim").user)

    page = client.get(reverse("maps:home"), headers=EN).content.decode()

    assert _link(page) == reverse("account-me")
    assert ">Your account</span>" in page


def test_staff_are_offered_neither(client, officer):
    client.force_login(officer)

    assert _link(client.get(reverse("maps:home"), headers=EN).content.decode()) is None


def test_on_the_contributors_own_pages_the_link_does_not_come_back_to_them(client, db):
    page = client.get(reverse("account_signup"), headers=EN).content.decode()

    assert _link(page) == reverse("account_login")
