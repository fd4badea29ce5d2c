"""What every API view shares: JSON only, bounded JSON bodies, per-role throttling, a refusal
of unknown query parameters (a typo must not silently widen a query), and the site query
parsed by registry/query.py (its QueryError answers 400 naming each parameter: errors.py)."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from registry.access import Door, door_for
from registry.api.parsers import BoundedJSONParser
from registry.api.throttles import RoleRateThrottle
from registry.query import QUERY_FILTERS, Param, SiteQuery, query_parse

ERROR = OpenApiResponse(
    response={
        "type": "object",
        "properties": {
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "array"}},
        },
    },
    description="JSON error naming the parameter",
)
ERRORS = {400: ERROR, 404: ERROR, 429: ERROR}


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class ApiView(APIView):
    renderer_classes = [JSONRenderer, GeoJSONRenderer]
    parser_classes = [BoundedJSONParser]
    throttle_classes = [RoleRateThrottle]
    allowed_params: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = set(request.query_params) - self.allowed_params - {"format"}
        if unknown:
            raise serializers.ValidationError(
                {name[:40]: "unknown parameter." for name in sorted(unknown)[:10]}
            )

    def door(self) -> Door:
        """Decided once per request: building the door's querysets is not free."""
        if getattr(self, "_door", None) is None:
            self._door = door_for(self.request.user)
        return self._door

    def parse(
        self, data=None, *, spec: tuple[Param, ...] = QUERY_FILTERS, extra: tuple[Param, ...] = ()
    ) -> tuple[SiteQuery, dict]:
        """The request's site query (staff may filter by status) and its own parameters
        (`extra`), from the query string or `data` (a JSON body)."""
        data = self.request.query_params if data is None else data
        return query_parse(data, staff=self.door().staff, spec=spec, extra=extra)
