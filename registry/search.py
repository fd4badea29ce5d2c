"""Composable site filters, shared by the API, OGC API - Features, exports and screening.

`sites_filter(sites, query, geometry=...)` narrows a queryset that came from a selector: the
public door (`PublicSite`, geometry "public_location") or a staff selector ("location").
Distances are metres on the spheroid (PostGIS geography), never degrees.
"""

from dataclasses import dataclass

from django.contrib.gis.db import models
from django.contrib.gis.geos import MultiPolygon
from django.db import connections
from django.db.models import Func, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from modeltranslation.utils import build_localized_fieldname, get_language

from registry.models import HeritageSite
from registry.text_search import (
    Rank,
    descriptions_only,
    key_expression,
    names_nearest,
    text_match,
)

ORDERINGS = {
    "registry_number": ("registry_number",),
    "-registry_number": ("-registry_number",),
    "name": ("name", "registry_number"),
    "-name": ("-name", "-registry_number"),
    "date_from": ("date_from", "registry_number"),
    "-date_from": ("-date_from", "-registry_number"),
}
# A text search's own order (the default with `q`): best match first (registry/text_search.py).
RELEVANCE = "relevance"
# A relevance-ordered page is read in parts: the name matches (one KNN scan), then the sites
# only a description matches (`sites_filter(part=...)`, registry/features.py).
NAMES, DESCRIPTIONS = "names", "descriptions"
# Text sort keys a btree index can supply; see `IndexlessKey`.
INDEXED_TEXT_KEYS = {"registry_number", "reference", "name"}
# A bbox or area at most this many square degrees (about 110 x 80 km in Kazakhstan), or a
# `distance` at most this many metres, is selective enough that its spatial index should drive
# the query: fetch the few thousand sites inside, then sort them. Left to itself the planner
# walks the registry-number index and filters, which is fast for a big box but reads 184k rows
# for a 15 x 10 km box over Almaty (registry numbers cluster by region, statistics do not know).
SPATIAL_FIRST_MAX_DEG2 = 1.0
SPATIAL_FIRST_MAX_M = 50_000
# Text search in any other order meets the same trap: a word's few hundred matches are met only
# at the end of the registry-number index; fetched through the trigram indexes and sorted they
# take far less (once the planner knows: TRIGRAM_COST_SQL).
# `<->` on geography measures on the sphere, ST_Distance on the spheroid; they differ by less
# than 0.6%, so a disc 1% (+1 m) wider than the sphere radius of the n-th nearest holds the
# n nearest on the spheroid.
SPHERE_SLACK = 1.01
BEYOND_EARTH_M = 1e8


class Geography(Func):
    """`expr::geography`: measurements on the spheroid, in metres."""

    template = "(%(expressions)s)::geography"
    output_field = models.GeometryField(geography=True)


class GeodesicDistance(Func):
    """Metres between two lon/lat geometries on the WGS84 spheroid."""

    function = "ST_Distance"
    output_field = models.FloatField()

    def __init__(self, a, b):
        super().__init__(Geography(a), Geography(b))


class GeodesicWithin(Func):
    """ST_DWithin on geography (metres); uses the geography GiST indexes."""

    function = "ST_DWithin"
    output_field = models.BooleanField()
    conditional = True

    def __init__(self, a, b, metres):
        if not hasattr(metres, "resolve_expression"):
            metres = Value(float(metres))
        super().__init__(Geography(a), Geography(b), metres)


class GeodesicKnn(Func):
    """`a::geography <-> b::geography`: index-assisted nearest-first order, in metres."""

    arg_joiner = " <-> "
    template = "%(expressions)s"
    output_field = models.FloatField()

    def __init__(self, a, b):
        super().__init__(Geography(a), Geography(b))


class IndexlessKey(Func):
    """`text || ''`: the same value and order as the column, but no index supplies it, so the
    planner cannot walk a btree and filter; it takes the rows a selective (spatial or text)
    filter finds and sorts them."""

    template = "(%(expressions)s || '')"
    output_field = models.TextField()


def geometry_value(geom) -> Value:
    """A GEOS geometry as a query parameter (an EWKB literal PostGIS reads)."""
    return Value(geom, output_field=models.GeometryField(srid=4326))


class LonLat(Func):
    """A lon/lat point from two numbers, each its own query parameter: a compiled statement
    binds another point there (registry/features.py)."""

    template = "ST_SetSRID(ST_MakePoint(%(expressions)s), 4326)"
    output_field = models.PointField(srid=4326)

    def __init__(self, point: tuple[float, float]):
        lon, lat = point
        super().__init__(Value(float(lon)), Value(float(lat)))


