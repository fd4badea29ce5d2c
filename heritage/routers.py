"""Public reads on a PostgreSQL streaming replica (`DATABASES["replica"]`, set from
DATABASE_REPLICA_URL); everything else on the primary.

Who reads where (decided by `ReplicaMiddleware` at the start of each request):

- anonymous and API-token GET/HEAD requests read the registry from the replica;
- signed-in people (officers, reviewers, administrators), every POST/PUT/PATCH/DELETE, and
  whoever wrote in the last MURA_REPLICA_PIN_SECONDS (a signed cookie) read from the primary,
  so nobody sees an older state right after their own save;
- management commands and the task worker (no request) use the primary;
- accounts, sessions, tokens and lockouts (every app but `registry`) always use the primary:
  a session written at login must be found on the very next request.

A request keeps the database its first registry read went to, and moves to the primary for
good once it writes, so what one request reads comes from one server (a map tile and the
version its ETag carries are even read in one statement, maps/tiles.py). Reads inside a
transaction on the primary stay there (select_for_update, services).

If the replica cannot be reached (MURA_DB_CONNECT_TIMEOUT, or the replica URL's
`connect_timeout`) or lags more than
MURA_REPLICA_MAX_LAG_SECONDS, this process reads from the primary for
MURA_REPLICA_RETRY_SECONDS (doubling while it stays down, up to a minute), then tries again;
the change is logged once each way.
"""

import contextvars
import logging
import time
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import request_finished
from django.db import DatabaseError, connections

DEFAULT, REPLICA = "default", "replica"
REPLICA_APPS = frozenset({"registry"})
PIN_COOKIE = "mura_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_MAX_SECONDS = 60
# Seconds the replica is behind: nothing to replay means none (an idle primary writes no
# commits, so the age of the last replayed one alone would be misleading).
LAG_SQL = """
SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END
"""

logger = logging.getLogger(__name__)


@dataclass
class RequestReads:
    """Where this request reads the registry from: None until its first read decides."""

    alias: str | None = None
    wrote: bool = False


_reads: contextvars.ContextVar[RequestReads | None] = contextvars.ContextVar(
    "mura_request_reads", default=None
)


@dataclass
class ReplicaHealth:
    """This process's view of the replica (each gunicorn worker finds out on its own)."""

    down_until: float = 0.0
    down: bool = False
    failures: int = 0  # in a row: the wait before the next try doubles, up to RETRY_MAX
    lag_checked_at: float = float("-inf")


health = ReplicaHealth()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _mark_down(reason: str) -> None:
    """Each try at an unreachable host costs a connect timeout, hence the doubling wait."""
    health.failures += 1
    retry = settings.MURA_REPLICA_RETRY_SECONDS * 2 ** min(health.failures - 1, 10)
    health.down_until = time.monotonic() + min(retry, RETRY_MAX_SECONDS)
    if not health.down:
        logger.warning("Read replica unavailable (%s); reading from the primary.", reason)
    health.down = True


def _lag_seconds(connection) -> float:
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def replica_usable() -> bool:
    """Whether the replica answers (and is recent enough); cheap once connected: Django's
    health check runs once per request, the lag query every MURA_REPLICA_CHECK_SECONDS."""
    now = time.monotonic()
    if now < health.down_until:
        return False
    connection = connections[REPLICA]
    max_lag = settings.MURA_REPLICA_MAX_LAG_SECONDS
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        lag = 0.0
        if max_lag and now - health.lag_checked_at >= settings.MURA_REPLICA_CHECK_SECONDS:
            lag, health.lag_checked_at = _lag_seconds(connection), now
    except DatabaseError as error:
        with suppress(DatabaseError):
            connection.close()
        _mark_down(next(iter(str(error).strip().splitlines()), repr(error)))
        return False
    if max_lag and lag > max_lag:
        health.lag_checked_at = float("-inf")  # measure again when retrying
        _mark_down(f"{lag:.0f} s behind the primary, more than {max_lag:g} s")
        return False
    if health.down:
        logger.warning("Read replica available again; public reads go to it.")
    health.down, health.failures = False, 0
    return True


class ReplicaRouter:
    """DATABASE_ROUTERS entry (only when a replica is configured)."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is None or model._meta.app_label not in REPLICA_APPS:
            return DEFAULT
        if connections[DEFAULT].in_atomic_block:
            return DEFAULT  # a transaction reads what it (and its locks) see
        if reads.alias is None:
            reads.alias = REPLICA if replica_usable() else DEFAULT
        return reads.alias

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None:
            reads.alias, reads.wrote = DEFAULT, True  # read your own writes from here on
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's very rows

    def allow_migrate(self, db, app_label, **hints):
        return None if db == DEFAULT else False


def _reads_primary(request) -> bool:
    if request.method not in SAFE_METHODS:
        return True
    if request.user.is_authenticated:  # session users; API tokens authenticate later
        return True
    pin = settings.MURA_REPLICA_PIN_SECONDS
    return request.get_signed_cookie(PIN_COOKIE, None, salt=PIN_COOKIE, max_age=pin) is not None


class ReplicaMiddleware:
    """Decides where a request reads (module docstring); after a request that wrote, sets a
    short signed cookie so the writer's next requests read from the primary too. Goes after
    AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        reads = RequestReads(alias=DEFAULT if _reads_primary(request) else None)
        _reads.set(reads)  # cleared when the response is closed (streamed bodies included)
        response = self.get_response(request)
        if reads.wrote:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_COOKIE,
                max_age=settings.MURA_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _request_done(**kwargs) -> None:
    _reads.set(None)


request_finished.connect(_request_done, dispatch_uid="mura_replica_reads_done")
