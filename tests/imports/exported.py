"""Mura's own exports, downloaded through the API, and edited as an officer edits them: a cell
in a spreadsheet, a property in a GeoJSON, a field in QGIS (a GeoPackage's table, a
Shapefile's DBF record, written in place), a value in the archive's truncated.csv."""

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pyogrio
from django.urls import reverse
from django.utils import translation

from registry import exchange
from registry.services.imports import sites_import

FORMATS = ["csv", "geojson", "gpkg", "shp.zip"]
FILENAMES = {"csv": "sites.csv", "geojson": "sites.geojson", "gpkg": "sites.gpkg",
             "shp.zip": "sites.zip"}  # fmt: skip
KEYS = ("registry_number", "draft_reference")


def export(client, fmt: str, folder: Path, **params) -> Path:
    """The export `client` gets (staff: full records; anonymous: the public projection)."""
    response = client.get(reverse("api:site-export", args=[fmt]), params)
    assert response.status_code == 200, response
    folder.mkdir(exist_ok=True)
    path = folder / FILENAMES[fmt]
    path.write_bytes(b"".join(response.streaming_content))
    return path


def run(path: Path, user, *, dry_run: bool = False):
    # After a request the thread holds that request's language: the report is read in English.
    with path.open("rb") as upload, translation.override("en"):
        return sites_import(upload=upload, filename=path.name, user=user, dry_run=dry_run)


def edit(path: Path, fmt: str, reference: str, column: str, value: str | None) -> Path:
    """The row of `reference` (a registry number or draft reference) with `column` set to
    `value` (None: emptied), in place."""
    EDITORS[fmt](path, reference, column, value)
    return path


def _edit_csv(path: Path, reference: str, column: str, value: str | None) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    keys = [header.index(k) for k in KEYS if k in header]
    (row,) = [r for r in rows if reference in (r[k] for k in keys)]
    row[header.index(column)] = value or ""
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    path.write_bytes(("\ufeff" + out.getvalue()).encode())


def _edit_geojson(path: Path, reference: str, column: str, value: str | None) -> None:
    collection = json.loads(path.read_bytes())
    (feature,) = [
        f for f in collection["features"]
        if reference in (f["properties"].get(k) for k in KEYS)
    ]  # fmt: skip
    feature["properties"][column] = value
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")


def _unused(*_geometry):
    raise AssertionError("the geometry is not edited here")


def _edit_gpkg(path: Path, reference: str, column: str, value: str | None) -> None:
    with sqlite3.connect(path) as db:
        # The spatial index's triggers name these GeoPackage functions (SQLite needs them to
        # exist); they run only when a geometry changes, which this edit never does.
        for function in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
            db.create_function(function, 1, _unused)
        names = [r[1] for r in db.execute("PRAGMA table_info(sites)")]
        keys = " OR ".join(f'"{k}" = :reference' for k in KEYS if k in names)
        updated = db.execute(
            f'UPDATE sites SET "{column}" = :value WHERE {keys}',
            {"value": value, "reference": reference},
        ).rowcount
    assert updated == 1


def _edit_shapefile(path: Path, reference: str, column: str, value: str | None) -> None:
    members = _members(path)
    dbf_name = next(n for n in members if n.endswith(".dbf"))
    local = path.parent / "edit.shp"
    for name, content in members.items():
        if name.startswith("sites."):
            (path.parent / ("edit" + name.removeprefix("sites"))).write_bytes(content)
    names = list(pyogrio.read_info(local)["fields"])
    shorts = [exchange.column(k).short for k in KEYS if exchange.column(k).short in names]
    _, _, _, keys = pyogrio.raw.read(local, read_geometry=False, columns=shorts)
    (index,) = [i for i in range(len(keys[0])) if reference in (k[i] for k in keys)]
    members[dbf_name] = dbf_set(members[dbf_name], index, exchange.column(column).short, value)
    _rezip(path, members)


def dbf_set(dbf: bytes, index: int, field: str, value: str | None) -> bytes:
    """Record `index` (from 0) with `field` set to `value` (None: blank), written in place and
    padded with spaces to the field's width, as a DBF editor writes it."""
    header_size = int.from_bytes(dbf[8:10], "little")
    record_size = int.from_bytes(dbf[10:12], "little")
    offset, position = 1, 32  # after the record's deletion flag; the first field descriptor
    while dbf[position] != 0x0D:
        name = dbf[position : position + 11].split(b"\0")[0].decode()
        width = dbf[position + 16]
        if name == field:
            break
        offset, position = offset + width, position + 32
    else:
        raise KeyError(field)
    encoded = (value or "").encode()
    assert len(encoded) <= width, f"{field} holds {width} bytes"
    start = header_size + index * record_size + offset
    return dbf[:start] + encoded.ljust(width, b" ") + dbf[start + width :]


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rezip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)


def truncated(path: Path) -> list[dict]:
    """The rows of a zipped Shapefile's truncated.csv."""
    return list(csv.DictReader(io.StringIO(_members(path)["truncated.csv"].decode())))


def truncated_set(path: Path, rows: list[dict] | None) -> Path:
    """The archive with truncated.csv holding `rows` (None: without truncated.csv)."""
    members = _members(path)
    if rows is None:
        del members["truncated.csv"]
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        members["truncated.csv"] = out.getvalue().encode()
    _rezip(path, members)
    return path


EDITORS = {"csv": _edit_csv, "geojson": _edit_geojson, "gpkg": _edit_gpkg,
           "shp.zip": _edit_shapefile}  # fmt: skip
