"""No file may make Mura open a network connection or read a file it was not given.

A listener on loopback stands in for any server a file could name: it must receive nothing,
and its reply must never reach a message. Each file is refused whole, naming where the
coordinate reference was, before GDAL sees it; GDAL itself is configured offline too.
"""

import json
import socket
import sqlite3
import threading
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import HeritageSite
from registry.services.imports import ImportRefused
from tests.imports.files import GOOD, gpkg, shp_zip
from tests.imports.test_imports import run
from tests.officer.test_officer_flow import client_for

REPLY = "LISTENER-REPLY-TEXT"


@pytest.fixture
def listener():
    """A TCP server on an ephemeral loopback port; `.connections` lists what reached it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    connections, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    connections.append(conn.recv(4096))
                except OSError:
                    connections.append(b"")
                reply = f"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n{REPLY}"
                conn.sendall(reply.encode())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield SimpleNamespace(
        url=f"http://127.0.0.1:{server.getsockname()[1]}", connections=connections
    )
    stop.set()
    thread.join()
    server.close()


def _link(url):
    return {"type": "link", "properties": {"href": url, "type": "proj4"}}


def _name(name):
    return {"type": "name", "properties": {"name": name}}


def _feature(crs_at=None, crs=None, geometry=None):
    geometry = geometry or {"type": "Point", "coordinates": list(GOOD[0]["lonlat"])}
    feature = {"type": "Feature", "properties": {"name_kk": "Отырар"}, "geometry": geometry}
    if crs_at == "feature":
        feature["crs"] = crs
    if crs_at == "geometry":
        feature["geometry"] = geometry | {"crs": crs}
    return feature


def _collection_member(crs):
    point = {"type": "Point", "coordinates": list(GOOD[0]["lonlat"]), "crs": crs}
    return _feature(geometry={"type": "GeometryCollection", "geometries": [point]})


def geojson_cases(url):
    """(label, document): a reference to `url` at every place a GeoJSON reader might look."""
    top = lambda crs: {"type": "FeatureCollection", "crs": crs, "features": [_feature()]}  # noqa: E731
    return {
        "top-level link": top(_link(url)),
        "top-level name URL": top(_name(url + "/crs")),
        "top-level name file": top(_name("file:///etc/passwd")),
        "top-level name path": top(_name("/etc/passwd")),
        "top-level name urn with a URL": top(_name(f"urn:ogc:def:crs:{url}/x")),
        "top-level name vsicurl": top(_name(f"/vsicurl/{url}/crs.prj")),
        "top-level opengis URL": top(_name(f"{url}/def/crs/EPSG/0/4326")),
        "top-level link beside an allowed name": top(
            {"type": "name", "properties": {"name": "EPSG:4326", "href": url}} | _link(url)
        ),
        "feature link": {
            "type": "FeatureCollection",
            "features": [_feature("feature", _link(url))],
        },
        "geometry link": {
            "type": "FeatureCollection",
            "features": [_feature("geometry", _link(url))],
        },  # fmt: skip
        "geometry name URL": {
            "type": "FeatureCollection",
            "features": [_feature("geometry", _name(url))],
        },  # fmt: skip
        "geometry in a collection": {
            "type": "FeatureCollection",
            "features": [_collection_member(_link(url))],
        },  # fmt: skip
        "a lone feature": _feature("feature", _link(url)),
        "second feature only": {
            "type": "FeatureCollection",
            "features": [_feature(), _feature("geometry", _link(url))],
        },  # fmt: skip
    }


CASES = sorted(geojson_cases("http://x"))


@pytest.mark.parametrize("case", CASES)
def test_a_geojson_naming_a_remote_or_local_crs_is_refused_and_nothing_is_fetched(
    people, tmp_path, listener, case
):
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps(geojson_cases(listener.url)[case]))

    with pytest.raises(ImportRefused) as refused:
        run(path, people["officer_in"], dry_run=True)

    message = str(refused.value)
    assert "crs" in message
    assert "EPSG" in message  # says what is accepted
    assert REPLY not in message
    assert listener.connections == []
    assert not HeritageSite.objects.exists()


def test_the_form_refuses_it_with_a_400_naming_the_member(people, tmp_path, listener):
    document = geojson_cases(listener.url)["geometry link"]
    upload = SimpleUploadedFile("sites.geojson", json.dumps(document).encode())

    response = client_for(people["officer_in"]).post(reverse("registry:site-import"),
                                                     {"file": upload})  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 400
    assert "features[0].geometry.crs" in page
    assert REPLY not in page
    assert listener.connections == []


@pytest.mark.parametrize(
    "name", ["EPSG:4326", "urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:OGC:1.3:CRS84",
             "EPSG:32642"],
)  # fmt: skip
def test_an_allowed_crs_name_is_accepted(people, tmp_path, name):
    lonlat = GOOD[0]["lonlat"]
    if name == "EPSG:32642":
        from django.contrib.gis.geos import Point

        lonlat = Point(*lonlat, srid=4326).transform(32642, clone=True).coords
    feature = {"type": "Feature", "properties": {"name_kk": "Отырар", "name_en": "Otrar",
                              "category": "archaeology", "significance": "local"},
               "geometry": {"type": "Point", "coordinates": list(lonlat)}}  # fmt: skip
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": _name(name),
                                "features": [feature]}))  # fmt: skip

    report = run(path, people["officer_in"], dry_run=True)

    assert report.ok, report.problems
    assert report.accepted == 1


def _gpkg_srs(path, **columns):
    with sqlite3.connect(path) as db:
        sets = ", ".join(f"{column} = ?" for column in columns)
        db.execute(f"UPDATE gpkg_spatial_ref_sys SET {sets} WHERE srs_id = 4326",
                   list(columns.values()))  # fmt: skip
    return path


@pytest.mark.parametrize("case", ["definition URL", "organization URL", "definition file"])
def test_a_geopackage_whose_srs_names_a_url_is_refused(people, tmp_path, listener, case):
    columns = {
        "definition URL": {"definition": listener.url + "/srs"},
        "organization URL": {"organization": listener.url, "definition": "undefined"},
        "definition file": {"definition": "file:///etc/passwd"},
    }[case]
    path = _gpkg_srs(gpkg(tmp_path / "sites.gpkg"), **columns)

    with pytest.raises(ImportRefused) as refused:
        run(path, people["officer_in"], dry_run=True)

    assert "gpkg_spatial_ref_sys" in str(refused.value)
    assert REPLY not in str(refused.value)
    assert listener.connections == []


def test_a_shapefile_prj_naming_a_url_is_refused(people, tmp_path, listener):
    source = shp_zip(tmp_path / "good.zip")
    path = tmp_path / "sites.zip"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for member in zin.infolist():
            data = zin.read(member)
            if member.filename.endswith(".prj"):
                data = f'PROJCS["x",AUTHORITY["{listener.url}/prj","1"]]'.encode()
            zout.writestr(member, data)

    with pytest.raises(ImportRefused) as refused:
        run(path, people["officer_in"], dry_run=True)

    assert ".prj" in str(refused.value)
    assert listener.connections == []


def test_gdal_itself_opens_no_network_resource(listener, tmp_path):
    """Behind the checks above: GDAL in this (Django) process is configured offline, so even a
    file that reached it, or a /vsicurl/ path, makes no connection."""
    import pyogrio

    from heritage.gdal_offline import gdal_network_off

    gdal_network_off()  # what the importer does before it first calls pyogrio
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps(geojson_cases(listener.url)["top-level link"]))

    pyogrio.read_info(path)  # the link is not followed; GDAL falls back to lon/lat
    with pytest.raises(pyogrio.errors.DataSourceError):
        pyogrio.read_info(f"/vsicurl/{listener.url}/sites.geojson")

    assert listener.connections == []


def test_geodjango_refuses_a_geojson_geometry_with_an_external_crs(listener):
    """Why gis.W001 may stay silenced (heritage/settings.py): GeoDjango's own GDAL (3.6) never
    resolves a crs link in a geometry a form or the API receives."""
    from django.contrib.gis.geos import GEOSGeometry
    from django.core.exceptions import SuspiciousOperation

    for crs in (_link(listener.url), _name(listener.url)):
        geometry = {"type": "Point", "coordinates": [68.3, 42.85], "crs": crs}
        with pytest.raises(SuspiciousOperation, match="external CRS"):
            GEOSGeometry(json.dumps(geometry))
    assert listener.connections == []
