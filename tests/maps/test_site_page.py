"""A site page's structured data, language alternates and nearby sites: all from the public
projection (DESIGN §4), compared here against the exact points they must not reveal."""

import io
import json
import re

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from registry.services.photos import photo_add
from tests.factories import HeritageSiteFactory, UserFactory

HOSTILE = "</script><script>alert(1)</script>"
OPEN = (68.27105556, 43.29769444)
# Exact points of generalised sites, chosen away from their cells' centres, so that a value
# computed from them differs from the published one in the decimals the page shows.
S1_EXACT = (68.28731, 43.27187)  # its 0.01° cell's centre: 68.285, 43.275
S2_EXACT = (68.36313, 43.21188)  # its 0.1° cell's centre: 68.35, 43.25


def _page(client, site, language="en", **params):
    client.cookies["django_language"] = language
    url = reverse("maps:site-detail", args=[site.registry_number])
    return client.get(url, params)


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, format="JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def _geodesic_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance PostGIS measures on the spheroid, as the page's distances are measured."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_MakePoint(%s, %s)::geography, ST_MakePoint(%s, %s)::geography)",
            [*a, *b],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def open_site(db):
    return HeritageSiteFactory(
        published=True, sensitivity="S0", location=Point(*OPEN), name_en="Yasawi mausoleum",
        name_ru="Мавзолей Ясави", description_en="A Timurid mausoleum.",
    )  # fmt: skip


def test_json_ld_of_an_open_site_has_its_exact_point_name_region_and_photos(client, open_site):
    photo_add(
        site=open_site, upload=_jpeg(), added_by=UserFactory(username="photographer"),
        author="A. Photographer", is_public=True,
    )  # fmt: skip
    photo_add(site=open_site, upload=_jpeg(), added_by=UserFactory(username="private"))

    data = _json_ld(_page(client, open_site, "ru").content.decode())

    assert data["@context"] == "https://schema.org"
    assert "LandmarksOrHistoricalBuildings" in data["@type"]
    assert data["name"] == "Мавзолей Ясави"
    assert data["identifier"] == open_site.registry_number
    assert data["url"].endswith(f"/sites/{open_site.registry_number}/")
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 43.297694, "longitude": 68.271056}
    assert data["containedInPlace"]["name"]
    assert len(data["image"]) == 1
    assert data["image"][0].startswith("http://testserver/media/photos/public/")


@pytest.mark.parametrize(
    ("sensitivity", "exact", "geo"),
    [
        ("S1", S1_EXACT, {"latitude": 43.275, "longitude": 68.285}),
        ("S2", S2_EXACT, {"latitude": 43.25, "longitude": 68.35}),
        ("S3", S2_EXACT, None),
    ],
)
def test_json_ld_of_a_sensitive_site_has_only_its_cell_centre_or_no_point(
    client, db, sensitivity, exact, geo
):
    site = HeritageSiteFactory(published=True, sensitivity=sensitivity, location=Point(*exact))

    html = _page(client, site).content.decode()
    data = _json_ld(html)

    if geo is None:
        assert "geo" not in data
    else:
        assert data["geo"] == {"@type": "GeoCoordinates", **geo}
    assert data["containedInPlace"]["@type"] == "AdministrativeArea"
    for value in exact:
        assert f"{value:.3f}" not in html


def test_a_draft_has_no_page_and_no_structured_data(client, db):
    draft = HeritageSiteFactory(published=False, sensitivity="S0")

    response = client.get(reverse("maps:site-detail", args=[draft.draft_reference]))

    assert response.status_code == 404
    assert "application/ld+json" not in response.content.decode()


def test_json_ld_cannot_be_closed_by_a_site_name(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S0", name_en=HOSTILE)

    html = _page(client, site).content.decode()

    assert "<script>alert(1)" not in html
    assert _json_ld(html)["name"] == HOSTILE


def test_each_language_has_its_own_address_named_in_hreflang_alternates(client, open_site):
    html = _page(client, open_site, "kk", lang="ru").content.decode()
    url = f"http://testserver/sites/{open_site.registry_number}/"

    assert "<h1>Мавзолей Ясави</h1>" in html
    assert '<html lang="ru">' in html
    assert f'<link rel="canonical" href="{url}?lang=ru">' in html
    for code in ("kk", "ru", "en"):
        assert f'<link rel="alternate" hreflang="{code}" href="{url}?lang={code}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{url}">' in html


def test_an_unknown_language_is_refused_naming_the_parameter(client, open_site):
    response = _page(client, open_site, lang="xx")

    assert response.status_code == 400
    assert "lang" in response.content.decode()


def _nearby(html: str) -> str:
    match = re.search(r'<ul class="nearby">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def test_nearby_sites_are_published_ones_nearest_first_with_their_distance(client, open_site):
    near = HeritageSiteFactory(
        published=True, sensitivity="S0", name_en="Near gate", location=Point(68.2750, 43.2990)
    )
    far = HeritageSiteFactory(
        published=True, sensitivity="S0", name_en="Far well", location=Point(68.3500, 43.3500)
    )
    HeritageSiteFactory(
        published=False, sensitivity="S0", name_en="Draft tower", location=Point(68.2712, 43.2978)
    )
    withheld = HeritageSiteFactory(
        published=True, sensitivity="S3", name_en="Withheld barrow", location=Point(68.272, 43.298)
    )

    nearby = _nearby(_page(client, open_site).content.decode())

    assert nearby.index("Near gate") < nearby.index("Far well")
    assert "Draft tower" not in nearby
    assert withheld.registry_number not in nearby  # no public point: not measured
    assert "Yasawi mausoleum" not in nearby  # not itself
    assert f"{round(_geodesic_m(OPEN, (68.2750, 43.2990)), -1):.0f} m</span>" in nearby
    assert near.registry_number in nearby
    assert far.registry_number in nearby


def test_only_open_sites_have_and_are_nearby_sites(client, open_site):
    """A sensitive neighbour is never named on an open site's page, and a sensitive site's page
    lists no neighbours (tests/privacy/test_records.py: links that would narrow a site)."""
    hoard = HeritageSiteFactory(
        published=True, sensitivity="S2", name_en="Hidden hoard", location=Point(*S2_EXACT)
    )
    kurgans = HeritageSiteFactory(
        published=True, sensitivity="S1", name_en="Kurgan field", location=Point(*S1_EXACT)
    )
    barrow = HeritageSiteFactory(
        published=True, sensitivity="S3", name_en="Withheld barrow", location=Point(68.30, 43.31)
    )

    open_page = _page(client, open_site).content.decode()
    sensitive_pages = [_page(client, site).content.decode() for site in (hoard, kurgans, barrow)]

    for name in ("Hidden hoard", "Kurgan field", "Withheld barrow"):
        assert name not in _nearby(open_page)
    for html in sensitive_pages:
        assert _nearby(html) == ""
        assert "Yasawi mausoleum" not in html


def test_back_to_the_map_defaults_to_the_map_at_the_public_point(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(*S2_EXACT))

    html = _page(client, site).content.decode()
    href = re.search(r'id="back-to-map"[^>]*href="([^"]+)"', html).group(1)

    assert "lat=43.2500" in href
    assert "lon=68.3500" in href
    assert f"site={site.registry_number}" in href


def test_back_to_the_map_of_a_withheld_site_opens_its_region(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S3", location=Point(*S2_EXACT))

    html = _page(client, site).content.decode()
    href = re.search(r'id="back-to-map"[^>]*href="([^"]+)"', html).group(1)

    assert href == f"/?region={site.region.code}"
