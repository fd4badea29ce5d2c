"""Reads. Every public read starts from a `*_public` selector here, and those read only
`PublicSite` (a database view with no exact columns) or public zones: see DESIGN §4.

Filter and order on `public_location` only: a tiny bbox on the exact location would betray a
sensitive site by whether it appears, even with its coordinates hidden.
"""

import functools

from django.db import router
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q, QuerySet
from django.http import Http404

from heritage import limits
from registry.models import (
    AdminArea,
    Designation,
    HeritageSite,
    Place,
    ProtectionZone,
    PublicMapVersion,
    PublicSite,
    SiteCellCount,
    SitePhoto,
)
from registry.roles import is_administrator, is_officer, is_reviewer, regions_of


def site_list_public() -> QuerySet[PublicSite]:
    """What the public may see; the API, the map and the pages all start here."""
    return PublicSite.objects.order_by("name", "registry_number")


def staff_number_lookup(number: str) -> Q:
    """A full record by any name staff may use: its registry number, its draft reference (a
    draft's link keeps working after publication) or its former per-region number. Only
    for querysets from `site_list_for_staff`: the public door knows registry numbers only."""
    return Q(registry_number=number) | Q(draft_reference=number) | Q(former_number=number)


@functools.cache
def _national_numbering_since():
    """When migration 0013 gave the national numbers (None before it ran)."""
    return (
        MigrationRecorder.Migration.objects.filter(
            app="registry", name="0013_national_registry_numbers"
        )
        .values_list("applied", flat=True)
        .first()
    )


def site_number_public_for_former(former_number: str) -> str | None:
    """The registry number of the published site that had `former_number` (KZ-YUZ-000001)
    before national numbering, if it was public then (published before the renumbering):
    old links and citations keep working. None for any other site: a draft's former number
    was never public, and its region letters name the exact point's region (DESIGN §4)."""
    since = _national_numbering_since()
    if since is None:
        return None
    return (
        HeritageSite.objects.published()
        .filter(former_number=former_number, published_at__lt=since)
        .values_list("registry_number", flat=True)
        .first()
    )


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
    # Not the region and district outlines (up to 60 kB each): a list of 100 sites would
    # fetch and parse megabytes nobody shows, and workers keep the memory (issue 6 load test).
    sites = HeritageSite.objects.select_related("region", "district", "typology").defer(
        "region__geom", "district__geom"
    )
    if is_administrator(user):
        return sites
    if is_officer(user) or is_reviewer(user):
        return sites.filter(region_id__in=regions_of(user))
    return sites.none()


def photo_list_public(*, site_id: int) -> QuerySet[SitePhoto]:
    """Public photos of a published site (their derivatives only are ever served)."""
    return SitePhoto.objects.filter(
        site_id=site_id, is_public=True, site__status=HeritageSite.Status.PUBLISHED
    ).order_by("position", "pk")


def photo_get_public(*, name: str) -> SitePhoto:
    """The public photo whose thumbnail or web copy is stored as `name`, else 404."""
    photos = SitePhoto.objects.filter(is_public=True, site__status=HeritageSite.Status.PUBLISHED)
    photo = photos.filter(Q(thumbnail=name) | Q(web=name)).first()
    if photo is None:
        raise Http404("No such public photo.")
    return photo


def site_list_exact_published() -> QuerySet[HeritageSite]:
    """Published sites with their exact geometry: for holders of `view_exact_location`
    (a per-person grant to researchers; the caller logs every read)."""
    return (
        HeritageSite.objects.published()
        .select_related("region", "district", "typology")
        .defer("region__geom", "district__geom")  # outlines: see site_list_for_staff
    )


def designation_list_public() -> QuerySet[Designation]:
    """Designations (legal acts, public documents) of published sites."""
    return Designation.objects.filter(site__status=HeritageSite.Status.PUBLISHED)


def zone_list_for_staff(*, user) -> QuerySet[ProtectionZone]:
    """Protection zones of the sites `site_list_for_staff(user=user)` returns."""
    return ProtectionZone.objects.filter(designation__site__in=site_list_for_staff(user=user))


def cell_count_list_public() -> QuerySet[SiteCellCount]:
    """Pre-aggregated counts of public sites per map cell (derived from public points only)."""
    return SiteCellCount.objects.all()


# The public map's version as SQL: a token that changes whenever what the map shows changes
# (its version and when it changed; the time so that a re-created table, as in tests or a
# restore, never repeats one). One definition, read alone below or inside a tile's own
# statement (maps/tiles.py), so both give the same token.
PUBLIC_MAP_VERSION_SQL = (
    "SELECT coalesce((SELECT version || '.' || round(extract(epoch FROM changed_at))"
    f" FROM {PublicMapVersion._meta.db_table} WHERE id = 1), '0')"
)


def public_map_version() -> str:
    """A token that changes whenever what the public map shows changes (tile ETags, caches)."""
    # Plain SQL (the ORM took longer to build this query than the server to answer it), on
    # the database the router gives (a replica for the public, heritage/routers.py).
    # With an early path's rate-limit hit, if one waits (a cached tile: heritage/limits.py).
    ((version,),) = limits.read(router.db_for_read(PublicMapVersion), PUBLIC_MAP_VERSION_SQL, [])
    return version


def place_list_public() -> QuerySet[Place]:
    """Named settlements (OpenStreetMap): reference data, public as published by OSM; place
    search on the map reads them. They say nothing about sites."""
    return Place.objects.order_by("name", "pk")


def area_list_public() -> QuerySet[AdminArea]:
    """Regions and districts: public boundaries, for outlines and filters."""
    return AdminArea.objects.order_by("level", "code")
