"""Exports of sites: CSV, GeoJSON, GeoPackage, zipped Shapefile. Any size, bounded memory.

PostgreSQL writes each row as the format holds it and sends it through a server-side cursor a
batch at a time (MURA_EXPORT_BATCH_ROWS); Python appends the batch to the output and lets it
go. No Python object is made per value, and nothing heavier than the standard library and
numpy (loaded by Django already) is imported: GDAL is not used to write, so nothing here opens
any resource but the output (heritage/gdal_offline.py covers GDAL's readers).

One job per module:
- `statement`: the door's statement and the SQL of values as the files carry them; the batches;
- `text`: CSV and GeoJSON, generated as they are sent;
- `geopackage`: a GeoPackage 1.3 with Python's sqlite3, and `rtree` its packed spatial index;
- `shapefile`: the Shapefile's files, README.txt, truncated.csv and the zip.

GeoPackage and Shapefile need a file (SQLite and DBF are written in place), made in a
temporary directory the caller streams and deletes. The columns, their order, their Shapefile
names and who gets which come from registry/exchange.py, which the importer reads too.
"""

import errno
import shutil
import sqlite3
import tempfile
from pathlib import Path

from django.db.models import FloatField, Func, QuerySet
from django.utils.translation import gettext_lazy as _

from registry.exchange import neutralise
from registry.services.exports.geopackage import write_geopackage
from registry.services.exports.shapefile import TRUNCATED, TRUNCATED_HEADER, shapefile_zip
from registry.services.exports.text import (
    BOM,
    EXACT_DECIMALS,
    PUBLIC_DECIMALS,
    csv_chunks,
    decimals,
    geojson_chunks,
)

FILE_FORMATS = ("gpkg", "shp.zip")
# A write refused for want of room: the disk (or the user's quota) is full, or the file is
# larger than the process may write (RLIMIT_FSIZE).
NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class ExportNoRoom(Exception):
    """The export could not be written: no room on the server's disk for the file."""

    message = _(
        "The server has no room to write this export now. Try again later, or export fewer "
        "sites (filter by region, for example)."
    )


def no_room(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in NO_ROOM
    # SQLite says SQLITE_FULL for ENOSPC, SQLITE_IOERR_WRITE for a write otherwise refused.
    return isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorname", "") in (
        "SQLITE_FULL",
        "SQLITE_IOERR_WRITE",
    )


__all__ = [
    "BOM",
    "EXACT_DECIMALS",
    "FILE_FORMATS",
    "ExportNoRoom",
    "PUBLIC_DECIMALS",
    "TRUNCATED",
    "TRUNCATED_HEADER",
    "X",
    "Y",
    "csv_chunks",
    "decimals",
    "export_file",
    "geojson_chunks",
    "neutralise",
    "no_room",
]


class X(Func):
    function = "ST_X"
    output_field = FloatField()


class Y(Func):
    function = "ST_Y"
    output_field = FloatField()


def export_file(
    sites: QuerySet, fmt: str, *, geometry: str, exact: bool, staff: bool = False
) -> tuple[Path, Path]:
    """(file, its temporary directory) for gpkg or shp.zip; the caller deletes the directory.
    On any failure the directory is gone, and the error is raised as itself (the database's,
    for heritage/faults.py to answer), or as ExportNoRoom when the disk had no room for it."""
    if fmt not in FILE_FORMATS:
        raise ValueError(f"not a file format: {fmt}")
    directory = Path(tempfile.mkdtemp(prefix="mura-export-"))
    try:
        if fmt == "gpkg":
            path = directory / "sites.gpkg"
            write_geopackage(sites, path, geometry=geometry, exact=exact, staff=staff)
            return path, directory
        zipped = shapefile_zip(sites, directory, geometry=geometry, exact=exact, staff=staff)
        return zipped, directory
    except BaseException as exc:
        shutil.rmtree(directory, ignore_errors=True)
        if no_room(exc):
            raise ExportNoRoom(str(exc)) from exc
        raise
