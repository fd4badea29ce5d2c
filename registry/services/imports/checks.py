"""The policy on one row: its fields checked and converted, archaeology's starting
sensitivity, validation errors as problems, likely duplicates of registered sites."""

import math

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geometry import wkt_regex
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from registry import exchange
from registry.geometry import WGS84
from registry.models import HeritageSite, Typology
from registry.services.imports.columns import FIELDS, NAME_COLUMNS, YEAR_COLUMNS
from registry.services.imports.report import Duplicate, Problem, Row
from registry.services.imports.text import hidden_characters, plain_text

DUPLICATE_RADIUS_M = 500
DUPLICATE_SIMILARITY = 0.4
# What an empty cell sets, by column type; texts and choices: "".
EMPTY = {exchange.ARRAY: [], exchange.BOOL: False, exchange.INT: None, exchange.DATE: None}


def row_fields(
    row: Row,
    typologies: dict[str, Typology],
    *,
    repair: bool = False,
    from_csv: bool = False,
    new: bool = True,
) -> tuple[dict, list[Problem]]:
    """The fields a row sets. For a `new` site an empty cell leaves the default; for a row
    naming a registered site every column the file has is a value (an empty cell clears the
    field) and a row without a point keeps the site's location."""
    fields, problems = _parsed(row, from_csv=from_csv)
    problems += _texts(row, fields)
    if new:
        fields = {c: v for c, v in fields.items() if not _empty(v) or c.startswith("name_")}
    if (new or "name_kk" in fields) and not fields.get("name_kk"):
        problems.append(Problem(row.number, "name_kk", _("is required.")))
    if "typology" in fields:
        code = fields.pop("typology")
        if code in typologies or not code:
            fields["typology"] = typologies.get(code)
        else:
            problems.append(
                Problem(
                    row.number, "typology", _("unknown typology code “%(code)s”.") % {"code": code}
                )
            )
    if row.geometry_problem and not (row.geometry_missing and not new):
        problems.append(Problem(row.number, "location", row.geometry_problem))
    elif row.geometry is not None:
        problems += _place(row, fields, repair=repair, new=new)
    problems += _boundary(row, fields, repair=repair, from_csv=from_csv)
    return fields, problems


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value is False


def _parsed(row: Row, *, from_csv: bool) -> tuple[dict, list[Problem]]:
    """Each field column the row has, read by `exchange.parse`; an empty cell as its field's
    empty value (a yes/no: false). The boundary is read by `_boundary`."""
    fields, problems = {}, []
    for c in FIELDS:
        if c.name not in row.values or c.type == exchange.GEOMETRY:
            continue
        try:
            value = exchange.parse(c, row.values[c.name], from_csv=from_csv)
        except (ValueError, TypeError, OverflowError):
            problems.append(Problem(row.number, c.name, _unparsed(c)))
            continue
        fields[c.name] = EMPTY.get(c.type, "") if value is None else value
    return fields, problems


def _unparsed(c: exchange.Column) -> str:
    if c.name in YEAR_COLUMNS:
        return "must be a whole year (BCE negative)."
    return {
        exchange.INT: _("must be a whole number."),
        exchange.DATE: _("must be a date as YYYY-MM-DD."),
        exchange.BOOL: _("must be true or false."),
        exchange.ARRAY: _("must be names between “;”, or a JSON list of names."),
    }.get(c.type, _("cannot be read."))


def _place(row: Row, fields: dict, *, repair: bool, new: bool) -> list[Problem]:
    """A point is the location; a (multi)polygon is the boundary, and the location is the point
    given beside it or, for a new site, one inside it (PointOnSurface)."""
    geometry = row.geometry
    if geometry.geom_type == "MultiPoint" and len(geometry) == 1:
        geometry = geometry[0]
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        fields["location"] = geometry
        return []
    boundary, problems = _polygon(row, geometry, repair=repair)
    if boundary is not None:
        fields["boundary"] = boundary
        if row.point or new:
            fields["location"] = row.point or boundary.point_on_surface
    return problems


