"""OGC API - Features: the documents, paging, and GDAL's own client against a live server."""

import subprocess

import pytest
from django.contrib.gis.geos import Point

from tests.factories import HeritageSiteFactory


def test_the_landing_page_links_conformance_data_and_the_openapi_document(client, db):
    links = {link["rel"] for link in client.get("/ogc/").json()["links"]}

    assert {"self", "conformance", "data", "service-desc"} <= links
    assert client.get("/ogc/api").json()["openapi"].startswith("3.0")


def test_conformance_declares_core_geojson_html_and_openapi(client, db):
    classes = client.get("/ogc/conformance").json()["conformsTo"]

    assert {c.rsplit("/", 1)[-1] for c in classes} == {"core", "geojson", "html", "oas30"}


def test_the_collections_are_sites_zones_and_regions(client, db):
    ids = [c["id"] for c in client.get("/ogc/collections").json()["collections"]]

    assert ids == ["sites", "zones", "regions"]


def test_items_page_with_number_matched_and_a_next_link(client, db):
    for _ in range(3):
        HeritageSiteFactory(published=True, sensitivity="S0")

    page = client.get("/ogc/collections/sites/items", {"limit": 2}).json()
    following = client.get(next(k["href"] for k in page["links"] if k["rel"] == "next")).json()

    assert (page["numberMatched"], page["numberReturned"]) == (3, 2)
    assert following["numberReturned"] == 1
    assert not [k for k in following["links"] if k["rel"] == "next"]


def test_items_filter_by_bbox_on_the_public_point(client, db):
    HeritageSiteFactory(published=True, sensitivity="S2", location=Point(76.9519, 43.2380))

    tiny = client.get("/ogc/collections/sites/items", {"bbox": "76.9518,43.2379,76.952,43.2381"})
    cell = client.get("/ogc/collections/sites/items", {"bbox": "76.9,43.2,77.0,43.3"})

    assert tiny.json()["numberMatched"] == 0
    assert cell.json()["numberMatched"] == 1


def test_a_single_item_in_json_and_html(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S0")
    url = f"/ogc/collections/sites/items/{site.registry_number}"

    assert client.get(url).json()["id"] == site.registry_number
    assert site.name_kk in client.get(url, {"f": "html"}).content.decode()


def test_a_bad_bbox_is_a_json_400_naming_it(client, db):
    response = client.get("/ogc/collections/sites/items", {"bbox": "10,10,5,5"})

    assert response.status_code == 400
    assert "bbox" in response.json()["errors"]


def test_an_unknown_collection_is_a_json_404(client, db):
    assert client.get("/ogc/collections/castles/items").json()["status"] == 404


def test_regions_are_features(client, db):
    page = client.get("/ogc/collections/regions/items", {"limit": 50}).json()

    assert page["numberMatched"] == 20
    assert page["features"][0]["geometry"]["type"] == "MultiPolygon"


@pytest.fixture
def published_sites(live_site):
    return [HeritageSiteFactory(published=True, sensitivity="S0") for _ in range(3)] + [
        HeritageSiteFactory(published=True, sensitivity="S2"),
        HeritageSiteFactory(),  # a draft: never served
    ]


def gdal(*args: str, cwd=None) -> str:
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=120, cwd=cwd,
        env={"GDAL_HTTP_TIMEOUT": "30", "CPL_DEBUG": "OFF", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_gdal_ogrinfo_lists_the_sites_layer_with_its_count(live_site, published_sites):
    summary = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{live_site.url}/ogc", "sites")

    assert "Feature Count: 4" in summary


def test_gdal_ogr2ogr_copies_every_published_site_to_a_geopackage(
    live_site, published_sites, tmp_path
):
    import pyogrio

    gdal("ogr2ogr", "-f", "GPKG", str(tmp_path / "out.gpkg"), f"OAPIF:{live_site.url}/ogc",
         "sites", "-oo", "PAGE_SIZE=2")  # fmt: skip

    meta, _, _, fields = pyogrio.raw.read(tmp_path / "out.gpkg")
    names = meta["fields"].tolist()
    numbers = set(fields[names.index("id")])
    assert numbers == {s.registry_number for s in published_sites[:4]}
    assert set(fields[names.index("location_generalisation")]) == {
        "exact", "0.1° grid cell (about 8 × 11 km)"
    }  # fmt: skip
