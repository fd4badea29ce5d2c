"""How fast and how big the public map's vector tiles are (a benchmark, not a test).

Usage (on a database made by `manage.py generate_sites 1000000`, e.g. mura_bench):

    source scripts/lib.sh && ensure_everything
    DATABASE_URL=${DATABASE_URL%/mura}/mura_bench python bench/tiles.py [--samples 40]

For zoom 4, 8, 12 and 14, over a dense city (the tiles around central Almaty) and over the
whole country (tiles drawn at random inside Kazakhstan's extent), it reports median and p95
of: the tile served through the app (URL, middleware, view; tile cache emptied first), the
raw SQL that makes the same tile (the statement the app ran, executed alone; a first request
per tile warms the database's buffers for both, so neither pays for the other), the app with
the tile cached, and the tile's size. Beside them, the naive tile (every public point of the
tile in one ST_AsMVT, no aggregation) shows what the pre-aggregated counts save at low zoom.
Last, the JS + CSS of a first load of the map page.
"""

import argparse
import gzip
import math
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")
os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client speaks plain HTTP
os.environ.setdefault("MURA_RATE_TILES", "100000000/min")  # the check runs, never refuses
os.environ.setdefault("MURA_RATE_PAGES", "100000000/min")

import django  # noqa: E402

django.setup()


from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

ZOOMS = (4, 8, 12, 14)
CITY = (76.93, 43.25)  # central Almaty
NAIVE_SQL = """
SELECT ST_AsMVT(t, 'sites', 4096, 'geom') FROM (
    SELECT registry_number AS ref, category,
           ST_AsMVTGeom(ST_Transform(public_location, 3857), ST_TileEnvelope(%s, %s, %s)) AS geom
    FROM registry_public_site
    WHERE public_location && ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326)
) t
"""


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int(
        (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    )


def city_tiles(z: int) -> list[tuple[int, int, int]]:
    x, y = tile_of(*CITY, z)
    return [(z, x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


def country_tiles(z: int, samples: int, rng: random.Random) -> list[tuple[int, int, int]]:
    west, south, east, north = settings.MURA_EXTENT
    x0, y0 = tile_of(west, north, z)
    x1, y1 = tile_of(east, south, z)
    every = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return every if len(every) <= samples else rng.sample(every, samples)


def ms(seconds: float) -> float:
    return seconds * 1000


def summary(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    p95 = values[min(len(values) - 1, math.ceil(0.95 * len(values)) - 1)]
    return statistics.median(values), p95


def measure(client: Client, tiles, with_naive: bool) -> dict[str, list[float]]:
    out = {k: [] for k in ("app", "raw", "cached", "size", "naive", "naive_size")}
    for z, x, y in tiles:
        url = reverse("maps:tile", args=[z, x, y])
        # A first request finds the statement (and warms PostgreSQL's buffers for both sides:
        # whichever ran first would otherwise read from disk for the other).
        caches["tiles"].clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        sql = next(q["sql"] for q in queries.captured_queries if "ST_AsMVT" in q["sql"])
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchone()
            out["raw"].append(ms(time.perf_counter() - started))
        caches["tiles"].clear()
        started = time.perf_counter()
        response = client.get(url)
        out["app"].append(ms(time.perf_counter() - started))
        assert response.status_code == 200, (url, response.status_code)
        out["size"].append(len(response.content))
        started = time.perf_counter()
        client.get(url)
        out["cached"].append(ms(time.perf_counter() - started))
        if with_naive:
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(NAIVE_SQL, [z, x, y, z, x, y])
                body = cursor.fetchone()[0] or b""
                out["naive"].append(ms(time.perf_counter() - started))
                out["naive_size"].append(len(body))
    return out


def first_load_assets(client: Client) -> tuple[int, int, list[str]]:
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        html = client.get(reverse("maps:home")).content.decode()  # no collectstatic needed
    urls = re.findall(r'<script src="([^"]+)"', html) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', html
    )
    raw = zipped = 0
    for url in urls:
        path = finders.find(url.removeprefix("/" + settings.STATIC_URL.strip("/") + "/"))
        data = Path(path).read_bytes()
        raw += len(data)
        zipped += len(gzip.compress(data))
    return raw, zipped, urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40, help="country tiles per zoom")
    args = parser.parse_args()
    rng = random.Random(42)
    client = Client(SERVER_NAME="localhost")  # an allowed host
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_public_site")
        published = cursor.fetchone()[0]
    say(f"database {connection.settings_dict['NAME']}: {published:,} published sites")
    client.get(reverse("maps:tile", args=[4, 11, 5]))  # warm the connection and the caches
    with connection.cursor() as cursor:  # raw and naive statements run as the app runs tiles
        cursor.execute("SET jit = off")
    header = (
        f"{'area':8} {'z':>2} {'tiles':>5}  {'app ms (med/p95)':>17}  {'raw SQL ms':>13}  "
        f"{'cached ms':>11}  {'size KB (med/max)':>17}  {'naive ms / KB (med)':>20}"
    )
    say(header)
    for area in ("city", "country"):
        for z in ZOOMS:
            tiles = city_tiles(z) if area == "city" else country_tiles(z, args.samples, rng)
            r = measure(client, tiles, with_naive=z in (4, 8))
            app, raw, cached = summary(r["app"]), summary(r["raw"]), summary(r["cached"])
            size_med, size_max = statistics.median(r["size"]) / 1024, max(r["size"]) / 1024
            naive = ""
            if r["naive"]:
                naive_kb = statistics.median(r["naive_size"]) / 1024
                naive = f"{statistics.median(r['naive']):7.1f} / {naive_kb:7.1f}"
            say(
                f"{area:8} {z:>2} {len(tiles):>5}  {app[0]:7.1f} / {app[1]:7.1f}  "
                f"{raw[0]:5.1f} / {raw[1]:5.1f}  {cached[0]:4.1f} / {cached[1]:4.1f}  "
                f"{size_med:7.1f} / {size_max:7.1f}  {naive:>20}"
            )
    raw, zipped, urls = first_load_assets(client)
    say(f"first load of the map page: {len(urls)} JS/CSS files, {raw / 1024:.0f} KB")
    say(f"  ({zipped / 1024:.0f} KB gzip-compressed, as whitenoise serves them)")


if __name__ == "__main__":
    main()
