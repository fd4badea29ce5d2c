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

    No longer published (it showed which grid lines a boundary crosses, DESIGN §4); kept
    because migration 0001 builds the column with it.
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
    """Only an open site's boundary is public. Nothing about an S1/S2 boundary is finer than
    the site's own cell, and the cell is already public (`public_cell`), so none is published:
    a block of the whole cells a boundary touched showed which grid lines it crossed."""
    return models.Case(
        When(Q(sensitivity="S0"), then=F("boundary")),
        default=Value(None),
        output_field=models.MultiPolygonField(srid=4326),
    )


def public_cell_sql(point: str = "public_location", sensitivity: str = "sensitivity") -> str:
    """SQL for the public square of a generalised site: its grid cell, rebuilt from the public
    point (the cell's centre) and the class alone. NULL for S0 and S3."""
    halves = " ".join(
        f"WHEN '{cls}' THEN {size / 2!r}" for cls, size in GRID_DEGREES.items() if size
    )
    return f"ST_Expand({point}, CASE {sensitivity} {halves} END)"


def public_cell_expression(point: str = "public_location") -> models.Case:
    """`public_cell_sql` in a query: what the public is measured against (screening), never
    the exact point or boundary. NULL for S0 and S3."""
    return models.Case(
        *(
            When(
                sensitivity=cls,
                then=Func(
                    F(point), Value(size / 2), function="ST_Expand",
                    output_field=models.PolygonField(srid=4326),
                ),
            )
            for cls, size in GRID_DEGREES.items()
            if size
        ),
        default=Value(None),
        output_field=models.GeometryField(srid=4326),
    )  # fmt: skip


# Public administrative attribution, derived from what is public (DESIGN §4). For an open or
# withheld site: its own region and district (S3 shows its region only). For S1/S2: the region
# and district covering the public point (else the nearest region), and, for filters and
# counts, every region and district its public cell touches, so that a researcher filtering
# by either side of a border finds it and neither answer narrows it below its cell.
REGIONS = "(SELECT id, code, geom FROM registry_adminarea WHERE level = 1)"
DISTRICTS = "(SELECT id, code, geom FROM registry_adminarea WHERE level = 2)"


def public_areas_sql(*, regions: str = REGIONS, districts: str = DISTRICTS) -> str:
    """The UPDATE setting `public_region`, `public_district` and the arrays of the sites whose
    ids are `%(ids)s`. `regions`/`districts`: tables (or subqueries) of id, code, geom, e.g.
    subdivided copies for a bulk load (registry/services/generate.py)."""
    cell = public_cell_sql("s.public_location", "s.sensitivity")
    return f"""
UPDATE registry_heritagesite s SET
    public_region_id = a.region_id,
    public_district_id = a.district_id,
    public_region_ids = a.region_ids,
    public_district_ids = a.district_ids
FROM (
    SELECT s.id,
        CASE WHEN s.sensitivity IN ('S1', 'S2') THEN coalesce(
            (SELECT r.id FROM {regions} r WHERE ST_Covers(r.geom, s.public_location)
                ORDER BY r.code LIMIT 1),
            (SELECT r.id FROM {regions} r ORDER BY r.geom <-> s.public_location, r.code LIMIT 1))
        ELSE s.region_id END AS region_id,
        CASE s.sensitivity
            WHEN 'S0' THEN s.district_id
            WHEN 'S3' THEN NULL
            ELSE (SELECT d.id FROM {districts} d WHERE ST_Covers(d.geom, s.public_location)
                  ORDER BY d.code LIMIT 1)
        END AS district_id,
        CASE WHEN s.sensitivity IN ('S1', 'S2') THEN ARRAY(
            SELECT DISTINCT r.id FROM {regions} r WHERE ST_Intersects(r.geom, {cell}) ORDER BY 1)
        ELSE ARRAY[s.region_id] END AS region_ids,
        CASE s.sensitivity
            WHEN 'S0' THEN ARRAY_REMOVE(ARRAY[s.district_id], NULL)
            WHEN 'S3' THEN '{{}}'::bigint[]
            ELSE ARRAY(SELECT DISTINCT d.id FROM {districts} d
                       WHERE ST_Intersects(d.geom, {cell}) ORDER BY 1)
        END AS district_ids
    FROM registry_heritagesite s
    WHERE s.id = ANY(%(ids)s)
) a
WHERE s.id = a.id
"""


PUBLIC_AREAS_SQL = public_areas_sql()
# A cell outside every generalised region outline (a border site within MURA_REGION_SNAP_M)
# still belongs, publicly, to the region shown.
PUBLIC_AREAS_FILL_SQL = """
UPDATE registry_heritagesite SET public_region_ids = ARRAY[public_region_id]
WHERE id = ANY(%(ids)s) AND cardinality(public_region_ids) = 0
"""

# "Part of" in public: only where the link narrows neither site below its own cell (DESIGN
# §4): both open, or both generalised to the same class and the same cell. Used by the view.
PUBLIC_PARENT_SQL = """
CASE WHEN s.parent_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM registry_heritagesite p
    WHERE p.id = s.parent_id AND p.status = 'published' AND p.sensitivity = s.sensitivity
      AND (s.sensitivity = 'S0'
           OR (s.sensitivity IN ('S1', 'S2') AND ST_Equals(p.public_location, s.public_location)))
) THEN s.parent_id END
"""
