"""REST API v1: thin views. Each starts from the door (registry/api/access.py), validates its
input with a params serializer, filters with registry.search and pages without a count."""

from django.contrib.gis.geos import Polygon
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from registry.api import params as p
from registry.api import serializers as out
from registry.api.access import Door, log_exact_read
from registry.api.base import ERRORS, ApiView
from registry.api.pagination import next_link, page_of
from registry.models import AdminArea
from registry.search import first_rows_window, nearest_window, sites_filter, spatial_first
from registry.selectors import designation_list_public, staff_number_lookup

FILTERS = frozenset(p.SiteFilterParams().fields)
PAGED = FILTERS | {"limit", "cursor"}


def feature_collection(features: list, request, token: str | None) -> dict:
    return {
        "type": "FeatureCollection",
        "features": features,
        "numberReturned": len(features),
        "next": next_link(request, token),
        "next_cursor": token,
    }


def _page_schema(name: str) -> serializers.Serializer:
    return inline_serializer(
        name,
        {
            "type": serializers.CharField(),
            "features": serializers.ListField(child=serializers.DictField()),
            "numberReturned": serializers.IntegerField(min_value=0),
            "next": serializers.URLField(allow_null=True),
            "next_cursor": serializers.CharField(allow_null=True),
        },
    )


class _SiteListing(ApiView):
    def listing(self, params: p.SiteListParams):
        door: Door = self.door()
        query = params.site_query()
        sites = sites_filter(door.sites, query, geometry=door.geometry)
        data = params.validated_data
        window = None
        if data["ordering"] == "distance":

            def window(sites, rows):
                return nearest_window(sites, query, geometry=door.geometry, rows=rows)

        elif spatial_first(query):
            window = first_rows_window

        def rows_of(sites, rows):
            rows = window(sites, rows) if window else sites
            return out.feature_rows(rows, exact=door.exact, staff=door.staff)

        rows, token = page_of(
            sites,
            ordering=data["ordering"],
            limit=data["limit"],
            cursor=data.get("cursor"),
            window=rows_of,
        )
        if door.exact:
            log_exact_read(self.request.user, "site list", len(rows))
        features = out.features(rows, exact=door.exact, staff=door.staff)
        return Response(feature_collection(features, self.request, token))


class SiteListApi(_SiteListing):
    allowed_params = PAGED

    @extend_schema(
        operation_id="sites_list",
        parameters=[p.SiteListParams],
        responses={200: _page_schema("SitePage"), **ERRORS},
        description="Published sites as GeoJSON (staff: their regions' full records). "
        "Filters compose; follow `next` to walk every page.",
    )
    def get(self, request):
        return self.listing(self.params(p.SiteListParams))


class SiteSearchApi(_SiteListing):
    @extend_schema(
        operation_id="sites_search",
        request=p.SiteSearchBody,
        responses={200: _page_schema("SiteSearchPage"), **ERRORS},
        description="The list's filters in a JSON body, with `area` a GeoJSON (Multi)Polygon. "
        "Repost with `cursor` = `next_cursor` for the next page.",
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"body": "must be a JSON object."})
        return self.listing(self.params(p.SiteSearchBody, data=request.data))


class SiteCountApi(ApiView):
    allowed_params = FILTERS

    @extend_schema(
        operation_id="sites_count",
        parameters=[p.SiteFilterParams],
        responses={200: out.CountSerializer, **ERRORS},
    )
    def get(self, request):
        door = self.door()
        params = self.params(p.SiteFilterParams)
        sites = sites_filter(door.sites, params.site_query(), geometry=door.geometry)
        return Response({"count": sites.order_by().count()})


class SiteDetailApi(ApiView):
    @extend_schema(
        operation_id="sites_retrieve",
        parameters=[OpenApiParameter("registry_number", str, "path", pattern=r"^[A-Z0-9-]{1,32}$")],
        responses={200: out.PublicSiteDetailSerializer, **ERRORS},
    )
    def get(self, request, registry_number):
        door = self.door()
        # Staff may name a draft by its draft reference; nobody else can (404).
        lookup = (
            staff_number_lookup(registry_number)
            if door.staff
            else Q(registry_number=registry_number)
        )
        site = get_object_or_404(door.sites, lookup)
        if door.exact:
            log_exact_read(request.user, registry_number, 1)
        return Response(out.site_serializers(door)[1](site).data)


class DesignationParams(serializers.Serializer):
    site = serializers.RegexField(r"^[A-Z0-9-]{1,32}$", required=False, max_length=32)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=p.MAX_PAGE, default=100)
    cursor = serializers.CharField(required=False, max_length=500)


class DesignationListApi(ApiView):
    allowed_params = frozenset(DesignationParams().fields)

    @extend_schema(
        operation_id="designations_list",
        parameters=[DesignationParams],
        responses={200: out.DesignationSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        data = self.params(DesignationParams).validated_data
        designations = designation_list_public().select_related("site").order_by("id")
        if "site" in data:
            designations = designations.filter(site__registry_number=data["site"])
        rows, token = page_of(
            designations, ordering="id", limit=data["limit"], cursor=data.get("cursor")
        )
        return Response(
            out.DesignationSerializer(rows, many=True).data,
            headers={"Link": f'<{next_link(request, token)}>; rel="next"'} if token else {},
        )


class ZoneParams(serializers.Serializer):
    bbox = serializers.RegexField(
        p.BBOX_PATTERN,
        required=False,
        max_length=200,
        help_text="min lon, min lat, max lon, max lat",
    )
    site = serializers.RegexField(r"^[A-Z0-9-]{1,32}$", required=False, max_length=32)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=p.MAX_PAGE, default=100)
    cursor = serializers.CharField(required=False, max_length=500)

    def validate_bbox(self, value):
        return p.SiteFilterParams.validate_bbox(self, value)


class ZoneListApi(ApiView):
    allowed_params = frozenset(ZoneParams().fields)

    @extend_schema(
        operation_id="zones_list",
        parameters=[ZoneParams],
        responses={200: _page_schema("ZonePage"), **ERRORS},
    )
    def get(self, request):
        data = self.params(ZoneParams).validated_data
        zones = self.door().zones.select_related("designation__site").order_by("id")
        if "bbox" in data:
            zones = zones.filter(geom__intersects=Polygon.from_bbox(data["bbox"]))
        if "site" in data:
            zones = zones.filter(designation__site__registry_number=data["site"])
        rows, token = page_of(zones, ordering="id", limit=data["limit"], cursor=data.get("cursor"))
        features = out.ZoneFeatureSerializer(rows, many=True).data["features"]
        return Response(feature_collection(features, request, token))


class RegionListApi(ApiView):
    @extend_schema(
        operation_id="regions_list", responses={200: out.RegionSerializer(many=True), **ERRORS}
    )
    def get(self, request):
        regions = AdminArea.objects.filter(level=AdminArea.Level.REGION).defer("geom")
        return Response(out.RegionSerializer(regions, many=True).data)
