"""Coordinate references checked by Mura before GDAL sees a file.

A file may only name an allow-listed EPSG code (registry/geometry.py ALLOWED_SRIDS): never a
link, a URL, a path, a `file:` or `/vsi...` name, nor a definition GDAL would have to resolve.
GeoJSON is parsed here (its nesting depth checked first, without recursion), every `crs` member
at every level is looked at; a GeoPackage's `gpkg_spatial_ref_sys` is read with sqlite3; a
Shapefile's .prj must be plain WKT. GDAL itself is offline too (heritage/gdal_offline.py).
"""

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

from django.utils.translation import gettext as _

from registry.geometry import ALLOWED_SRIDS, WGS84
from registry.services.imports.report import ImportRefused

MAX_DEPTH = 32  # a FeatureCollection of MultiPolygons needs 8; json-c (GDAL's parser) stops at 32
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_EPSG_NAME = re.compile(r"(?:EPSG:|urn:ogc:def:crs:EPSG:(?:\d+(?:\.\d+)*)?:)(\d{4,5})")
_CRS84 = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84"}
# What must never be in a definition GDAL reads: any scheme, a GDAL virtual path, a file name.
_REMOTE = re.compile(r"://|\bfile:|/vsi|\bhttps?:|\burn:|^\s*[/\\.~]", re.IGNORECASE)
_WKT = re.compile(r"\s*(PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS|PROJECTEDCRS|GEOGRAPHICCRS)\[", re.I)

ACCEPTED = "EPSG:" + ", EPSG:".join(str(s) for s in sorted(ALLOWED_SRIDS))
NAME_FORM = '{"type": "name", "properties": {"name": "EPSG:4326"}}'


def nesting_depth(data: bytes, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of JSON arrays and objects, outside strings; stops above `limit`."""
    depth = deepest = 0
    for token in _TOKENS.finditer(data):
        mark = token.group()[:1]
        if mark in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif mark in (b"]", b"}"):
            depth -= 1
    return deepest


def _crs_members(node: object, where: str):
    """(where, value) of every `crs` member, at any level (a Feature's properties are data)."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}.{key}" if where else key
            if key == "crs":
                yield here, value
            elif not (key == "properties" and node.get("type") == "Feature"):
                yield from _crs_members(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _crs_members(value, f"{where}[{index}]")


def _named_srid(crs: object) -> int | None:
    """The EPSG code a `crs` member names in one of the accepted forms, else None."""
    if not isinstance(crs, dict) or set(crs) != {"type", "properties"}:
        return None
    kind, properties = crs["type"], crs["properties"]
    if not isinstance(properties, dict):
        return None
    if kind == "name" and set(properties) == {"name"} and isinstance(properties["name"], str):
        name = properties["name"].strip()
        if name in _CRS84:
            return WGS84
        match = _EPSG_NAME.fullmatch(name)
        return int(match.group(1)) if match else None
    if kind == "EPSG" and set(properties) == {"code"} and isinstance(properties["code"], int):
        return properties["code"]  # the 2008 GeoJSON form
    return None


def geojson_srid(path: Path) -> int:
    """The one EPSG code a GeoJSON file's `crs` members name (lon/lat if none), or a refusal
    naming the member."""
    data = path.read_bytes()
    if nesting_depth(data) > MAX_DEPTH:
        raise ImportRefused(
            _("the GeoJSON is nested more than %(depth)d levels deep; no GeoJSON needs that.")
            % {"depth": MAX_DEPTH}
        )
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise ImportRefused(
            _("the file is not valid GeoJSON (%(error)s).") % {"error": error}
        ) from None
    if not isinstance(document, dict) or document.get("type") not in (
        "FeatureCollection",
        "Feature",
    ):
        raise ImportRefused(_("the file is not a GeoJSON FeatureCollection or Feature."))
    srid = _named_srid(document["crs"]) if "crs" in document else WGS84
    for where, crs in _crs_members(document, ""):
        named = _named_srid(crs)
        if named is None or named not in ALLOWED_SRIDS:
            raise ImportRefused(
                _(
                    "the crs member at %(where)s is not accepted: a file may only name one of"
                    " %(accepted)s, as %(form)s; never a link, URL or file."
                ) % {"where": where, "accepted": ACCEPTED, "form": NAME_FORM}
            )  # fmt: skip
        if named != srid:
            raise ImportRefused(
                _(
                    "the crs member at %(where)s names EPSG:%(named)s, the file's is"
                    " EPSG:%(srid)s: one coordinate reference per file."
                ) % {"where": where, "named": named, "srid": srid}
            )  # fmt: skip
    return srid


def gpkg_check(path: Path) -> None:
    """Every spatial reference in `gpkg_spatial_ref_sys`: no URL, path or scheme anywhere GDAL
    reads; those the layers use must be allow-listed EPSG codes with a WKT definition."""
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            columns = {row[1] for row in db.execute("PRAGMA table_info(gpkg_spatial_ref_sys)")}
            wkt2 = ", definition_12_063" if "definition_12_063" in columns else ", ''"
            rows = db.execute(
                f"SELECT srs_id, organization, organization_coordsys_id, definition{wkt2}"
                " FROM gpkg_spatial_ref_sys"
            ).fetchall()
            used = {row[0] for row in db.execute("SELECT srs_id FROM gpkg_geometry_columns")}
    except sqlite3.Error as error:
        message = _("the GeoPackage cannot be read (%(error)s).") % {"error": error}
        raise ImportRefused(message) from None
    for srs_id, organization, code, definition, definition_wkt2 in rows:
        where = f"gpkg_spatial_ref_sys (srs_id {srs_id})"
        texts = [str(organization or ""), str(definition or ""), str(definition_wkt2 or "")]
        if any(_REMOTE.search(text) for text in texts):
            raise ImportRefused(
                _("%(where)s names a URL or a file; only %(accepted)s are accepted.")
                % {"where": where, "accepted": ACCEPTED}
            )
        if srs_id not in used or srs_id in (-1, 0):
            continue
        epsg = str(organization or "").strip().upper() == "EPSG" and code in ALLOWED_SRIDS
        if not epsg or not (_WKT.match(str(definition or "")) or definition_wkt2):
            raise ImportRefused(
                _("%(where)s is %(crs)s; only %(accepted)s are accepted.")
                % {"where": where, "crs": f"{organization}:{code}", "accepted": ACCEPTED}
            )


def prj_check(path: Path) -> None:
    """A Shapefile's .prj, if any: plain WKT, naming no URL or file (its code is checked after)."""
    if not path.exists():
        return
    text = path.read_bytes()[:65536].decode("utf-8", "replace")
    if _REMOTE.search(text) or not _WKT.match(text):
        raise ImportRefused(
            _("the .prj is not a plain WKT coordinate reference; only %(accepted)s are accepted.")
            % {"accepted": ACCEPTED}
        )
