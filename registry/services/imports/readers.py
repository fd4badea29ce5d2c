"""Readers: a file on disk -> (its columns, its row count, the rows). CSV is read by Python;
GeoJSON, GeoPackage and Shapefile by GDAL (pyogrio), after their first bytes showed the format."""

import csv
import io
import itertools
import math
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

from django.contrib.gis.gdal import GDALException, OGRGeometry
from django.contrib.gis.gdal.geometries import GeometryCollection as OGRCollection
from django.contrib.gis.gdal.geometries import Polygon as OGRPolygon
from django.contrib.gis.geometry import wkt_regex
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point, WKBWriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heritage.gdal_offline import gdal_network_off
from registry.geometry import ALLOWED_SRIDS, WGS84
from registry.services.imports.archive import unzip
from registry.services.imports.crs import geojson_srid, gpkg_check, prj_check
from registry.services.imports.mapping import Mapping, rename
from registry.services.imports.report import ImportRefused, Problem, Row
from registry.services.imports.restore import restored

DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shp.zip": "ESRI Shapefile"}

MAX_FIELD_BYTES = 128 * 1024  # a CSV field; Python's csv module's own default limit
DROPPED = gettext_lazy("Z (height) and M values were dropped: the register keeps lon/lat only.")
# (columns, row count, rows, notes on the whole file)
Read = tuple[list[str], int, Iterator[Row], list[Problem]]

MAGIC = {
    # SQLite, with the GeoPackage application id in its header (a plain SQLite file is not one).
    "gpkg": lambda head: (
        head.startswith(b"SQLite format 3\x00") and head[68:72] in (b"GPKG", b"GP10", b"GP11")
    ),
    "geojson": lambda head: head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"),
    "shp.zip": lambda head: head[:4] == b"\x00\x00\x27\x0a",
}


def read(path: Path, fmt: str, directory: Path, mapping: Mapping | None = None) -> Read:
    """`mapping` renames the file's columns (mapping.rename) before any row is made."""
    if fmt == "csv":
        return read_csv(path, mapping)
    shp, truncated = _layer(path, fmt, directory)
    columns, count, rows, notes = read_gis(shp, fmt, mapping)
    rows, more = restored(rows, truncated)
    return columns, count, rows, notes + more


def _layer(path: Path, fmt: str, directory: Path) -> tuple[Path, Path | None]:
    """(the layer GDAL opens, Mura's truncated.csv beside a Shapefile's, if the zip has one)."""
    if fmt != "shp.zip":
        return path, None
    shp, truncated = unzip(path, directory)
    prj_check(shp.with_suffix(".prj"))
    return shp, truncated


def read_head(path: Path, fmt: str, directory: Path, limit: int) -> tuple[list[str], list[list]]:
    """(the file's own column names, its first `limit` rows' values in that order), read with
    the same safety as an import; the geometry is left out (a GIS layer's own, not a column)."""
    if fmt == "csv":
        text, dialect = _csv_text(path)
        records = _csv_records(text, dialect)
        header = [c.strip() for c in next(records, (0, []))[1]]
        return header, [record for _number, record in itertools.islice(records, limit)]
    _info, meta, _geometries, data = _gdal_read(
        _layer(path, fmt, directory)[0], fmt, max_features=limit, read_geometry=False
    )
    columns = range(len(meta["fields"]))
    rows = [
        [_plain(data[i][index]) for i in columns] for index in range(len(data[0]) if data else 0)
    ]
    return [str(name) for name in meta["fields"]], rows


def _epsg(crs: str | None) -> int:
    if not crs:
        return WGS84  # GeoJSON, or a Shapefile without .prj: lon/lat
    code = crs.removeprefix("EPSG:")
    if code == "4979":  # GDAL's name for lon/lat with heights (GeoJSON in 3D): heights dropped
        return WGS84
    if not code.isdigit() or int(code) not in ALLOWED_SRIDS:
        raise ImportRefused(
            _("coordinate system %(crs)s is not accepted; use EPSG:4326 or a UTM zone.")
            % {"crs": crs}
        )
    return int(code)


def _plain(value: object) -> object:
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _before_gdal(path: Path, fmt: str) -> None:
    """The format from the first bytes; only allow-listed EPSG codes, no link, URL or file."""
    with path.open("rb") as f:
        if not MAGIC[fmt](f.read(100)):
            raise ImportRefused(_("the file is not a %(format)s file.") % {"format": DRIVERS[fmt]})
    if fmt == "geojson":
        geojson_srid(path)
    elif fmt == "gpkg":
        gpkg_check(path)


