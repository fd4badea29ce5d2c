"""Where one request's time goes, in-process: the request as gunicorn hands it over (Django's
WSGI handler, every middleware, the view; no HTTP), timed, then a cProfile of the same requests.

    DATABASE_URL=postgres://.../mura_bench DJANGO_DEBUG=0 DJANGO_HTTPS=0 \
      MURA_API_RATE_ANON=100000000/min MURA_RATE_TILES=100000000/min \
      env -u DJANGO_SETTINGS_MODULE python bench/profile_request.py /api/v1/sites/KZ-0001897/ \
      [N=2000] [ROWS=40] [SORT=cumulative]

A tile path (/maps/tiles/z/x/y.pbf) is asked with the tile cache emptied before each request,
as an uncached tile. Prints the CPU time (`time.process_time`: this process's Python and
psycopg, not the database's) and the wall time per request (medians of 5 runs of N), the SQL
statements one request sends, the data size, and the ROWS functions with the most time
(SORT: cumulative or tottime), counted in CPU time, so waiting for the database does not hide
Python. Use it beside bench/ab.sh and bench/tiles.py (the HTTP and raw-SQL figures): the CPU
time here, less the raw side's own psycopg work, is most of the gap between the app and the raw
app; for the API the rest is the rate-limit hit's time on the server (ab.sh's raw app sends
no hit).

Recorded 2026-12-06 (mura_bench: 900,043 published sites; load average 5-8 from other runs;
CPU ms per request, interleaved with main before this work -> after): single record
0.43-0.49 -> 0.35-0.39, 20 nearest 0.85-1.06 -> 0.65-0.84, uncached tile z4 0.42-0.46 ->
0.38-0.40, z12 0.46 -> 0.38-0.42. Of the single record's, Django's request cycle and the
middleware above and around the early view take about half (the view alone: 0.20 ms, its
statement alone through psycopg: 0.10 ms); README "Benchmarks" has the breakdown.
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

HANDLER = WSGIHandler()


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def get(url: str) -> tuple[str, bytes]:
    """`url` as gunicorn asks for it: an anonymous GET over plain HTTP."""
    path, _, query = url.partition("?")
    if path.startswith("/maps/tiles/"):
        caches["tiles"].clear()
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "*/*", "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
    }  # fmt: skip
    status = []
    body = HANDLER(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        return status[0], b"".join(body)
    finally:
        body.close()  # as the server does: request_finished, connections checked


def main(url: str, n: int = 2000, rows: int = 40, sort: str = "cumulative") -> None:
    for _ in range(200):  # warm: statements compiled, caches filled
        status, body = get(url)
    if not status.startswith("200"):
        sys.exit(f"{url}: {status} {body[:200]!r}")
    with ExitStack() as stack:  # every alias: public reads may go to the replica's
        captured = [stack.enter_context(CaptureQueriesContext(c)) for c in connections.all()]
        get(url)
    queries = [query for capture in captured for query in capture.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_public_site")
        published = cursor.fetchone()[0]
    cpu, wall = [], []
    for _ in range(5):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        for _ in range(n):
            get(url)
        cpu.append((time.process_time() - cpu_start) / n * 1000)
        wall.append((time.perf_counter() - wall_start) / n * 1000)
    say(f"{url}: {statistics.median(cpu):.3f} ms CPU, {statistics.median(wall):.3f} ms wall per "
        f"request in-process (medians of 5 x {n}), {len(queries)} SQL statements, "
        f"{published:,} published sites, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    for query in queries:
        say("  SQL: " + " ".join(query["sql"].split())[:140])
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(n):
        get(url)
    profile.disable()
    pstats.Stats(profile).sort_stats(sort).print_stats(rows)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], *(int(a) for a in args[1:3]), *args[3:4])
