import os
from pathlib import Path

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from playwright.sync_api import sync_playwright

from registry.services.demo import demo_accounts_ensure


def close_response(response) -> None:
    """Close a (file) response as the test client's own requests do: without the
    end-of-request hook that would close the test's database connection."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


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
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def pytest_collection_modifyitems(items):
    """Live-server tests run last: their database is emptied after each one (regions too),
    which the rest of the suite, sharing the regions loaded once, must not see."""
    items.sort(key=lambda item: "live_server" in getattr(item, "fixturenames", ()))


@pytest.fixture
def live_site(live_server, django_db_serialized_rollback):
    """A live server (a real socket, for a browser or GDAL).

    Its database is emptied after each test; serialized rollback puts back what the migrations
    made (regions, groups, typologies) before the next one."""
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
    """`screenshot(page, "officer-form")` saves var/screenshots/officer-form.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save