def _gdal_read(path: Path, fmt: str, **options) -> tuple:
    """(layer info, meta, geometries, data) from pyogrio, once the file passed our checks."""
    _before_gdal(path, fmt)
    import pyogrio  # here, not at the top: a web worker that never imports starts 13 MB smaller

    gdal_network_off()  # pyogrio's own GDAL, now loaded (heritage/gdal_offline.py)

    gdal_errors = (
        pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.CRSError,
        pyogrio.errors.FeatureError, pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
    )  # fmt: skip
    # GDAL's warnings (e.g. "Non closed ring detected") are not printed: the rows they concern
    # are reported by row below.
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        try:
            info = pyogrio.read_info(path)
            if info.get("driver") != DRIVERS[fmt] or not info.get("geometry_type"):
                raise ImportRefused(
                    _("the file is not a %(format)s layer with geometries.")
                    % {"format": DRIVERS[fmt]}
                )
            _epsg(info.get("crs"))
            meta, _fids, geometries, data = pyogrio.raw.read(path, force_2d=True, **options)
        except gdal_errors as error:
            message = _("the file cannot be read as %(format)s (%(error)s).") % {
                "format": DRIVERS[fmt],
                "error": error,
            }
            raise ImportRefused(message) from None
    return info, meta, geometries, data


def read_gis(path: Path, fmt: str, mapping: Mapping | None = None) -> Read:
    info, meta, geometries, data = _gdal_read(path, fmt)
    srid = _epsg(info.get("crs"))
    columns, notes = rename([str(name) for name in meta["fields"]], mapping)
    count = len(geometries)
    if re.search(r"[ZM]$", str(info.get("geometry_type") or "")):
        notes.append(Problem(None, "location", f"{info['geometry_type']}: {DROPPED}"))

    def rows() -> Iterator[Row]:
        for index, wkb in enumerate(geometries):
            values = {c: _plain(data[i][index]) for i, c in enumerate(columns) if c is not None}
            row = Row(index + 1, values)
            if wkb is None:
                row.geometry_problem, row.geometry_missing = "is missing.", True
            else:
                try:
                    row.geometry = GEOSGeometry(memoryview(wkb), srid=srid)
                except GEOSException:
                    row.geometry_problem = _unreadable(memoryview(wkb))
            yield row

    return [c for c in columns if c is not None], count, rows(), notes


def _rings(geometry: OGRGeometry) -> Iterator:
    if isinstance(geometry, OGRPolygon):
        yield from geometry
    elif isinstance(geometry, OGRCollection):
        for member in geometry:
            yield from _rings(member)


def _unreadable(source: str | memoryview) -> str:
    """Why GEOS would not take a geometry, in words (GEOS only logs its reason)."""
    try:
        geometry = OGRGeometry(source)
    except (GDALException, ValueError, TypeError):
        return "is not a valid geometry."
    for ring in _rings(geometry):
        points = ring.tuple
        if points and points[0] != points[-1]:
            return "has a polygon ring that is not closed (its first and last points differ)."
        if len(points) < 4:
            return "has a polygon ring of fewer than 4 points."
    return "is not a valid geometry."


def _flat(geometry: GEOSGeometry, row: Row) -> GEOSGeometry:
    """Lon/lat only: a Z (height) or M (measure) is dropped, with a note."""
    if not geometry.hasz:
        return geometry
    row.notes.append(Problem(row.number, "location", DROPPED))
    return GEOSGeometry(WKBWriter().write(geometry), srid=geometry.srid)  # writes 2D


