"""OGC API - Features as GDAL and QGIS use it (issue 13 part 8): next links that keep every
parameter, a large `limit` reduced rather than refused, valid regions, no always-null
properties, and HTML pages that stay in HTML."""

import json
import re
from html import unescape

from django.contrib.gis.geos import GEOSGeometry

from registry.models import AdminArea, Typology
from tests.api.test_ogc import gdal
from tests.factories import HeritageSiteFactory

ITEMS = "/ogc/collections/sites/items"


def _next(page: dict) -> str | None:
    return next((k["href"] for k in page["links"] if k["rel"] == "next"), None)


def _walk(client, url: str, params: dict) -> list[str]:
    seen, page = [], client.get(url, params).json()
    while True:
        seen += [f["id"] for f in page["features"]]
        if not (url := _next(page)):
            return seen
        page = client.get(url).json()


def test_next_links_keep_repeated_and_encoded_parameters_to_the_last_page(client, db):
    """`category` twice, `q` with a space and an ampersand: every matching site, once each."""
    name = "Tower of A&B"
    wanted = [HeritageSiteFactory(published=True, sensitivity="S0", name_en=f"{name} {i}",
                                  category=("architecture", "archaeology")[i % 2])
              for i in range(5)]  # fmt: skip
    HeritageSiteFactory(published=True, sensitivity="S0", name_en=f"{name} 9", category="sacred")
    for _ in range(2):
        HeritageSiteFactory(published=True, sensitivity="S0")  # other names

    params = {"category": ["architecture", "archaeology"], "q": "A&B tower", "limit": 2}
    seen = _walk(client, ITEMS, params)

    assert sorted(seen) == sorted(site.registry_number for site in wanted)
    first = client.get(ITEMS, params).json()
    assert "q=A%26B+tower" in _next(first)
    assert _next(first).count("category=") == 2


def test_a_limit_above_the_maximum_is_reduced_not_refused(client, db):
    for _ in range(3):
        HeritageSiteFactory(published=True, sensitivity="S0")

    response = client.get(ITEMS, {"limit": 5000})

    assert response.status_code == 200
    assert response.json()["numberReturned"] == 3


def test_gdal_reads_every_site_with_a_page_size_of_5000(live_site, tmp_path):
    made = {HeritageSiteFactory(published=True, sensitivity="S0").registry_number
            for _ in range(3)}  # fmt: skip

    gdal("ogr2ogr", "-f", "GeoJSON", str(tmp_path / "out.geojson"), f"OAPIF:{live_site.url}/ogc",
         "sites", "-oo", "PAGE_SIZE=5000")  # fmt: skip

    features = json.loads((tmp_path / "out.geojson").read_text())["features"]
    assert {f["properties"]["id"] for f in features} == made


def test_every_region_is_a_valid_multipolygon_of_the_same_area(client, db):
    page = client.get("/ogc/collections/regions/items", {"limit": 50}).json()

    served = {f["id"]: GEOSGeometry(json.dumps(f["geometry"]), srid=4326) for f in page["features"]}
    assert len(served) == 20
    invalid = {code: geom.valid_reason for code, geom in served.items() if not geom.valid}
    assert invalid == {}
    for area in AdminArea.objects.filter(level=AdminArea.Level.REGION):
        assert served[area.code].geom_type == "MultiPolygon"
        assert abs(served[area.code].area / area.geom.area - 1) < 1e-4, area.code


def test_no_item_property_is_always_null(client, db):
    for collection in ("sites", "regions"):
        if collection == "sites":
            HeritageSiteFactory(published=True, sensitivity="S0", period="golden_horde",
                                date_from=1389, date_to=1405, condition="good",
                                typology=Typology.objects.get(code="mausoleum"))  # fmt: skip
        features = client.get(f"/ogc/collections/{collection}/items", {"limit": 50}).json()
        names = features["features"][0]["properties"]

        always_null = {
            name for name in names
            if all(f["properties"][name] is None for f in features["features"])
        }  # fmt: skip
        assert always_null == set(), collection


def _html_links(response) -> dict[str, str]:
    html = response.content.decode()
    return {
        rel: unescape(href) for href, rel in re.findall(r'<a href="([^"]+)" rel="([^"]+)"', html)
    }


def test_html_pages_link_to_html_pages_and_keep_limit_and_cursor(client, db):
    made = [HeritageSiteFactory(published=True, sensitivity="S0") for _ in range(5)]
    collection = client.get("/ogc/collections/sites", {"f": "html"})
    items = _html_links(collection)["items"]
    assert "f=html" in items

    seen, url = [], items.replace("f=html", "f=html&limit=2")
    pages = 0
    while url:
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html")
        links = _html_links(response)
        assert "limit=2" in links["self"]
        if pages:  # a second page's own link carries its cursor
            assert "cursor=" in links["self"]
        seen += [
            n.registry_number for n in made if f">{n.registry_number}<" in response.content.decode()
        ]
        url = links.get("next")
        if url:
            assert {"f=html", "limit=2", "cursor="} <= set(
                re.findall(r"(f=html|limit=2|cursor=)", url)
            )
        pages += 1

    assert pages == 3
    assert sorted(seen) == sorted(site.registry_number for site in made)


def test_html_pages_speak_the_visitors_language_and_the_json_stays_english(client, db):
    html = client.get("/ogc/collections", {"f": "html"}, HTTP_ACCEPT_LANGUAGE="ru")
    text = html.content.decode()
    assert "<h1>Коллекции</h1>" in text
    assert "Объекты наследия (публичная проекция" in text
    assert ">Охранные зоны<" in text
    assert "Heritage sites" not in text

    kk = client.get("/ogc/", {"f": "html"}, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "Жария тізілімнің OGC API – Features қызметі." in kk

    body = client.get("/ogc/collections", {"f": "json"}, HTTP_ACCEPT_LANGUAGE="ru").json()
    sites = next(c for c in body["collections"] if c["id"] == "sites")
    assert sites["title"] == "sites"
    assert sites["description"].startswith("Heritage sites (public projection")
