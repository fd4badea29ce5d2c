"""The passport's text, read back with pdfium, and its first page rendered."""

import pypdfium2
import pytest
from django.urls import reverse

from registry.models import ProtectionZone
from registry.passport.build import pdf_bytes, site_public
from registry.passport.pdf import hectares
from tests.passport.conftest import INSPECTOR, NOTE, pdf_text


def _public(site, language):
    return pdf_bytes(site_public(site.registry_number), language=language)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_public_passport_names_the_site_in_every_language(open_site, language):
    text = pdf_text(_public(open_site, language))

    assert "Қожа Ахмет Ясауи кесенесі" in text
    assert "Мавзолей Ходжи Ахмеда Ясави" in text
    assert "Mausoleum of Khoja Ahmed Yasawi" in text
    assert open_site.registry_number in text


def test_labels_are_in_the_passport_language(open_site):
    assert "Monument passport" in pdf_text(_public(open_site, "en"))
    assert "Ескерткіш паспорты" in pdf_text(_public(open_site, "kk"))
    assert "Паспорт памятника" in pdf_text(_public(open_site, "ru"))


def test_zones_have_their_area_in_hectares_on_the_spheroid(open_site):
    zone = ProtectionZone.objects.get(designation__site=open_site)
    from django.utils import translation

    text = pdf_text(_public(open_site, "en"))

    with translation.override("en"):
        assert hectares(zone.area_ha) in text
    assert 30 < zone.area_ha < 35  # 0.006° × 0.006° at 43.3° N: 667 m × 486 m, not degrees²


def test_the_passport_carries_designation_condition_risk_and_version(open_site):
    text = pdf_text(_public(open_site, "en"))

    assert "38" in text
    assert "Government" in text
    assert "Erosion (High" in text  # the confirmed inspection's threat
    assert "Heritage at Risk register since" in text
    assert f"record version {open_site.version}" in text
    assert "South facade" in text
    assert "A. Photographer" in text
    assert "CC BY 4.0" in text


def test_only_confirmed_inspections_are_listed(open_site):
    text = pdf_text(_public(open_site, "en"))

    assert "Critical" not in text  # the submitted, unconfirmed inspection


def test_page_one_renders_to_a_picture_that_is_not_blank(open_site):
    document = pypdfium2.PdfDocument(_public(open_site, "kk"))
    image = document[0].render(scale=1).to_pil().convert("L")
    document.close()

    low, high = image.getextrema()
    assert high - low > 100
    assert sum(image.histogram()[:200]) > 5000  # dark pixels: text, map, QR


def test_the_staff_edition_has_the_exact_point_inspector_and_notes(client, open_site, people):
    client.force_login(people["officer_in"])

    url = reverse("registry:site-passport", args=[open_site.registry_number])
    response = client.get(url, {"lang": "en"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "43.297694 N, 68.271056 E" in text
    assert NOTE in text
    assert INSPECTOR in text
    assert "Private trench" in text


def test_the_staff_edition_is_refused_outside_ones_regions(client, open_site, people):
    client.force_login(people["officer_out"])

    url = reverse("registry:site-passport", args=[open_site.registry_number])

    assert client.get(url).status_code == 404


def test_the_staff_edition_needs_a_login(client, open_site):
    url = reverse("registry:site-passport", args=[open_site.registry_number])

    assert client.get(url).status_code == 302


def test_the_staff_edition_refuses_an_unknown_language_naming_lang(client, open_site, people):
    client.force_login(people["officer_in"])
    url = reverse("registry:site-passport", args=[open_site.registry_number])

    response = client.get(url, {"lang": "xx"})

    assert response.status_code == 400
    assert "lang" in response.content.decode()
