"""The public passport: through the public projection, in its bytes too (DESIGN §4)."""

import io

import pypdfium2
import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from registry.models import HeritageSite, PublicSite
from tests.factories import HeritageSiteFactory
from tests.passport.conftest import (
    EXACT,
    INSPECTOR,
    NOTE,
    coordinate_spellings,
    pdf_text,
    raw_streams,
)


def _get(client, site, **query):
    return client.get(reverse("maps:site-passport", args=[site.registry_number]), query)


def test_a_public_passport_is_a_pdf_in_the_language_asked(client, open_site):
    response = _get(client, open_site, lang="ru")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Language"] == "ru"
    assert "Паспорт памятника" in pdf_text(response.content)


def test_an_open_site_passport_gives_its_exact_point(client, open_site):
    assert "43.297694 N, 68.271056 E" in pdf_text(_get(client, open_site, lang="en").content)


def test_a_sensitive_site_passport_has_no_exact_coordinates_in_its_text(client, sensitive_site):
    text = pdf_text(_get(client, sensitive_site, lang="en").content)

    assert "Sauran cemetery" in text
    for spelling in coordinate_spellings(EXACT):
        assert spelling.decode() not in text


def test_a_sensitive_site_passport_has_no_exact_coordinates_in_its_bytes(client, sensitive_site):
    data = raw_streams(_get(client, sensitive_site, lang="en").content)

    for spelling in coordinate_spellings(EXACT):
        assert spelling not in data


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_no_public_passport_has_notes_inspectors_or_private_photos(client, open_site, language):
    response = _get(client, open_site, lang=language)
    text = pdf_text(response.content)
    data = raw_streams(response.content)

    for secret in (NOTE, INSPECTOR, "Private trench", "Закрытый раскоп", "B. Secret"):
        assert secret not in text
        assert secret.encode() not in data


def _image_colours(data: bytes) -> list[tuple[int, int, int]]:
    """The colour at the centre of every image placed in the PDF."""
    document = pypdfium2.PdfDocument(data)
    colours = []
    for page in document:
        for obj in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]):
            image = obj.get_bitmap().to_pil().convert("RGB")
            colours.append(image.getpixel((image.width // 2, image.height // 2)))
    document.close()
    return colours


def test_a_public_passport_embeds_only_public_photos(client, sensitive_site):
    colours = _image_colours(_get(client, sensitive_site, lang="en").content)

    assert len(colours) == 1
    red, green, blue = colours[0]
    assert green > red  # the teal public photo, not the red private one


def test_photos_are_embedded_downscaled(client, open_site):
    document = pypdfium2.PdfDocument(_get(client, open_site).content)
    sizes = [
        obj.get_px_size()
        for page in document
        for obj in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE])
    ]
    document.close()

    assert sizes
    assert all(max(size) <= 1200 for size in sizes)


def test_a_draft_has_no_passport(client, db):
    draft = HeritageSiteFactory(sensitivity="S0")
    url = reverse("maps:site-passport", args=[draft.draft_reference])

    assert client.get(url).status_code == 404


def test_an_unknown_number_has_no_passport(client, db):
    url = reverse("maps:site-passport", args=["KZ-9999999"])

    assert client.get(url).status_code == 404


def test_an_unknown_language_is_refused_naming_lang(client, open_site):
    response = _get(client, open_site, lang="de")

    assert response.status_code == 400
    assert "lang" in response.content.decode()


def test_both_site_pages_link_to_the_passport(client, open_site, people):
    url = reverse("maps:site-passport", args=[open_site.registry_number])
    assert url in client.get(reverse("maps:site-detail", args=[open_site.registry_number]),
                             {"lang": "en"}).content.decode()  # fmt: skip

    client.force_login(people["officer_in"])
    page = client.get(reverse("registry:site-detail", args=[open_site.reference]))
    staff_url = reverse("registry:site-passport", args=[open_site.reference])
    assert staff_url in page.content.decode()


def test_the_pdf_is_readable(client, open_site):
    document = pypdfium2.PdfDocument(io.BytesIO(_get(client, open_site).content))
    assert len(document) >= 1
    document.close()


def test_moving_a_sensitive_site_within_its_cell_changes_no_byte(client, sensitive_site):
    """The public edition depends on the public cell only: the same PDF, byte for byte
    (reportlab's invariant mode: no creation time or random document id)."""
    before = _get(client, sensitive_site, lang="kk").content
    moved = Point(68.2785, 43.2915, srid=4326)  # same 0.01° (and 0.1°) cell as EXACT
    HeritageSite.objects.filter(pk=sensitive_site.pk).update(location=moved)

    after = _get(client, sensitive_site, lang="kk").content

    assert after == before


def test_a_withheld_site_passport_names_its_region_only(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S3", location=EXACT.clone(),
                               name_en="Hidden barrow")  # fmt: skip
    public = PublicSite.objects.get(pk=site.pk)

    text = pdf_text(_get(client, site, lang="en").content)

    assert public.region.name_en in text
    assert "withheld" in text
