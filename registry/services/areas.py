"""Administrative areas a location falls in, and the registry numbers they hand out."""

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F

from registry.models import AdminArea, RegistrySequence
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
                "location": "is not inside (or within "
                f"{settings.MURA_REGION_SNAP_M / 1000:g} km of) any region of the registry."
            }
        )
    district = _area_at(point, AdminArea.objects.filter(parent=region))
    return region, district


@transaction.atomic
def registry_numbers_reserve(*, prefix: str, count: int = 1) -> list[str]:
    """Hand out `count` new numbers under `prefix` (KZ-ALM-000123). The counter only grows,
    inside the caller's transaction, so a number is never given twice nor reused."""
    RegistrySequence.objects.get_or_create(prefix=prefix)
    seq = RegistrySequence.objects.select_for_update().get(prefix=prefix)
    first = seq.last_value + 1
    seq.last_value = F("last_value") + count
    seq.save(update_fields=["last_value"])
    return [f"{prefix}-{n:06d}" for n in range(first, first + count)]


def public_areas_refresh(*, site_ids) -> None:
    """Set each site's public region(s) and district(s) from what is public: its own for an
    open site, its region only for a withheld one, its public cell's for S1/S2
    (registry.projection.PUBLIC_AREAS_SQL)."""
    params = {"ids": list(site_ids)}
    with connection.cursor() as cursor:
        cursor.execute(PUBLIC_AREAS_SQL, params)
        cursor.execute(PUBLIC_AREAS_FILL_SQL, params)
