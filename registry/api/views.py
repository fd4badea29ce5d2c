"""REST API v1: thin views. Each starts from the door (registry/access.py), parses its input
with registry/query.py, filters with registry.search and pages without a count."""

import json

from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from heritage.early import WholeChain
from registry.access import Door, log_exact_read, public_door
from registry.api import serializers as out
from registry.api.base import ERRORS, ApiView
from registry.api.pagination import next_link, page_of, site_page
from registry.api.params import openapi_parameters
from registry.features import count as count_sites
from registry.features import record as site_record
from registry.models import AdminArea
from registry.query import (
    FILTERS,
    PAGING,
    QUERY_FILTERS,
    TEXT,
    Param,
    QueryError,
    SiteQuery,
    names_of,
    query_parse,
    spec_of,
)  # fmt: skip
from registry.query_schema import body_schema
from registry.selectors import designation_list_public

SITE = Param("site", TEXT, "a site's registry number", max_length=32, pattern=r"^[A-Z0-9-]{1,32}$")
DESIGNATION_PARAMS = (SITE, *PAGING)
ZONE_PARAMS = (*spec_of("bbox"), SITE, *PAGING)
SEARCH_NAMES = names_of(FILTERS, PAGING)


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


def listing_body(request, door: Door, query: SiteQuery, page: dict) -> str:
    """A page of features PostgreSQL built (registry/features.py), passed through."""
    features, token = site_page(door, query, limit=page["limit"], cursor=page["cursor"])
    if door.exact:
        log_exact_read(request.user, "site list", len(features))
    tail = {
        "numberReturned": len(features),
        "next": next_link(request, token),
        "next_cursor": token,
    }
    rest = json.dumps(tail, separators=(",", ":"))[1:]
    return f'{{"type":"FeatureCollection","features":[{",".join(features)}],{rest}'


class _SiteListing(ApiView):
    def listing(self, query: SiteQuery, page: dict) -> HttpResponse:
        body = listing_body(self.request, self.door(), query, page)
        return HttpResponse(body, content_type=self.request.accepted_renderer.media_type)


class SiteListApi(_SiteListing):
    allowed_params = names_of(QUERY_FILTERS, PAGING)

    @extend_schema(
        operation_id="sites_list",
        parameters=openapi_parameters(QUERY_FILTERS + PAGING),
        responses={200: _page_schema("SitePage"), **ERRORS},
        description="Published sites as GeoJSON (staff: their regions' full records). "
        "Filters compose; follow `next` to walk every page.",
    )
    def get(self, request):
        return self.listing(*self.parse(extra=PAGING))


class SiteSearchApi(_SiteListing):
    @extend_schema(
        operation_id="sites_search",
        request={"application/json": body_schema(FILTERS + PAGING)},
        responses={200: _page_schema("SiteSearchPage"), **ERRORS},
        description="The list's filters in a JSON body, with `area` a GeoJSON (Multi)Polygon. "
        "Repost with `cursor` = `next_cursor` for the next page.",
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"body": "must be a JSON object."})
        unknown = sorted(set(request.data) - SEARCH_NAMES)
        if unknown:  # as in a query string: a typo must not widen the search
            raise serializers.ValidationError(
                {str(k)[:40]: "unknown parameter." for k in unknown[:10]}
            )
        return self.listing(*self.parse(request.data, spec=FILTERS, extra=PAGING))


class SiteCountApi(ApiView):
    allowed_params = names_of(QUERY_FILTERS)

    @extend_schema(
        operation_id="sites_count",
        parameters=openapi_parameters(QUERY_FILTERS),
        responses={200: out.CountSerializer, **ERRORS},
    )
    def get(self, request):
        query, _ = self.parse()
        return Response({"count": count_sites(self.door(), query)})


