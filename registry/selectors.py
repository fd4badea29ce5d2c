"""Reads. Every public read starts from a `*_public` selector here, and those read only
`PublicSite` (a database view with no exact columns) or public zones: see DESIGN §4.

Filter and order on `public_location` only: a tiny bbox on the exact location would betray a
sensitive site by whether it appears, even with its coordinates hidden.
"""

from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import QuerySet

from registry.models import HeritageSite, ProtectionZone, PublicSite


def site_list_public() -> QuerySet[PublicSite]:
    """What the public may see; the API, the map and the pages all start here."""
    return PublicSite.objects.order_by("name", "registry_number")


def site_get_public(*, registry_number: str) -> PublicSite:
    return site_list_public().get(registry_number=registry_number)


def site_list_public_near(*, point: Point, radius_m: float) -> QuerySet[PublicSite]:
    """Published sites whose public point lies within `radius_m` metres (on the spheroid)."""
    return site_list_public().filter(public_location__distance_lte=(point, D(m=radius_m)))


def zone_list_public() -> QuerySet[ProtectionZone]:
    """Protection zones the public may see: only those of published open (S0) sites.

    A zone drawn around a generalised site would show where the site is.
    """
    return ProtectionZone.objects.filter(
        designation__site__status=HeritageSite.Status.PUBLISHED,
        designation__site__sensitivity=HeritageSite.Sensitivity.OPEN,
    )
