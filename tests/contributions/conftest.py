"""Fixtures shared by the contribution tests (issue 16). Each part's own fixtures (the SMTP
server, the browser journey) live in their own modules, imported where they are used."""

import secrets

import pytest
from django.contrib.auth import get_user_model

from contributions.models import Contributor


def contributor_make(display_name: str = "Aigerim", email: str | None = None) -> Contributor:
    """A confirmed contributor as sign-up leaves one: a random username, never the address."""
    user = get_user_model().objects.create_user(
        username=f"c-{secrets.token_hex(8)}",
        email=email or f"{secrets.token_hex(4)}@example.kz",
        password=secrets.token_urlsafe(16),
    )
    return Contributor.objects.create(user=user, display_name=display_name)


@pytest.fixture
def contributor(db) -> Contributor:
    return contributor_make()
