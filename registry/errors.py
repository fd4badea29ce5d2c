"""The one shape of a JSON error, for the API, the OGC API, the map's JSON endpoints and the
fault handlers (no DRF here: heritage/ and maps/ use it without importing registry/api/).

``{"status": 400, "detail": "bbox: min lon must not exceed max lon.",
"errors": {"bbox": ["min lon must not exceed max lon."]}}``: `errors` names every parameter
that was wrong, `detail` the first, for a reader in a hurry.
"""

from django.http import JsonResponse

JSON_PREFIXES = ("/api/", "/ogc/")


def error_body(status: int, errors: dict[str, list[str]]) -> dict:
    first_param, messages = next(iter(errors.items()))
    return {"status": status, "detail": f"{first_param}: {messages[0]}", "errors": errors}


def error_response(status: int, errors: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse(error_body(status, errors), status=status)
