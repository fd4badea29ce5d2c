"""Which door a request goes through: staff (and holders of an exact-location grant) read full
records; everyone else reads the public projection. Decided here once, next to the selectors
it chooses between, for the API, OGC API, exports and screening (and any later surface: it
does not depend on DRF)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db.models import QuerySet

from registry.roles import granted_exact_locations, is_administrator, is_officer, is_reviewer
from registry.selectors import (
    site_list_exact_published,
    site_list_for_staff,
    site_list_public,
    zone_list_for_staff,
    zone_list_public,
)

exact_reads = logging.getLogger("registry.exact_reads")


@dataclass(frozen=True)
class Door:
    # Querysets built on use: a public statement compiled once (registry/features.py) never
    # needs one, and most requests read sites only.
    site_list: Callable[[], QuerySet]
    zone_list: Callable[[], QuerySet]
    exact: bool  # full records with exact geometry
    staff: bool  # may filter by status (drafts are theirs to see)

    @property
    def sites(self) -> QuerySet:
        return self.site_list()

    @property
    def zones(self) -> QuerySet:
        return self.zone_list()

    @property
    def geometry(self) -> str:
        return "location" if self.exact else "public_location"


def door_for(user) -> Door:
    if user.is_authenticated and (is_administrator(user) or is_officer(user) or is_reviewer(user)):
        zones = partial(zone_list_for_staff, user=user)
        return Door(partial(site_list_for_staff, user=user), zones, True, True)
    if user.is_authenticated and granted_exact_locations(user):
        return Door(site_list_exact_published, zone_list_public, True, False)
    return public_door()


def _public_sites() -> QuerySet:
    # Region and district outlines (up to 60 kB each) are never serialised: not fetched.
    return (
        site_list_public()
        .select_related("region", "district", "typology")
        .defer("region__geom", "district__geom")
    )


def public_door() -> Door:
    """What everyone reads: the public projection (DESIGN §4)."""
    return Door(_public_sites, zone_list_public, False, False)


def log_exact_read(user, what: str, count: int | None = None) -> None:
    """Every read of exact locations by someone outside the regional staff is logged."""
    if not (is_administrator(user) or is_officer(user) or is_reviewer(user)):
        exact_reads.info("exact read by user #%s: %s (%s rows)", user.pk, what, count)
