"""How fast and how big the public map's vector tiles are (a benchmark, not a test).

Usage (on a database made by `manage.py generate_sites 1000000`, e.g. mura_bench; DEBUG off,
the default, or every query is also logged):

    source scripts/lib.sh && ensure_everything
    DATABASE_URL=${DATABASE_URL%/mura}/mura_bench python bench/tiles.py [--samples 40] [--rounds 5]

For zoom 4, 8, 12 and 14, over a dense city (the tiles around central Almaty) and over the
whole country (tiles drawn at random inside Kazakhstan's extent), it reports median and p95
of:

- app: the tile served as gunicorn asks for it (Django's WSGI handler, every middleware, the
  view), with the tile cache emptied first;
- raw: the statements that request ran, as it sent them (values bound), executed alone on
  the same connection: the tile's one statement (the map's version with the tile,
  maps/tiles.py) with the rate limit's counter sent in the same round trip
  (heritage/early.py, heritage/limits.py); a first request per tile finds them and warms the
  database's buffers for both sides. Each tile is timed `--rounds` times, app and raw
  interleaved, so a busy moment costs both alike;
- ratio: app / raw, medians of the same run; tile stmt: the tile's statement alone, without
  the counter (median);
- cached: the app with the tile in its cache (the version's query, the counter with it);
- the tile's size; and at zoom 4 and 8 the naive tile (every public point of the tile in one
  ST_AsMVT, no aggregation), which shows what the pre-aggregated counts save.

Then the floor: /health/live, answered by the first middleware with no query. Last, the
JS + CSS of a first load of the map page.

What is left between app and raw is Python: Django's request cycle (the floor), the
middleware above the tile view (heritage/early.py answers anonymous tiles before the rest)
and the handling of the two statements in psycopg (binding the tile's values, for one). So
the ratio nears 1 as the tile's statement grows, and is highest for the cheapest tiles.
`bench/profile_request.py /maps/tiles/4/11/5.pbf` shows where that Python goes (about 0.4 ms
of CPU per uncached tile on 2026-12-06, half of it Django's request cycle and the middleware).

Last recorded (2026-12-05, mura_bench: 900,043 published sites; medians of three runs
interleaved with three of the previous version, on a shared 2-core machine; ms):

    area     z  app med / p95   raw med / p95  ratio  tile stmt  cached   before: app  ratio
    city     4   1.00 /  1.74    0.58 / 1.27    1.74     0.40     0.72           1.23   1.89
    city     8   1.20 /  1.66    0.76 / 1.13    1.54     0.59     0.71           1.48   1.72
    city    12  34.53 / 41.13   32.12 / 43.66   1.05    31.92     1.36          36.74   1.06
    city    14  10.36 / 13.17    9.64 / 12.86   1.08     9.41     1.04           9.33   1.13
    country  4   1.14 /  1.73    0.64 / 1.29    1.80     0.45     0.74           1.41   1.94
    country  8   1.07 /  1.42    0.66 / 0.99    1.65     0.47     0.73           1.38   1.84
    country 12   1.48 /  2.26    1.05 / 1.61    1.44     0.85     0.76           1.85   1.55
    country 14   1.59 /  2.33    1.09 / 1.60    1.46     0.89     0.79           1.71   1.58

"before" is the app as it was: three statements (the counter, the map's version, the tile)
and every middleware; its raw side ran those three, taking what the two take now.
"""

import argparse
import gzip
import io
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
os.environ.setdefault("DJANGO_HTTPS", "0")  # plain HTTP, not redirected
os.environ.setdefault("MURA_RATE_TILES", "100000000/min")  # the check runs, never refuses
os.environ.setdefault("MURA_RATE_PAGES", "100000000/min")

import django  # noqa: E402

django.setup()


from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from heritage import limits  # noqa: E402

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


class App:
    """The app as gunicorn calls it: Django's WSGI handler, every middleware, the view."""

    def __init__(self):
        self.handler = WSGIHandler()

    def get(self, path: str) -> tuple[str, bytes]:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
            "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
            "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        }  # fmt: skip
        status = []
        body = self.handler(environ, lambda line, headers, exc_info=None: status.append(line))
        try:
            return status[0], b"".join(body)
        finally:
            body.close()  # as the server does: request_finished, connections checked


def statements_of(app: App, url: str) -> list[str]:
    """The statements an uncached request of `url` runs, as sent (values bound): the rate
    limit's counter and the tile's statement. A minute's first hit also sweeps expired
    windows (heritage/limits.py); that request is made again."""
    while True:
        caches["tiles"].clear()
        with CaptureQueriesContext(connection) as queries:
            status, _ = app.get(url)
        assert status.startswith("200"), (url, status)
        sql = [q["sql"] for q in queries.captured_queries]
        if not any("swept" in statement for statement in sql):
            return sql


