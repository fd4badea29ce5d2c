"""The offline base map's weight: bytes (raw and gzip) and making time of the base tiles one
1440 × 900 view asks for at four zooms, beside what static GeoJSON files per zoom band would
weigh (maps/basemap.py says why tiles were chosen; docs/basemap.md keeps the figures).

Usage, on any migrated database (the base map and places come with the migrations):

    source scripts/lib.sh && ensure_everything
    python manage.py shell < bench/basemap.py
"""

import gzip
import math
import time

from django.db import connection

from maps.basemap import base_tile

MAP_PIXELS = (1132, 858)  # the public map's part of a 1440 × 900 window
VIEWS = [
    ("country, z5", 66.0, 47.5, 5),
    ("south, z8", 76.9, 43.3, 8),
    ("Almaty, z11", 76.92, 43.25, 11),
    ("Almaty, z14", 76.92, 43.25, 14),
]
BANDS = [("z3-5", 5), ("z6-8", 8), ("z9+", 11)]  # each simplified as its highest zoom's tiles


def view_tiles(lon: float, lat: float, z: int) -> list[tuple[int, int, int]]:
    n, (w, h) = 2**z, MAP_PIXELS
    cx = (lon + 180) / 360 * n * 256
    cy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n * 256
    xs = range(int((cx - w / 2) // 256), int((cx + w / 2) // 256) + 1)
    ys = range(int((cy - h / 2) // 256), int((cy + h / 2) // 256) + 1)
    return [(z, x, y) for x in xs for y in ys]


def report() -> None:
    for label, lon, lat, z in VIEWS:
        raw = packed = 0
        seconds = 0.0
        tiles = view_tiles(lon, lat, z)
        for tile in tiles:
            start = time.perf_counter()
            body = base_tile(*tile, "en")
            seconds += time.perf_counter() - start
            raw, packed = raw + len(body), packed + len(gzip.compress(body))
        print(  # noqa: T201 a benchmark's report
            f"{label}: {len(tiles)} tiles, {raw / 1024:.0f} KiB, {packed / 1024:.0f} KiB gzip, "
            f"{seconds * 1000 / len(tiles):.0f} ms a tile made"
        )
    with connection.cursor() as cursor:
        for band, z in BANDS:
            cursor.execute(
                "SELECT sum(length(ST_AsGeoJSON(ST_Simplify(geom, %s, true), 4)))"
                " FROM registry_basefeature WHERE geom IS NOT NULL",
                [360 / 2**z / 512],  # as maps/basemap.py simplifies
            )
            print(f"static {band}: shapes {cursor.fetchone()[0] / 1024:.0f} KiB")  # noqa: T201
        cursor.execute(
            "SELECT json_agg(json_build_array(kind, name, name_kk, name_ru, name_en,"
            " round(ST_X(point)::numeric, 4), round(ST_Y(point)::numeric, 4)))::text"
            " FROM registry_place"
        )
        body = cursor.fetchone()[0].encode()
        print(  # noqa: T201
            f"static: every place, {len(body) / 1024:.0f} KiB, "
            f"{len(gzip.compress(body)) / 1024:.0f} KiB gzip"
        )


report()
