"""Geometry checks for everything the registry stores: clear errors that name the field.

GEOS does the work (the same library PostGIS's ST_IsValid uses, so the reasons match).
Only integer SRIDs from an allow-list are ever handed to GDAL (DESIGN §6).
"""

import math
from collections.abc import Iterable

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WGS84 = 4326
# Lon/lat, Web Mercator and the UTM zones that cover Kazakhstan (39N-45N).
ALLOWED_SRIDS = frozenset({WGS84, 3857, *range(32639, 32646)})


def _fail(field: str, message: str) -> None:
    raise ValidationError({field: message})


def _kind(value: object) -> str:
    return getattr(value, "geom_type", type(value).__name__)


def _to_wgs84(geom: GEOSGeometry, field: str) -> GEOSGeometry:
    if geom.srid in (None, WGS84):
        geom.srid = WGS84
        return geom
    if geom.srid not in ALLOWED_SRIDS:
        _fail(
            field,
            _("coordinate system EPSG:%(srid)s is not accepted; send lon/lat (4326).")
            % {"srid": geom.srid},
        )
    return geom.transform(WGS84, clone=True)


def _flat(values: Iterable) -> Iterable[float]:
    for value in values:
        if isinstance(value, tuple | list):
            yield from _flat(value)
        else:
            yield value


def _check_coordinates(geom: GEOSGeometry, field: str) -> None:
    if not all(math.isfinite(v) for v in _flat(geom.coords)):
        _fail(field, _("coordinates must be finite numbers (no NaN or infinity)."))
    _check_extent(*geom.extent, field)


def _check_extent(xmin: float, ymin: float, xmax: float, ymax: float, field: str) -> None:
    if xmin < -180 or xmax > 180:
        _fail(field, _("longitude must be between -180 and 180 (is the order lon, lat?)."))
    if ymin < -90 or ymax > 90:
        _fail(field, _("latitude must be between -90 and 90 (is the order lon, lat?)."))
    exmin, eymin, exmax, eymax = settings.MURA_EXTENT
    if xmin < exmin or ymin < eymin or xmax > exmax or ymax > eymax:
        _fail(
            field,
            _(
                "lies outside the registry's extent (lon %(west)s..%(east)s, lat "
                "%(south)s..%(north)s); is the order lon, lat?"
            )
            % {"west": exmin, "east": exmax, "south": eymin, "north": eymax},
        )


def clean_point(value: object, *, field: str = "location") -> Point:
    """A lon/lat point inside the registry's extent, or a ValidationError naming `field`."""
    if not isinstance(value, Point):
        _fail(field, _("must be a point, not %(given)s.") % {"given": _kind(value)})
    if value.empty:
        _fail(field, _("must not be empty."))
    point = _to_wgs84(value, field)
    _check_coordinates(point, field)
    return point


def clean_lonlat(lon: float, lat: float, *, field: str) -> tuple[float, float]:
    """`clean_point` of a lon/lat point given as two numbers, with the same checks and
    messages but no GEOS object (the API's `near`: a GEOS point's making and checking were
    a tenth of a nearest request's Python)."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        _fail(field, _("coordinates must be finite numbers (no NaN or infinity)."))
    _check_extent(lon, lat, lon, lat, field)
    return lon, lat


def clean_area(value: object, *, field: str) -> MultiPolygon:
    """A valid (multi)polygon within the vertex cap and the extent, as a MultiPolygon."""
    if not isinstance(value, GEOSGeometry) or value.geom_type not in ("Polygon", "MultiPolygon"):
        _fail(field, _("must be a polygon, not %(given)s.") % {"given": _kind(value)})
    if value.empty:
        _fail(field, _("must not be empty."))
    cap = settings.MURA_MAX_VERTICES
    if value.num_coords > cap:
        _fail(
            field,
            _("has %(count)s vertices; at most %(cap)s are accepted.")
            % {"count": value.num_coords, "cap": cap},
        )
    geom = _to_wgs84(value, field)
    _check_coordinates(geom, field)
    if not geom.valid:
        _fail(field, _("is not a valid polygon: %(reason)s.") % {"reason": geom.valid_reason})
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=WGS84)
    return geom
