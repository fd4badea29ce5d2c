"""The passport's location map, drawn on the server with reportlab from Mura's own data: region
and district outlines (AdminArea), lakes and rivers (BaseFeature), named places (Place), and
what `MapSpec` allows of the site. No tiles and no network.

Lon/lat are drawn in a plate carrée stretched by cos(latitude) at the map's centre: over the
few kilometres of a site's map that is within a fraction of a percent of a conformal
projection, and over a region's map good enough for a location sketch (not for measuring).
"""

import math

from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Line, Path, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from registry.models import AdminArea, BaseFeature, Place
from registry.passport.content import MapSpec

MIN_SPAN_DEG = 0.08  # the narrowest map: about 7 km, so a small site has its surroundings
PADDING = 0.25  # of the features' extent, on each side
MAX_PLACES = 12

LAND = colors.HexColor("#f4f1ea")
WATER = colors.HexColor("#b9d3e6")
REGION_LINE = colors.HexColor("#6b6b6b")
DISTRICT_LINE = colors.HexColor("#a0a0a0")
ZONE_FILL = colors.Color(0.96, 0.62, 0.18, alpha=0.35)
ZONE_LINE = colors.HexColor("#d9822b")
SITE = colors.HexColor("#b3261e")
HIGHLIGHT = colors.Color(0.70, 0.15, 0.12, alpha=0.12)

CLIPPED_SQL = """
SELECT {columns}, ST_AsBinary(ST_SimplifyPreserveTopology(
    ST_ClipByBox2D(geom, ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)), %(tolerance)s))
FROM {table}
WHERE geom && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326) AND {where}
"""


class Frame:
    """Lon/lat to drawing units within a `width` × `height` box, keeping the aspect."""

    def __init__(self, bbox: tuple[float, float, float, float], width: float, height: float):
        w, s, e, n = bbox
        self.k = math.cos(math.radians((s + n) / 2))
        span_x, span_y = max((e - w) * self.k, 1e-9), max(n - s, 1e-9)
        # Grow the shorter side so the box is filled without distortion.
        if span_x / span_y < width / height:
            grow = (span_y * width / height - span_x) / self.k / 2
            w, e = w - grow, e + grow
        else:
            grow = (span_x * height / width - span_y) / 2
            s, n = s - grow, n + grow
        self.bbox = (w, s, e, n)
        self.scale = width / ((e - w) * self.k)
        self.width, self.height = width, height

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        w, s, _e, _n = self.bbox
        return (lon - w) * self.k * self.scale, (lat - s) * self.scale

    def metres_per_unit(self) -> float:
        return 111_320 / self.scale


def _extent(spec: MapSpec) -> tuple[float, float, float, float]:
    if spec.mode == "region":
        region = AdminArea.objects.filter(pk=spec.region_id).values_list("geom", flat=True).first()
        return region.extent if region else (46.5, 40.5, 87.4, 55.5)
    shapes = [g for g in (spec.point, spec.boundary, spec.cell, *spec.zones) if g is not None]
    w = min(g.extent[0] for g in shapes)
    s = min(g.extent[1] for g in shapes)
    e = max(g.extent[2] for g in shapes)
    n = max(g.extent[3] for g in shapes)
    pad = max(e - w, n - s) * PADDING
    cx, cy = (w + e) / 2, (s + n) / 2
    half = max((e - w) / 2 + pad, (n - s) / 2 + pad, MIN_SPAN_DEG / 2)
    if spec.mode == "cell":  # the cell small in the middle of its surroundings
        half = max(half, (e - w) * 3)
    return cx - half, cy - half, cx + half, cy + half


def _clipped(table: str, columns: str, where: str, bbox, tolerance: float, **params):
    w, s, e, n = bbox
    sql = CLIPPED_SQL.format(table=table, columns=columns, where=where)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"w": w, "s": s, "e": e, "n": n, "tolerance": tolerance, **params})
        for *values, wkb in cursor.fetchall():
            if wkb is not None:
                yield *values, GEOSGeometry(memoryview(wkb))


def _polygons(geom: GEOSGeometry):
    if geom.geom_type == "Polygon":
        yield geom
    elif geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        for part in geom:
            yield from _polygons(part)


def _lines(geom: GEOSGeometry):
    if geom.geom_type == "LineString":
        yield geom
    elif geom.geom_type in ("MultiLineString", "GeometryCollection"):
        for part in geom:
            yield from _lines(part)
    elif geom.geom_type in ("Polygon", "MultiPolygon"):
        for polygon in _polygons(geom):
            yield from polygon


def _area_path(frame: Frame, geom: GEOSGeometry, **style) -> Path:
    path = Path(fillMode=0, **style)  # even-odd: holes stay holes
    for polygon in _polygons(geom):
        for ring in polygon:
            points = [frame.xy(x, y) for x, y in ring.coords]
            path.moveTo(*points[0])
            for point in points[1:]:
                path.lineTo(*point)
            path.closePath()
    return path