def _csv_geometry(row: Row) -> None:
    values = row.values
    try:
        srid = int(values.get("srid") or WGS84)
    except ValueError:
        row.geometry_problem = _("srid must be an EPSG number.")
        return
    if srid not in ALLOWED_SRIDS:
        row.geometry_problem = _("coordinate system EPSG:%(srid)s is not accepted.") % {
            "srid": srid
        }
        return
    wkt = (values.get("wkt") or "").strip()
    try:
        if wkt:
            if not wkt_regex.match(wkt):
                row.geometry_problem = _("is not WKT (e.g. POINT (68.27 43.30)).")
                return
            try:
                row.geometry = _flat(GEOSGeometry(wkt, srid=srid), row)
            except GEOSException:
                row.geometry_problem = f"wkt {_unreadable(wkt)}"
                return
            if (values.get("lon") or "").strip() and (values.get("lat") or "").strip():
                row.point = Point(float(values["lon"]), float(values["lat"]), srid=srid)
        elif (values.get("lon") or "").strip() or (values.get("lat") or "").strip():
            row.geometry = Point(float(values["lon"]), float(values["lat"]), srid=srid)
        else:
            row.geometry_problem = _("is missing (give lon and lat, or wkt).")
            row.geometry_missing = True
    except (ValueError, TypeError, GEOSException):
        row.geometry_problem = _("lon and lat must be numbers; wkt must be valid WKT.")


def _delimiter(header: str) -> str:
    """`,` or `;` (Excel in Russian and Kazakh locales), from the header line alone, outside
    quotes; never guessed from data."""
    if header.count('"') % 2:
        raise ImportRefused(_("the CSV header line has an unclosed quote."))
    outside = re.sub(r'"[^"]*"', "", header)
    found = [d for d in (",", ";") if d in outside]
    if len(found) > 1:
        raise ImportRefused(
            _("the CSV header line has both , and ; between names: use one delimiter.")
        )
    return found[0] if found else ","


def _csv_records(text: str, dialect: dict) -> Iterator[tuple[int, list[str]]]:
    """(row number, fields): 0 is the header; blank lines and empty spreadsheet rows skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), **dialect)
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportRefused(
                _(
                    "the CSV cannot be read at row %(row)d (line %(line)d): %(error)s;"
                    ' is a quote unclosed? (a " inside a quoted field is doubled).'
                ) % {"row": number, "line": reader.line_num, "error": error}
            ) from None  # fmt: skip
        if number and not any(value.strip() for value in record):
            continue  # a blank line, or a spreadsheet's empty row (;;;;)
        yield number, record
        number += 1


def _csv_row(number: int, record: list[str], columns: list[str | None]) -> Row:
    row = Row(number, {c: v for c, v in zip(columns, record, strict=False) if c is not None})
    if len(record) != len(columns):
        row.problems.append(Problem(number, "", _(
            "has %(fields)d fields; the header has %(header)d: a quote or a delimiter"
            ' is missing or extra (fields with , ; " or line breaks must be quoted, and a "'
            " inside doubled)."
        ) % {"fields": len(record), "header": len(columns)}))  # fmt: skip
        return row
    for column, value in row.values.items():
        if len(value.encode()) > MAX_FIELD_BYTES:
            message = _("is longer than %(kb)d KB.") % {"kb": MAX_FIELD_BYTES // 1024}
            row.problems.append(Problem(number, column, message))
    if not row.problems:
        _csv_geometry(row)
    return row


def _csv_text(path: Path) -> tuple[str, dict]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(_("a CSV file must be UTF-8.")) from None
    dialect = {"delimiter": _delimiter(text.split("\n", 1)[0]), "quotechar": '"'}
    dialect |= {"doublequote": True, "strict": True, "quoting": csv.QUOTE_MINIMAL}
    # A field may be as long as the file; long ones are reported by row and column.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    return text, dialect


def read_csv(path: Path, mapping: Mapping | None = None) -> Read:
    """RFC 4180: fields quoted with ", a quote inside doubled, line breaks inside quotes; an
    optional UTF-8 BOM. Every row must have the header's number of fields."""
    text, dialect = _csv_text(path)
    header = next(_csv_records(text, dialect), (0, []))[1]
    columns, notes = rename(header, mapping)
    if twice := sorted({c for c in columns if c and columns.count(c) > 1}):
        raise ImportRefused(
            _("the CSV names %(columns)s more than once.") % {"columns": ", ".join(twice)}
        )
    if not ({"lon", "lat"} <= set(columns) or "wkt" in columns):
        raise ImportRefused(_("a CSV file needs lon and lat columns, or a wkt column."))
    count = sum(1 for _ in _csv_records(text, dialect)) - 1

    def rows() -> Iterator[Row]:
        for number, record in _csv_records(text, dialect):
            if number:
                yield _csv_row(number, record, columns)

    return [c for c in columns if c is not None], count, rows(), notes
