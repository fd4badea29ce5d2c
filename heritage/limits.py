"""Rate limits that hold across every process and machine.

A counter per (scope, client, time window) lives in `mura_rate_limit`, an UNLOGGED table on
the primary database (registry migration 0015_rate_limits): every gunicorn worker of every
machine already shares that server, so no other service is needed. One hit is one round trip,
`INSERT ... ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits`, atomic under any
concurrency, on the `default` (primary) connection even when the request reads from a replica.
UNLOGGED: no WAL, hence cheap commits; a crash empties it, which only resets the counters.
Once a minute, each process's hit also deletes expired windows, in the same statement.
`bench/rate_limits.py` measures a hit.

A public read answered early (heritage/early.py) counts its hit in the read's own round trip:
`counting(...)` defers the hit, and the next `read` on the primary sends its statement and the
hit together, as one query string (two statements, one implicit transaction; the hit last,
so the counter's row is locked only while the hit itself runs). The hit is counted whatever
the verdict, as before; a refused request has run its read too (a cheap public read, whose
rows are dropped), and is then answered by the whole chain with the verdict handed over
(`verdict_for`), which counts it no second time. A request that read nothing, or read from a
replica, is counted by `settle` in its own round trip, as any other.

Windows are fixed (aligned to the epoch), so a client may get up to twice a limit across a
window's edge: the limits are sized for real use, and twice that is still bounded.

The client is `heritage.clientip.client_ip` (forwarding headers only from a trusted proxy);
an IPv6 client is counted per /64, the block one subscriber usually gets. Buckets store a
keyed hash, not the address: no address is written to the database (or its backups).

`RateLimitMiddleware` limits every public path but the REST API's, whose views throttle per
role (registry/api/throttles.py, the same counters). Health checks are answered before it.
"""

import hashlib
import ipaddress
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

from heritage.clientip import client_ip
from registry.errors import JSON_PREFIXES, error_body

HIT_SQL = """
INSERT INTO mura_rate_limit AS c (bucket, expires_at, hits) VALUES (%s, %s, 1)
ON CONFLICT (bucket) DO UPDATE SET hits = c.hits + 1
RETURNING hits
"""
# Now and then the same statement deletes expired windows: still one round trip.
SWEEP_HIT_SQL = "WITH swept AS (DELETE FROM mura_rate_limit WHERE expires_at < %s)" + HIT_SQL
SWEEP_EVERY_S = 60
WITH_HIT = ";\n-- and the rate-limit hit of the request\n"  # between a read and its hit (`read`)
# Posts that try a password or send mail to an account (the other posts need a login):
# officers' (Django's views) and contributors' (django-allauth's, under /contributors/).
LOGIN_POSTS = (
    "/accounts/login/", "/accounts/password_reset/", "/accounts/reset/", "/admin/login/",
    "/contributors/login/", "/contributors/password/reset/", "/contributors/reauthenticate/",
)  # fmt: skip
# Posts that create a contributor account or send its address a confirmation link.
SIGNUP_POSTS = ("/contributors/signup/", "/contributors/confirm-email/", "/contributors/email/")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MESSAGE = {
    "kk": "Бұл мекенжайдан сұраныс тым көп. {s} секундтан кейін қайталаңыз.",
    "ru": "Слишком много запросов с этого адреса. Повторите через {s} с.",
    "en": "Too many requests from this address. Try again in {s} seconds.",
}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


@lru_cache(maxsize=64)
def parse_rate(text: str) -> Rate:
    """DRF's notation: `600/min`, `10/hour`, `5/s`, `1000/day`."""
    count, _, period = text.partition("/")
    try:
        return Rate(int(count), PERIODS[period.strip()[:1]])
    except (ValueError, KeyError):
        raise ImproperlyConfigured(f"Bad rate {text!r}: use e.g. 600/min or 10/hour.") from None


@lru_cache(maxsize=4096)  # parsing an address was a twentieth of a small read's Python
def address_key(address: str) -> str:
    """An IPv4 address as it is; an IPv6 one as its /64 (one subscriber can hold them all)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is None:
        return f"{ipaddress.ip_network(f'{ip}/64', strict=False).network_address}/64"
    return str(getattr(ip, "ipv4_mapped", None) or ip)


_last_sweep = 0.0


@dataclass
class Count:
    """One request's hit: `verdict` once it has been counted."""

    scope: str
    ident: str
    rate: Rate
    verdict: Verdict | None = None


_counting: ContextVar[Count | None] = ContextVar("mura_counting", default=None)