class BoxOverlaps(Func):
    """`geometry && box`, the box from four numbers (west, south, east, north), each its own
    query parameter. For points, "inside or on the box's edge", as ST_Intersects, but costed
    as the cheap operator it is (ST_Intersects' cost makes the planner AND in the status
    index, 900k entries, to spare itself calls it does not make)."""

    template = "%(expressions)s"
    arg_joiner = " && "
    output_field = models.BooleanField()
    conditional = True

    def __init__(self, geometry: str, bbox: tuple[float, float, float, float]):
        box = Func(*(Value(float(v)) for v in bbox), Value(4326), function="ST_MakeEnvelope")
        super().__init__(models.F(geometry), box)


@dataclass(frozen=True)
class SiteQuery:
    bbox: tuple[float, float, float, float] | None = None
    area: MultiPolygon | None = None
    region_ids: tuple[int, ...] = ()
    district_ids: tuple[int, ...] = ()
    near: tuple[float, float] | None = None  # (lon, lat)
    distance_m: float | None = None
    categories: tuple[str, ...] = ()
    typology_ids: tuple[int, ...] = ()
    significances: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: int | None = None
    date_to: int | None = None
    text: str = ""
    ordering: str = "registry_number"


def _geometry_filters(sites: QuerySet, query: SiteQuery, geometry: str) -> QuerySet:
    if query.bbox is not None:
        sites = sites.filter(BoxOverlaps(geometry, query.bbox))
    if query.area is not None:
        # For a point, "covered by the area" is "intersects it" (inside or on its edge), and
        # PostGIS tests it by point-in-polygon on a cached area: 21 ms against 105 ms for the
        # 5,800 sites under a polygon over central Almaty at 1M (2026-12-06).
        sites = sites.filter(**{f"{geometry}__coveredby": query.area})
    if query.near is not None:
        sites = sites.annotate(distance_m=GeodesicDistance(geometry, LonLat(query.near)))
        if query.distance_m is not None:
            sites = sites.filter(GeodesicWithin(geometry, LonLat(query.near), query.distance_m))
    return sites


# pg_trgm declares `%>` (word_similarity_commutator_op) as cheap as `=`, so for a word matching
# a few hundred of 100k sites the planner scanned the whole table and ran it on every row
# (about 1 s for "Taraz") instead of letting the GIN trigram indexes find them (about 50 ms).
# Set after every `migrate` (registry/apps.py), since a restored or re-created extension
# starts from its default; only the role owning the function may (else: a notice, slower).
TRIGRAM_COST_SQL = """
DO $$
BEGIN
    ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100;
EXCEPTION WHEN insufficient_privilege OR undefined_function THEN
    RAISE NOTICE 'word_similarity_commutator_op keeps its cost (not its owner, or no pg_trgm)';
END
$$;
"""


