"""The OpenAPI 3.0 description of /ogc/ (conformance class oas30)."""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from registry.features import feature_schema
from registry.ogc.views import COLLECTIONS, ITEMS_PARAMS, OTHER_FILTERS, SITE_FILTERS
from registry.query_schema import query_parameters


def _get(
    summary: str, parameters: list | None = None, media="application/json", schema=None
) -> dict:
    schema = schema or {"type": "object"}
    return {
        "get": {
            "summary": summary,
            "parameters": parameters or [],
            "responses": {
                "200": {"description": summary, "content": {media: {"schema": schema}}},
                "400": {"description": "invalid parameter (JSON naming it)"},
                "404": {"description": "not found"},
            },
        }
    }


COLLECTION_ID = {
    "name": "collectionId", "in": "path", "required": True,
    "schema": {"type": "string", "enum": list(COLLECTIONS)},
}  # fmt: skip
# Written from the parser's own spec (registry/query.py): `bbox` filters every collection,
# the other site filters the sites only (elsewhere they answer 400, unknown parameter).
SITES_ONLY = " (collection `sites` only)"
ITEMS_PARAMETERS = [
    COLLECTION_ID,
    *query_parameters(OTHER_FILTERS + ITEMS_PARAMS),
    *[
        {**parameter, "description": parameter["description"] + SITES_ONLY}
        for parameter in query_parameters(p for p in SITE_FILTERS if p not in OTHER_FILTERS)
    ],
]


def _page_schema() -> dict:
    """A page of items; a site's feature as the statements build it (registry/features.py),
    the other collections' features as GeoJSON objects."""
    feature = {"anyOf": [feature_schema(distance=False), {"type": "object"}]}
    return {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": feature},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
            "timeStamp": {"type": "string", "format": "date-time"},
            "links": {"type": "array", "items": {"type": "object"}},
        },
    }


@require_GET
def openapi(request):
    root = reverse("ogc:landing")
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Mura OGC API - Features", "version": "1.0.0"},
        "servers": [{"url": request.build_absolute_uri(root).rstrip("/")}],
        "paths": {
            "/": _get("landing page"),
            "/conformance": _get("conformance classes"),
            "/collections": _get("collections"),
            "/collections/{collectionId}": _get("a collection", [COLLECTION_ID]),
            "/collections/{collectionId}/items": _get(
                "features", ITEMS_PARAMETERS, "application/geo+json", _page_schema()
            ),
            "/collections/{collectionId}/items/{featureId}": _get(
                "a feature",
                [
                    COLLECTION_ID,
                    {
                        "name": "featureId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 32},
                    },
                ],
                "application/geo+json",
            ),  # fmt: skip
        },
    }
    return JsonResponse(document, content_type="application/vnd.oai.openapi+json;version=3.0")