class SiteDetailApi(ApiView):
    @extend_schema(
        operation_id="sites_retrieve",
        parameters=[OpenApiParameter("registry_number", str, "path", pattern=r"^[A-Z0-9-]{1,32}$")],
        responses={200: out.PublicSiteDetailSerializer, **ERRORS},
    )
    def get(self, request, registry_number):
        door = self.door()
        feature = site_record(door, registry_number)
        if feature is None:
            raise Http404
        if door.exact:
            log_exact_read(request.user, registry_number, 1)
        return HttpResponse(feature, content_type=request.accepted_renderer.media_type)


class DesignationListApi(ApiView):
    allowed_params = names_of(DESIGNATION_PARAMS)

    @extend_schema(
        operation_id="designations_list",
        parameters=openapi_parameters(DESIGNATION_PARAMS),
        responses={200: out.DesignationSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        _, data = self.parse(spec=(), extra=DESIGNATION_PARAMS)
        designations = designation_list_public().select_related("site").order_by("id")
        if data["site"]:
            designations = designations.filter(site__registry_number=data["site"])
        rows, token = page_of(
            designations, ordering="id", limit=data["limit"], cursor=data["cursor"]
        )
        return Response(
            out.DesignationSerializer(rows, many=True).data,
            headers={"Link": f'<{next_link(request, token)}>; rel="next"'} if token else {},
        )


class ZoneListApi(ApiView):
    allowed_params = names_of(ZONE_PARAMS)

    @extend_schema(
        operation_id="zones_list",
        parameters=openapi_parameters(ZONE_PARAMS),
        responses={200: _page_schema("ZonePage"), **ERRORS},
    )
    def get(self, request):
        _, data = self.parse(spec=(), extra=ZONE_PARAMS)
        zones = self.door().zones.select_related("designation__site").order_by("id")
        if data["bbox"]:
            zones = zones.filter(geom__intersects=Polygon.from_bbox(data["bbox"]))
        if data["site"]:
            zones = zones.filter(designation__site__registry_number=data["site"])
        rows, token = page_of(zones, ordering="id", limit=data["limit"], cursor=data["cursor"])
        features = out.ZoneFeatureSerializer(rows, many=True).data["features"]
        return Response(feature_collection(features, request, token))


class RegionListApi(ApiView):
    @extend_schema(
        operation_id="regions_list", responses={200: out.RegionSerializer(many=True), **ERRORS}
    )
    def get(self, request):
        regions = AdminArea.objects.filter(level=AdminArea.Level.REGION).defer("geom")
        return Response(out.RegionSerializer(regions, many=True).data)


# The anonymous early path (heritage/early.py): SiteListApi's and SiteDetailApi's answers to
# a plain-JSON GET, without DRF's dispatch (a tenth of a small read's time). The same parsing
# and statements; anything but a 200 is left to the whole chain (WholeChain), which words it.
EARLY_HEADERS = {"Allow": "GET, HEAD, OPTIONS", "Vary": "Accept"}  # as DRF's views add them
NOT_EARLY = (QueryError, serializers.ValidationError, DjangoValidationError)


def _early(body: str | None) -> HttpResponse:
    if body is None:
        return WholeChain()
    return HttpResponse(body, content_type="application/json", headers=EARLY_HEADERS)


def early_site_list(request):
    if not request.GET.keys() <= SiteListApi.allowed_params:
        return WholeChain()
    try:
        query, page = query_parse(request.GET, staff=False, spec=QUERY_FILTERS, extra=PAGING)
        return _early(listing_body(request, public_door(), query, page))
    except NOT_EARLY:
        return WholeChain()


def early_site_count(request):
    if not request.GET.keys() <= SiteCountApi.allowed_params:
        return WholeChain()
    try:
        query, _ = query_parse(request.GET, staff=False, spec=QUERY_FILTERS)
    except NOT_EARLY:
        return WholeChain()
    return _early(json.dumps({"count": count_sites(public_door(), query)}, separators=(",", ":")))


def early_site_detail(request, registry_number):
    return _early(site_record(public_door(), registry_number))


EARLY = {
    "site-list": early_site_list,
    "site-count": early_site_count,
    "site-detail": early_site_detail,
}
