"""Client geometries (GeoJSON objects, WKT strings) to GEOS, without GDAL (DESIGN §6).

`GEOSGeometry(text)` would hand GeoJSON text to GDAL; here GeoJSON is read by hand from parsed
JSON and WKT by GEOS's own reader, after a size cap. Results go through `registry.geometry`.
"""

import math
import re

from django.conf import settings
from django.contrib.gis.geos import (
    GEOSException,
    GEOSGeometry,
    LinearRing,
    MultiPolygon,
    Point,
    Polygon,
    WKTReader,
)
from django.core.exceptions import ValidationError

from registry.geometry import clean_area, clean_point

WKT_MAX_CHARS = 100_000
WKT_SHAPE = re.compile(r"^\s*(MULTI)?POLYGON\s*(Z\s*)?\(", re.IGNORECASE)


def _fail(field: str, message: str):
    raise ValidationError({field: message})


def _position(value, field: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) not in (2, 3):
        _fail(field, "each position must be [lon, lat].")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        _fail(field, "coordinates must be numbers.")
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        _fail(field, "coordinates must be finite numbers (no NaN or infinity).")
    return lon, lat


def _polygon(rings, field: str) -> Polygon:
    if not isinstance(rings, list) or not rings:
        _fail(field, "a polygon is a non-empty list of rings.")
    built = []
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            _fail(field, "each ring needs at least 4 positions.")
        positions = [_position(p, field) for p in ring]
        if positions[0] != positions[-1]:
            _fail(field, "each ring must be closed (first position = last position).")
        built.append(LinearRing(positions, srid=4326))
    return Polygon(*built, srid=4326)


def _count_positions(coordinates, field: str, depth: int) -> int:
    if depth > 4:
        _fail(field, "coordinates are nested too deeply.")
    if isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        return sum(_count_positions(c, field, depth + 1) for c in coordinates)
    return 1


def area_from_geojson(value: object, *, field: str = "geometry") -> MultiPolygon:
    """A GeoJSON Polygon or MultiPolygon (a parsed dict) as a checked lon/lat MultiPolygon."""
    if not isinstance(value, dict):
        _fail(field, "must be a GeoJSON geometry object.")
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        _fail(field, f"must be a Polygon or MultiPolygon, not {str(kind)[:40]}.")
    if not isinstance(coordinates, list) or not coordinates:
        _fail(field, "coordinates must be a non-empty list.")
    cap = settings.MURA_MAX_VERTICES
    if _count_positions(coordinates, field, 0) > cap:
        _fail(field, f"has more than {cap} vertices.")
    if kind == "Polygon":
        geom = _polygon(coordinates, field)
    else:
        geom = MultiPolygon(*[_polygon(p, field) for p in coordinates], srid=4326)
    return clean_area(geom, field=field)


def area_from_wkt(text: str, *, field: str = "geometry") -> MultiPolygon:
    """A WKT POLYGON or MULTIPOLYGON (lon/lat), size-capped, read by GEOS."""
    if len(text) > WKT_MAX_CHARS:
        _fail(field, f"WKT longer than {WKT_MAX_CHARS} characters; POST a GeoJSON search instead.")
    if not WKT_SHAPE.match(text):
        _fail(field, "must be WKT POLYGON(...) or MULTIPOLYGON(...) in lon/lat.")
    try:
        geom: GEOSGeometry = WKTReader().read(text)
    except (GEOSException, ValueError, TypeError):
        _fail(field, "is not well-formed WKT.")
    geom.srid = 4326
    return clean_area(geom, field=field)


def point_from_text(text: str, *, field: str) -> Point:
    """'lon,lat' as a checked point inside the registry's extent."""
    parts = text.split(",")
    if len(parts) != 2:
        _fail(field, "must be 'lon,lat'.")
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        _fail(field, "must be two numbers 'lon,lat'.")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        _fail(field, "coordinates must be finite numbers (no NaN or infinity).")
    return clean_point(Point(lon, lat, srid=4326), field=field)
