"""Exports of sites: GeoJSON, CSV, GeoPackage, zipped Shapefile. Any size, flat memory.

Rows come from the database a chunk at a time (a server-side cursor) with the point computed
by PostGIS, so no Python geometry objects are built. GeoJSON and CSV are generated as they are
sent. GeoPackage and Shapefile go to a temporary file (SQLite and DBF need one), which is then
streamed and deleted: each chunk becomes an Arrow record batch (PostGIS writes the WKB) that
GDAL writes in C, so no Python object is made per feature on that side.
"""

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import BinaryField, FloatField, Func, QuerySet, Value
from django.db.models.sql.constants import MULTI

from registry.projection import GENERALISATION

if TYPE_CHECKING:
    import pyarrow as pa

# Rows fetched at a time, and rows per Arrow batch. 5,000 keeps a GeoPackage export of
# 900,000 sites under 260 MB peak (10,000: 280 MB, 50,000: 450 MB) at the same speed.
CHUNK = 5000
# (export name, queryset path, shapefile name <= 10 characters)
COLUMNS = [
    ("registry_number", "registry_number", "reg_number"),
    ("name_kk", "name_kk", "name_kk"),
    ("name_ru", "name_ru", "name_ru"),
    ("name_en", "name_en", "name_en"),
    ("category", "category", "category"),
    ("typology", "typology__code", "typology"),
    ("significance", "significance", "signif"),
    ("period", "period", "period"),
    ("date_from", "date_from", "date_from"),
    ("date_to", "date_to", "date_to"),
    ("condition", "condition", "condition"),
    ("sensitivity", "sensitivity", "sensitiv"),
    ("region", "region__code", "region"),
    ("district", "district__code", "district"),
]
STAFF_COLUMNS = [("status", "status", "status")]
# Regional staff only (drafts have no registry number yet); never to holders of an
# exact-location grant: the draft references' sequence counts unpublished work.
OFFICER_COLUMNS = [("draft_reference", "draft_reference", "draft_ref")]
SENSITIVITY = [name for name, _, _ in COLUMNS].index("sensitivity")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Decimals of lon/lat as stated for each audience: 6 (about 0.1 m) for the public projection,
# 7 for exact points, as the API's serializers. Rounding removes float noise
# (48.385000000000005 -> 48.385) from points PostGIS computed (cell centres, transforms).
PUBLIC_DECIMALS, EXACT_DECIMALS = 6, 7
# Excel opens a CSV as UTF-8 only if it starts with a byte order mark; without one it reads
# the locale's code page and Kazakh letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і) come out garbled.
BOM = "\ufeff"
# GeoPackage 1.3: GDAL 3.6 and QGIS 3.28 (LTR in many offices) warn on a 1.4 file (pyogrio's
# GDAL writes 1.4 by default) though nothing in it needs 1.4.
GPKG_VERSION = "1.3"


def decimals(*, exact: bool) -> int:
    return EXACT_DECIMALS if exact else PUBLIC_DECIMALS


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


class X(Func):
    function = "ST_X"
    output_field = FloatField()


class Y(Func):
    function = "ST_Y"
    output_field = FloatField()


def export_columns(*, exact: bool, staff: bool = False) -> list[tuple[str, str, str]]:
    return COLUMNS + (STAFF_COLUMNS if exact else []) + (OFFICER_COLUMNS if staff else [])


def export_rows(
    sites: QuerySet, *, geometry: str, exact: bool, staff: bool = False
) -> Iterator[tuple]:
    """(properties..., lon, lat) tuples, in chunks; lon/lat are None for withheld (S3) sites."""
    paths = [path for _, path, _ in export_columns(exact=exact, staff=staff)]
    rows = sites.annotate(export_lon=X(geometry), export_lat=Y(geometry)).values_list(
        *paths, "export_lon", "export_lat"
    )
    return rows.iterator(chunk_size=CHUNK)


def _properties(row: tuple, names: list[str]) -> dict:
    properties = dict(zip(names, row, strict=False))
    properties["location_generalisation"] = GENERALISATION[properties["sensitivity"]]
    return properties


def geojson_chunks(rows: Iterable[tuple], *, exact: bool, staff: bool = False) -> Iterator[str]:
    names = [name for name, _, _ in export_columns(exact=exact, staff=staff)]
    digits = decimals(exact=exact)
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for row in rows:
        lon, lat = _rounded(row[-2], digits), _rounded(row[-1], digits)
        feature = {
            "type": "Feature",
            "id": row[0] or (row[len(names) - 1] if staff else None),  # a draft: its reference
            "geometry": None if lon is None else {"type": "Point", "coordinates": [lon, lat]},
            "properties": _properties(row, names),
        }
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def neutralise(value: object) -> object:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(
    rows: Iterable[tuple], *, exact: bool, staff: bool = False, bom: bool = True
) -> Iterator[str]:
    """RFC 4180 CSV (comma, CRLF, quotes doubled), UTF-8 with a BOM unless `bom=False`."""
    names = [name for name, _, _ in export_columns(exact=exact, staff=staff)]
    digits = decimals(exact=exact)
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([*names, "location_generalisation", "lon", "lat"])
    for i, row in enumerate(rows):
        props = _properties(row, names)
        point = [_rounded(row[-2], digits), _rounded(row[-1], digits)]
        writer.writerow([neutralise(v) for v in props.values()] + point)
        if i % 1000 == 999:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class AsWKB(Func):
    function = "ST_AsBinary"
    output_field = BinaryField()


