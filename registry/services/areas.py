"""Administrative areas a location falls in."""

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from registry.models import AdminArea
from registry.projection import PUBLIC_AREAS_FILL_SQL, PUBLIC_AREAS_SQL


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
                "location": _("is not inside (or within %(km)s km of) any region of the registry.")
                % {"km": f"{settings.MURA_REGION_SNAP_M / 1000:g}"}
            }
        )
    district = _area_at(point, AdminArea.objects.filter(parent=region))
    return region, district


def public_areas_refresh(*, site_ids) -> None:
    """Set each site's public region(s) and district(s) from what is public: its own for an
    open site, its region only for a withheld one, its public cell's for S1/S2
    (registry.projection.PUBLIC_AREAS_SQL)."""
    params = {"ids": list(site_ids)}
    with connection.cursor() as cursor:
        cursor.execute(PUBLIC_AREAS_SQL, params)
        cursor.execute(PUBLIC_AREAS_FILL_SQL, params)
