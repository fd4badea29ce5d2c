"""The "Data & API" page, its link on every public page and in the officer workspace, and the
map's "Download these sites" control."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

WORDS = {  # the page's title in each language
    "kk": "Деректер және API",
    "ru": "Данные и API",
    "en": "Data & API",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_data_page_links_the_api_the_ogc_api_and_every_download(client, language):
    response = client.get(reverse("maps:data"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()

    assert response.status_code == 200
    assert f'lang="{language}"' in page
    assert f"<h1>{WORDS[language]}</h1>" in page
    for name in ("api:docs", "api:redoc", "api:schema", "api:at-risk-list", "ogc:landing"):
        assert f'href="{reverse(name)}' in page, name
    for fmt in ("csv", "geojson", "gpkg", "shp.zip"):
        assert f'href="{reverse("api:site-export", args=[fmt])}"' in page
    assert "http://testserver/ogc/" in page  # the address to paste in QGIS
    assert "CC BY 4.0" in page


@pytest.mark.parametrize("name", ["maps:home", "maps:data"])
def test_public_pages_lead_to_the_data_page(client, name):
    page = client.get(reverse(name)).content.decode()

    assert f'href="{reverse("maps:data")}"' in page


def test_the_officer_workspace_leads_to_the_data_page(client, officer):
    client.force_login(officer)

    page = client.get(reverse("registry:dashboard")).content.decode()

    assert f'href="{reverse("maps:data")}"' in page


def test_the_map_offers_to_download_the_sites_it_shows(client):
    page = client.get(reverse("maps:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="download-link"' in page
    assert f'data-url="{reverse("api:site-export", args=["csv"])}"' in page
    assert "/static/maps/download.js" in page
