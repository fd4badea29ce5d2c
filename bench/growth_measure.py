"""One size of bench/growth.py: time each request through the app and as raw SQL, on the
database DATABASE_URL names (run by growth.py, one process per database).

    python bench/growth_measure.py OUT.json [--only NAME ...] [--rounds 20] [--budget 120]

The app side is the in-process Django test client (URL routing, middleware with the rate
limits counted, the view, serialisation; no HTTP server): a request and its raw statement
then run in one process on one connection, alternately, so both see the same machine at the
same moment. The raw side is the very statement the app sends, executed alone on the same
connection (same server options: jit off, the text search's threshold) and fetched:

- API requests: the statements the app sent for the request, recorded by bench/statements.py
  (the rate-limit upsert aside), run in order in one transaction (a text search's page is
  read after its `SET LOCAL`, as the app reads it).
- Tiles: the ST_AsMVT statement the tile view sent (captured, as bench/tiles.py does); the
  tile cache is emptied before every app request, so the app makes the tile each time.

Warm: two rounds are run and dropped first. Then each round runs every request once, app
and raw in alternating order, the requests in a rotating order; a request whose samples
have taken more than `budget` seconds stops after `min_rounds`. Times are wall-clock ms.
"""

import argparse
import json
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]  # the project, and statements.py and tiles.py
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from statements import statements  # noqa: E402
from tiles import CITY, summary, tile_of  # noqa: E402

# growth.sh runs this without collectstatic: whitenoise's warning says nothing here.
warnings.filterwarnings("ignore", message="No directory at")

# The requests of bench/api.sh (count: the Almaty region, found by `region_code`), and
# the map's tiles over central Almaty at a zoom of counted cells and one of single sites.
API = {
    "bbox_dense": "/api/v1/sites/?bbox=76.85,43.20,77.00,43.30&limit=100",
    "bbox_medium": "/api/v1/sites/?bbox=76.0,43.0,77.5,44.0&limit=100",
    "nearest": "/api/v1/sites/?near=76.93,43.25&ordering=distance&limit=20",
    "count": "/api/v1/sites/count/?region={region}",
    "search": "/api/v1/sites/?q=Taraz&limit=20",
}
TILE_ZOOMS = {"tile_z8": 8, "tile_z12": 12}
NAMES = [*API][:4] + [*TILE_ZOOMS] + ["search"]  # the order of the table and the plot
WARM_ROUNDS = 2


@dataclass
class Request:
    url: str
    sql: str | list  # a tile's statement, or what the app sent for an API request
    params: list | None
    tile: bool


def region_code() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code FROM registry_adminarea WHERE registry_prefix = 'KZ-ALA'"
            " OR (level = 1 AND name_en ILIKE 'Almaty') ORDER BY level, code LIMIT 1"
        )
        return cursor.fetchone()[0]


def raw_run(sql: str | list, params: list | None) -> list:
    """One statement, or (API requests) the list of (statement, values) the app sent; a text
    may hold several statements (a search page is `SET LOCAL ...; page`), as the app sends it:
    the rows are the first result that has rows, of the last text."""
    sent = sql if isinstance(sql, list) else [(sql, params)]
    with transaction.atomic(), connection.cursor() as cursor:
        for text, values in sent:
            cursor.execute(text, values)
        while cursor.description is None and cursor.nextset():
            pass
        return cursor.fetchall()


def app_get(client: Client, request: Request):
    if request.tile:
        caches["tiles"].clear()
    response = client.get(request.url)
    if response.status_code != 200:
        raise SystemExit(f"{request.url}: HTTP {response.status_code}")
    return response


def tile_request(client: Client, z: int) -> Request:
    url = reverse("maps:tile", args=[z, *tile_of(*CITY, z)])
    with CaptureQueriesContext(connection) as queries:
        app_get(client, Request(url, "", None, tile=True))
    sql = next(q["sql"] for q in queries.captured_queries if "ST_AsMVT" in q["sql"])
    return Request(url, sql, None, tile=True)


def api_request(client: Client, name: str, url: str) -> Request:
    """The statements the app sends for the request (bench/statements.py records them)."""
    with translation.override("kk"):  # the API's language when none is asked for
        sent = statements(client, url)["statements"]
    if not sent:
        raise SystemExit(f"{name}: the app sent no statement")
    return Request(url, [(s["sql"], s["params"]) for s in sent], None, tile=False)


def requests_for(client: Client, names: list[str]) -> dict[str, Request]:
    region = region_code() if "count" in names else ""
    return {
        name: tile_request(client, TILE_ZOOMS[name])
        if name in TILE_ZOOMS
        else api_request(client, name, API[name].format(region=region))
        for name in names
    }


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def measure(names: list[str], rounds: int, min_rounds: int, budget: float) -> dict:
    client = Client(SERVER_NAME="localhost")  # an allowed host
    requests = requests_for(client, names)
    samples = {name: {"app": [], "raw": []} for name in names}
    spent = dict.fromkeys(names, 0.0)
    for r in range(WARM_ROUNDS + rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            kept = samples[name]["app"]
            if len(kept) >= min_rounds and spent[name] > budget:
                continue
            request = requests[name]
            sides = {
                "app": lambda request=request: app_get(client, request),
                "raw": lambda request=request: raw_run(request.sql, request.params),
            }
            for side in ("app", "raw") if r % 2 == 0 else ("raw", "app"):
                ms = timed(sides[side])
                if r >= WARM_ROUNDS:
                    samples[name][side].append(ms)
                    spent[name] += ms / 1000
    return {name: stats(samples[name]) for name in names}


def stats(samples: dict[str, list[float]]) -> dict:
    (app50, app95), (raw50, raw95) = summary(samples["app"]), summary(samples["raw"])
    return {
        "app_p50": round(app50, 2),
        "app_p95": round(app95, 2),
        "raw_p50": round(raw50, 2),
        "raw_p95": round(raw95, 2),
        "runs": len(samples["app"]),
    }


def counts() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM registry_heritagesite),"
            " (SELECT count(*) FROM registry_public_site)"
        )
        return cursor.fetchone()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", nargs="+", choices=NAMES, default=NAMES)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--min-rounds", type=int, default=7)
    parser.add_argument("--budget", type=float, default=120, help="seconds per request")
    args = parser.parse_args()
    names = [name for name in NAMES if name in args.only]
    sites, published = counts()
    results = measure(names, args.rounds, args.min_rounds, args.budget)
    args.out.write_text(
        json.dumps({"sites": sites, "published": published, "requests": results}, indent=1)
    )


if __name__ == "__main__":
    main()
