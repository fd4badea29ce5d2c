"""What every API view shares: JSON only, bounded JSON bodies, per-role throttling, and a
refusal of unknown query parameters (a typo must not silently widen a query)."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from registry.api.access import Door, door_for
from registry.api.parsers import BoundedJSONParser
from registry.api.throttles import RoleRateThrottle

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

    def params(self, serializer_class, data=None):
        door = self.door()
        serializer = serializer_class(
            data=self.request.query_params if data is None else data,
            context={"staff": door.staff, "request": self.request},
        )
        serializer.is_valid(raise_exception=True)
        return serializer
