"""Query input: DRF serializers that validate every parameter and build a `SiteQuery`.

Every message names its parameter (DRF keys errors by field). Numbers declare their ranges
so the OpenAPI schema states the contract.
"""

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from registry.geojson import area_from_geojson, area_from_wkt, point_from_text
from registry.models import AdminArea, Typology
from registry.models.sites import YEAR_VALIDATORS, Category, Condition, Significance, Status
from registry.search import ORDERINGS, SiteQuery

MAX_PAGE = 1000
MAX_DISTANCE_M = 1_000_000  # 1,000 km: more than that is "everything"
YEAR_MIN, YEAR_MAX = YEAR_VALIDATORS[0].limit_value, YEAR_VALIDATORS[1].limit_value
NUMBER = r"-?\d+(\.\d+)?"
BBOX_PATTERN = rf"^{NUMBER},{NUMBER},{NUMBER},{NUMBER}$"
AREA_LEVELS = {"region": AdminArea.Level.REGION, "district": AdminArea.Level.DISTRICT}


def _django_errors(exc: DjangoValidationError, field: str) -> serializers.ValidationError:
    messages = exc.message_dict.get(field) if hasattr(exc, "error_dict") else exc.messages
    return serializers.ValidationError(messages or exc.messages)


class FiniteFloatField(serializers.FloatField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            raise serializers.ValidationError("must be a finite number (no NaN or infinity).")
        return value


class CodeListField(serializers.ListField):
    """Repeatable and comma-separated: `?region=KZ75&region=KZ19` or `?region=KZ75,KZ19`."""

    def __init__(self, *, choices=None, **kwargs):
        child = (
            serializers.ChoiceField(choices=choices)
            if choices
            else serializers.CharField(max_length=40)
        )
        super().__init__(child=child, required=False, max_length=50, **kwargs)

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [part.strip() for item in value for part in str(item).split(",") if part]
        return value


class SiteFilterParams(serializers.Serializer):
    """Filters shared by the site list, search, count, exports and OGC items."""

    bbox = serializers.RegexField(
        BBOX_PATTERN,
        required=False,
        max_length=200,
        help_text="min lon, min lat, max lon, max lat (WGS84), e.g. 76.8,43.2,77.0,43.3",
    )
    geometry = serializers.CharField(
        required=False,
        max_length=100_000,
        help_text="WKT POLYGON or MULTIPOLYGON in lon/lat; larger areas: POST /sites/search/",
    )
    region = CodeListField(help_text="region codes (KZ75...), several allowed")
    district = CodeListField(help_text="district codes (KZ7501...), several allowed")
    near = serializers.RegexField(
        rf"^{NUMBER},{NUMBER}$", required=False, max_length=60, help_text="lon,lat"
    )
    distance = FiniteFloatField(
        required=False,
        min_value=0,
        max_value=MAX_DISTANCE_M,
        help_text="metres from `near` (on the spheroid)",
    )
    category = CodeListField(choices=Category.choices)
    typology = CodeListField(help_text="typology codes (mausoleum, kurgan...)")
    significance = CodeListField(choices=Significance.choices)
    condition = CodeListField(choices=Condition.choices)
    status = CodeListField(choices=Status.choices, help_text="staff only")
    date_from = serializers.IntegerField(
        required=False, min_value=YEAR_MIN, max_value=YEAR_MAX, help_text="year, BCE < 0"
    )
    date_to = serializers.IntegerField(
        required=False, min_value=YEAR_MIN, max_value=YEAR_MAX, help_text="year, BCE < 0"
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        min_length=2,
        help_text="text in kk/ru/en names and descriptions; typo-tolerant; Latin finds Cyrillic",
    )
    ordering = serializers.ChoiceField(
        choices=[*ORDERINGS, "distance"], required=False, default="registry_number"
    )

    def validate_bbox(self, value):
        lon1, lat1, lon2, lat2 = (float(v) for v in value.split(","))
        if not (-180 <= lon1 <= 180 and -180 <= lon2 <= 180):
            raise serializers.ValidationError("longitudes must be between -180 and 180.")
        if not (-90 <= lat1 <= 90 and -90 <= lat2 <= 90):
            raise serializers.ValidationError(
                "latitudes must be between -90 and 90 (order: min lon, min lat, max lon, max lat)."
            )
        if lon1 > lon2 or lat1 > lat2:
            raise serializers.ValidationError("min must not exceed max (min lon, min lat, ...).")
        return (lon1, lat1, lon2, lat2)

    def validate_geometry(self, value):
        try:
            return area_from_wkt(value, field="geometry")
        except DjangoValidationError as exc:
            raise _django_errors(exc, "geometry") from None

    def validate_near(self, value):
        try:
            return point_from_text(value, field="near")
        except DjangoValidationError as exc:
            raise _django_errors(exc, "near") from None

    def _ids(self, codes: list[str], field: str) -> tuple[int, ...]:
        if not codes:
            return ()
        if field == "typology":
            known = Typology.objects.all()
        else:
            known = AdminArea.objects.filter(level=AREA_LEVELS[field])
        found = dict(known.filter(code__in=codes).values_list("code", "id"))
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise serializers.ValidationError(
                {field: f"unknown code(s): {', '.join(unknown[:5])}."}
            )
        return tuple(found.values())

    def validate(self, attrs):
        if "distance" in attrs and "near" not in attrs:
            raise serializers.ValidationError({"distance": "needs `near` (lon,lat)."})
        if attrs.get("ordering") == "distance" and "near" not in attrs:
            raise serializers.ValidationError({"ordering": "distance ordering needs `near`."})
        if attrs.get("date_from", YEAR_MIN) > attrs.get("date_to", YEAR_MAX):
            raise serializers.ValidationError({"date_from": "must not be after date_to."})
        if attrs.get("status") and not self.context.get("staff"):
            raise serializers.ValidationError({"status": "only staff may filter by status."})
        for field in ("region", "district", "typology"):
            attrs[f"{field}_ids"] = self._ids(attrs.get(field, []), field)
        return attrs

    def site_query(self) -> SiteQuery:
        data = self.validated_data
        return SiteQuery(
            bbox=data.get("bbox"),
            area=data.get("geometry") or data.get("area"),
            region_ids=data["region_ids"],
            district_ids=data["district_ids"],
            near=data.get("near"),
            distance_m=data.get("distance"),
            categories=tuple(data.get("category", ())),
            typology_ids=data["typology_ids"],
            significances=tuple(data.get("significance", ())),
            conditions=tuple(data.get("condition", ())),
            statuses=tuple(data.get("status", ())),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            text=data.get("q", ""),
            ordering=data.get("ordering", "registry_number"),
        )


class SiteListParams(SiteFilterParams):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, default=100, help_text="page size"
    )
    cursor = serializers.CharField(required=False, max_length=500, help_text="from `next`")


class GeoJSONGeometryField(serializers.JSONField):
    """A GeoJSON Polygon/MultiPolygon object, read without GDAL."""

    def to_internal_value(self, data):
        try:
            return area_from_geojson(data, field=self.field_name)
        except DjangoValidationError as exc:
            raise _django_errors(exc, self.field_name) from None


class SiteSearchBody(SiteListParams):
    """POST /sites/search/: the same filters in a JSON body, with a GeoJSON area."""

    area = GeoJSONGeometryField(required=False, help_text="GeoJSON Polygon or MultiPolygon")
