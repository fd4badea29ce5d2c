"""Fixtures shared by the contribution tests (issue 16). Each part's own fixtures (the SMTP
server, the browser journey) live in their own modules, imported where they are used."""

import secrets

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from contributions.models import Consent, Contributor


def contributor_make(
    display_name: str = "Aigerim", email: str | None = None, *, consent: bool = True
) -> Contributor:
    """A contributor as sign-up leaves one: a random username, never the address, and (unless
    `consent=False`) their consent to the privacy notice in force."""
    user = get_user_model().objects.create_user(
        username=f"c-{secrets.token_hex(8)}",
        email=email or f"{secrets.token_hex(4)}@example.kz",
        password=secrets.token_urlsafe(16),
    )
    contributor = Contributor.objects.create(user=user, display_name=display_name)
    if consent:
        Consent.objects.create(
            contributor=contributor, notice_version=settings.MURA_PRIVACY_NOTICE_VERSION
        )
    return contributor


@pytest.fixture
def contributor(db) -> Contributor:
    return contributor_make()
