"""The README's picture of a passport: page 1 rendered by pdfium (scripts/screenshots runs
the tests that take the `screenshot` fixture; this one draws a PDF, not a browser page)."""

import io

import pypdfium2
from django.urls import reverse
from PIL import Image, ImageDraw

from registry.services.photos import photo_add
from tests.conftest import SCREENSHOTS
from tests.factories import UserFactory


def _picture():
    """A sky-and-ground picture, so the photo slot shows something."""
    image = Image.new("RGB", (1800, 1200), "#7fb2e5")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 800, 1800, 1200), fill="#c9a66b")
    draw.rectangle((650, 380, 1150, 800), fill="#b58b52")
    draw.ellipse((700, 180, 1100, 580), fill="#3f7fb5")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    buffer.seek(0)
    buffer.name = "yasawi.jpg"
    return buffer


def test_passport_page_one_screenshot(client, open_site, screenshot):
    author = UserFactory(username="screenshot-photographer")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("y.jpg", _picture().read(), content_type="image/jpeg")
    photo_add(site=open_site, upload=upload, added_by=author, caption_en="The main portal",
              author="Mura volunteers", is_public=True)  # fmt: skip
    response = client.get(reverse("maps:site-passport", args=[open_site.registry_number]),
                          {"lang": "en"})  # fmt: skip

    document = pypdfium2.PdfDocument(response.content)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "passport-page-1.png"
    document[0].render(scale=1.4).to_pil().convert("RGB").save(path, optimize=True)
    document.close()

    assert path.stat().st_size > 20_000