def _outline(frame: Frame, geom: GEOSGeometry, **style) -> list[PolyLine]:
    return [
        PolyLine([c for x, y in line.coords for c in frame.xy(x, y)], **style)
        for line in _lines(geom)
        if len(line.coords) >= 2
    ]


def _background(drawing: Drawing, frame: Frame, spec: MapSpec, tolerance: float) -> None:
    bbox = frame.bbox
    drawing.add(Rect(0, 0, frame.width, frame.height, fillColor=WATER, strokeColor=None))
    table = BaseFeature._meta.db_table
    land = _clipped(table, "kind", "kind IN ('home', 'country')", bbox, tolerance)
    for _kind, geom in land:
        drawing.add(_area_path(frame, geom, fillColor=LAND, strokeColor=None))
    for _kind, geom in _clipped(table, "kind", "kind = 'lake'", bbox, tolerance):
        drawing.add(_area_path(frame, geom, fillColor=WATER, strokeColor=None))
    for _kind, geom in _clipped(table, "kind", "kind = 'river'", bbox, tolerance):
        for line in _outline(frame, geom, strokeColor=WATER, strokeWidth=1.2):
            drawing.add(line)
    areas = AdminArea._meta.db_table
    for level, pk, geom in _clipped(areas, "level, id", "TRUE", bbox, tolerance):
        if spec.mode == "region" and pk == spec.region_id:
            drawing.add(_area_path(frame, geom, fillColor=HIGHLIGHT, strokeColor=None))
        style = {"strokeColor": REGION_LINE, "strokeWidth": 1.1}
        if level == AdminArea.Level.DISTRICT:
            style = {"strokeColor": DISTRICT_LINE, "strokeWidth": 0.5, "strokeDashArray": [3, 2]}
        for line in _outline(frame, geom, **style):
            drawing.add(line)


def _places(drawing: Drawing, frame: Frame) -> None:
    w, s, e, n = frame.bbox
    field = f"name_{get_language()}"
    places = (
        Place.objects.filter(point__contained=Polygon.from_bbox((w, s, e, n)))
        .order_by("-population", "name")
        .only("name", field, "point", "population")[:MAX_PLACES]
    )
    for place in places:
        x, y = frame.xy(place.point.x, place.point.y)
        drawing.add(Circle(x, y, 1.6, fillColor=colors.black, strokeColor=None))
        name = getattr(place, field) or place.name
        width = stringWidth(name, "Passport", 6.5)
        left = x + 3 if x + 3 + width < frame.width - 4 else x - 3 - width  # inside the frame
        drawing.add(String(left, y + 2, name, fontName="Passport", fontSize=6.5))


def _site(drawing: Drawing, frame: Frame, spec: MapSpec) -> None:
    for zone in spec.zones:
        drawing.add(_area_path(frame, zone, fillColor=ZONE_FILL, strokeColor=ZONE_LINE))
    if spec.boundary is not None:
        drawing.add(_area_path(frame, spec.boundary, fillColor=None, strokeColor=SITE))
    if spec.cell is not None:
        (x0, y0), (x1, y1) = frame.xy(*spec.cell.extent[:2]), frame.xy(*spec.cell.extent[2:])
        style = {"fillColor": HIGHLIGHT, "strokeColor": SITE, "strokeWidth": 1.4}
        drawing.add(Rect(x0, y0, max(x1 - x0, 4), max(y1 - y0, 4), **style))
    if spec.point is not None:
        x, y = frame.xy(spec.point.x, spec.point.y)
        drawing.add(Circle(x, y, 3.5, fillColor=SITE, strokeColor=colors.white))


def _scale_bar(drawing: Drawing, frame: Frame) -> None:
    """A bar of a round length about a fifth of the map's width, bottom left."""
    target = frame.width / 5 * frame.metres_per_unit()
    length = 10 ** math.floor(math.log10(target))
    length = next(m * length for m in (5, 2, 1) if m * length <= target)
    bar = length / frame.metres_per_unit()
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    drawing.add(Rect(6, 6, bar + 8, 16, fillColor=colors.white, strokeColor=None))
    drawing.add(Line(10, 10, 10 + bar, 10, strokeColor=colors.black, strokeWidth=1.5))
    drawing.add(String(10, 13, text, fontName="Passport", fontSize=6.5))
    drawing.add(String(frame.width - 12, frame.height - 14, _("N"), fontName="Passport-Bold"))


def location_map(spec: MapSpec, width: float, height: float) -> Drawing:
    """The map as a reportlab Drawing of `width` × `height` points."""
    frame = Frame(_extent(spec), width, height)
    tolerance = (frame.bbox[2] - frame.bbox[0]) / 800  # under half a point at this width
    drawing = Drawing(width, height)
    _background(drawing, frame, spec, tolerance)
    if spec.mode != "region":
        _places(drawing, frame)
        _site(drawing, frame, spec)
    _scale_bar(drawing, frame)
    drawing.add(Rect(0, 0, width, height, fillColor=None, strokeColor=colors.black))
    return drawing
