"""The OpenAPI 3.0 description of /ogc/ (conformance class oas30)."""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from registry.api.params import MAX_PAGE
from registry.ogc.views import COLLECTIONS


def _get(summary: str, parameters: list | None = None, media="application/json") -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters or [],
            "responses": {
                "200": {"description": summary, "content": {media: {"schema": {"type": "object"}}}},
                "400": {"description": "invalid parameter (JSON naming it)"},
                "404": {"description": "not found"},
            },
        }
    }


COLLECTION_ID = {
    "name": "collectionId", "in": "path", "required": True,
    "schema": {"type": "string", "enum": list(COLLECTIONS)},
}  # fmt: skip
ITEMS_PARAMETERS = [
    COLLECTION_ID,
    {"name": "bbox", "in": "query", "style": "form", "explode": False,
     "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}},
    {"name": "limit", "in": "query",
     "description": f"page size; a larger value is served as {MAX_PAGE} (not refused)",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 100}},
    {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 500}},
]  # fmt: skip


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
                "features", ITEMS_PARAMETERS, "application/geo+json"
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