class OnGrid(Func):
    """GEOS's precision model: coordinates rounded to `digits` decimals as `round()` would
    (x * 10^d rounded, divided by 10^d), so GDAL reads 48.385, not 48.385000000000005."""

    function = "ST_ReducePrecision"

    def __init__(self, expression, digits: int):
        super().__init__(expression, Value(10**-digits))


def export_batches(
    sites: QuerySet, *, geometry: str, exact: bool, staff: bool = False, short_names: bool = False
) -> tuple["pa.Schema", Iterator["pa.RecordBatch"]]:
    """The rows as Arrow record batches (properties, location_generalisation and the point
    as WKB), read with a server-side cursor a chunk at a time: only one is ever held.
    psycopg makes the rows (no model or Django row objects); PostGIS writes the WKB."""
    import pyarrow as pa  # here: a web worker that never writes a file starts 13 MB smaller

    columns = export_columns(exact=exact, staff=staff)
    paths = [path for _, path, _ in columns]
    point = OnGrid(geometry, decimals(exact=exact))
    rows = sites.annotate(export_wkb=AsWKB(point)).values_list(*paths, "export_wkb")
    names = [short if short_names else name for name, _, short in columns]
    fields = [
        pa.field(n, pa.int32() if name in ("date_from", "date_to") else pa.string())
        for n, (name, _, _) in zip(names, columns, strict=True)
    ]
    fields.append(pa.field("generalis" if short_names else "location_generalisation", pa.string()))
    fields.append(pa.field("wkb_geometry", pa.binary()))
    schema = pa.schema(fields)
    query = rows.query
    selected = list(query.selected)  # the SELECT's column order, which Django may change
    order = [selected.index(name) for name in [*paths, "export_wkb"]]

    def batches() -> Iterator["pa.RecordBatch"]:
        compiler = query.get_compiler(using=rows.db)
        for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK):
            by_column = list(zip(*chunk, strict=True))
            by_column = [by_column[i] for i in order]
            by_column.insert(-1, [GENERALISATION[s] for s in by_column[SENSITIVITY]])
            arrays = [
                pa.array(values, type=f.type) for values, f in zip(by_column, fields, strict=True)
            ]
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)

    return schema, batches()


def write_layer(
    sites: QuerySet, path: Path, *, geometry: str, exact: bool, driver: str, staff: bool = False
) -> None:
    """Write the sites to a GeoPackage or Shapefile at `path`: GDAL takes the Arrow batches
    as they come and writes them in C. A failure while reading (the database's) is raised
    as itself, not as GDAL's "Error while accessing batch from stream"."""
    import pyarrow as pa
    import pyogrio.raw

    schema, batches = export_batches(
        sites, geometry=geometry, exact=exact, staff=staff, short_names=driver == "ESRI Shapefile"
    )
    failures = []

    def reported() -> Iterator["pa.RecordBatch"]:
        try:
            yield from batches
        except Exception as exc:
            failures.append(exc)
            raise

    try:
        pyogrio.raw.write_arrow(
            pa.RecordBatchReader.from_batches(schema, reported()),
            str(path),
            layer="sites",
            driver=driver,
            geometry_name="wkb_geometry",
            geometry_type="Point",
            crs="EPSG:4326",
            encoding="UTF-8",
            **({"dataset_options": {"VERSION": GPKG_VERSION}} if driver == "GPKG" else {}),
        )
    except RuntimeError:
        if failures:
            raise failures[0] from None
        raise


def shapefile_zip(
    sites: QuerySet, directory: Path, *, geometry: str, exact: bool, staff: bool = False
) -> Path:
    """A zipped Shapefile (sites.shp, .shx, .dbf, .prj, .cpg) in `directory`."""
    shp = directory / "sites.shp"
    write_layer(sites, shp, geometry=geometry, exact=exact, staff=staff, driver="ESRI Shapefile")
    archive = directory / "sites.shp.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(directory.glob("sites.*")):
            if part != archive:
                zf.write(part, part.name)
    return archive


def export_file(
    sites: QuerySet, fmt: str, *, geometry: str, exact: bool, staff: bool = False
) -> tuple[Path, Path]:
    """(file, its temporary directory) for gpkg or shp.zip; the caller deletes the directory."""
    directory = Path(tempfile.mkdtemp(prefix="mura-export-"))
    try:
        if fmt == "gpkg":
            path = directory / "sites.gpkg"
            write_layer(sites, path, geometry=geometry, exact=exact, staff=staff, driver="GPKG")
            return path, directory
        zipped = shapefile_zip(sites, directory, geometry=geometry, exact=exact, staff=staff)
        return zipped, directory
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
