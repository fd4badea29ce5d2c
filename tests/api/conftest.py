import pytest
from rest_framework.authtoken.models import Token


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    """Throttling has its own test; elsewhere many requests come from one address."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {scope: "100000/min" for scope in rates},
    }


@pytest.fixture
def researcher_token(users):
    return Token.objects.get_or_create(user=users["researcher"])[0].key
