"""Screening a planned construction: every site and protection zone that a polygon intersects
or lies within `distance_m` metres of, nearest first, with distances in metres on the spheroid.

Sites are measured by their boundary when they have one, else their point: the exact ones for
staff; for everyone else what is public: an open site's boundary or point, a generalised
site's public cell (wherever in it the site lies, the answer is the same), never a withheld one.
"""

from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon
from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from registry.projection import public_cell_expression
from registry.search import GeodesicDistance, GeodesicWithin, geometry_value, number_key

MAX_HITS = 5000


@dataclass(frozen=True)
class ScreeningHit:
    kind: str  # "site" or "zone"
    registry_number: str  # for staff, a draft's draft reference (it has no number yet)
    name: str
    detail: str  # zone kind, or how the site's position was generalised
    distance_m: float


def screening_run(
    *, sites: QuerySet, zones: QuerySet, exact: bool, area: MultiPolygon, distance_m: float
) -> list[ScreeningHit]:
    site_geometry = (
        Coalesce("boundary", "location")
        if exact
        else Coalesce("public_boundary", public_cell_expression(), "public_location")
    )
    area_value = geometry_value(area)
    site_rows = (
        sites.alias(screen_geom=site_geometry)
        .filter(GeodesicWithin("screen_geom", area_value, distance_m))
        .annotate(screen_m=GeodesicDistance("screen_geom", area_value))
        .order_by("screen_m", number_key(sites))[:MAX_HITS]
    )
    zone_rows = (
        zones.filter(GeodesicWithin("geom", area_value, distance_m))
        .annotate(screen_m=GeodesicDistance("geom", area_value))
        .select_related("designation__site")
        .order_by("screen_m", "id")[:MAX_HITS]
    )
    hits = [
        ScreeningHit(
            "site",
            getattr(s, number_key(sites)),
            s.name,
            "exact" if exact else s.location_generalisation,
            s.screen_m,
        )
        for s in site_rows
    ]
    hits += [
        ScreeningHit(
            "zone", z.designation.site.reference, z.designation.site.name, z.kind, z.screen_m
        )
        for z in zone_rows
    ]
    return sorted(hits, key=lambda hit: (hit.distance_m, hit.kind, hit.registry_number))
