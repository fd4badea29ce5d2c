"""Exports of sites: GeoJSON, CSV, GeoPackage, zipped Shapefile. Any size, flat memory.

Rows come from the database a chunk at a time (a server-side cursor) with the point computed
by PostGIS, so no Python geometry objects are built. GeoJSON and CSV are generated as they are
sent. GeoPackage and Shapefile go to a temporary file (SQLite and DBF need one), which is then
streamed and deleted: each chunk becomes an Arrow record batch (PostGIS writes the WKB) that
GDAL writes in C, so no Python object is made per feature on that side.

The columns, their order, their Shapefile names and who gets which come from
`registry/exchange.py`, which the importer reads too.
"""

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.gis.db.models.functions import AsWKT
from django.db.models import BinaryField, FloatField, Func, QuerySet, Value
from django.db.models.sql.constants import MULTI

from registry import exchange
from registry.exchange import neutralise
from registry.projection import GENERALISATION

if TYPE_CHECKING:
    import pyarrow as pa

# Rows fetched at a time, and rows per Arrow batch. 5,000 keeps a GeoPackage export of
# 900,000 sites under 260 MB peak (10,000: 280 MB, 50,000: 450 MB) at the same speed.
CHUNK = 5000
# A text a DBF field cannot hold, reported inside the zipped Shapefile.
TRUNCATED = "truncated.csv"
TRUNCATED_HEADER = ["row", "reference", "column", "shapefile_column", "bytes", "action", "value"]
ARROW_TYPES = {exchange.INT: "int32", exchange.DATE: "date32", exchange.BOOL: "bool_"}
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


def export_columns(*, exact: bool, staff: bool = False) -> list[exchange.Column]:
    """The audience's columns (registry/exchange.py), in order."""
    return exchange.columns_for(exact=exact, staff=staff)


def _stored(columns: list[exchange.Column]) -> list[exchange.Column]:
    """The columns read from the database (the others are computed per row)."""
    return [c for c in columns if c.field not in exchange.COMPUTED]


def _with_boundary(sites: QuerySet, exact: bool) -> QuerySet:
    # Full records carry the exact boundary as WKT (written by PostGIS).
    return sites.annotate(export_boundary=AsWKT("boundary")) if exact else sites


def export_rows(
    sites: QuerySet, *, geometry: str, exact: bool, staff: bool = False
) -> Iterator[tuple]:
    """(stored columns..., lon, lat) tuples, in chunks; lon/lat are None for withheld (S3)."""
    paths = [c.query_path for c in _stored(export_columns(exact=exact, staff=staff))]
    rows = (
        _with_boundary(sites, exact)
        .annotate(export_lon=X(geometry), export_lat=Y(geometry))
        .values_list(*paths, "export_lon", "export_lat")
    )
    return rows.iterator(chunk_size=CHUNK)


def _properties(row: tuple, columns: list[exchange.Column]) -> dict:
    """Every column's value (computed ones included), by column, in order."""
    stored = dict(zip((c.name for c in _stored(columns)), row, strict=False))
    computed = {
        "location_generalisation": GENERALISATION[stored["sensitivity"]],
        "geometry_withheld": row[-2] is None,
    }
    return {c: stored[c.name] if c.name in stored else computed[c.name] for c in columns}


