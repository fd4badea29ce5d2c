"""Exports read a batch of rows at a time (MURA_EXPORT_BATCH_ROWS) and write what PostgreSQL
formats (registry/services/exports/): what a user checks in the file, whatever the batches.
Every row once, in order; the file opens in GDAL; sensitive sites at their cell; each value as
`exchange.to_text` writes it; the GeoPackage's index sound; points without float noise; no
room on the disk a clear answer; nothing heavy loaded to do it."""

import csv
import io
import json
import math
import random
import resource
import signal
import sqlite3
import struct
import zipfile

import pyogrio
import pytest
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKT
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from registry import exchange
from registry.access import public_door
from registry.projection import GENERALISATION
from registry.selectors import site_list_for_staff
from registry.services import exports
from registry.services.exports import X, Y, rtree
from registry.services.exports.labels import code_labels
from tests.factories import HeritageSiteFactory
from tests.procs import database_url, manage

FORMATS = ["csv", "geojson", "gpkg", "shp.zip"]
# S0 exact; S1 in a 0.01° cell, S2 in a 0.1° cell (the centre published), S3 withheld.
PLACES = [("S0", 68.2711235, 43.2977), ("S1", 76.6612, 43.1813), ("S2", 76.9519, 43.238),
          ("S3", 71.43, 51.128), ("S1", 77.1421, 43.8478), ("S0", 67.1175, 48.385),
          ("S2", 51.8833333, 47.0966667)]  # fmt: skip
CELL = {"S1": 0.01, "S2": 0.1}


@pytest.fixture
def sites(db):
    made = [HeritageSiteFactory(published=True, sensitivity=s, location=Point(x, y))
            for s, x, y in PLACES]  # fmt: skip
    made.append(HeritageSiteFactory(sensitivity="S0"))  # a draft: staff exports only
    return made


def download(client, fmt: str, **params) -> bytes:
    response = client.get(reverse("api:site-export", args=[fmt]), params)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def rows_of(content: bytes, fmt: str, tmp_path) -> list[dict]:
    """Every row of the file as GDAL (or csv, json) reads it, in the file's order, under the
    full column names, with the point as (lon, lat) or None."""
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        for row in rows:
            row["point"] = (float(row.pop("lon")), float(row.pop("lat"))) if row["lon"] else None
        return rows
    if fmt == "geojson":
        return [
            f["properties"] | {"point": f["geometry"] and tuple(f["geometry"]["coordinates"])}
            for f in json.loads(content)["features"]
        ]
    path = tmp_path / f"sites.{fmt}"
    path.write_bytes(content)
    meta, table = pyogrio.read_arrow(f"/vsizip/{path}/sites.shp" if fmt == "shp.zip" else path)
    full = {c.short: c.name for c in exchange.COLUMNS} if fmt == "shp.zip" else {}
    geometry = meta["geometry_name"] or "wkb_geometry"
    return [
        {full.get(k, k): v for k, v in row.items() if k != geometry}
        | {"point": _point(row[geometry])}
        for row in table.to_pylist()
    ]


def _point(wkb: bytes | None) -> tuple[float, float] | None:
    return None if wkb is None else struct.unpack("<2d", wkb[5:21])


def reference(row: dict) -> str:
    return row["registry_number"] or row.get("draft_reference")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("who", ["public", "officer"])
def test_a_multi_batch_export_has_every_row_once_in_order_and_opens_in_gdal(
    client, settings, users, sites, tmp_path, fmt, who
):
    if who == "officer":
        client.force_login(users["officer"])
    whole = rows_of(download(client, fmt), fmt, tmp_path)
    settings.MURA_EXPORT_BATCH_ROWS = 2  # 8 sites: four batches, the last one short

    batched = rows_of(download(client, fmt), fmt, tmp_path)

    expected = [s.registry_number for s in sites[:7]]
    if who == "officer":
        expected.append(sites[7].draft_reference)
    assert sorted(map(reference, batched)) == sorted(expected)  # each once, nothing else
    assert batched == whole  # the same rows, values and order as in one batch


