"""Administrative areas a location falls in."""

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery

from registry.models import AdminArea, HeritageSite


def _area_at(point: Point, areas) -> AdminArea | None:
    """The area covering the point, else the nearest within MURA_REGION_SNAP_M metres:
    the source boundaries are generalised, so a border monument may fall just outside."""
    inside = areas.filter(geom__covers=point).order_by("code").first()
    if inside is not None:
        return inside
    snap = D(m=settings.MURA_REGION_SNAP_M)
    return (
        areas.filter(geom__distance_lte=(point, snap))
        .annotate(distance=Distance("geom", point))
        .order_by("distance")
        .first()
    )


def areas_for_location(point: Point) -> tuple[AdminArea, AdminArea | None]:
    region = _area_at(point, AdminArea.objects.filter(level=AdminArea.Level.REGION))
    if region is None:
        raise ValidationError(
            {
                "location": "is not inside (or within "
                f"{settings.MURA_REGION_SNAP_M / 1000:g} km of) any region of the registry."
            }
        )
    district = _area_at(point, AdminArea.objects.filter(parent=region))
    return region, district


def public_district_refresh(*, site_ids) -> None:
    """Set the district of each site's public point (None for S3 or outside every district)."""
    district = AdminArea.objects.filter(
        level=AdminArea.Level.DISTRICT, geom__covers=OuterRef("public_location")
    ).order_by("code")
    HeritageSite.objects.filter(pk__in=site_ids).update(
        public_district=Subquery(district.values("pk")[:1])
    )