def run_raw(sql: list[str]) -> tuple[float, float]:
    """Each statement executed alone on the app's connection: (all of them, the tile's). The
    tile's statement is sent with the rate limit's counter (heritage/limits.py); the tile's
    figure is its read alone."""
    total = tile = 0.0
    with connection.cursor() as cursor:
        for statement in sql:
            started = time.perf_counter()
            cursor.execute(statement)
            cursor.fetchall()
            total += time.perf_counter() - started
            if "ST_AsMVT" in statement:
                read = statement.partition(limits.WITH_HIT)[0]
                started = time.perf_counter()
                cursor.execute(read)
                cursor.fetchall()
                tile += time.perf_counter() - started
    return ms(total), ms(tile)


def measure(app: App, tiles, rounds: int, with_naive: bool) -> dict[str, list[float]]:
    keys = ("app", "raw", "tile", "cached", "size", "naive", "naive_size")
    out = {k: [] for k in keys}
    for z, x, y in tiles:
        url = reverse("maps:tile", args=[z, x, y])
        # The first request finds the statements (and warms PostgreSQL's buffers for both
        # sides: whichever ran first would otherwise read from disk for the other).
        sql = statements_of(app, url)
        for _ in range(rounds):  # interleaved, so a busy moment costs both sides alike
            raw, tile = run_raw(sql)
            out["raw"].append(raw)
            out["tile"].append(tile)
            caches["tiles"].clear()
            started = time.perf_counter()
            status, body = app.get(url)
            out["app"].append(ms(time.perf_counter() - started))
            assert status.startswith("200"), (url, status)
            started = time.perf_counter()
            app.get(url)
            out["cached"].append(ms(time.perf_counter() - started))
        out["size"].append(len(body))
        if with_naive:
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(NAIVE_SQL, [z, x, y, z, x, y])
                naive = cursor.fetchone()[0] or b""
                out["naive"].append(ms(time.perf_counter() - started))
                out["naive_size"].append(len(naive))
    return out


def first_load_assets() -> tuple[int, int, list[str]]:
    client = Client(SERVER_NAME="localhost")  # an allowed host
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
    parser.add_argument("--rounds", type=int, default=5, help="timings of each tile per side")
    args = parser.parse_args()
    rng = random.Random(42)
    app = App()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_public_site")
        published = cursor.fetchone()[0]
    say(f"database {connection.settings_dict['NAME']}: {published:,} published sites")
    app.get(reverse("maps:tile", args=[4, 11, 5]))  # warm the connection and the caches
    header = (
        f"{'area':8} {'z':>2} {'tiles':>5}  {'app ms (med/p95)':>16}  {'raw ms (med/p95)':>16}  "
        f"{'ratio':>5}  {'tile stmt':>9}  {'cached ms':>11}  {'size KB (med/max)':>17}  "
        f"{'naive ms / KB':>15}"
    )
    say(header)
    for area in ("city", "country"):
        for z in ZOOMS:
            tiles = city_tiles(z) if area == "city" else country_tiles(z, args.samples, rng)
            r = measure(app, tiles, args.rounds, with_naive=z in (4, 8))
            app_ms, raw_ms, cached = summary(r["app"]), summary(r["raw"]), summary(r["cached"])
            size_med, size_max = statistics.median(r["size"]) / 1024, max(r["size"]) / 1024
            naive = ""
            if r["naive"]:
                naive_kb = statistics.median(r["naive_size"]) / 1024
                naive = f"{statistics.median(r['naive']):6.1f} / {naive_kb:6.1f}"
            say(
                f"{area:8} {z:>2} {len(tiles):>5}  {app_ms[0]:6.2f} / {app_ms[1]:6.2f}  "
                f"{raw_ms[0]:6.2f} / {raw_ms[1]:6.2f}  {app_ms[0] / raw_ms[0]:5.2f}  "
                f"{statistics.median(r['tile']):9.2f}  {cached[0]:4.2f} / {cached[1]:4.2f}  "
                f"{size_med:7.1f} / {size_max:7.1f}  {naive:>15}"
            )
    floor = []
    for _ in range(200):
        started = time.perf_counter()
        app.get("/health/live")
        floor.append(ms(time.perf_counter() - started))
    say(f"floor: /health/live through the app {statistics.median(floor):.2f} ms (median)")
    raw, zipped, urls = first_load_assets()
    say(f"first load of the map page: {len(urls)} JS/CSS files, {raw / 1024:.0f} KB")
    say(f"  ({zipped / 1024:.0f} KB gzip-compressed, as whitenoise serves them)")


if __name__ == "__main__":
    main()
