import os
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import translation
from playwright.sync_api import sync_playwright

from registry.models import AdminArea, BaseFeature, Place
from registry.services.demo import demo_accounts_ensure
from registry.services.places import base_features_load, places_load
from registry.services.regions import regions_load
from tests.dbtemplate import template_ensure
from tests.scheduling import GroupScheduling, group_of


def close_response(response) -> None:
    """Close a (file) response as the test client's own requests do: without the
    end-of-request hook that would close the test's database connection."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, django_db_use_migrations
):
    """pytest-django's hook before it creates the test database (`test_mura_gw0` for xdist's
    first worker): that database is a copy of a migrated template (tests/dbtemplate.py)."""
    if django_db_use_migrations:  # not with --nomigrations
        database = django_settings.DATABASES["default"]
        database.setdefault("TEST", {})["TEMPLATE"] = template_ensure(database)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request through the test client leaves
    its language active in the thread (LocaleMiddleware activates, nothing deactivates), so
    what a test saw depended on the test before it on the same worker (a page ordered by name
    in English answered differently only in CI)."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


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


# Debian's Chromium; nothing downloads a browser. Flags keep it off the (closed) network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# Where `screenshot` saves: var/screenshots, or MURA_SCREENSHOTS (scripts/screenshots sets it
# to docs/screenshots, the pictures the README shows).
SCREENSHOTS = Path(
    os.environ.get("MURA_SCREENSHOTS")
    or Path(__file__).resolve().parent.parent / "var" / "screenshots"
)


def _empties_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transactional = bool(marker and marker.kwargs.get("transaction"))
    return transactional or "live_server" in fixtures or "transactional_db" in fixtures


def pytest_collection_modifyitems(items):
    """Live-server and transactional tests run last: their database is emptied after each one
    (regions, groups and typologies too), which the rest of the suite must not see. pytest-xdist
    hands each worker its tests in this order, so it holds on every worker; its groups, handed
    out first (tests/scheduling.py), must therefore leave the database alone."""
    items.sort(key=_empties_the_database)
    for item in items:
        if "screenshot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.screenshots)
        if group_of(item.nodeid) and _empties_the_database(item):
            raise pytest.UsageError(
                f"{item.nodeid}: a grouped test (tests/scheduling.py) must not empty the database"
            )


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's
def pytest_xdist_make_scheduler(config, log):
    """The groups of tests/scheduling.py under `--dist loadgroup` (pyproject.toml)."""
    if config.getvalue("dist") == "loadgroup":
        return GroupScheduling(config, log)
    return None


def _baseline_ensure() -> None:
    """Put back what the data migrations made (typologies, role groups, regions, places, the
    base map's countries and water): a live or transactional test empties every table when
    it ends."""
    for migration in ("0003_typologies", "0007_role_groups"):
        import_module(f"registry.migrations.{migration}").add(django_apps, None)
    if not AdminArea.objects.exists():
        regions_load()
    if not Place.objects.exists():
        places_load()
    if not BaseFeature.objects.exists():
        base_features_load()


@pytest.fixture
def live_site(live_server, django_db_serialized_rollback):
    """A live server (a real socket, for a browser or GDAL), with the baseline data."""
    _baseline_ensure()
    return live_server


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshot():
    """`screenshot(page, "officer-form")` saves officer-form.png in SCREENSHOTS (a test using
    this fixture is marked `screenshots`: scripts/screenshots runs those)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=full_page)
        return path

    return save