def _boundary(row: Row, fields: dict, *, repair: bool, from_csv: bool) -> list[Problem]:
    """The boundary column (WKT in EPSG:4326, as Mura exports it), checked as an imported
    polygon is; an empty cell is no boundary."""
    if "boundary" not in row.values:
        return []
    wkt = exchange.parse(exchange.column("boundary"), row.values["boundary"], from_csv=from_csv)
    if wkt is not None and "boundary" in fields:
        return [Problem(row.number, "boundary", _(
            "is given twice: as the row's geometry and in the boundary column."
        ))]  # fmt: skip
    if wkt is None:
        fields["boundary"] = None
        return []
    try:
        if not wkt_regex.match(str(wkt)):
            raise ValueError
        geometry = GEOSGeometry(str(wkt), srid=WGS84)
    except (ValueError, GEOSException):
        return [Problem(row.number, "boundary", _(
            "is not WKT in EPSG:4326 (e.g. MULTIPOLYGON (((68.27 43.29, ...))))."
        ))]  # fmt: skip
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        message = _("must be a polygon or multipolygon, not %(type)s.")
        return [Problem(row.number, "boundary", message % {"type": geometry.geom_type})]
    boundary, problems = _polygon(row, geometry, repair=repair)
    if boundary is not None:
        fields["boundary"] = boundary
    return problems


def _polygon(row: Row, geometry: GEOSGeometry, *, repair: bool):
    """(the polygon, []) if valid; an invalid one is a problem with GEOS's reason, repaired
    (MakeValid, as PostGIS's ST_MakeValid) only when asked."""
    if geometry.valid:
        return geometry, []
    reason = geometry.valid_reason
    if not repair:
        return None, [Problem(row.number, "boundary", _(
            "is not a valid polygon: %(reason)s. Correct it, or import again with"
            " “repair invalid polygons” ticked."
        ) % {"reason": reason})]  # fmt: skip
    geometry = _polygonal(geometry.make_valid())
    if geometry is None:
        return None, [
            Problem(
                row.number, "boundary", _("cannot be repaired (%(reason)s).") % {"reason": reason}
            )
        ]
    row.notes.append(
        Problem(
            row.number, "boundary", _("repaired with MakeValid: %(reason)s.") % {"reason": reason}
        )
    )
    return geometry, []


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
        if column == "alt_names":
            names = [_text(row, column, name, problems) for name in value]
            fields[column] = [name for name in names if name]
        elif isinstance(value, str):
            fields[column] = _text(row, column, value, problems)
    return problems


def _text(row: Row, column: str, value: str, problems: list[Problem]) -> str:
    if "\x00" in value:
        problems.append(Problem(row.number, column, _("contains a NUL character.")))
        return value
    text, had_markup = plain_text(value)
    if had_markup:
        row.notes.append(Problem(row.number, column, _("HTML removed: kept as plain text.")))
    if column in (*NAME_COLUMNS, "alt_names") and (hidden := hidden_characters(text)):
        problems.append(Problem(row.number, column, _(
            "contains invisible characters (control, bidi or zero-width): %(found)s. Remove them."
        ) % {"found": "; ".join(hidden[:3])}))  # fmt: skip
    return text


def sensitivity_raise(fields: dict, row: int) -> Problem | None:
    """New archaeological sites start at S2 until a reviewer decides (DESIGN §2)."""
    given = fields.get("sensitivity", "")
    if fields.get("category") == HeritageSite.Category.ARCHAEOLOGY and given in ("", "S0", "S1"):
        fields["sensitivity"] = HeritageSite.Sensitivity.HIGH
        if given:
            return Problem(
                row,
                "sensitivity",
                _("%(given)s raised to S2: archaeology starts at S2.") % {"given": given},
            )
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