def geojson_chunks(rows: Iterable[tuple], *, exact: bool, staff: bool = False) -> Iterator[str]:
    columns = export_columns(exact=exact, staff=staff)
    digits = decimals(exact=exact)
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for row in rows:
        lon, lat = _rounded(row[-2], digits), _rounded(row[-1], digits)
        properties = {
            c.name: value if c.type in (exchange.INT, exchange.BOOL) else exchange.to_text(c, value)
            for c, value in _properties(row, columns).items()
        }
        feature = {
            "type": "Feature",
            # a draft (staff only): its reference
            "id": properties["registry_number"] or properties.get("draft_reference"),
            "geometry": None if lon is None else {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties,
        }
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def csv_chunks(
    rows: Iterable[tuple], *, exact: bool, staff: bool = False, bom: bool = True
) -> Iterator[str]:
    """RFC 4180 CSV (comma, CRLF, quotes doubled), UTF-8 with a BOM unless `bom=False`."""
    columns = export_columns(exact=exact, staff=staff)
    digits = decimals(exact=exact)
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([*(c.name for c in columns), "lon", "lat"])
    for i, row in enumerate(rows):
        values = _properties(row, columns).items()
        point = [_rounded(row[-2], digits), _rounded(row[-1], digits)]
        writer.writerow([neutralise(exchange.to_text(c, v)) for c, v in values] + point)
        if i % 1000 == 999:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class AsWKB(Func):
    function = "ST_AsBinary"
    output_field = BinaryField()


# (feature number from 1, reference, column, value): a text a format cannot hold whole.
OnCut = Callable[[int, str, exchange.Column, str], None]


class OnGrid(Func):
    """GEOS's precision model: coordinates rounded to `digits` decimals as `round()` would
    (x * 10^d rounded, divided by 10^d), so GDAL reads 48.385, not 48.385000000000005."""

    function = "ST_ReducePrecision"

    def __init__(self, expression, digits: int):
        super().__init__(expression, Value(10**-digits))


def export_batches(
    sites: QuerySet,
    *,
    geometry: str,
    exact: bool,
    staff: bool = False,
    short_names: bool = False,
    text_limit: int | None = None,
    on_cut: OnCut | None = None,
) -> tuple["pa.Schema", Iterator["pa.RecordBatch"]]:
    """The rows as Arrow record batches (every column, then the point as WKB), read with a
    server-side cursor a chunk at a time: only one is ever held. psycopg makes the rows (no
    model or Django row objects); PostGIS writes the WKB and the boundary's WKT.

    A text longer than `text_limit` UTF-8 bytes is cut (a boundary's WKT left out, as a cut
    one means nothing) and given to `on_cut` whole, so the export can report it."""
    import pyarrow as pa  # here: a web worker that never writes a file starts 13 MB smaller
    import pyarrow.compute as pc

    if text_limit and on_cut is None:
        raise ValueError("a text limit needs on_cut: nothing is cut without a report")
    columns = export_columns(exact=exact, staff=staff)
    stored = _stored(columns)
    paths = [c.query_path for c in stored]
    point = OnGrid(geometry, decimals(exact=exact))
    rows = _with_boundary(sites, exact).annotate(export_wkb=AsWKB(point))
    rows = rows.values_list(*paths, "export_wkb")
    fields = [
        pa.field(
            c.short if short_names else c.name, getattr(pa, ARROW_TYPES.get(c.type, "string"))()
        )
        for c in columns
    ]
    fields.append(pa.field("wkb_geometry", pa.binary()))
    schema = pa.schema(fields)
    query = rows.query
    selected = list(query.selected)  # the SELECT's column order, which Django may change
    order = [selected.index(name) for name in [*paths, "export_wkb"]]

    def limited(c: exchange.Column, values: list, done: int, by_name: dict) -> list:
        array = pa.array(values, type=pa.string())
        long = pc.indices_nonzero(pc.greater(pc.binary_length(array), text_limit)).to_pylist()
        drafts = by_name.get("draft_reference") or [""] * len(values)
        for i in long:
            reference = by_name["registry_number"][i] or drafts[i]
            on_cut(done + i + 1, reference, c, values[i])
            cut = exchange.shapefile_cut(values[i], text_limit)
            values[i] = None if c.type == exchange.GEOMETRY else cut
        return values

    def batches() -> Iterator["pa.RecordBatch"]:
        compiler = query.get_compiler(using=rows.db)
        done = 0
        for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK):
            by_column = list(zip(*chunk, strict=True))
            by_column = [by_column[i] for i in order]
            by_name = {c.name: list(v) for c, v in zip(stored, by_column, strict=False)}
            wkb = by_column[-1]
            by_name["location_generalisation"] = [GENERALISATION[s] for s in by_name["sensitivity"]]
            by_name["geometry_withheld"] = [w is None for w in wkb]
            arrays = []
            for c, f in zip(columns, fields, strict=False):
                values = by_name[c.name]
                if c.type == exchange.ARRAY:
                    values = [exchange.array_text(v) for v in values]
                if text_limit and f.type == pa.string():
                    values = limited(c, values, done, by_name)
                arrays.append(pa.array(values, type=f.type))
            arrays.append(pa.array(wkb, type=pa.binary()))
            done += len(chunk)
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)

    return schema, batches()


