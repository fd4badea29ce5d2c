"""The offline base map: one small JSON tile per z/x/y, made by PostGIS, that every map of Mura
draws under its own layers (maps/static/maps/basemap.js): countries, seas, lakes and rivers
(Natural Earth, `registry.BaseFeature`), and the names of places (OpenStreetMap, ODbL,
`registry.Place`), countries and water in one language.

Why JSON tiles rather than Mapbox vector tiles or static GeoJSON files: names must be drawn as
text, which Leaflet.VectorGrid cannot, and JSON needs no decoder in the page; shapes come as
tile pixels already clipped and simplified by `ST_AsMVTGeom` (integers, no projecting in the
browser). A static file per zoom band would hold every village of the country (3,600 of them)
or none; a tile holds what its view shows. Sizes: docs/basemap.md.

Places are drawn by zoom (PLACE_ZOOM): cities first, then towns, then villages, the most
populous first when a tile has more than PLACES_PER_TILE.
"""

import hashlib

from django.core.cache import caches
from django.db import connections, router
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.cache import parse_etags
from django.views.decorators.http import require_GET

from heritage.middleware import same_for_everyone
from registry.models import BaseFeature, Place

EXTENT = 512  # tile units across a tile (256 CSS pixels: two units a pixel on a sharp screen)
BUFFER = 16  # units drawn past the edge, so a line's width is not cut at the seam
MIN_ZOOM, MAX_ZOOM = 2, 18
PLACE_ZOOM = {"city": 4, "town": 7, "village": 9, "hamlet": 12}
PLACES_PER_TILE = 150
COUNTRY_NAMES_MAX_ZOOM = 8
# scripts/natural_earth.py clips every shape to this box (min lon, min lat, max lon, max lat);
# its edges are no border and are not drawn.
REGION = (25.0, 25.0, 115.0, 67.0)
LANGUAGES = ("kk", "ru", "en")
CACHE_SECONDS = 24 * 3600

TILE_SQL = """
WITH t AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS e),
     b AS (SELECT ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => 0.05), 4326) AS box,
                  ST_Transform(t.e, 4326) AS inner_box FROM t),
     f AS (
        SELECT f.kind, f.name_kk, f.name_ru, f.name_en, f.label, f.min_zoom,
               ST_Transform(ST_Simplify(f.geom, %(tolerance)s, true), 3857) AS shape
        FROM {features} f, b
        WHERE (f.geom && b.box OR f.label && b.box) AND f.min_zoom <= %(z)s
     )
SELECT json_build_object(
  'areas', (SELECT coalesce(json_agg(json_build_array(f.kind, g.c) ORDER BY f.kind), '[]')
            FROM f, t, LATERAL (SELECT ST_AsGeoJSON(ST_AsMVTGeom(f.shape, t.e, {extent}, {buffer},
                 true), 0)::json -> 'coordinates' AS c) g
            WHERE f.kind IN ('home', 'country', 'sea', 'lake') AND g.c IS NOT NULL),
  'lines', (SELECT coalesce(json_agg(json_build_array(l.kind, g.c)), '[]')
            FROM (SELECT 'border' AS kind, ST_Intersection(ST_Boundary(f.shape),
                         ST_Transform(ST_MakeEnvelope({region}, 4326), 3857)) AS shape
                  FROM f WHERE f.kind IN ('home', 'country')
                  UNION ALL
                  SELECT f.kind, f.shape FROM f WHERE f.kind = 'river') l, t,
                 LATERAL (SELECT ST_AsGeoJSON(ST_AsMVTGeom(l.shape, t.e, {extent}, {buffer},
                          true), 0)::json AS j) g0,
                 LATERAL (SELECT g0.j -> 'coordinates' AS c) g
            WHERE g0.j IS NOT NULL AND g0.j ->> 'type' IN ('LineString', 'MultiLineString')),
  'names', (SELECT coalesce(json_agg(json_build_array(n.kind, n.name, n.lon, n.lat, n.rank)
                   ORDER BY n.rank DESC), '[]')
            FROM (
              SELECT f.kind, coalesce(nullif(f.name_{lang}, ''), f.name_en) AS name,
                     round(ST_X(f.label)::numeric, 4) AS lon,
                     round(ST_Y(f.label)::numeric, 4) AS lat,
                     CASE f.kind WHEN 'water_name' THEN 50000000 ELSE 100000000 END AS rank
              FROM f, b
              WHERE f.label IS NOT NULL AND f.label && b.inner_box
                AND (f.kind = 'water_name' OR %(z)s <= {country_max})
              UNION ALL
              (SELECT p.kind, coalesce(nullif(p.name_{lang}, ''), p.name),
                      round(ST_X(p.point)::numeric, 4), round(ST_Y(p.point)::numeric, 4),
                      CASE p.kind WHEN 'city' THEN 3000000 WHEN 'town' THEN 2000000
                                  ELSE 1000000 END
                      + least(coalesce(p.population, 0), 999999)
               FROM {places} p, b
               WHERE p.point && b.inner_box AND p.kind = ANY(%(kinds)s)
               ORDER BY 5 DESC, p.id
               LIMIT {per_tile})
            ) n)
)::text
"""


def base_tile_exists(z: int, x: int, y: int) -> bool:
    return MIN_ZOOM <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def _sql(language: str) -> str:
    return TILE_SQL.format(
        features=BaseFeature._meta.db_table,
        places=Place._meta.db_table,
        lang=language,
        extent=EXTENT,
        buffer=BUFFER,
        region=", ".join(str(v) for v in REGION),
        country_max=COUNTRY_NAMES_MAX_ZOOM,
        per_tile=PLACES_PER_TILE,
    )


SQL = {language: _sql(language) for language in LANGUAGES}


def base_tile(z: int, x: int, y: int, language: str) -> bytes:
    """The tile as JSON: `areas` and `lines` ([kind, coordinates] in tile units, y down),
    `names` ([kind, name, lon, lat, rank], the most important first)."""
    # Simplified to a tile unit (half a CSS pixel) of longitude: about 1.5 units of latitude
    # at Kazakhstan's latitudes, still under a pixel.
    tolerance = 360 / 2**z / EXTENT
    kinds = [kind for kind, zoom in PLACE_ZOOM.items() if zoom <= z]
    params = {"z": z, "x": x, "y": y, "tolerance": tolerance, "kinds": kinds}
    with connections[router.db_for_read(Place)].cursor() as cursor:
        cursor.execute(SQL[language], params)
        (body,) = cursor.fetchone()
    return body.encode()


def base_tile_key(language: str, z: int, x: int, y: int) -> str:
    return f"maps:base:{language}:{z}/{x}/{y}"


@require_GET
@same_for_everyone
def base_tile_view(request, language: str, z: int, x: int, y: int):
    """A base tile in `language`. Reference data changes only when it is loaded again
    (migrations, `load_places`), so a tile is cached a day, by this process and by browsers;
    its ETag is its content's hash."""
    if language not in LANGUAGES or not base_tile_exists(z, x, y):
        raise Http404("No such base tile.")
    key = base_tile_key(language, z, x, y)
    body = caches["tiles"].get(key)
    if body is None:
        body = base_tile(z, x, y, language)
        caches["tiles"].set(key, body, CACHE_SECONDS)
    etag = f'"base-{hashlib.sha256(body).hexdigest()[:24]}"'
    held = request.META.get("HTTP_IF_NONE_MATCH", "")
    if etag in [tag.removeprefix("W/") for tag in parse_etags(held)]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