@pytest.mark.parametrize("fmt", FORMATS)
def test_sensitive_sites_are_at_their_cell_centre_in_every_batch(
    client, settings, sites, tmp_path, fmt
):
    settings.MURA_EXPORT_BATCH_ROWS = 3

    rows = {r["registry_number"]: r for r in rows_of(download(client, fmt), fmt, tmp_path)}

    for site, (sensitivity, x, y) in zip(sites, PLACES, strict=False):
        row = rows[site.registry_number]
        assert row["location_generalisation"] == GENERALISATION[sensitivity]
        if sensitivity == "S3":
            assert row["point"] is None
        elif sensitivity == "S0":
            assert row["point"] == pytest.approx((x, y), abs=1e-6)
        else:
            size = CELL[sensitivity]
            centre = [(math.floor(v / size) + 0.5) * size for v in (x, y)]
            assert row["point"] == pytest.approx(centre, abs=1e-9), site.registry_number
            assert row["point"] != pytest.approx((x, y), abs=size / 20)


@pytest.fixture
def awkward(db):
    """A draft whose every text is awkward for some format."""
    return HeritageSiteFactory(
        name_kk='Қожа "Ахмет", Ясауи\nкесенесі',
        name_ru="=HYPERLINK(1)",
        name_en="-minus, and\r\nbreaks",
        description_en="@mention\ttab",
        description_ru="+plus",
        alt_names=["A; B", 'Тамғалы "C"'],
        dating_note="\tleading tab",
        boundary=MultiPolygon(Polygon.from_bbox((68.27, 43.29, 68.28, 43.30)), srid=4326),
        unesco_id=1103,
        location_approximate=True,
        date_from=-500,
    )


def _old_rows(user) -> list[tuple]:
    """The staff export's values as the ORM gives them (the exports before PostgreSQL wrote
    their text): each stored column, then lon and lat."""
    columns = exchange.columns_for(exact=True, staff=True)
    paths = [c.query_path for c in columns if c.field not in exchange.COMPUTED]
    sites = site_list_for_staff(user=user).annotate(export_boundary=AsWKT("boundary"))
    return list(
        sites.annotate(export_lon=X("location"), export_lat=Y("location"))
        .order_by("reference")
        .values_list(*paths, "export_lon", "export_lat")
    )


def _values(row: tuple) -> dict:
    columns = exchange.columns_for(exact=True, staff=True)
    stored = [c for c in columns if c.field not in exchange.COMPUTED]
    values = dict(zip((c.name for c in stored), row, strict=False))
    values["location_generalisation"] = GENERALISATION[values["sensitivity"]]
    values["geometry_withheld"] = row[-2] is None
    return {c: values[c.name] for c in columns}


def test_csv_text_is_what_the_csv_module_writes_from_exchange_to_text(
    client, officer, awkward, sites
):
    """The SQL writing each field is the double of `exchange.to_text`, `neutralise` and
    csv.writer: the file is byte for byte what they make from the ORM's values."""
    client.force_login(officer)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = exchange.columns_for(exact=True, staff=True)
    writer.writerow([*exchange.csv_names(columns), "lon", "lat"])
    with translation.override(settings.LANGUAGE_CODE):  # the request's: no Accept-Language
        labels = code_labels(list(exchange.LABELLED))
    for row in _old_rows(officer):
        values = []
        for c, v in _values(row).items():
            values.append(exchange.neutralise(exchange.to_text(c, v)))
            if c.name in exchange.LABELLED:  # the code's label beside it
                values.append(exchange.neutralise(labels[c.name].get(v, "")))
        writer.writerow(values + [round(row[-2], 7), round(row[-1], 7)])

    assert download(client, "csv").decode() == "\ufeff" + buffer.getvalue()


