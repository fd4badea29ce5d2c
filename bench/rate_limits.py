"""What one rate-limit check costs a request (a benchmark, not a test).

Usage (any migrated database; the counters it adds expire within a minute):

    source scripts/lib.sh && ensure_everything
    python bench/rate_limits.py [--checks 5000] [--clients 500]

Reports the median and p95 per check, and ms per check over all of them, for:
- `limits.hit`: what RateLimitMiddleware and the API throttles do per request (the keyed
  hash of scope, client and window, then one INSERT ... ON CONFLICT ... RETURNING on
  Django's connection to the primary);
- the same statement sent alone by psycopg on a connection of its own (the floor: the
  round trip and PostgreSQL's work);
- a full request refused by the middleware (the Django test client; nothing after it runs);
- a per-process LocMemCache counter (what DRF's throttles used): no round trip, but not
  shared, so N processes allowed N times the limit.
Clients are drawn at random from --clients addresses, so most checks update a row and some
insert one, as under real traffic.
"""

import argparse
import hashlib
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client speaks plain HTTP

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings as django_settings  # noqa: E402
from django.core.cache.backends.locmem import LocMemCache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from heritage import limits  # noqa: E402

RATE = limits.Rate(count=10**9, seconds=60)  # never refuses: every check does the full work


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def timed(check, arguments) -> list[float]:
    times = []
    for argument in arguments:
        start = time.perf_counter()
        check(argument)
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1]
    say(
        f"{label:<44} median {statistics.median(times):6.3f} ms   p95 {p95:6.3f} ms"
        f"   {sum(times) / len(times):6.3f} ms/check over {len(times)}"
    )


def raw_sql_checks(addresses: list[str]) -> list[float]:
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as raw:
        window = int(time.time() // 60)

        def check(address: str) -> None:
            bucket = hashlib.blake2b(f"raw\n{address}\n{window}".encode(), digest_size=16)
            raw.execute(limits.HIT_SQL, [bucket.digest(), (window + 1) * 60]).fetchone()

        return timed(check, addresses)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=500)
    args = parser.parse_args()
    pool = [f"198.51.{n // 250}.{n % 250}" for n in range(args.clients)]
    addresses = [random.choice(pool) for _ in range(args.checks)]
    connection.ensure_connection()
    limits.hit("bench", "warm-up", RATE)

    report(
        "limits.hit (Django, the primary)", timed(lambda a: limits.hit("bench", a, RATE), addresses)
    )
    report("same SQL, raw psycopg", raw_sql_checks(addresses))

    client = Client(SERVER_NAME="localhost")  # an allowed host
    logging.disable(logging.WARNING)  # Django logs every 429
    refuse = dict.fromkeys(django_settings.MURA_RATES, "1/day")
    with override_settings(MURA_RATES=refuse, MURA_TRUSTED_PROXIES=()):
        client.get("/no-such-page/", REMOTE_ADDR="192.0.2.1")  # spends the one request
        refused = timed(
            lambda a: client.get("/no-such-page/", REMOTE_ADDR="192.0.2.1"),
            addresses[: max(args.checks // 5, 20)],
        )
    report("a request refused with 429 (test client)", refused)

    cache = LocMemCache("bench", {})

    def local(address: str) -> None:
        key = f"throttle_anon_{address}"
        cache.set(key, cache.get(key, 0) + 1, 60)

    report("LocMemCache counter (per process, not shared)", timed(local, addresses))


if __name__ == "__main__":
    main()
