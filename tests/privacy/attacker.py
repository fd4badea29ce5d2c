"""An attacker who wants a generalised (S1/S2) site's exact position.

It keeps the set of positions consistent with what it has seen (a GEOS polygon, at first the
site's public cell within Kazakhstan's regions) and asks the public endpoints questions whose
answers, were they computed from the exact point, would cut that set: does the site appear for
this half of the cell, this disc, this region? An answer is only informative when it differs
from what the public cell alone predicts (DESIGN §4: what is public derives from what is
public); then the attacker takes it at face value (present: the site is in the queried
shape; absent: it is not) and the set shrinks. The tests assert that it stays at least half
of the cell, and list every answer that contradicted the public prediction.
"""

import math
from dataclasses import dataclass, field
from functools import reduce
from urllib.parse import urlencode

from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection

from registry.models import AdminArea

M_PER_DEG_LAT = 111_320.0


def geodesic_m(a, b) -> float:
    """Metres between two lon/lat geometries on the spheroid (PostGIS geography)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_GeomFromEWKT(%s)::geography, ST_GeomFromEWKT(%s)::geography)",
            [a.ewkt, b.ewkt],
        )
        return cursor.fetchone()[0]


def disc(centre: Point, metres: float, sides: int = 72) -> Polygon:
    """A disc on the ground as a lon/lat polygon (local scale; for the feasible set)."""
    kx = M_PER_DEG_LAT * math.cos(math.radians(centre.y))
    ring = [
        (
            centre.x + metres * math.sin(2 * math.pi * i / sides) / kx,
            centre.y + metres * math.cos(2 * math.pi * i / sides) / M_PER_DEG_LAT,
        )
        for i in range(sides)
    ]
    return Polygon([*ring, ring[0]], srid=4326)


def grow(geom, metres: float):
    """`geom` widened by about `metres` (degrees scaled at its latitude)."""
    return geom.buffer(metres / (M_PER_DEG_LAT * math.cos(math.radians(geom.centroid.y))))


def land():
    return reduce(
        lambda a, b: a.union(b),
        (a.geom for a in AdminArea.objects.filter(level=AdminArea.Level.REGION)),
    )


@dataclass
class Knowledge:
    """What the attacker knows about one site's exact position."""

    number: str
    cell: Polygon
    feasible: object
    start_area: float = 0.0
    contradictions: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.start_area = self.feasible.area

    @property
    def ratio(self) -> float:
        return self.feasible.area / self.start_area if self.start_area else 0.0

    def observe(self, what: str, shape, *, predicted: bool, seen: bool) -> None:
        if predicted == seen:
            return  # explained by the public cell alone: nothing learnt
        self.contradictions.append(
            f"{what}: the public cell says {'present' if predicted else 'absent'}, "
            f"the answer was {'present' if seen else 'absent'}"
        )
        if shape is not None:
            self.feasible = (
                self.feasible.intersection(shape) if seen else self.feasible.difference(shape)
            )

    def learn(self, what: str, *, inside=None, outside=None, note: str = "") -> None:
        """A contradiction whose meaning is a shape the site is in (or not in)."""
        self.contradictions.append(f"{what}: {note}")
        if inside is not None:
            self.feasible = self.feasible.intersection(inside)
        if outside is not None:
            self.feasible = self.feasible.difference(outside)

    def summary(self) -> str:
        lines = "\n    ".join(self.contradictions[:8])
        more = len(self.contradictions) - 8
        extra = f"\n    ... and {more} more" if more > 0 else ""
        return f"{self.number}: confined to {self.ratio:.0%} of its cell\n    {lines}{extra}"


def halves(box: tuple[float, float, float, float], fraction: float):
    """The two parts of `box` split across x, then across y, at `fraction`."""
    west, south, east, north = box
    x = west + (east - west) * fraction
    y = south + (north - south) * fraction
    yield (west, south, x, north)
    yield (x, south, east, north)
    yield (west, south, east, y)
    yield (west, y, east, north)


def bisection_boxes(knowledge: Knowledge, centre: Point, fractions=(0.5, 0.3, 0.7, 0.15, 0.85)):
    """Boxes cutting the current feasible set's extent, none with the public point on its
    edge (such a box's answer is ambiguous under any rule)."""
    box = knowledge.feasible.extent
    eps = (box[2] - box[0]) * 1e-6
    for fraction in fractions:
        for part in halves(box, fraction):
            west, south, east, north = part
            on_edge = (
                abs(centre.x - west) < eps
                or abs(centre.x - east) < eps
                or abs(centre.y - south) < eps
                or abs(centre.y - north) < eps
            )
            if not on_edge:
                yield part


def box_contains(box, point: Point) -> bool:
    west, south, east, north = box
    return west <= point.x <= east and south <= point.y <= north


def box_text(box) -> str:
    return ",".join(f"{v:.7f}" for v in box)


def box_polygon(box) -> Polygon:
    return Polygon.from_bbox(box)


def query(path: str, **params) -> str:
    return f"{path}?{urlencode(params, doseq=True)}" if params else path


def as_multipolygon(polygon: Polygon) -> MultiPolygon:
    return MultiPolygon(polygon, srid=4326)
