"""Composable site filters, shared by the API, OGC API - Features, exports and screening.

`sites_filter(sites, query, geometry=...)` narrows a queryset that came from a selector: the
public door (`PublicSite`, geometry "public_location") or a staff selector ("location").
Distances are metres on the spheroid (PostGIS geography), never degrees.
"""

from dataclasses import dataclass

from django.contrib.gis.db import models
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from django.db.models import Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from registry.transliteration import search_variants

TEXT_COLUMNS = [f"{n}_{lang}" for n in ("name", "description") for lang in ("kk", "ru", "en")]
# word_similarity above which a text matches (pg_trgm's default, 0.6, misses one-letter typos
# in short names).
WORD_SIMILARITY = 0.45
ORDERINGS = {
    "registry_number": ("registry_number",),
    "-registry_number": ("-registry_number",),
    "name": ("name", "registry_number"),
    "-name": ("-name", "-registry_number"),
    "date_from": ("date_from", "registry_number"),
    "-date_from": ("-date_from", "-registry_number"),
}


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

    def __init__(self, a, b, metres: float):
        super().__init__(Geography(a), Geography(b), Value(float(metres)))


class GeodesicKnn(Func):
    """`a::geography <-> b::geography`: index-assisted nearest-first order, in metres."""

    arg_joiner = " <-> "
    template = "%(expressions)s"
    output_field = models.FloatField()

    def __init__(self, a, b):
        super().__init__(Geography(a), Geography(b))


def geometry_value(geom) -> Value:
    """A GEOS geometry as a query parameter (an EWKB literal PostGIS reads)."""
    return Value(geom, output_field=models.GeometryField(srid=4326))


@dataclass(frozen=True)
class SiteQuery:
    bbox: tuple[float, float, float, float] | None = None
    area: MultiPolygon | None = None
    region_ids: tuple[int, ...] = ()
    district_ids: tuple[int, ...] = ()
    near: Point | None = None
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
        sites = sites.filter(**{f"{geometry}__intersects": Polygon.from_bbox(query.bbox)})
    if query.area is not None:
        sites = sites.filter(**{f"{geometry}__intersects": query.area})
    if query.near is not None:
        sites = sites.annotate(distance_m=GeodesicDistance(geometry, geometry_value(query.near)))
        if query.distance_m is not None:
            sites = sites.filter(
                GeodesicWithin(geometry, geometry_value(query.near), query.distance_m)
            )
    return sites


def _text_filter(sites: QuerySet, text: str) -> QuerySet:
    """Typo-tolerant (trigram word similarity) across kk/ru/en names and descriptions, for
    the query as typed and its transliteration; GIN trigram indexes serve each `%>`."""
    with connection.cursor() as cursor:  # the threshold `%>` uses, for this connection
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
            [str(WORD_SIMILARITY)],
        )
    condition = Q()
    for variant in search_variants(text):
        for column in TEXT_COLUMNS:
            condition |= Q(**{f"{column}__trigram_word_similar": variant})
    return sites.filter(condition)


def sites_filter(sites: QuerySet, query: SiteQuery, *, geometry: str) -> QuerySet:
    """`sites` narrowed by every filter set in `query`, and ordered.

    `geometry` is the column to filter and measure on: "public_location" for the public
    projection, "location" only for querysets from a staff selector.
    """
    sites = _geometry_filters(sites, query, geometry)
    plain = {
        "region_id__in": query.region_ids,
        "district_id__in": query.district_ids,
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
    if query.text:
        sites = _text_filter(sites, query.text)
    if query.ordering == "distance" and query.near is not None:
        return sites.order_by(GeodesicKnn(geometry, geometry_value(query.near)), "registry_number")
    return sites.order_by(*ORDERINGS.get(query.ordering, ORDERINGS["registry_number"]))
