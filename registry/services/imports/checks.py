"""The policy on one row: its fields checked and converted, archaeology's starting
sensitivity, validation errors as problems, likely duplicates of registered sites."""

import math

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db.models.functions import Greatest

from registry.geometry import WGS84
from registry.models import HeritageSite, Typology
from registry.services.imports.columns import NAME_COLUMNS, TEXT_COLUMNS, YEAR_COLUMNS
from registry.services.imports.report import Duplicate, Problem, Row
from registry.services.imports.text import hidden_characters, plain_text

DUPLICATE_RADIUS_M = 500
DUPLICATE_SIMILARITY = 0.4


def row_fields(
    row: Row, typologies: dict[str, Typology], *, repair: bool = False
) -> tuple[dict, list[Problem]]:
    values, problems = row.values, []
    fields = {c: str(values.get(c) or "").strip() for c in TEXT_COLUMNS if c in values}
    fields = {c: v for c, v in fields.items() if v or c.startswith("name_")}
    problems += _texts(row, fields)
    if not fields.get("name_kk"):
        problems.append(Problem(row.number, "name_kk", "is required."))
    problems += _years(values, fields, row.number)
    if code := str(values.get("typology") or "").strip():
        if code in typologies:
            fields["typology"] = typologies[code]
        else:
            problems.append(Problem(row.number, "typology", f"unknown typology code {code!r}."))
    if row.geometry_problem:
        problems.append(Problem(row.number, "location", row.geometry_problem))
    elif row.geometry is not None:
        problems += _place(row, fields, repair=repair)
    return fields, problems


def _place(row: Row, fields: dict, *, repair: bool) -> list[Problem]:
    """A point is the location; a (multi)polygon is the boundary, and the location is the point
    given beside it or one inside it (PointOnSurface). An invalid polygon is a problem with
    GEOS's reason, repaired (MakeValid, as PostGIS's ST_MakeValid) only when asked."""
    geometry = row.geometry
    if geometry.geom_type == "MultiPoint" and len(geometry) == 1:
        geometry = geometry[0]
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        fields["location"] = geometry
        return []
    if not geometry.valid:
        reason = geometry.valid_reason
        if not repair:
            return [Problem(row.number, "boundary", (
                f"is not a valid polygon: {reason}. Correct it, or import again with"
                " “repair invalid polygons” ticked."
            ))]  # fmt: skip
        geometry = _polygonal(geometry.make_valid())
        if geometry is None:
            return [Problem(row.number, "boundary", f"cannot be repaired ({reason}).")]
        row.notes.append(Problem(row.number, "boundary", f"repaired with MakeValid: {reason}."))
    fields["boundary"] = geometry
    fields["location"] = row.point or geometry.point_on_surface
    return []


def _polygonal(geometry: GEOSGeometry) -> GEOSGeometry | None:
    """The polygons of what MakeValid returned (it may add lines or points), else None."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = []
    for member in geometry if geometry.geom_type == "GeometryCollection" else []:
        if member.geom_type == "Polygon":
            polygons.append(member)
        elif member.geom_type == "MultiPolygon":
            polygons.extend(member)
    return MultiPolygon(polygons, srid=geometry.srid) if polygons else None


def _texts(row: Row, fields: dict) -> list[Problem]:
    """Plain text (HTML removed, with a note); NUL and, in names, invisible characters refused."""
    problems = []
    for column, value in fields.items():
        if "\x00" in value:
            problems.append(Problem(row.number, column, "contains a NUL character."))
            continue
        fields[column], had_markup = plain_text(value)
        if had_markup:
            row.notes.append(Problem(row.number, column, "HTML removed: kept as plain text."))
        if column in NAME_COLUMNS and (hidden := hidden_characters(fields[column])):
            problems.append(Problem(row.number, column, (
                "contains invisible characters (control, bidi or zero-width): "
                + "; ".join(hidden[:3]) + ". Remove them."
            )))  # fmt: skip
    return problems


def _years(values: dict, fields: dict, row: int) -> list[Problem]:
    problems = []
    for column in YEAR_COLUMNS:
        raw = values.get(column)
        if raw is None or str(raw).strip() == "":
            continue
        try:
            year = float(raw)
            if not year.is_integer():
                raise ValueError
            fields[column] = int(year)
        except (ValueError, OverflowError):
            problems.append(Problem(row, column, "must be a whole year (BCE negative)."))
    return problems


def sensitivity_raise(fields: dict, row: int) -> Problem | None:
    """New archaeological sites start at S2 until a reviewer decides (DESIGN §2)."""
    given = fields.get("sensitivity", "")
    if fields.get("category") == HeritageSite.Category.ARCHAEOLOGY and given in ("", "S0", "S1"):
        fields["sensitivity"] = HeritageSite.Sensitivity.HIGH
        if given:
            return Problem(row, "sensitivity", f"{given} raised to S2: archaeology starts at S2.")
    return None


def validation_problems(error: ValidationError, row: int) -> list[Problem]:
    if hasattr(error, "error_dict"):
        return [Problem(row, name, " ".join(messages))
                for name, messages in error.message_dict.items()]  # fmt: skip
    return [Problem(row, "", " ".join(error.messages))]


def duplicates(site: HeritageSite, row: int, file_rows: dict[int, int]) -> list[Duplicate]:
    """Sites within 500 m (geodesic) whose name is similar in any language: registered ones, and
    earlier rows of the same file (`file_rows`: their new site's id -> row number), which are
    named by their row, not by a draft reference a dry run never keeps."""
    point = site.location
    dlat = DUPLICATE_RADIUS_M / 110_000
    dlon = dlat / max(math.cos(math.radians(point.y)), 0.1)
    box = Polygon.from_bbox((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))
    box.srid = WGS84
    names = [n for n in (getattr(site, c) for c in NAME_COLUMNS) if n]
    similarity = Greatest(
        *(TrigramSimilarity(column, name) for column in NAME_COLUMNS for name in names), 0.0
    )
    near = (
        HeritageSite.objects.exclude(pk=site.pk)
        .filter(location__bboverlaps=box, location__distance_lte=(point, D(m=DUPLICATE_RADIUS_M)))
        .annotate(similarity=similarity, distance=Distance("location", point))
        .filter(similarity__gte=DUPLICATE_SIMILARITY)
        .order_by("-similarity")[:5]
    )
    return [
        Duplicate(row, site.name_kk, "" if other.pk in file_rows else other.reference,
                  other.name_kk or other.name, round(other.distance.m, 1),
                  round(other.similarity, 2), file_rows.get(other.pk))
        for other in near
    ]  # fmt: skip
