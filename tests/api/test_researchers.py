"""What a researcher meets first (issue 14, item 8): OGC API paths with or without a trailing
slash, its HTML pages in the site's frame, and an OpenAPI document whose public operations ask
for no credentials (Swagger UI draws no padlock on them)."""

import pytest
from django.urls import reverse

from tests.factories import HeritageSiteFactory


@pytest.fixture
def site(db):
    return HeritageSiteFactory(published=True, sensitivity="S0", name_kk="Тамғалы")


@pytest.mark.parametrize(
    "path",
    ["/ogc/collections", "/ogc/collections/sites", "/ogc/collections/sites/items",
     "/ogc/conformance", "/ogc/api"],
)  # fmt: skip
def test_every_ogc_path_works_with_and_without_a_trailing_slash(client, site, path):
    plain = client.get(path, {"f": "json"})
    slashed = client.get(path + "/", {"f": "json", "limit": "5"})

    assert plain.status_code == 200
    assert slashed.status_code == 301
    assert slashed["Location"] == f"{path}?f=json&limit=5"
    assert client.get(path + "/", {"f": "json"}, follow=True).status_code == 200


def test_an_items_page_with_a_slash_redirects_to_the_same_site(client, site):
    path = f"/ogc/collections/sites/items/{site.registry_number}/"

    response = client.get(path, follow=True)

    assert response.redirect_chain == [(path.rstrip("/"), 301)]
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/ogc/nothing/", "/ogc/collections/sites/items/x/y/",
                                  "/ogc/collections/unknown/items/"])  # fmt: skip
def test_a_slash_after_no_ogc_page_is_still_a_404(client, db, path):
    assert client.get(path, follow=True).status_code == 404


def test_the_landing_page_and_the_ogc_paths_without_the_ogc_slash(client, db):
    assert client.get("/ogc/", {"f": "json"}).status_code == 200
    assert client.get("/ogc").status_code == 301  # Django's APPEND_SLASH


@pytest.mark.parametrize("path", ["/ogc/", "/ogc/collections", "/ogc/collections/sites/items"])
def test_ogc_html_pages_are_in_the_sites_frame(client, site, path):
    page = client.get(path, {"f": "html"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "/static/maps/maps.css" in page  # the public site's style, no style of its own
    assert 'class="top-bar"' in page
    assert reverse("maps:data") in page
    assert "<style" not in page
    assert 'lang="en"' in page


def test_an_ogc_html_item_page_shows_the_sites_properties(client, site):
    url = f"/ogc/collections/sites/items/{site.registry_number}"

    page = client.get(url, {"f": "html"}).content.decode()

    assert "Тамғалы" in page
    assert 'class="facts"' in page


def test_public_operations_ask_for_no_credentials_in_the_openapi_document(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operations = {
        (method, path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }

    assert ("get", "/api/v1/sites/") in operations
    for key, operation in operations.items():
        assert operation.get("security") == [], key  # anyone may call every one of them
    # The schemes stay described: "Authorize" still takes a token for a grant's full records.
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
