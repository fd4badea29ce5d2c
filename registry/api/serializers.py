"""Output: GeoJSON features (djangorestframework-gis). Public features carry the generalised
point and say how it was generalised; staff features carry the exact geometry and status.

List pages are built from plain rows (`feature_rows`, `features`): the same features as the
feature serializers below (which document them and serve single records), without a model
instance, a GEOS geometry and a serializer field per value for each of a page's 100 rows."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from registry.models import (
    AdminArea,
    Designation,
    HeritageSite,
    ProtectionZone,
    PublicSite,
)
from registry.projection import GENERALISATION
from registry.services.exports import X, Y

SUMMARY = [
    "registry_number",
    "name",
    "name_kk",
    "name_ru",
    "name_en",
    "category",
    "typology",
    "significance",
    "period",
    "date_from",
    "date_to",
    "condition",
    "sensitivity",
    "location_generalisation",
    "region",
    "district",
]
DETAIL = [
    "description_kk",
    "description_ru",
    "description_en",
    "alt_names",
    "dating_note",
    "unesco_id",
    "wikidata_id",
    "published_at",
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
        fields = [*SUMMARY, "status", "location_approximate", "distance_m"]


class StaffSiteDetailSerializer(StaffSiteFeatureSerializer):
    boundary = GeometryField(read_only=True, precision=7, allow_null=True)

    class Meta(StaffSiteFeatureSerializer.Meta):
        fields = [*SUMMARY, *DETAIL, "status", "location_approximate", "boundary", "threats"]


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
            "valid_from",
            "valid_to",
            "criteria",
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


# What a list row holds: SUMMARY with the codes joined in, plus lon/lat (None: no public point).
CODED = ("typology", "region", "district")
LISTED = [f"{name}__code" if name in CODED else name for name in SUMMARY]
LISTED.remove("location_generalisation")
STAFF_LISTED = ["status", "location_approximate"]


def feature_rows(sites, *, exact: bool, staff: bool = False):
    """`sites` as dicts of what a list feature shows (`features` makes the features)."""
    geometry = "location" if exact else "public_location"
    distance = ["distance_m"] if "distance_m" in sites.query.annotations else []
    listed = [*LISTED, *(STAFF_LISTED if exact else [])]
    if exact:  # full records: paged by `reference` (registry.search.number_key)
        listed += ["reference", *(["draft_reference"] if staff else [])]
    columns = [*listed, *distance, "lon", "lat"]
    return sites.annotate(lon=X(geometry), lat=Y(geometry)).values(*columns)


def features(rows: list[dict], *, exact: bool, staff: bool = False) -> list[dict]:
    """GeoJSON features of `feature_rows`, as `site_serializers(door)[0]` makes them.

    Coordinates are rounded as the serializers' GeometryField rounds them."""
    precision = 7 if exact else 6
    result = []
    for row in rows:
        lon, lat = row.pop("lon"), row.pop("lat")
        properties = {}
        for name in SUMMARY if staff else SUMMARY[1:]:  # the id, except a draft's (null)
            if name in CODED:
                properties[name] = row[f"{name}__code"]
            elif name == "location_generalisation":
                properties[name] = GENERALISATION[row["sensitivity"]]
            else:
                properties[name] = row[name]
        for name in STAFF_LISTED if exact else []:
            properties[name] = row[name]
        properties["distance_m"] = row.get("distance_m")
        if staff:
            properties["draft_reference"] = row["draft_reference"]
        point = None
        if lon is not None:
            point = {"type": "Point", "coordinates": [round(lon, precision), round(lat, precision)]}
        result.append(
            {
                "id": row["reference"] if staff else row["registry_number"],
                "type": "Feature",
                "geometry": point,
                "properties": properties,
            }
        )
    return result
