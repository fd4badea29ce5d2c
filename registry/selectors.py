"""Reads. Every public read starts from a `*_public` selector here, and those read only
`PublicSite` (a database view with no exact columns) or public zones: see DESIGN §4.

Filter and order on `public_location` only: a tiny bbox on the exact location would betray a
sensitive site by whether it appears, even with its coordinates hidden.
"""

from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import QuerySet

from registry.models import HeritageSite, ProtectionZone, PublicSite
from registry.roles import is_administrator, is_officer, is_reviewer, regions_of


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


def site_list_for_staff(*, user) -> QuerySet[HeritageSite]:
    """Full records (exact geometry) a member of staff may see: administrators all,
    officers and reviewers those in their regions, anyone else none. Callers still check
    object permissions (registry/roles.py) before acting on one."""
    sites = HeritageSite.objects.select_related("region", "district", "typology")
    if is_administrator(user):
        return sites
    if is_officer(user) or is_reviewer(user):
        return sites.filter(region_id__in=regions_of(user))
    return sites.none()
