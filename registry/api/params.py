"""Query input for the REST API: a thin adapter over registry/query.py, which declares every
site filter and parses them (plain Python: no serializer per request). Here: the filters as
drf-spectacular parameters, so the OpenAPI schema states the parser's types, ranges and help,
and the GeoJSON body field the screening serializer reads."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from registry.geojson import area_from_geojson
from registry.query import MANY, MAX_PAGE, Param
from registry.query_schema import param_schema

__all__ = ["MAX_PAGE", "GeoJSONGeometryField", "openapi_parameters"]


def openapi_parameters(spec: tuple[Param, ...]) -> list[OpenApiParameter]:
    """The query parameters of `spec` for `extend_schema(parameters=...)`. Code lists are
    documented exploded (`?region=KZ75&region=KZ19`); commas within one value work too."""
    return [
        OpenApiParameter(
            p.name,
            param_schema(p),
            OpenApiParameter.QUERY,
            description=p.help,
            explode=True if p.kind in MANY else None,
        )
        for p in spec
        if not p.body_only
    ]


class GeoJSONGeometryField(serializers.JSONField):
    """A GeoJSON Polygon/MultiPolygon object, read without GDAL."""

    def to_internal_value(self, data):
        try:
            return area_from_geojson(data, field=self.field_name)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