def test_geojson_is_what_json_dumps_writes(client, officer, awkward, sites):
    client.force_login(officer)
    features = []
    for row in _old_rows(officer):
        properties = {
            c.name: v if c.type in (exchange.INT, exchange.BOOL) else exchange.to_text(c, v)
            for c, v in _values(row).items()
        }
        point = {"type": "Point", "coordinates": [round(row[-2], 7), round(row[-1], 7)]}
        feature = {
            "type": "Feature",
            "id": properties["registry_number"] or properties["draft_reference"],
            "geometry": point,
            "properties": properties,
        }
        features.append(json.dumps(feature, ensure_ascii=False))  # fmt: skip

    expected = '{"type": "FeatureCollection", "features": [\n' + ",\n".join(features) + "\n]}\n"
    assert download(client, "geojson").decode() == expected
    assert '"alt_names": "[\\"A; B\\", \\"Тамғалы \\\\\\"C\\\\\\"\\"]"' in expected


@pytest.mark.parametrize(("fmt", "who"), [(f, w) for f in ("gpkg", "shp.zip")
                                          for w in ("public", "officer")])  # fmt: skip
def test_file_points_have_the_stated_decimals_as_doubles(client, users, sites, tmp_path, fmt, who):
    """The doubles in the file, not GDAL's printing of them: 76.665, not 76.66499999999999."""
    digits = 6
    if who == "officer":
        client.force_login(users["officer"])
        digits = 7

    points = [r["point"] for r in rows_of(download(client, fmt), fmt, tmp_path) if r["point"]]

    assert len(points) >= 6
    for value in (v for point in points for v in point):
        assert len(repr(value).partition(".")[2]) <= digits, repr(value)


def test_the_geopackage_index_finds_every_site_and_sqlite_checks_it(client, sites, tmp_path):
    path = tmp_path / "sites.gpkg"
    path.write_bytes(download(client, "gpkg"))

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone() == (0x47504B47,)
        assert db.execute("PRAGMA user_version").fetchone() == (10300,)
        assert db.execute("SELECT rtreecheck('rtree_sites_geom')").fetchone() == ("ok",)
        indexed = dict(db.execute("SELECT id, minx FROM rtree_sites_geom"))
        located = db.execute("SELECT fid FROM sites WHERE geom IS NOT NULL").fetchall()
        counted = db.execute("SELECT feature_count FROM gpkg_ogr_contents").fetchone()

    assert sorted(indexed) == sorted(fid for (fid,) in located)
    assert len(indexed) == 6  # S3 has no point
    assert counted == (7,)
    _, _, geometry, _ = pyogrio.raw.read(path, bbox=(76.9, 43.2, 77.0, 43.3))
    assert len(geometry) == 1  # GDAL's spatial filter, through the index: the S2 site's cell


@pytest.mark.parametrize("count", [0, 1, 51, 52, 2_651, 6_000])
def test_a_packed_index_is_one_sqlite_checks_and_finds_every_point_in(tmp_path, count):
    """The R*Tree written node by node (rtree.py): one leaf, two, three levels; SQLite's own
    check passes, a box finds what a scan finds, and SQLite can go on editing it."""
    randomly = random.Random(count)
    points = [(i + 1, randomly.uniform(46, 88), randomly.uniform(40, 56)) for i in range(count)]
    points += [(count + 1 + i, 68.5, 43.25) for i in range(3 if count else 0)]  # one place
    db = sqlite3.connect(tmp_path / "index.sqlite")
    db.execute("CREATE VIRTUAL TABLE idx USING rtree(id, minx, maxx, miny, maxy)")
    db.execute("CREATE TEMP TABLE points (id INTEGER PRIMARY KEY, x REAL, y REAL)")
    db.executemany("INSERT INTO temp.points VALUES (?, ?, ?)", points)

    rtree.pack(db, "idx", "SELECT id, x, y FROM temp.points ORDER BY x")

    assert db.execute("SELECT rtreecheck('idx')").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM idx").fetchone() == (len(points),)
    for _ in range(20):
        west, south = randomly.uniform(46, 87), randomly.uniform(40, 55)
        box = (west, south, west + randomly.uniform(0, 2), south + randomly.uniform(0, 2))
        found = {i for (i,) in db.execute(
            "SELECT id FROM idx WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?",
            (box[0], box[2], box[1], box[3]))}  # fmt: skip
        assert found == {i for i, x, y in points if box[0] <= x <= box[2] and box[1] <= y <= box[3]}
    db.execute("INSERT INTO idx VALUES (?, 50, 50, 45, 45)", (len(points) + 10,))
    db.execute("DELETE FROM idx WHERE id IN (1, 2)")
    assert db.execute("SELECT rtreecheck('idx')").fetchone() == ("ok",)


