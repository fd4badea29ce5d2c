"""The public projection's geometry: what a sensitivity class lets leave the registry.

Generalisation is deterministic (grid cells, never random jitter, which can be averaged away)
and computed by PostgreSQL in stored generated columns, so no code path can forget it.
Changing a grid size is a migration, reviewed like one.
"""

from django.contrib.gis.db import models
from django.db.models import F, Func, Q, Value, When

# Sensitivity class -> grid cell size in degrees (None: exact; absent: withheld).
GRID_DEGREES = {"S0": None, "S1": 0.01, "S2": 0.1}

GENERALISATION = {
    "S0": "exact",
    "S1": "0.01° grid cell (about 1 km)",
    "S2": "0.1° grid cell (about 8 × 11 km)",
    "S3": "withheld: region only",
}


class GridCellCentre(Func):
    """The centre of the `size`° grid cell containing a point.

    Floor to the cell, then add half a cell: every site in a cell gets the same point.
    (ST_SnapToGrid rounds to the nearest node, which leaks which half of the cell it is in.)
    """

    template = (
        "ST_SetSRID(ST_MakePoint("
        "floor(ST_X(%(expressions)s) / %(size)s) * %(size)s + %(size)s / 2, "
        "floor(ST_Y(%(expressions)s) / %(size)s) * %(size)s + %(size)s / 2), 4326)"
    )
    output_field = models.PointField(srid=4326)

    def __init__(self, expression, *, size: float):
        super().__init__(expression, size=float(size))


class GridCellBlock(Func):
    """The rectangle of whole `size`° grid cells covering a geometry's extent.

    Published instead of an S1/S2 boundary: its shape, area, bbox and centroid say nothing
    finer than the grid about the exact geometry.
    """

    template = (
        "ST_Multi(ST_MakeEnvelope("
        "floor(ST_XMin(%(expressions)s::box3d) / %(size)s) * %(size)s, "
        "floor(ST_YMin(%(expressions)s::box3d) / %(size)s) * %(size)s, "
        "ceil(ST_XMax(%(expressions)s::box3d) / %(size)s) * %(size)s, "
        "ceil(ST_YMax(%(expressions)s::box3d) / %(size)s) * %(size)s, 4326))"
    )
    output_field = models.MultiPolygonField(srid=4326)

    def __init__(self, expression, *, size: float):
        super().__init__(expression, size=float(size))


def public_location_expression() -> models.Case:
    return models.Case(
        When(sensitivity="S0", then=F("location")),
        When(sensitivity="S1", then=GridCellCentre(F("location"), size=GRID_DEGREES["S1"])),
        When(sensitivity="S2", then=GridCellCentre(F("location"), size=GRID_DEGREES["S2"])),
        default=Value(None),
        output_field=models.PointField(srid=4326),
    )


def public_boundary_expression() -> models.Case:
    return models.Case(
        When(Q(sensitivity="S0"), then=F("boundary")),
        When(Q(sensitivity="S1"), then=GridCellBlock(F("boundary"), size=GRID_DEGREES["S1"])),
        When(Q(sensitivity="S2"), then=GridCellBlock(F("boundary"), size=GRID_DEGREES["S2"])),
        default=Value(None),
        output_field=models.MultiPolygonField(srid=4326),
    )
