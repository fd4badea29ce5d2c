"""Where one request's time goes, in-process: the whole middleware chain and view through
Django's test client (no HTTP, no gunicorn), then a cProfile of the same requests.

    DATABASE_URL=postgres://.../mura_bench DJANGO_SETTINGS_MODULE=heritage.settings \
      DJANGO_DEBUG=0 DJANGO_HTTPS=0 MURA_API_RATE_ANON=100000000/min \
      python bench/profile_request.py /api/v1/sites/KZ-0001897/ [N=2000] [ROWS=40]

Prints ms per request, the number of SQL statements one request sends, the data size, and
the ROWS functions with the most cumulative time. Use it beside bench/api.sh (which gives the
HTTP figures and the raw app's): the gap between the two sides is what this shows.
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")

import django  # noqa: E402

django.setup()

from contextlib import ExitStack  # noqa: E402

from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def main(path: str, n: int = 2000, rows: int = 40) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(200):  # warm: statements prepared, caches filled
        response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"{path}: {response.status_code} {response.content[:200]!r}")
    with ExitStack() as stack:  # every alias: public reads may go to the replica's
        captured = [stack.enter_context(CaptureQueriesContext(c)) for c in connections.all()]
        client.get(path)
    queries = [query for capture in captured for query in capture.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_public_site")
        published = cursor.fetchone()[0]
    start = time.perf_counter()
    for _ in range(n):
        client.get(path)
    per = (time.perf_counter() - start) / n * 1000
    say(f"{path}: {per:.2f} ms per request in-process, {len(queries)} SQL statements, "
          f"{published:,} published sites, {n} requests")  # fmt: skip
    for query in queries:
        say("  SQL: " + " ".join(query["sql"].split())[:140])
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(n):
        client.get(path)
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(rows)


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:4]))
