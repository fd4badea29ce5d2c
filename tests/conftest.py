import pytest

from registry.models import AdminArea
from registry.services.demo import demo_accounts_ensure
from registry.services.regions import regions_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Kazakhstan's regions and districts, loaded once into the test database."""
    with django_db_blocker.unblock():
        if AdminArea.objects.count() != 244:
            regions_load()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def users(db):
    return demo_accounts_ensure()


@pytest.fixture
def officer(users):
    return users["officer"]


@pytest.fixture
def reviewer(users):
    return users["reviewer"]
