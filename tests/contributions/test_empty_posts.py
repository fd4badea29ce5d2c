"""A form sent empty is refused (400) saying which field is missing, never shown again as new."""

import pytest
from django.urls import reverse

from tests.contributions.conftest import contributor_make
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def site(db):
    return HeritageSiteFactory(published=True, sensitivity="S0")


@pytest.mark.parametrize(
    ("route", "with_site"),
    [
        ("contribute-photo", True),
        ("contribute-observation", True),
        ("contribute-correction", True),
        ("contribute-report", False),
        ("rights-delete", False),
        ("account-consent", False),
    ],
)
def test_a_form_sent_empty_names_what_is_missing(client, site, route, with_site):
    client.force_login(contributor_make().user)
    url = reverse(route, args=[site.registry_number] if with_site else [])

    response = client.post(url, {}, **EN)

    assert response.status_code == 400
    text = response.content.decode()
    assert "This field is required" in text or "tick the box" in text
