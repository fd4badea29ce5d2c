"""When the database fails, say so: 503 (or 504 for a query cut off by `statement_timeout`)
with Retry-After, never a 500 and a stack trace.

Django wraps every middleware in `convert_exception_to_response`, so no middleware sees an
exception raised in another one; what escapes a view or a middleware ends in `handler500`,
called inside the `except` block, where `sys.exception()` is the cause. That makes
`server_error` the one place that knows: a lost or refused connection, a full pool
(`psycopg_pool.PoolTimeout`), a statement timeout. With DEBUG on, Django shows its debug page
instead.

/api/ and /ogc/ (and any client that does not ask for HTML) get the API's JSON error shape;
browsers get a translated page. Either is marked uncacheable: tiles are cached by URL.
"""

import logging
import sys

import psycopg.errors
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from psycopg_pool import PoolTimeout

from registry.errors import JSON_PREFIXES, error_body

RETRY_AFTER_S = 5


def database_fault(exc: BaseException | None) -> tuple[int, str] | None:
    """(status, cause) when `exc` (or what it was raised from) is the database failing, not
    our code or the client: a bug or a constraint violation stays a 500 / 4xx."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, (OperationalError, InterfaceError)):
            cause = exc.__cause__
            if isinstance(cause, psycopg.errors.QueryCanceled):
                return 504, "database query timed out"
            if isinstance(cause, PoolTimeout):
                return 503, "database busy (no free connection)"
            return 503, "database unavailable"
        exc, seen = exc.__cause__, seen + 1
    return None


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(JSON_PREFIXES) or "text/html" not in request.headers.get(
        "Accept", ""
    )


def fault_response(request: HttpRequest, status: int, cause: str) -> HttpResponse:
    """The answer to a database fault. Renders nothing that could query the database again
    (no user, no session, no base template)."""
    if wants_json(request):
        message = f"{cause}; try again in a few seconds."
        response = JsonResponse(error_body(status, {"service": [message]}), status=status)
    else:
        html = render_to_string("503.html", {"timed_out": status == 504})
        response = HttpResponse(html, status=status)
    response["Retry-After"] = str(RETRY_AFTER_S)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database fault becomes 503/504; anything else stays Django's 500."""
    fault = database_fault(sys.exception())
    if fault is None:
        return defaults.server_error(request)
    return fault_response(request, *fault)


class DatabaseFaultLogFilter(logging.Filter):
    """On the `django.request` logger. Django logs an escaped exception as "Internal Server
    Error" with its stack trace before handler500 runs; a database fault becomes one warning
    naming the cause and the status actually sent, since an outage repeats it per request."""

    def filter(self, record: logging.LogRecord) -> bool:
        fault = database_fault(record.exc_info[1]) if record.exc_info else None
        if fault is not None:
            status, cause = fault
            reason = (str(record.exc_info[1]).splitlines() or [""])[0]
            path = getattr(getattr(record, "request", None), "path", "?")
            record.msg, record.args = "%s, answered %s: %s (%s)", (cause, status, path, reason)
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
