"""Health endpoints for load balancers, `docker compose` and orchestrators.

- `/health/live`: the process answers (no database, no files). Restart it when this fails.
- `/health/ready`: `SELECT 1` on every configured database alias and a tiny file written and
  deleted in the default and private storages. 503 while the primary database or a storage
  fails: send it no traffic. Other aliases (the read replica) are reported but do not fail
  it, since heritage/routers.py then reads from the primary.

Both are JSON, never cached, and need no session or login; they say only "ok" or "error"
per check (the reason goes to the log).
"""

import logging
import uuid
from contextlib import suppress

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)
CHECK_TIMEOUT_MS = 2000  # SELECT 1 takes microseconds; a database this slow is not ready
STORAGES_CHECKED = ("default", "private")


def database_state(alias: str) -> str:
    """One round trip on the connection requests would use (or the pool's, when pooled)."""
    try:
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {CHECK_TIMEOUT_MS}")
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health: database %r is not usable: %s", alias, _first_line(error))
        return "error"
    return "ok"


def storage_state(alias: str) -> str:
    """Write and delete a two-byte file: a full disk, a read-only mount, missing permissions
    or an unreachable bucket all show, which checking that a directory exists would not."""
    storage = storages[alias]
    name = f".health-{uuid.uuid4().hex}"
    try:
        storage.delete(storage.save(name, ContentFile(b"ok")))
    except Exception as error:  # any backend's failure (OSError, botocore...) means not usable
        logger.warning("health: storage %r is not usable: %s", alias, _first_line(error))
        with suppress(Exception):
            storage.delete(name)  # a file created before the disk filled up
        return "error"
    return "ok"


def _first_line(error: Exception) -> str:
    """The reason, without a stack trace: a probe fails every few seconds while it lasts."""
    return f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}"


def readiness() -> dict:
    checks = {
        "database": {alias: database_state(alias) for alias in connections},
        "storage": {alias: storage_state(alias) for alias in STORAGES_CHECKED},
    }
    required = [checks["database"][DEFAULT_DB_ALIAS], *checks["storage"].values()]
    return {"status": "ok" if all(s == "ok" for s in required) else "error", **checks}


def _answer(body: dict) -> JsonResponse:
    response = JsonResponse(body, status=200 if body["status"] == "ok" else 503)
    add_never_cache_headers(response)
    return response


class HealthMiddleware:
    """First in MIDDLEWARE. Probes come over plain HTTP with whatever Host the orchestrator
    uses (a container's IP), so they are answered before the Host check, the HTTPS redirect,
    sessions and authentication, none of which a probe needs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        path = request.path_info.rstrip("/")
        if path == "/health/live":
            return _answer({"status": "ok"})
        if path == "/health/ready":
            return _answer(readiness())
        return self.get_response(request)
