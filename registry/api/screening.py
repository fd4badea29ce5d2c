"""POST /api/v1/screening/: a planned construction's polygon and a distance in, every site and
zone within reach out, as JSON or CSV (`?format=csv`)."""

import csv
import io

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from registry.access import log_exact_read
from registry.api.base import ERRORS, ApiView
from registry.api.params import GeoJSONGeometryField
from registry.services.exports import neutralise
from registry.services.screening import screening_run

MAX_SCREENING_M = 100_000


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` through DRF's negotiation; the view writes the CSV itself and
    errors stay JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class ScreeningBody(serializers.Serializer):
    area = GeoJSONGeometryField(help_text="GeoJSON Polygon or MultiPolygon (lon/lat)")
    distance = serializers.FloatField(
        min_value=0, max_value=MAX_SCREENING_M, help_text="metres, on the spheroid"
    )

    def validate_distance(self, value):
        if value != value or value in (float("inf"), float("-inf")):
            raise serializers.ValidationError("must be a finite number.")
        return value


HIT = inline_serializer(
    "ScreeningHit",
    {
        "kind": serializers.ChoiceField(choices=["site", "zone"]),
        "registry_number": serializers.CharField(),
        "name": serializers.CharField(),
        "detail": serializers.CharField(),
        "distance_m": serializers.FloatField(min_value=0),
    },
)


class ScreeningApi(ApiView):
    allowed_params = frozenset()
    renderer_classes = [*ApiView.renderer_classes, CSVRenderer]

    @extend_schema(
        operation_id="screening",
        request=ScreeningBody,
        parameters=[OpenApiParameter("format", str, enum=["json", "csv"], required=False)],
        responses={
            200: inline_serializer("Screening", {"hits": HIT.__class__(many=True)}),
            **ERRORS,
        },
    )
    def post(self, request):
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "csv"):
            raise serializers.ValidationError({"format": "must be json or csv."})
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"body": "must be a JSON object."})
        body = ScreeningBody(data=request.data)
        body.is_valid(raise_exception=True)
        door = self.door()
        hits = screening_run(
            sites=door.sites,
            zones=door.zones,
            exact=door.exact,
            area=body.validated_data["area"],
            distance_m=body.validated_data["distance"],
        )
        if door.exact:
            log_exact_read(request.user, "screening", len(hits))
        rows = [hit.__dict__ for hit in hits]
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(HIT.fields))
            writer.writeheader()
            writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="screening.csv"'
            return response
        return Response({"hits": rows})
