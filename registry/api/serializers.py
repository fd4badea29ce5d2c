"""Output: GeoJSON features (djangorestframework-gis). Public features carry the generalised
point and say how it was generalised; staff features carry the exact geometry and status.

List pages and single records are built by PostgreSQL (registry/features.py) from the same
columns as the serializers below, which document them (OpenAPI); tests/api/test_statements.py
holds the two to the same output."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from registry import exchange
from registry.features import DETAIL, EXACT_DETAIL, listed_columns
from registry.models import (
    AdminArea,
    Designation,
    HeritageSite,
    ProtectionZone,
    PublicSite,
)

# A feature's properties: the exchange columns marked `listed` (registry/exchange.py), the
# display name after the number; list pages build the same features in SQL (registry/features.py).
SUMMARY = [
    "registry_number",
    "name",
    *(c.name for c in listed_columns(exact=False, staff=False) if c.name != "registry_number"),
]
# What full records add to the list feature (status, location_approximate).
EXACT_LISTED = [
    c.name for c in listed_columns(exact=True, staff=False) if c.access == exchange.EXACT
]


class _SiteFields(serializers.Serializer):
    typology = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    location_generalisation = serializers.CharField(read_only=True)
    distance_m = serializers.SerializerMethodField(
        help_text="metres from `near`, on the spheroid (null without `near`)"
    )

    @extend_schema_field(serializers.FloatField(allow_null=True, min_value=0))
    def get_distance_m(self, site) -> float | None:
        return getattr(site, "distance_m", None)


class PublicSiteFeatureSerializer(_SiteFields, GeoFeatureModelSerializer):
    public_location = GeometryField(read_only=True, precision=6, allow_null=True)

    class Meta:
        model = PublicSite
        geo_field = "public_location"
        id_field = "registry_number"
        fields = [*SUMMARY, "distance_m"]


class PublicSiteDetailSerializer(PublicSiteFeatureSerializer):
    class Meta(PublicSiteFeatureSerializer.Meta):
        fields = [*SUMMARY, *DETAIL]


class StaffSiteFeatureSerializer(_SiteFields, GeoFeatureModelSerializer):
    location = GeometryField(read_only=True, precision=7)

    class Meta:
        model = HeritageSite
        geo_field = "location"
        id_field = "registry_number"
        fields = [*SUMMARY, *EXACT_LISTED, "distance_m"]


class StaffSiteDetailSerializer(StaffSiteFeatureSerializer):
    boundary = GeometryField(read_only=True, precision=7, allow_null=True)

    class Meta(StaffSiteFeatureSerializer.Meta):
        fields = [*SUMMARY, *DETAIL, *EXACT_LISTED, *EXACT_DETAIL]


# Regional staff (`Door.staff`) read drafts too: a feature's id is its registry number, else
# its draft reference, and `registry_number` is null until publication. The draft reference
# never goes to anyone else (holders of an exact-location grant included): its sequence
# counts unpublished work.
class OfficerSiteFeatureSerializer(StaffSiteFeatureSerializer):
    class Meta(StaffSiteFeatureSerializer.Meta):
        id_field = "reference"
        fields = ["reference", *StaffSiteFeatureSerializer.Meta.fields, "draft_reference"]


class OfficerSiteDetailSerializer(StaffSiteDetailSerializer):
    class Meta(StaffSiteDetailSerializer.Meta):
        id_field = "reference"
        fields = ["reference", *StaffSiteDetailSerializer.Meta.fields, "draft_reference"]


def site_serializers(door) -> tuple[type, type]:
    """(feature, detail) serializers for what `door` (registry/access.py) may read."""
    if door.staff:
        return OfficerSiteFeatureSerializer, OfficerSiteDetailSerializer
    if door.exact:
        return StaffSiteFeatureSerializer, StaffSiteDetailSerializer
    return PublicSiteFeatureSerializer, PublicSiteDetailSerializer


class DesignationSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="registry_number", read_only=True)

    class Meta:
        model = Designation
        fields = [
            "id",
            "site",
            "scheme",
            "act_number",
            "act_date",
            "authority",
            "authority_kk",
            "authority_ru",
            "authority_en",
            "valid_from",
            "valid_to",
            "criteria",
            "criteria_kk",
            "criteria_ru",
            "criteria_en",
            "in_danger",
        ]


class ZoneFeatureSerializer(GeoFeatureModelSerializer):
    site = serializers.CharField(source="designation.site.registry_number", read_only=True)
    scheme = serializers.CharField(source="designation.scheme", read_only=True)
    geom = GeometryField(read_only=True, precision=6)

    class Meta:
        model = ProtectionZone
        geo_field = "geom"
        fields = ["id", "kind", "site", "scheme", "area_ha", "regime_kk", "regime_ru", "regime_en"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdminArea
        fields = ["code", "kato", "iso_3166_2", "registry_prefix", "name_kk", "name_ru", "name_en"]


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
