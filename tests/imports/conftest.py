import pytest
from django.contrib.gis.geos import Point
from django.utils import translation

from registry.services.sites import site_create
from tests.imports.files import OTRAR
from tests.officer.conftest import people  # noqa: F401 (one person per role)


@pytest.fixture(autouse=True)
def _english(settings):
    """The report's messages are in the active language; these tests read English (the tests of
    Kazakh and Russian reports ask for theirs). A request through the test client leaves its own
    language active in the thread, so pages default to English here too."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def existing_otrar(people):  # noqa: F811 (the fixture imported above)
    """A registered Otrar, in the Turkistan officer's region: what imported rows may duplicate."""
    return site_create(
        fields={"name_kk": "Отырар қалашығы", "name_ru": "Городище Отрар",
                "category": "archaeology", "significance": "republican",
                "location": Point(*OTRAR, srid=4326)},
        created_by=people["officer_in"],
    )  # fmt: skip
