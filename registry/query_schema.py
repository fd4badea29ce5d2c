"""The OpenAPI 3.0 documents of the site query's parameters, written from the `Param`s of
registry/query.py: the REST API's (drf-spectacular, registry/api/params.py) and the OGC
API's (registry/ogc/openapi.py) state the same types, ranges and help as the parser checks."""

from collections.abc import Iterable

from registry.query import (
    BBOX,
    BBOX_PATTERN,
    CHOICE,
    GEOJSON,
    INT,
    MANY,
    MAX_CODE_CHARS,
    MAX_CODES,
    NUMBER,
    POINT,
    POINT_PATTERN,
    Param,
)


def param_schema(param: Param) -> dict:
    """The OpenAPI schema of a parameter's value (in a query, or a JSON body's property)."""
    if param.kind in MANY:
        item = {"type": "string", "maxLength": MAX_CODE_CHARS}
        if param.choices:
            item["enum"] = list(param.choices)
        return {"type": "array", "items": item, "maxItems": MAX_CODES}
    if param.kind in (INT, NUMBER):
        schema = {"type": "integer"} if param.kind == INT else {"type": "number"}
        if param.kind == NUMBER:
            schema["format"] = "double"
        bounds = {"minimum": param.minimum, "maximum": param.maximum, "default": param.default}
        return schema | {k: v for k, v in bounds.items() if v is not None}
    if param.kind == GEOJSON:
        return {"type": "object", "description": param.help}
    schema = {"type": "string", "maxLength": param.max_length}
    if param.kind == CHOICE:
        schema["enum"] = list(param.choices)
    if param.min_length:
        schema["minLength"] = param.min_length
    pattern = {BBOX: BBOX_PATTERN, POINT: POINT_PATTERN}.get(param.kind, param.pattern)
    if pattern:
        schema["pattern"] = pattern
    if param.default is not None:
        schema["default"] = param.default
    return schema


def query_parameters(spec: Iterable[Param]) -> list[dict]:
    """OpenAPI 3.0 query parameters (the OGC API's document, written by hand)."""
    return [
        {"name": p.name, "in": "query", "description": p.help, "schema": param_schema(p)}
        for p in spec
        if not p.body_only
    ]


def body_schema(spec: Iterable[Param]) -> dict:
    """A JSON body holding the parameters of `spec` (POST /api/v1/sites/search/)."""
    return {
        "type": "object",
        "properties": {p.name: param_schema(p) | {"description": p.help} for p in spec},
        "additionalProperties": False,
    }
