"""Mapbox vector tiles of the public register, made by PostGIS (`ST_AsMVT`).

Below `SITES_MIN_ZOOM` a tile carries counts in 8 × 8 cells (layer "cells"), read from the
registry's pre-aggregated counts, so a country-wide tile costs the same with 1,000 sites as
with 1,000,000. A period filter cannot be pre-aggregated; such low-zoom tiles are counted live
from the public view. From `SITES_MIN_ZOOM` on, a tile carries single sites (layer "sites"):
an open (S0) site as its point, an S1/S2 site as the square of its grid cell (drawn around
its public point, the cell's centre), never as a pin; S3 sites have no public point and
never appear. Only `public_location` is ever read.

A tile is read in one statement with the public map's version (`tile_read`), which its ETag
and cache entry carry (maps/views.py).
"""

import functools
import math
from collections.abc import Collection
from dataclasses import fields

from django.contrib.gis.geos import Polygon
from django.db import router
from django.db.models import Count, QuerySet, Sum, Value
from django.db.models.functions import Concat

from heritage import limits
from registry.models import PublicSite
from registry.models.aggregates import CELLS_PER_TILE_SHIFT, SITES_MIN_ZOOM, TileCellX, TileCellY
from registry.projection import GRID_DEGREES
from registry.search import SiteQuery, sites_filter
from registry.selectors import PUBLIC_MAP_VERSION_SQL, cell_count_list_public, site_list_public

EXTENT = 4096  # MVT coordinate units across a tile
CELLS = 1 << CELLS_PER_TILE_SHIFT  # cells across a tile
BUFFER = 64  # MVT units drawn past the tile edge, so pins are not cut in half
MAX_ZOOM = 20
HALF_CELL = {s: size / 2 for s, size in GRID_DEGREES.items() if size}
# Open sites one by one; generalised sites one square per grid cell (all the sites of a cell
# share its centre as public point), carrying the first site's number and how many there are.
SITES_LAYER_SQL = """
SELECT ST_AsMVT(t, 'sites', {extent}, 'geom') FROM (
    SELECT u.ref, u.category, u.significance, u.kind, u.count,
           ST_AsMVTGeom(ST_Transform(u.shape, 3857), ST_TileEnvelope(%s, %s, %s),
                        {extent}, {buffer}, true) AS geom
    FROM (
        SELECT q.registry_number AS ref, q.category, q.significance, 'site' AS kind,
               1 AS count, q.public_location AS shape
        FROM ({open}) q
        WHERE q.public_location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
        UNION ALL
        SELECT min(q.registry_number), (array_agg(q.category ORDER BY q.registry_number))[1],
               (array_agg(q.significance ORDER BY q.registry_number))[1], 'cell', count(*),
               ST_Expand(q.public_location, min(CASE q.sensitivity
                   WHEN 'S1' THEN {s1} ELSE {s2} END))
        FROM ({generalised}) q
        WHERE ((q.sensitivity || '') = 'S1'
               AND q.public_location && ST_MakeEnvelope(%s, %s, %s, %s, 4326))
           OR ((q.sensitivity || '') = 'S2'
               AND q.public_location && ST_MakeEnvelope(%s, %s, %s, %s, 4326))
        GROUP BY q.public_location
    ) u
) t WHERE t.geom IS NOT NULL
"""
CELLS_LAYER_SQL = """
SELECT ST_AsMVT(t, 'cells', {extent}, 'geom') FROM (
    SELECT q.count::int AS count,
           ST_MakePoint((q.cx - %s + 0.5) * {cell}, (q.cy - %s + 0.5) * {cell}) AS geom
    FROM ({query}) q
    WHERE {level}q.cx BETWEEN %s AND %s AND q.cy BETWEEN %s AND %s
) t
"""

# A tile's statement: the public map's version and, unless it is one of the versions bound
# first (whose tile the caller already holds), the tile. The tile is an uncorrelated subquery,
# which PostgreSQL runs only if the CASE asks for it (EXPLAIN ANALYZE: "never executed"
# otherwise). Version and tile come from one snapshot of one server, so a tile is never
# labelled with a version other than its own. A tile with no feature is an empty string,
# never NULL, which means "not made". MATERIALIZED: the version read once, not planned and
# run again for each place it is named.
WITH_VERSION_SQL = """
WITH m(version) AS MATERIALIZED ({version})
SELECT m.version, CASE WHEN m.version = ANY(%s::text[]) THEN NULL
                       ELSE coalesce(({tile}), ''::bytea) END
FROM m
"""


def _with_version(tile_sql: str) -> str:
    # Not str.format on the tile's text: it is SQL the ORM wrote, braces included.
    return WITH_VERSION_SQL.replace("{version}", PUBLIC_MAP_VERSION_SQL).replace("{tile}", tile_sql)


# What the pre-aggregated counts (SiteCellCount) are keyed by; a query setting anything else
# (a period) is counted live from the public view.
COUNTED = frozenset({"categories", "significances", "region_ids", "ordering"})


@functools.lru_cache(maxsize=256)  # asked for every low-zoom tile, mostly of SiteQuery()
def counted_ahead(query: SiteQuery) -> bool:
    """Whether the pre-aggregated counts can answer `query`."""
    return all(f.name in COUNTED or getattr(query, f.name) == f.default for f in fields(SiteQuery))