def write_layer(
    sites: QuerySet,
    path: Path,
    *,
    geometry: str,
    exact: bool,
    driver: str,
    staff: bool = False,
    on_cut: OnCut | None = None,
) -> None:
    """Write the sites to a GeoPackage or Shapefile at `path`: GDAL takes the Arrow batches
    as they come and writes them in C. A failure while reading (the database's) is raised
    as itself, not as GDAL's "Error while accessing batch from stream". A Shapefile's texts
    longer than a DBF field holds go to `on_cut` (GDAL would cut them with only a warning)."""
    import pyarrow as pa
    import pyogrio.raw

    shapefile = driver == "ESRI Shapefile"
    schema, batches = export_batches(
        sites,
        geometry=geometry,
        exact=exact,
        staff=staff,
        short_names=shapefile,
        text_limit=exchange.SHAPEFILE_TEXT_MAX if shapefile else None,
        on_cut=on_cut,
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
    """A zipped Shapefile (sites.shp, .shx, .dbf, .prj, .cpg) in `directory`, with README.txt
    (the short column names, and whether any value was cut) and, if a text was longer than a
    DBF field holds (254 bytes), truncated.csv: each such value whole, by row and column."""
    cuts = 0
    with (directory / TRUNCATED).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(TRUNCATED_HEADER)

        def on_cut(row: int, reference: str, c: exchange.Column, value: str) -> None:
            nonlocal cuts
            cuts += 1
            action = "left out" if c.type == exchange.GEOMETRY else "cut"
            size = len(value.encode())
            writer.writerow([row, reference, c.name, c.short, size, action, neutralise(value)])

        shp = directory / "sites.shp"
        write_layer(sites, shp, geometry=geometry, exact=exact, staff=staff,
                    driver="ESRI Shapefile", on_cut=on_cut)  # fmt: skip
    columns = export_columns(exact=exact, staff=staff)
    (directory / "README.txt").write_text(_shapefile_readme(columns, cuts), encoding="utf-8")
    archive = directory / "sites.shp.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(directory.glob("sites.*")):
            if part != archive:
                zf.write(part, part.name)
        zf.write(directory / "README.txt", "README.txt")
        if cuts:
            zf.write(directory / TRUNCATED, TRUNCATED)
    return archive


def _shapefile_readme(columns: list[exchange.Column], cuts: int) -> str:
    names = "\n".join(f"  {c.short:<10}  {c.name}" for c in columns)
    if cuts:
        cut = (
            f"{cuts} value(s) were longer than a DBF field holds ({exchange.SHAPEFILE_TEXT_MAX}"
            f" bytes): texts were cut, boundaries left out. {TRUNCATED} holds each of them"
            " whole (row, reference, column, Shapefile column, bytes, what was done, value)."
        )
    else:
        cut = (
            f"No value was cut: every text fits a DBF field ({exchange.SHAPEFILE_TEXT_MAX} bytes)."
        )
    return (
        "Sites exported from Mura, the national register of heritage sites, as a Shapefile\n"
        "(sites.shp with .shx, .dbf, .prj, .cpg): points in EPSG:4326, texts in UTF-8.\n\n"
        f"A DBF field name has at most 10 characters; the columns are:\n{names}\n\n"
        f"{cut}\n"
        "Mura imports this file back under the same names.\n"
    )


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
