"""JSON bodies with bounds: size and nesting depth are checked before parsing, so a hostile
body answers 400 naming the problem instead of exhausting memory or the recursion limit."""

import json

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_BODY_BYTES = 2_000_000
MAX_DEPTH = 20  # Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) before this


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def json_depth(text: str) -> int:
    """Deepest nesting of [ and { outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge(f"body: larger than the limit of {MAX_BODY_BYTES} bytes.")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("body: is not UTF-8.") from None
        if "\x00" in text or "\\u0000" in text:
            raise ParseError("body: NUL characters are not accepted.")
        if json_depth(text) > MAX_DEPTH:
            raise ParseError(f"body: JSON nested deeper than {MAX_DEPTH} levels.")
        try:
            return json.loads(text, parse_constant=_no_constants)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"body: malformed JSON ({str(exc)[:80]}).") from None


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")
