"""GeoPackage exports, written with Python's sqlite3 as GDAL writes them (version 1.3).

A GeoPackage is an SQLite database with a few tables of its own (OGC 12-128r18): the layer
`sites` (`fid`, `geom`, one column per exchange column), `gpkg_spatial_ref_sys`,
`gpkg_contents`, `gpkg_geometry_columns`, and the spatial index `rtree_sites_geom` with its
triggers (the "gpkg_rtree_index" extension), plus GDAL's `gpkg_ogr_contents` (the feature
count). PostgreSQL writes each point as a GeoPackage geometry (a header naming EPSG:4326, then
WKB); the rows of a batch go into SQLite in one `executemany`, through a view whose trigger also
keeps the point for the index, packed at the end (rtree.py).

Version 1.3: GDAL 3.6 and QGIS 3.28 (LTR in many offices) warn on a 1.4 file, though nothing
in it needs 1.4.
"""

import datetime
import sqlite3
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from registry import exchange
from registry.services.exports import rtree, statement
from registry.services.exports.text import decimals

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300  # 1.3.0
LAYER, GEOMETRY = "sites", "geom"
INDEX = f"rtree_{LAYER}_{GEOMETRY}"
# Declared types as GDAL declares them: MEDIUMINT is the GeoPackage's 32-bit integer.
TYPES = {exchange.INT: "MEDIUMINT", exchange.BOOL: "BOOLEAN", exchange.DATE: "DATE"}
# GeoPackage binary header: "GP", version 0, flags 1 (little-endian, no envelope), SRS 4326.
HEADER = "'\\x47500001e6100000'::bytea"
WGS84 = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
REFERENCE_SYSTEMS = [
    ("Undefined Cartesian SRS", -1, "NONE", -1, "undefined",
     "undefined Cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined",
     "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", 4326, "EPSG", 4326, WGS84,
     "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
]  # fmt: skip
SCHEMA = f"""
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_ogr_contents (table_name TEXT NOT NULL PRIMARY KEY,
  feature_count INTEGER DEFAULT NULL);
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
  m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE VIRTUAL TABLE "{INDEX}" USING rtree(id, minx, maxx, miny, maxy);
"""
# The spec's triggers keeping the index in step with later edits (GeoPackage 1.3, annex F.3),
# and GDAL's keeping the feature count; made after the rows are in (they call ST_ functions
# that GDAL, not SQLite, defines).
ROW = f'NEW."fid", ST_MinX(NEW."{GEOMETRY}"), ST_MaxX(NEW."{GEOMETRY}"), ST_MinY(NEW."{GEOMETRY}"), ST_MaxY(NEW."{GEOMETRY}")'  # noqa: E501 (one SQL expression)
HAS = f'(NEW."{GEOMETRY}" NOT NULL AND NOT ST_IsEmpty(NEW."{GEOMETRY}"))'
HAS_NOT = f'(NEW."{GEOMETRY}" ISNULL OR ST_IsEmpty(NEW."{GEOMETRY}"))'
TRIGGERS = f"""
CREATE TRIGGER "{INDEX}_insert" AFTER INSERT ON "{LAYER}" WHEN {HAS}
BEGIN INSERT OR REPLACE INTO "{INDEX}" VALUES ({ROW}); END;
CREATE TRIGGER "{INDEX}_update1" AFTER UPDATE OF "{GEOMETRY}" ON "{LAYER}"
WHEN OLD."fid" = NEW."fid" AND {HAS}
BEGIN INSERT OR REPLACE INTO "{INDEX}" VALUES ({ROW}); END;
CREATE TRIGGER "{INDEX}_update2" AFTER UPDATE OF "{GEOMETRY}" ON "{LAYER}"
WHEN OLD."fid" = NEW."fid" AND {HAS_NOT}
BEGIN DELETE FROM "{INDEX}" WHERE id = OLD."fid"; END;
CREATE TRIGGER "{INDEX}_update3" AFTER UPDATE ON "{LAYER}" WHEN OLD."fid" != NEW."fid" AND {HAS}
BEGIN DELETE FROM "{INDEX}" WHERE id = OLD."fid";
INSERT OR REPLACE INTO "{INDEX}" VALUES ({ROW}); END;
CREATE TRIGGER "{INDEX}_update4" AFTER UPDATE ON "{LAYER}" WHEN OLD."fid" != NEW."fid" AND {HAS_NOT}
BEGIN DELETE FROM "{INDEX}" WHERE id IN (OLD."fid", NEW."fid"); END;
CREATE TRIGGER "{INDEX}_delete" AFTER DELETE ON "{LAYER}" WHEN old."{GEOMETRY}" NOT NULL
BEGIN DELETE FROM "{INDEX}" WHERE id = OLD."fid"; END;
CREATE TRIGGER "trigger_insert_feature_count_{LAYER}" AFTER INSERT ON "{LAYER}"
BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count + 1
WHERE lower(table_name) = lower('{LAYER}'); END;
CREATE TRIGGER "trigger_delete_feature_count_{LAYER}" AFTER DELETE ON "{LAYER}"
BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count - 1
WHERE lower(table_name) = lower('{LAYER}'); END;
"""
RTREE_EXTENSION = "http://www.geopackage.org/spec120/#extension_rtree"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def geopackage_sql(sites: QuerySet, *, geometry: str, exact: bool, staff: bool):
    """Rows of (fid, each column's value, the GeoPackage geometry, x, y)."""
    columns = exchange.columns_for(exact=exact, staff=staff)
    inner, params = statement.inner(sites, columns, geometry=geometry)
    x, y = statement.point_sql(decimals(exact=exact))
    values = ", ".join(statement.value_sql(c) for c in columns)
    point = f"{HEADER} || ST_AsBinary(ST_Point({x}, {y}), 'NDR')"
    sql = f"SELECT row_number() OVER (), {values}, {point}, {x}, {y} FROM ({inner}) e"
    return sql, params


def _create(db: sqlite3.Connection, columns: list[exchange.Column]) -> None:
    """The GeoPackage's tables, and the temporary view the rows are loaded through (out of any
    transaction: `executescript` commits the pending one first)."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {USER_VERSION}")
    try:
        db.executescript(SCHEMA)
    except sqlite3.OperationalError as exc:
        if "rtree" not in str(exc):
            raise
        raise ImproperlyConfigured(
            "GeoPackage exports need SQLite's R*Tree module (SQLITE_ENABLE_RTREE), which this"
            f" Python's sqlite3 lacks: {exc}"
        ) from exc
    fields = ", ".join(f"{_quoted(c.name)} {TYPES.get(c.type, 'TEXT')}" for c in columns)
    db.execute(
        f'CREATE TABLE "{LAYER}" ("fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,'
        f' "{GEOMETRY}" POINT, {fields})'
    )
    db.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", REFERENCE_SYSTEMS)
    # Each row's point for the index, in SQLite's own temporary file (gone when it closes).
    db.execute("CREATE TEMP TABLE points (id INTEGER PRIMARY KEY, x REAL, y REAL)")
    names = ["fid", *(f"c{i}" for i in range(len(columns))), "geom", "x", "y"]
    layer_names = ", ".join(["fid", GEOMETRY] + [_quoted(c.name) for c in columns])
    new = ", ".join(["NEW.fid", "NEW.geom"] + [f"NEW.c{i}" for i in range(len(columns))])
    db.execute(
        f"CREATE TEMP VIEW load ({', '.join(names)}) AS SELECT {', '.join(['NULL'] * len(names))}"
    )
    db.execute(
        f"CREATE TEMP TRIGGER load_row INSTEAD OF INSERT ON load BEGIN"
        f' INSERT INTO "{LAYER}" ({layer_names}) VALUES ({new});'
        f" INSERT INTO points SELECT NEW.fid, NEW.x, NEW.y WHERE NEW.x IS NOT NULL; END"
    )


def write_geopackage(
    sites: QuerySet, path: Path, *, geometry: str, exact: bool, staff: bool = False
) -> None:
    """The sites as the layer `sites` of a new GeoPackage at `path`."""
    columns = exchange.columns_for(exact=exact, staff=staff)
    sql, params = geopackage_sql(sites, geometry=geometry, exact=exact, staff=staff)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        # A new file nobody reads before it is complete: no journal, no syncs (a failure
        # deletes it). Temporary tables and sorts go to SQLite's unlinked temporary files.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        _create(db, columns)
        db.execute("BEGIN")
        placeholders = ", ".join(["?"] * (len(columns) + 4))

        def load(rows: list[tuple]) -> int:  # in the helper thread (statement.pipelined)
            db.executemany(f"INSERT INTO temp.load VALUES ({placeholders})", rows)
            return len(rows)

        count = sum(statement.pipelined(statement.batches(sql, params, using=sites.db), load))
        rtree.pack(db, INDEX, "SELECT id, x, y FROM temp.points ORDER BY x")
        _describe(db, count)
        db.execute("COMMIT")
        db.executescript(TRIGGERS)
    finally:
        db.close()
        statement.release()  # SQLite's caches and sorts, freed by close


def _describe(db: sqlite3.Connection, count: int) -> None:
    extent = db.execute("SELECT min(x), min(y), max(x), max(y) FROM temp.points").fetchone()
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    db.execute(
        "INSERT INTO gpkg_contents VALUES (?, 'features', ?, '', ?, ?, ?, ?, ?, 4326)",
        (LAYER, LAYER, now, *extent),
    )
    db.execute("INSERT INTO gpkg_geometry_columns VALUES (?, ?, 'POINT', 4326, 0, 0)",
               (LAYER, GEOMETRY))  # fmt: skip
    db.execute("INSERT INTO gpkg_ogr_contents VALUES (?, ?)", (LAYER, count))
    db.execute(
        "INSERT INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', ?, 'write-only')",
        (LAYER, GEOMETRY, RTREE_EXTENSION),
    )
