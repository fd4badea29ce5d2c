"""Every public answer about the seeded world, fetched and normalised, so two states of the
registry can be compared byte for byte (JSON for JSON, ignoring only volatile fields)."""

import json
import re

from django.contrib.gis.geos import Polygon

from registry.models import AdminArea
from tests.maps.conftest import tile_of
from tests.privacy.attacker import box_text, halves, query

# Volatile, and about time, not place: OGC's response time, a page's CSP nonce, the day of
# access in a citation, a sitemap's last modification of an edited record.
NONCE = re.compile(rb'nonce="[^"]*"')
LASTMOD = re.compile(rb"<lastmod>[^<]*</lastmod>")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def normalise(url: str, content: bytes):
    if url.startswith(("/api/", "/ogc/", "/maps/sites/", "/maps/suggest/")) and not url.endswith(
        (".csv", ".pbf")
    ):
        try:
            data = json.loads(content)
        except ValueError:
            return content
        if isinstance(data, dict):
            data.pop("timeStamp", None)
        return data
    content = NONCE.sub(b'nonce=""', content)
    content = CSRF.sub(b"", content)
    return LASTMOD.sub(b"", content)


def urls(world) -> tuple[list[str], list[tuple[str, dict]]]:  # noqa: C901
    """(GET urls, POST (url, body)) reaching every public endpoint around the world's sites."""
    published = world.published()
    targets = [s for s in published if s.sensitivity != "S0"]
    cells = [s.cell for s in targets if s.cell is not None]
    regions = sorted(
        {a.code for c in cells for a in AdminArea.objects.filter(level=1, geom__intersects=c)}
    )
    districts = sorted(
        {a.code for c in cells for a in AdminArea.objects.filter(level=2, geom__intersects=c)}
    )
    gets = [
        "/api/v1/sites/?limit=1000",
        "/api/v1/sites/count/",
        "/api/v1/designations/",
        "/api/v1/zones/",
        "/ogc/collections/sites/items?limit=1000",
        "/ogc/collections/zones/items",
        "/api/v1/exports/sites.csv",
        "/api/v1/exports/sites.geojson",
        "/sitemap.xml",
        "/sitemap-sites.xml",
        query("/maps/sites/in-view.json", bbox="46,40,88,56"),
        "/at-risk/",
        "/api/v1/at-risk/",
        "/maps/at-risk.geojson",
        "/at-risk/charts/regions.svg",
        "/at-risk/charts/conditions.svg",
        "/at-risk/charts/threats.svg",
    ]
    for code in regions:
        gets += [
            query("/api/v1/sites/", region=code, limit=1000),
            query("/api/v1/sites/count/", region=code),
            query("/ogc/collections/sites/items", region=code),
            query("/api/v1/exports/sites.csv", region=code),
            query("/maps/sites/in-view.json", bbox="46,40,88,56", region=code),
            query("/api/v1/at-risk/", region=code),
            query("/at-risk/", region=code),
        ]
    for code in districts:
        gets += [
            query("/api/v1/sites/", district=code, limit=1000),
            query("/api/v1/sites/count/", district=code),
        ]
    posts = []
    for seeded in published:
        number = seeded.site.registry_number
        gets += [
            f"/api/v1/sites/{number}/",
            f"/ogc/collections/sites/items/{number}",
            f"/maps/sites/{number}.json",
            f"/sites/{number}/",
            query("/maps/suggest/", q=seeded.word),
            query("/maps/sites/in-view.json", cell=number),
        ]
    for seeded in targets:
        box = (seeded.cell or Polygon.from_bbox((0, 0, 0, 0))).extent
        if seeded.cell is None:  # withheld: around where it is, and where it is moved to
            box = seeded.exact.union(seeded.alt).envelope.buffer(0.05).extent
        for part in [box, *halves(box, 0.5)]:
            text = box_text(part)
            gets += [
                query("/api/v1/sites/", bbox=text),
                query("/api/v1/sites/count/", bbox=text),
                query("/ogc/collections/sites/items", bbox=text),
                query("/maps/sites/in-view.json", bbox=text),
            ]
            shape = Polygon.from_bbox(part)
            gets.append(query("/api/v1/sites/", geometry=shape.wkt))
            posts.append(("/api/v1/sites/search/", {"area": json.loads(shape.json)}))
            for reach in (0, 20000):
                posts.append(
                    ("/api/v1/screening/", {"area": json.loads(shape.json), "distance": reach})
                )
        west, south, east, north = box
        for x, y in ((west, south), (east, north), ((west + east) / 2, north + 0.01)):
            gets += [
                query("/api/v1/sites/", near=f"{x},{y}", ordering="distance"),
                query("/api/v1/sites/", near=f"{x},{y}", distance=3000),
                query("/api/v1/sites/", near=f"{x},{y}", distance=8000),
            ]
        for point in (seeded.exact, seeded.alt):
            for zoom in (5, 9, 11, 12, 14):  # counts below 12 (table, live), sites from 12
                z, x, y = tile_of(point.x, point.y, zoom)
                tile = f"/maps/tiles/{z}/{x}/{y}.pbf"
                gets.append(tile)
                if zoom in (9, 12):
                    gets += [query(tile, region=code) for code in regions]
                    gets.append(query(tile, year_from=-5000))
    return list(dict.fromkeys(gets)), posts


def take(public, world, plan=None) -> dict:
    gets, posts = plan or urls(world)
    answers = {}
    for url in gets:
        code, content, _ = public.request("get", url)
        answers[url] = (code, normalise(url, content))
    for i, (url, body) in enumerate(posts):
        code, content, _ = public.request("post", url, body)
        answers[f"POST {url} #{i} {json.dumps(body)[:120]}"] = (code, normalise(url, content))
    return answers


def differences(before: dict, after: dict) -> list[str]:
    return [url for url in before if before[url] != after.get(url)]