def trigram_cost_set(*, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: tell the planner what a trigram match costs."""
    with connections[using].cursor() as cursor:
        cursor.execute(TRIGRAM_COST_SQL)


def spatial_first(query: SiteQuery) -> bool:
    """Whether the geometry filter is small enough that its index should drive the query."""
    extents = []
    if query.bbox is not None:
        extents.append(query.bbox)
    if query.area is not None:
        extents.append(query.area.extent)
    if any((x2 - x1) * (y2 - y1) <= SPATIAL_FIRST_MAX_DEG2 for x1, y1, x2, y2 in extents):
        return True
    return query.distance_m is not None and query.distance_m <= SPATIAL_FIRST_MAX_M


def number_key(sites: QuerySet) -> str:
    """The column "registry_number" orders and pages by: a staff queryset (full records)
    holds drafts, which have no registry number yet, so it uses `reference` (the registry
    number, else the draft reference), the same for every published site."""
    return "reference" if sites.model is HeritageSite else "registry_number"


def _order_keys(query: SiteQuery, filters_first: bool, number: str) -> list:
    keys = ORDERINGS.get(query.ordering, ORDERINGS["registry_number"])
    keys = [key.replace("registry_number", number) for key in keys]
    if not filters_first:
        return keys
    ordered = []
    for key in keys:
        name = key.lstrip("-")
        if name in INDEXED_TEXT_KEYS:
            # The column the index walk orders by: `name` is the visitor's language's column,
            # as modeltranslation rewrites order_by("name") (the bare column holds the
            # default language's text, so both plans agreed in Kazakh only).
            column = build_localized_fieldname(name, get_language()) if name == "name" else name
            expression = IndexlessKey(column)
            key = expression.desc() if key.startswith("-") else expression.asc()
        ordered.append(key)
    return ordered


def first_rows_window(sites: QuerySet, rows: int) -> QuerySet:
    """`sites` cut to its first `rows` rows, chosen by id on the bare table: with
    `spatial_first`, the sort then carries ids, and only the page is joined and fetched."""
    return sites.filter(pk__in=sites.values("pk")[:rows])


def nearest_window(sites: QuerySet, query: SiteQuery, *, geometry: str, rows: int) -> QuerySet:
    """`sites` ordered nearest-first, cut to the disc that holds its `rows` nearest.

    Sorting by spheroid distance (and registry number, for a stable order among equal
    distances: generalised points share grid centres) cannot use an index. So one indexed KNN
    probe finds the sphere distance of the `rows`-th nearest, and only sites within that radius
    (with `SPHERE_SLACK`) are sorted exactly: every site as near as the `rows`-th, ties
    included, is in. Sites without a location have no distance and are left out.
    """
    point = LonLat(query.near)
    radius = (
        sites.order_by()
        .annotate(knn_m=GeodesicKnn(geometry, point))
        .order_by("knn_m")
        .values("knn_m")[rows - 1 : rows]
    )
    metres = Coalesce(
        Subquery(radius) * Value(SPHERE_SLACK) + Value(1.0),
        Value(BEYOND_EARTH_M),
        output_field=models.FloatField(),
    )
    return sites.filter(GeodesicWithin(geometry, point, metres))


def relevance_parts(query: SiteQuery) -> bool:
    """Whether a page of `query` is read in parts (NAMES, then DESCRIPTIONS): a relevance
    order the document index can serve, i.e. no small area to start from instead."""
    return bool(query.text) and query.ordering == RELEVANCE and not spatial_first(query)


def sites_filter(
    sites: QuerySet,
    query: SiteQuery,
    *,
    geometry: str,
    part: str = "",
    spatial: bool | None = None,
) -> QuerySet:
    """`sites` narrowed by every filter set in `query`, and ordered.

    `geometry` is the column to filter and measure on: "public_location" for the public
    projection, "location" only for querysets from a staff selector. `part` (with
    `relevance_parts`): only the name matches, best first (NAMES), or only the sites a
    description alone matches, by registry number (DESCRIPTIONS); else every match.
    `spatial`: whether the geometry filter should drive the query (the order's key then no
    index's, see `IndexlessKey`); None: `spatial_first(query)`, by the area alone.
    """
    sites = _geometry_filters(sites, query, geometry)
    public = geometry == "public_location"
    plain = {
        # The public projection is found under every region and district its public cell
        # touches (DESIGN §4); staff filter by the exact point's.
        ("region_ids__overlap" if public else "region_id__in"): query.region_ids,
        ("district_ids__overlap" if public else "district_id__in"): query.district_ids,
        "category__in": query.categories,
        "typology_id__in": query.typology_ids,
        "significance__in": query.significances,
        "condition__in": query.conditions,
        "status__in": query.statuses,
    }
    sites = sites.filter(**{lookup: values for lookup, values in plain.items() if values})
    # Period overlap: a site dated [from, to] overlaps the asked [date_from, date_to]; a site
    # with one bound is a single year. Years are signed (BCE < 0).
    if query.date_from is not None:
        sites = sites.alias(site_to=Coalesce("date_to", "date_from")).filter(
            site_to__gte=query.date_from
        )
    if query.date_to is not None:
        sites = sites.alias(site_from=Coalesce("date_from", "date_to")).filter(
            site_from__lte=query.date_to
        )
    if part == NAMES:
        return names_nearest(sites, query.text, public=public)
    if part == DESCRIPTIONS:
        found = descriptions_only(sites, query.text, public=public)
        return found.order_by(IndexlessKey(number_key(sites)))
    if query.text:
        sites = sites.filter(text_match(query.text, public=public))
    if query.ordering == "distance" and query.near is not None:
        # Exact (spheroid) order; page through `nearest_window` to use the KNN index.
        return sites.order_by("distance_m", number_key(sites))
    if query.ordering == RELEVANCE and query.text:
        # Every match sorted (a small area's, an export's): name matches by rank, then the
        # sites a description alone matches (their names rank below the threshold), each by
        # registry number among equals.
        rank = Rank(key_expression(query.text, public=public))
        return sites.order_by(rank, IndexlessKey(number_key(sites)))
    if spatial is None:
        spatial = spatial_first(query)
    filters_first = spatial or bool(query.text)
    return sites.order_by(*_order_keys(query, filters_first, number_key(sites)))
