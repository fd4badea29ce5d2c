"""Every error under /api/ and /ogc/ is JSON naming what was wrong: never an HTML page, never a 500
for bad input. The shape is registry/errors.py's."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from registry.api.parsers import MAX_BODY_BYTES, BodyTooLarge
from registry.errors import JSON_PREFIXES, error_body
from registry.query import QueryError

logger = logging.getLogger(__name__)
__all__ = ["JSON_PREFIXES", "error_body", "exception_handler", "JsonErrorsMiddleware"]


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF error detail (nested dicts and lists) as {"param": ["message", ...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key in ("non_field_errors", "__all__") or isinstance(key, int):
                name = prefix or "request"  # list items report as their parameter
            for k, messages in _flatten(value, name).items():
                flat.setdefault(k, []).extend(messages)
        return flat
    if isinstance(detail, list):
        flat = {}
        for item in detail:
            for k, messages in _flatten(item, prefix).items():
                flat.setdefault(k, []).extend(messages)
        return flat
    return {prefix or "request": [str(detail)]}


def too_large_body() -> dict:
    return error_body(413, {"body": [f"larger than the limit of {MAX_BODY_BYTES} bytes."]})


def exception_handler(exc, context):
    """DRF's handler, then our shape; QueryErrors and Django ValidationErrors (geometry
    checks) become 400s; a body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (read by DRF's
    parsing) a 413."""
    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        return Response(too_large_body(), 413)
    if isinstance(exc, QueryError):  # registry/query.py: already keyed by parameter
        set_rollback()
        return Response(error_body(400, exc.errors), 400)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(response.data)
    elif isinstance(exc, exceptions.ParseError | BodyTooLarge):
        errors = {"body": [str(exc.detail).removeprefix("body: ")]}
    else:
        errors = {"request": [str(response.data.get("detail", response.status_text))]}
    set_rollback()
    kept = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}
    return Response(error_body(response.status_code, errors), response.status_code, headers=kept)


class JsonErrorsMiddleware:
    """Outside DRF views too (unknown URLs, crashes), /api/ and /ogc/ answer JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(JSON_PREFIXES)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(
                ("application/json", "application/problem+json", "application/geo+json")
            )
        ):
            message = {404: "no such resource.", 405: "method not allowed."}.get(
                response.status_code, response.reason_phrase.lower() + "."
            )
            return JsonResponse(
                error_body(response.status_code, {"path": [message]}), status=response.status_code
            )
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith(JSON_PREFIXES):
            return None
        if isinstance(exception, Http404):
            return JsonResponse(error_body(404, {"path": ["no such resource."]}), status=404)
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(too_large_body(), status=413)
        if isinstance(exception, (OperationalError, InterfaceError)):
            return None  # the database failing: handler500 (heritage/faults.py) answers 503
        logger.exception("unhandled error on %s", request.path)
        return JsonResponse(error_body(500, {"request": ["internal error."]}), status=500)
