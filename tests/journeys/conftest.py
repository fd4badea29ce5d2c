"""What the journeys share: a desktop page in a language, what it asked for, and logging in.
The browser, the live server and the screenshot fixture are tests/conftest.py's."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.maps.test_browser import Recorder

DESKTOP = {"width": 1440, "height": 900}


class Journey:
    """A desktop page (1440×900) in `language`, recording every request and error."""

    def __init__(self, browser, base: str, language: str):
        self.base, self.language = base, language
        self.context = browser.new_context(viewport=DESKTOP)
        self.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        self.page = self.context.new_page()
        self.recorder = Recorder(self.page)

    def foreign(self) -> list[str]:
        """Requests to any host but the live server (the journeys run offline)."""
        own = (self.base + "/", "data:", "blob:")
        return [url for url in self.recorder.urls if not url.startswith(own)]

    def login(self, username: str, password: str) -> None:
        page = self.page
        page.goto(f"{self.base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")

    def logout(self) -> None:
        with self.page.expect_navigation():
            self.page.click("header form[action$='/logout/'] button")


@pytest.fixture
def journey(browser, live_site):
    made = []

    def start(language: str) -> Journey:
        made.append(Journey(browser, live_site.url, language))
        return made[-1]

    yield start
    for one in made:
        one.context.close()


def jpeg(colour: str, name: str = "p.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
