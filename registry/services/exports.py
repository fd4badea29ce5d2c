"""Exports of sites: GeoJSON, CSV, GeoPackage, zipped Shapefile. Any size, flat memory.

Rows come from the database in chunks (a server-side cursor) as plain tuples with lon/lat
computed by PostGIS, so no Python geometry objects are built. GeoJSON and CSV are generated
as they are sent; GeoPackage and Shapefile are written in batches to a temporary file (SQLite
and DBF need a file), which is then streamed and deleted.
"""

import csv
import io
import json
import struct
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pyogrio.raw
from django.db.models import FloatField, Func, QuerySet

from registry.projection import GENERALISATION

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
INTEGER_FIELDS = {"date_from", "date_to"}
SENSITIVITY = [name for name, _, _ in COLUMNS].index("sensitivity")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class X(Func):
    function = "ST_X"
    output_field = FloatField()


class Y(Func):
    function = "ST_Y"
    output_field = FloatField()


def export_columns(*, exact: bool) -> list[tuple[str, str, str]]:
    return COLUMNS + (STAFF_COLUMNS if exact else [])


def export_rows(sites: QuerySet, *, geometry: str, exact: bool) -> Iterator[tuple]:
    """(properties..., lon, lat) tuples, in chunks; lon/lat are None for withheld (S3) sites."""
    paths = [path for _, path, _ in export_columns(exact=exact)]
    rows = sites.annotate(export_lon=X(geometry), export_lat=Y(geometry)).values_list(
        *paths, "export_lon", "export_lat"
    )
    return rows.iterator(chunk_size=CHUNK)


def _properties(row: tuple, names: list[str]) -> dict:
    properties = dict(zip(names, row, strict=False))
    properties["location_generalisation"] = GENERALISATION[properties["sensitivity"]]
    return properties


def geojson_chunks(rows: Iterable[tuple], *, exact: bool) -> Iterator[str]:
    names = [name for name, _, _ in export_columns(exact=exact)]
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for row in rows:
        lon, lat = row[-2], row[-1]
        feature = {
            "type": "Feature",
            "id": row[0],
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


def csv_chunks(rows: Iterable[tuple], *, exact: bool) -> Iterator[str]:
    names = [name for name, _, _ in export_columns(exact=exact)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*names, "location_generalisation", "lon", "lat"])
    for i, row in enumerate(rows):
        props = _properties(row, names)
        writer.writerow([neutralise(v) for v in props.values()] + [row[-2], row[-1]])
        if i % 1000 == 999:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _wkb_point(lon: float | None, lat: float | None) -> bytes | None:
    return None if lon is None else struct.pack("<BIdd", 1, 1, lon, lat)


def _write_batch(path: Path, batch: list[tuple], *, exact: bool, driver: str, append: bool):
    columns = export_columns(exact=exact)
    short = driver == "ESRI Shapefile"
    fields, data, masks = [], [], []
    by_column = list(zip(*batch, strict=True)) if batch else [()] * (len(columns) + 2)
    for i, (name, _, short_name) in enumerate(columns):
        values = by_column[i]
        if name in INTEGER_FIELDS:
            mask = np.array([v is None for v in values])
            data.append(np.array([0 if v is None else v for v in values], dtype=np.int32))
            masks.append(mask)
        else:
            data.append(np.array(["" if v is None else v for v in values], dtype=object))
            masks.append(None)
        fields.append(short_name if short else name)
    generalisation = [GENERALISATION[s] for s in by_column[SENSITIVITY]]
    fields.append("generalis" if short else "location_generalisation")
    data.append(np.array(generalisation, dtype=object))
    masks.append(None)
    geometry = np.array(list(map(_wkb_point, by_column[-2], by_column[-1])), dtype=object)
    pyogrio.raw.write(
        str(path),
        geometry,
        data,
        fields,
        field_mask=masks,
        layer="sites",
        driver=driver,
        geometry_type="Point",
        crs="EPSG:4326",
        encoding="UTF-8",
        append=append,
    )


def write_layer(rows: Iterable[tuple], path: Path, *, exact: bool, driver: str) -> int:
    """Write `rows` to a GeoPackage or Shapefile at `path`, a batch at a time."""
    count, batch, append = 0, [], False
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK * 10:
            _write_batch(path, batch, exact=exact, driver=driver, append=append)
            count, batch, append = count + len(batch), [], True
    if batch or not append:
        _write_batch(path, batch, exact=exact, driver=driver, append=append)
        count += len(batch)
    return count


def shapefile_zip(rows: Iterable[tuple], directory: Path, *, exact: bool) -> Path:
    """A zipped Shapefile (sites.shp, .shx, .dbf, .prj, .cpg) in `directory`."""
    shp = directory / "sites.shp"
    write_layer(rows, shp, exact=exact, driver="ESRI Shapefile")
    archive = directory / "sites.shp.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(directory.glob("sites.*")):
            if part != archive:
                zf.write(part, part.name)
    return archive


def export_file(rows: Iterable[tuple], fmt: str, *, exact: bool) -> tuple[Path, Path]:
    """(file, its temporary directory) for gpkg or shp.zip; the caller deletes the directory."""
    directory = Path(tempfile.mkdtemp(prefix="mura-export-"))
    if fmt == "gpkg":
        path = directory / "sites.gpkg"
        write_layer(rows, path, exact=exact, driver="GPKG")
        return path, directory
    return shapefile_zip(rows, directory, exact=exact), directory
