"""Geometry checks for everything the registry stores: clear errors that name the field.

GEOS does the work (the same library PostGIS's ST_IsValid uses, so the reasons match).
Only integer SRIDs from an allow-list are ever handed to GDAL (DESIGN §6).
"""

import math
from collections.abc import Iterable

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.core.exceptions import ValidationError

WGS84 = 4326
# Lon/lat, Web Mercator and the UTM zones that cover Kazakhstan (39N-45N).
ALLOWED_SRIDS = frozenset({WGS84, 3857, *range(32639, 32646)})


def _fail(field: str, message: str) -> None:
    raise ValidationError({field: message})


def _to_wgs84(geom: GEOSGeometry, field: str) -> GEOSGeometry:
    if geom.srid in (None, WGS84):
        geom.srid = WGS84
        return geom
    if geom.srid not in ALLOWED_SRIDS:
        _fail(field, f"coordinate system EPSG:{geom.srid} is not accepted; send lon/lat (4326).")
    return geom.transform(WGS84, clone=True)


def _flat(values: Iterable) -> Iterable[float]:
    for value in values:
        if isinstance(value, tuple | list):
            yield from _flat(value)
        else:
            yield value


def _check_coordinates(geom: GEOSGeometry, field: str) -> None:
    if not all(math.isfinite(v) for v in _flat(geom.coords)):
        _fail(field, "coordinates must be finite numbers (no NaN or infinity).")
    xmin, ymin, xmax, ymax = geom.extent
    if xmin < -180 or xmax > 180:
        _fail(field, "longitude must be between -180 and 180 (is the order lon, lat?).")
    if ymin < -90 or ymax > 90:
        _fail(field, "latitude must be between -90 and 90 (is the order lon, lat?).")
    exmin, eymin, exmax, eymax = settings.MURA_EXTENT
    if xmin < exmin or ymin < eymin or xmax > exmax or ymax > eymax:
        _fail(
            field,
            f"lies outside the registry's extent (lon {exmin}..{exmax}, lat {eymin}..{eymax});"
            " is the order lon, lat?",
        )


def clean_point(value: object, *, field: str = "location") -> Point:
    """A lon/lat point inside the registry's extent, or a ValidationError naming `field`."""
    if not isinstance(value, Point):
        _fail(field, f"must be a point, not {getattr(value, 'geom_type', type(value).__name__)}.")
    if value.empty:
        _fail(field, "must not be empty.")
    point = _to_wgs84(value, field)
    _check_coordinates(point, field)
    return point


def clean_area(value: object, *, field: str) -> MultiPolygon:
    """A valid (multi)polygon within the vertex cap and the extent, as a MultiPolygon."""
    if not isinstance(value, GEOSGeometry) or value.geom_type not in ("Polygon", "MultiPolygon"):
        _fail(field, f"must be a polygon, not {getattr(value, 'geom_type', type(value).__name__)}.")
    if value.empty:
        _fail(field, "must not be empty.")
    cap = settings.MURA_MAX_VERTICES
    if value.num_coords > cap:
        _fail(field, f"has {value.num_coords} vertices; at most {cap} are accepted.")
    geom = _to_wgs84(value, field)
    _check_coordinates(geom, field)
    if not geom.valid:
        _fail(field, f"is not a valid polygon: {geom.valid_reason}.")
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=WGS84)
    return geom