def _hit_statement(scope: str, ident: str, rate: Rate) -> tuple[str, list, float, float]:
    """(SQL, parameters, now, window's end) of one hit."""
    global _last_sweep
    now = time.time()
    window = int(now // rate.seconds)
    expires_at = (window + 1) * rate.seconds
    bucket = hashlib.blake2b(
        f"{scope}\n{ident}\n{rate.seconds}\n{window}".encode(),
        key=settings.SECRET_KEY.encode()[:64],
        digest_size=16,
    ).digest()
    if now - _last_sweep >= SWEEP_EVERY_S:
        _last_sweep = now
        return SWEEP_HIT_SQL, [int(now), bucket, expires_at], now, expires_at
    return HIT_SQL, [bucket, expires_at], now, expires_at


def _verdict(hits: int, rate: Rate, now: float, expires_at: float) -> Verdict:
    return Verdict(hits <= rate.count, max(1, math.ceil(expires_at - now)))


def hit(scope: str, ident: str, rate: Rate) -> Verdict:
    """Counts one request of `ident` in `scope`; allowed while within `rate`."""
    sql, params, now, expires_at = _hit_statement(scope, ident, rate)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        (hits,) = cursor.fetchone()
    return _verdict(hits, rate, now, expires_at)


@contextmanager
def counting(count: Count) -> Iterator[Count]:
    """Within the block, `count`'s hit waits for the first `read` on the primary."""
    token = _counting.set(count)
    try:
        yield count
    finally:
        _counting.reset(token)


def _rows_next(cursor) -> None:
    """Past the results of statements that return no rows (a SET sent before a read or
    after it, registry/features.py `_knn_rows`) to the next that does."""
    while cursor.description is None and cursor.nextset():
        pass


def read(using: str, sql: str, params) -> list[tuple]:
    """The rows of one statement; with the request's deferred hit, if any is waiting and
    `using` is the primary (module docstring), in the same round trip."""
    return read_named(using, sql, params)[1]


def read_named(using: str, sql: str, params) -> tuple[list[str], list[tuple]]:
    """`read`, with the names of the statement's columns."""
    count = _counting.get()
    with connections[using].cursor() as cursor:
        if count is None or count.verdict is not None or using != DEFAULT_DB_ALIAS:
            cursor.execute(sql, params)
            _rows_next(cursor)
            return [column.name for column in cursor.description], cursor.fetchall()
        hit_sql, hit_params, now, expires_at = _hit_statement(count.scope, count.ident, count.rate)
        cursor.execute(f"{sql}{WITH_HIT}{hit_sql}", [*params, *hit_params])
        _rows_next(cursor)
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
        cursor.nextset()
        _rows_next(cursor)
        (hits,) = cursor.fetchone()
    count.verdict = _verdict(hits, count.rate, now, expires_at)
    return names, rows


def settle(count: Count) -> Verdict:
    """`count`'s verdict, counting it now if no read has."""
    if count.verdict is None:
        count.verdict = hit(count.scope, count.ident, count.rate)
    return count.verdict


def verdict_for(request: HttpRequest, scope: str, ident: str, rate: Rate) -> Verdict:
    """The verdict of this request in `scope`: the one an early path counted and handed over
    (heritage/early.py), else a hit counted now."""
    count = getattr(request, "mura_count", None)
    if count is not None and count.scope == scope and count.verdict is not None:
        return count.verdict
    return hit(scope, ident, rate)


def scope_for(request: HttpRequest) -> str | None:
    """Which limit a request counts against; None: not limited here."""
    path = request.path_info
    if request.method == "POST" and path.startswith(LOGIN_POSTS):
        return "login"
    if request.method == "POST" and path.startswith(SIGNUP_POSTS):
        return "signup"
    if path.startswith(("/api/v1/", "/officer/", "/admin/", "/static/")):
        return None  # the API throttles per role itself; staff pages need a login
    if path.startswith(("/maps/tiles/", "/maps/base/")):  # a view asks for dozens at once
        return "tiles"
    if path.startswith("/maps/"):
        return "map"  # in-view lists, suggestions, the click panel, outlines
    if path.startswith("/ogc/"):
        return "ogc"
    if path.startswith("/sites/") and path.endswith("/passport.pdf"):
        return "passports"  # a PDF made on request: a tenth of a second or more of CPU each
    return "pages"  # the map page, site pages, sitemaps, public photos, API docs


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with Retry-After: JSON under /api/ and /ogc/, nothing for a tile, else text."""
    path = request.path_info
    if path.startswith(JSON_PREFIXES):
        message = f"too many requests from this address; try again in {retry_after} s."
        response = JsonResponse(error_body(429, {"request": [message]}), status=429)
    elif path.startswith("/maps/tiles/"):
        response = HttpResponse(status=429)
    else:
        text = "\n".join(m.format(s=retry_after) for m in MESSAGE.values())
        response = HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


class RateLimitMiddleware:
    """Before sessions and the view: a refused request costs one round trip, nothing more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = scope_for(request)
        if scope is not None:
            rate = parse_rate(settings.MURA_RATES[scope])
            verdict = verdict_for(request, scope, address_key(client_ip(request)), rate)
            if not verdict.allowed:
                return too_many(request, verdict.retry_after)
        return self.get_response(request)