def tile_exists(z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def tile_bbox(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a Web Mercator tile."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def public_sites(query: SiteQuery) -> QuerySet:
    """The public projection narrowed by the map's query (registry/query.py), unordered:
    what the tiles draw and the list of sites in view (maps/views.py) shows."""
    return sites_filter(site_list_public(), query, geometry="public_location").order_by()


def _widened(bbox: tuple[float, float, float, float], margin: float) -> list[float]:
    west, south, east, north = bbox
    return [west - margin, south - margin, east + margin, north + margin]


@functools.lru_cache(maxsize=256)
def _sites_layer_sql(query: SiteQuery) -> tuple[str, tuple]:
    """The sites layer's statement for this query, compiled once (the ORM's compiling
    costs more than a small tile's query); each tile binds its own envelope."""
    columns = ("registry_number", "category", "significance", "sensitivity", "public_location")
    # The class is compared as an expression, not the column: otherwise PostgreSQL ANDs the
    # spatial index with the (status, sensitivity) index, reading half the register's entries.
    sites = public_sites(query).alias(kind=Concat("sensitivity", Value("")))
    pins = sites.filter(kind="S0").values(*columns)
    squares = sites.filter(kind__in=("S1", "S2")).values(*columns)
    open_sql, open_params = pins.query.sql_with_params()
    cell_sql, cell_params = squares.query.sql_with_params()
    sql = SITES_LAYER_SQL.format(
        extent=EXTENT, buffer=BUFFER, s1=HALF_CELL["S1"], s2=HALF_CELL["S2"],
        open=open_sql, generalised=cell_sql,
    )  # fmt: skip
    return _with_version(sql), (tuple(open_params), tuple(cell_params))


def sites_tile(z: int, x: int, y: int, query: SiteQuery) -> tuple[str, list]:
    """Single sites. Each class is searched in the tile widened by half its cell, so a square
    whose centre lies just outside the tile is still drawn, and open sites by the tile alone
    (a dense city's tile must not read the sites of its neighbours)."""
    bbox = tile_bbox(z, x, y)
    sql, (open_params, cell_params) = _sites_layer_sql(query)
    params = [
        z, x, y, *open_params, *_widened(bbox, 0), *cell_params,
        *_widened(bbox, HALF_CELL["S1"]), *_widened(bbox, HALF_CELL["S2"]),
    ]  # fmt: skip
    return sql, params


def _cells_sql(z: int, x: int, y: int, counts: QuerySet) -> tuple[str, list]:
    query, params = counts.query.sql_with_params()
    first_x, first_y = x * CELLS, y * CELLS
    sql = CELLS_LAYER_SQL.format(extent=EXTENT, cell=EXTENT // CELLS, query=query, level="")
    bounds = [first_x, first_x + CELLS - 1, first_y, first_y + CELLS - 1]
    return _with_version(sql), [first_x, first_y, *params, *bounds]


@functools.lru_cache(maxsize=256)
def _cells_table_sql(query: SiteQuery) -> tuple[str, tuple]:
    """The counts layer's statement for this query, compiled once. The tile's level and
    cell ranges are bound by the outer query; PostgreSQL moves them into the grouped one
    (they are its grouping columns), so the counts' index still finds the tile's cells."""
    plain = {
        "category__in": query.categories,
        "significance__in": query.significances,
        "region_ids__overlap": query.region_ids,
    }
    counts = cell_count_list_public().filter(
        **{lookup: values for lookup, values in plain.items() if values}
    )
    counts = counts.values("level", "cx", "cy").annotate(count=Sum("n")).order_by()
    query, params = counts.query.sql_with_params()
    level = "q.level = %s AND "
    sql = CELLS_LAYER_SQL.format(extent=EXTENT, cell=EXTENT // CELLS, query=query, level=level)
    return _with_version(sql), tuple(params)


def cells_tile(z: int, x: int, y: int, query: SiteQuery) -> tuple[str, list]:
    """Counts per cell from the registry's pre-aggregated table (no scan of the sites)."""
    level, first_x, first_y = z + CELLS_PER_TILE_SHIFT, x * CELLS, y * CELLS
    sql, params = _cells_table_sql(query)
    bounds = [first_x, first_x + CELLS - 1, first_y, first_y + CELLS - 1]
    return sql, [first_x, first_y, *params, level, *bounds]


def live_cells_tile(z: int, x: int, y: int, query: SiteQuery) -> tuple[str, list]:
    """Counts per cell computed from the public view: for filters the table cannot answer."""
    level = z + CELLS_PER_TILE_SHIFT
    box = Polygon.from_bbox(tile_bbox(z, x, y))
    box.srid = 4326
    counts = (
        public_sites(query)
        .filter(public_location__bboverlaps=box)
        .annotate(
            cx=TileCellX("public_location", level=level),
            cy=TileCellY("public_location", level=level),
        )
        .values("cx", "cy")
        .annotate(count=Count("id"))
        .order_by()
    )
    return _cells_sql(z, x, y, counts)


def _statement(z: int, x: int, y: int, query: SiteQuery) -> tuple[str, list]:
    """The tile's statement and its parameters, but the first (`unless`)."""
    if z >= SITES_MIN_ZOOM:
        return sites_tile(z, x, y, query)
    if counted_ahead(query):
        return cells_tile(z, x, y, query)
    return live_cells_tile(z, x, y, query)


def tile_read(
    z: int, x: int, y: int, query: SiteQuery, *, unless: Collection[str] = ()
) -> tuple[str, bytes | None]:
    """The public map's version, and the tile unless that version is one of `unless` (whose
    tile the caller already holds): None then. One statement, so one round trip."""
    sql, params = _statement(z, x, y, query)
    # On the database the router gives public reads (a replica, heritage/routers.py). JIT is
    # off for every session (settings). Asked of the router directly: building a queryset to
    # learn its database cost more than a small tile's query.
    # With an early path's rate-limit hit, if one waits: still one round trip (heritage/limits.py).
    ((version, body),) = limits.read(router.db_for_read(PublicSite), sql, [list(unless), *params])
    return version, None if body is None else bytes(body)
