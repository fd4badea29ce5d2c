"""The Heritage at Risk register in the API: the current register (GeoJSON, paged like the
other lists) and each published year, served exactly as stored. Always the public register,
whoever asks: staff read the full story on their own pages."""

from django.http import Http404
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from registry.api.base import ERROR, ERRORS, ApiView
from registry.api.pagination import next_link, page_of
from registry.api.params import openapi_parameters
from registry.errors import error_body
from registry.models import AtRiskSnapshot
from registry.query import names_of
from registry.register import (
    REGISTER_PARAMS,
    at_risk_sites_public,
    register_parse,
    register_rows,
    row_labels,
)
from registry.roles import is_administrator, is_reviewer
from registry.services.register_snapshots import SnapshotExists, at_risk_snapshot_publish

YEAR = OpenApiParameter("year", int, "path", description="the register's year (four digits)")


class _Threat(serializers.Serializer):
    threat = serializers.CharField()
    severity = serializers.CharField()
    trend = serializers.CharField()
    label = serializers.CharField()
    severity_label = serializers.CharField()


class _RowProperties(serializers.Serializer):
    registry_number = serializers.CharField()
    name = serializers.CharField(help_text="in the request's language")
    names = serializers.DictField(child=serializers.CharField(), help_text="kk, ru, en")
    region = serializers.DictField(help_text="code and names (kk, ru, en)")
    region_name = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    condition = serializers.CharField(help_text="of the latest confirmed inspection")
    condition_label = serializers.CharField()
    threats = _Threat(many=True, help_text="of the latest confirmed inspection, high first")
    at_risk_since = serializers.DateField(allow_null=True)
    sensitivity = serializers.CharField()
    location_generalisation = serializers.CharField()


class _Feature(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField()
    geometry = serializers.DictField(
        allow_null=True, help_text="S0: its point; S1: its 0.01° cell; S2, S3: null"
    )
    properties = _RowProperties()


class AtRiskPageSerializer(serializers.Serializer):
    type = serializers.CharField()
    features = _Feature(many=True)
    numberReturned = serializers.IntegerField(min_value=0)  # noqa: N815 (GeoJSON's name)
    next = serializers.URLField(allow_null=True)
    next_cursor = serializers.CharField(allow_null=True)


class AtRiskSnapshotSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    rows = serializers.ListField(child=serializers.DictField())
    summary = serializers.DictField()


def feature_of(row: dict, language: str) -> dict:
    properties = row_labels(row, language)
    geometry = properties.pop("geometry")
    properties.pop("threats")
    properties["threats"] = properties.pop("threat_labels")
    return {
        "type": "Feature",
        "id": row["registry_number"],
        "geometry": geometry,
        "properties": properties,
    }


def snapshot_body(snapshot: AtRiskSnapshot) -> dict:
    return {
        "year": snapshot.year,
        "published_at": snapshot.published_at,
        "rows": snapshot.rows,
        "summary": snapshot.summary,
    }


class AtRiskListApi(ApiView):
    allowed_params = names_of(REGISTER_PARAMS)

    @extend_schema(
        operation_id="at_risk_list",
        parameters=openapi_parameters(REGISTER_PARAMS),
        responses={200: AtRiskPageSerializer, **ERRORS},
        description="The Heritage at Risk register now: published sites a reviewer listed "
        "as at risk, with the condition and threats of their latest confirmed inspection and "
        "since when they are listed. Positions: open sites exact, S1 sites their 0.01° cell, "
        "S2 and S3 sites none (region only).",
    )
    def get(self, request):
        query, values = register_parse(request.query_params)
        sites, token = page_of(
            at_risk_sites_public(query),
            ordering="registry_number",
            limit=values["limit"],
            cursor=values.get("cursor"),
        )
        language = get_language()
        features = [feature_of(row, language) for row in register_rows(sites)]
        return Response(
            {
                "type": "FeatureCollection",
                "features": features,
                "numberReturned": len(features),
                "next": next_link(request, token),
                "next_cursor": token,
            }
        )


class AtRiskSnapshotApi(ApiView):
    @extend_schema(
        operation_id="at_risk_snapshot_retrieve",
        parameters=[YEAR],
        responses={200: AtRiskSnapshotSerializer, **ERRORS},
        description="A year's register as it was published, unchanged since: rows with "
        "codes and names in kk, ru and en, and the counts its charts draw.",
    )
    def get(self, request, year):
        snapshot = AtRiskSnapshot.objects.filter(year=int(year)).first()
        if snapshot is None:
            raise Http404
        return Response(snapshot_body(snapshot))

    @extend_schema(
        operation_id="at_risk_snapshot_publish",
        parameters=[YEAR],
        request=None,
        responses={
            201: AtRiskSnapshotSerializer,
            403: ERROR,
            409: OpenApiResponse(ERROR.response, description="the year is published already"),
            **ERRORS,
        },
        description="Reviewers: publish the register as it stands now as this year's "
        "snapshot. A published year is never overwritten (409).",
    )
    def post(self, request, year):
        user = request.user
        if not (user.is_authenticated and (is_reviewer(user) or is_administrator(user))):
            raise PermissionDenied("Only a reviewer may publish the register's snapshot.")
        try:
            snapshot = at_risk_snapshot_publish(year=int(year), by=user)
        except SnapshotExists:
            message = f"{year} is published already; a published year is never overwritten."
            return Response(error_body(409, {"year": [message]}), status=status.HTTP_409_CONFLICT)
        except ValueError as exc:
            raise serializers.ValidationError({"year": [str(exc)]}) from None
        return Response(snapshot_body(snapshot), status=status.HTTP_201_CREATED)
