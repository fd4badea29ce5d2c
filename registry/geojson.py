"""Client geometries (GeoJSON objects, WKT strings) to GEOS, without GDAL (DESIGN §6).

`GEOSGeometry(text)` would hand GeoJSON text to GDAL; here GeoJSON is read by hand from parsed
JSON and WKT by GEOS's own reader, after a size cap. Results go through `registry.geometry`.
"""

import json
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.api.parsers import json_depth
from registry.geometry import ALLOWED_SRIDS, clean_area, clean_lonlat

WKT_MAX_CHARS = 100_000
WKT_SHAPE = re.compile(r"^\s*(MULTI)?POLYGON\s*\(", re.IGNORECASE)
# "POINT Z (...)", "POLYGON M(...)", "POINTZM(...)": a third or fourth dimension, named.
WKT_DIMENSIONS = re.compile(
    r"^\s*(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|GEOMETRYCOLLECTION)"
    r"\s*(ZM|Z|M)\b",
    re.IGNORECASE,
)
EWKT_SRID = re.compile(r"^\s*SRID=(-?\d{1,12})\s*;", re.IGNORECASE)
FORM_MAX_CHARS = 2_000_000  # a boundary at MURA_MAX_VERTICES as GeoJSON fits comfortably
MAX_DEPTH = 6  # a GeoJSON MultiPolygon is 5 levels deep inside its object
NO_Z_M = gettext_lazy("must have 2D coordinates (lon, lat): Z and M values are not accepted.")


def _fail(field: str, message: str):
    raise ValidationError({field: message})


def _position(value, field: str) -> tuple[float, float]:
    if isinstance(value, list) and len(value) in (3, 4):
        _fail(field, NO_Z_M)
    if not isinstance(value, list) or len(value) != 2:
        _fail(field, _("each position must be [lon, lat]."))
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        _fail(field, _("coordinates must be numbers."))
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        _fail(field, _("coordinates must be finite numbers (no NaN or infinity)."))
    return lon, lat


def _polygon(rings, field: str) -> Polygon:
    if not isinstance(rings, list) or not rings:
        _fail(field, _("a polygon is a non-empty list of rings."))
    built = []
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            _fail(field, _("each ring needs at least 4 positions."))
        positions = [_position(p, field) for p in ring]
        if positions[0] != positions[-1]:
            _fail(field, _("each ring must be closed (first position = last position)."))
        built.append(LinearRing(positions, srid=4326))
    return Polygon(*built, srid=4326)


def _count_positions(coordinates, field: str, depth: int) -> int:
    if depth > 4:
        _fail(field, _("coordinates are nested too deeply."))
    if isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        return sum(_count_positions(c, field, depth + 1) for c in coordinates)
    return 1


def area_from_geojson(value: object, *, field: str = "geometry") -> MultiPolygon:
    """A GeoJSON Polygon or MultiPolygon (a parsed dict) as a checked lon/lat MultiPolygon."""
    if not isinstance(value, dict):
        _fail(field, _("must be a GeoJSON geometry object."))
    if "crs" in value:
        _fail(field, _("a GeoJSON `crs` member is not accepted; send lon/lat (RFC 7946)."))
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        _fail(
            field,
            _("must be a Polygon or MultiPolygon, not %(given)s.") % {"given": str(kind)[:40]},
        )
    if not isinstance(coordinates, list) or not coordinates:
        _fail(field, _("coordinates must be a non-empty list."))
    cap = settings.MURA_MAX_VERTICES
    if _count_positions(coordinates, field, 0) > cap:
        _fail(field, _("has more than %(cap)s vertices.") % {"cap": cap})
    if kind == "Polygon":
        geom = _polygon(coordinates, field)
    else:
        geom = MultiPolygon(*[_polygon(p, field) for p in coordinates], srid=4326)
    return clean_area(geom, field=field)


def area_from_wkt(text: str, *, field: str = "geometry") -> MultiPolygon:
    """A WKT POLYGON or MULTIPOLYGON (lon/lat), size-capped, read by GEOS."""
    if len(text) > WKT_MAX_CHARS:
        _fail(
            field,
            _("WKT longer than %(max)s characters; POST a GeoJSON search instead.")
            % {"max": WKT_MAX_CHARS},
        )
    if WKT_DIMENSIONS.match(text):
        _fail(field, NO_Z_M)
    if not WKT_SHAPE.match(text):
        _fail(field, _("must be WKT POLYGON(...) or MULTIPOLYGON(...) in lon/lat."))
    geom = _read_wkt(text, field)
    geom.srid = 4326
    return clean_area(geom, field=field)


def _read_wkt(text: str, field: str) -> GEOSGeometry:
    if WKT_DIMENSIONS.match(text):
        _fail(field, NO_Z_M)
    try:
        geom: GEOSGeometry = WKTReader().read(text)
    except (GEOSException, ValueError, TypeError):
        _fail(field, _("is not well-formed WKT."))
    if geom.hasz:  # "POINT (1 2 3)": a third number without the Z keyword
        _fail(field, NO_Z_M)
    return geom


def _from_geojson(value: dict, field: str) -> GEOSGeometry:
    if "crs" in value:
        _fail(field, _("a GeoJSON `crs` member is not accepted; send lon/lat (RFC 7946)."))
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind == "Point":
        return Point(*_position(coordinates, field), srid=4326)
    if kind == "Polygon":
        return _polygon(coordinates, field)
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            _fail(field, _("coordinates must be a non-empty list."))
        return MultiPolygon(*[_polygon(p, field) for p in coordinates], srid=4326)
    _fail(
        field,
        _("must be a Point, Polygon or MultiPolygon, not %(given)s.") % {"given": str(kind)[:40]},
    )


def geometry_from_form(text: str, *, field: str) -> GEOSGeometry:
    """What a map widget or a pasted value posts — GeoJSON, WKT or EWKT — read without GDAL.

    Bounded before parsing (size, JSON nesting); an EWKT SRID must be on the allow-list
    before anything transforms it; Z/M coordinates are refused, not silently dropped. The
    result still goes through `registry.geometry` (`clean_point`, `clean_area`)."""
    if len(text) > FORM_MAX_CHARS:
        _fail(field, _("is longer than %(max)s characters.") % {"max": FORM_MAX_CHARS})
    if text.lstrip().startswith("{"):
        if json_depth(text) > MAX_DEPTH:
            _fail(field, _("GeoJSON is nested too deeply."))
        try:
            value = json.loads(text, parse_constant=_no_constants)
        except (ValueError, RecursionError):
            _fail(field, _("is not well-formed GeoJSON."))
        if not isinstance(value, dict):
            _fail(field, _("must be a GeoJSON geometry object."))
        return _from_geojson(value, field)
    srid = 4326
    if match := EWKT_SRID.match(text):
        srid = int(match.group(1))
        if srid not in ALLOWED_SRIDS:
            _fail(
                field,
                _("coordinate system EPSG:%(srid)s is not accepted; send lon/lat (4326).")
                % {"srid": srid},
            )
        text = text[match.end() :]
    geom = _read_wkt(text, field)
    geom.srid = srid
    return geom


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def lonlat_from_text(text: str, *, field: str) -> tuple[float, float]:
    """'lon,lat' as a checked (lon, lat) inside the registry's extent
    (`registry.geometry.clean_lonlat`)."""
    parts = text.split(",")
    if len(parts) != 2:
        _fail(field, _("must be 'lon,lat'."))
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        _fail(field, _("must be two numbers 'lon,lat'."))
    return clean_lonlat(lon, lat, field=field)