def test_the_shapefile_archive_is_sound_and_its_dbf_counts_its_records(client, sites, tmp_path):
    """The DBF goes into the archive as it is written: its declared size, CRC and header must
    agree with what was written."""
    archive = zipfile.ZipFile(io.BytesIO(download(client, "shp.zip")))

    assert archive.testzip() is None
    dbf = archive.read("sites.dbf")
    records, header_size, record_size = struct.unpack("<IHH", dbf[4:12])
    assert records == 7
    assert len(dbf) == header_size + records * record_size + 1
    assert dbf[-1:] == b"\x1a"
    assert archive.namelist() == ["sites.cpg", "sites.dbf", "sites.prj", "sites.shp",
                                  "sites.shx", "README.txt"]  # fmt: skip


@pytest.mark.parametrize("chunks", [exports.csv_chunks, exports.geojson_chunks])
def test_an_abandoned_download_leaves_no_cursor_open(client, sites, settings, chunks):
    """A client that goes away closes the response's generator mid-way: its cursor and
    savepoint go with it, and the connection serves the next request."""
    settings.MURA_EXPORT_BATCH_ROWS = 2
    sent = chunks(public_door().sites, geometry="public_location", exact=False)
    next(sent), next(sent), next(sent)

    sent.close()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE 'mura_export%%'")
        assert cursor.fetchone() == (0,)
    assert download(client, "csv").count(b"\r\n") == 8  # header and the 7 published sites


class _Limited:
    """Files this process writes may not grow past `size` bytes, as a full disk refuses them
    (a write fails with EFBIG rather than the process getting SIGXFSZ)."""

    def __init__(self, size: int):
        self.size = size

    def __enter__(self):
        self.limits = resource.getrlimit(resource.RLIMIT_FSIZE)
        self.signal = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.size, self.limits[1]))

    def __exit__(self, *exc):
        resource.setrlimit(resource.RLIMIT_FSIZE, self.limits)
        signal.signal(signal.SIGXFSZ, self.signal)


# A GeoPackage's tables take more than 64 KB before a row; a zipped Shapefile of the sites
# below (compressed) about 3 KB.
ROOM = {"gpkg": 64 * 1024, "shp.zip": 1024}


@pytest.mark.parametrize("fmt", ["gpkg", "shp.zip"])
def test_no_room_for_the_file_is_a_507_naming_the_export_and_leaves_nothing(
    client, sites, tmp_path, monkeypatch, fmt
):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    request = reverse("api:site-export", args=[fmt])

    with _Limited(ROOM[fmt]):
        response = client.get(request, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 507
    assert "no room to write this export" in response.json()["errors"]["export"][0]
    assert list(tmp_path.glob("mura-export-*")) == []


def test_no_room_for_the_commands_file_is_a_command_error(sites, tmp_path):
    with _Limited(1024), pytest.raises(CommandError, match="no room on the disk"):
        call_command("export_sites", tmp_path / "all.csv", "--public")


def test_exporting_loads_neither_arrow_nor_gdal_bindings(db, tmp_path):
    """What keeps an export's memory near the process's own: every format written with the
    standard library (and numpy, which Django's apps load already)."""
    code = (
        "import sys\n"
        "from registry.access import public_door\n"
        "from registry.services import exports\n"
        "sites = public_door().sites\n"
        "for fmt in ('gpkg', 'shp.zip'):\n"
        "    exports.export_file(sites, fmt, geometry='public_location', exact=False)\n"
        "for chunks in (exports.csv_chunks, exports.geojson_chunks):\n"
        "    list(chunks(sites, geometry='public_location', exact=False))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pyarrow', 'pyogrio', 'osgeo',"
        " 'fiona', 'pandas'}))\n"
    )
    env = {"DATABASE_URL": database_url(connection.settings_dict), "TMPDIR": str(tmp_path)}

    done = manage(["shell", "-c", code], env)

    assert done.stdout.strip().splitlines()[-1] == "[]"
