"""Exports read back with GDAL (pyogrio) and compared; formulas neutralised; the projection."""

import csv
import io
import json
import tempfile
import zipfile

import pyogrio
import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import DataError
from django.urls import reverse

from registry import exchange
from registry.selectors import site_list_public
from registry.services import exports
from tests.factories import HeritageSiteFactory


@pytest.fixture
def sites(db):
    return [
        HeritageSiteFactory(published=True, sensitivity="S0", location=Point(68.2711, 43.2977),
                            name_kk="=HYPERLINK(\"http://evil\")", date_from=-500),
        HeritageSiteFactory(published=True, sensitivity="S2", location=Point(76.9519, 43.2380)),
        HeritageSiteFactory(published=True, sensitivity="S3", location=Point(71.43, 51.128)),
        HeritageSiteFactory(sensitivity="S0"),  # a draft
    ]  # fmt: skip


def download(client, fmt: str, **params) -> bytes:
    response = client.get(reverse("api:site-export", args=[fmt]), params)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def read_back(path) -> dict[str, tuple]:
    meta, _, geometry, fields = pyogrio.raw.read(path)
    names = meta["fields"].tolist()
    key = "registry_number" if "registry_number" in names else "reg_number"
    numbers = fields[names.index(key)]
    return {n: g for n, g in zip(numbers, geometry, strict=True)}


@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_an_export_read_back_with_gdal_has_every_published_site_at_its_public_point(
    client, sites, tmp_path, fmt
):
    path = tmp_path / f"sites.{fmt}"
    path.write_bytes(download(client, fmt))

    got = read_back(path)

    assert set(got) == {s.registry_number for s in sites[:3]}
    points = {n: pyogrio_point(g) for n, g in got.items()}
    assert points[sites[0].registry_number] == pytest.approx((68.2711, 43.2977))
    assert points[sites[1].registry_number] == pytest.approx((76.95, 43.25))
    assert points[sites[2].registry_number] is None  # S3: no public point


def test_a_zipped_shapefile_holds_a_readable_layer(client, sites, tmp_path):
    archive = tmp_path / "sites.shp.zip"
    archive.write_bytes(download(client, "shp.zip"))

    assert {"sites.shp", "sites.dbf", "sites.prj"} <= set(zipfile.ZipFile(archive).namelist())
    assert len(read_back(f"/vsizip/{archive}/sites.shp")) == 3


def test_csv_neutralises_formulas(client, sites):
    rows = list(csv.DictReader(io.StringIO(download(client, "csv").decode("utf-8-sig"))))

    names = {row["registry_number"]: row["name_kk"] for row in rows}
    assert names[sites[0].registry_number] == '\'=HYPERLINK("http://evil")'


def test_exports_take_the_same_filters(client, sites):
    rows = list(
        csv.DictReader(io.StringIO(download(client, "csv", bbox="76,43,78,44").decode("utf-8-sig")))
    )

    assert [row["registry_number"] for row in rows] == [sites[1].registry_number]


def test_staff_exports_carry_exact_points(client, sites, officer):
    client.force_login(officer)

    rows = list(csv.DictReader(io.StringIO(download(client, "csv").decode("utf-8-sig"))))

    exact = {row["registry_number"]: (row["lon"], row["lat"]) for row in rows}
    assert exact[sites[1].registry_number] == ("76.9519", "43.238")
    draft = next(row for row in rows if row["draft_reference"] == sites[3].draft_reference)
    assert draft["registry_number"] == ""  # their draft, too: no number before publication


def test_a_researcher_with_exact_access_never_gets_draft_references(client, sites, users):
    researcher = users["researcher"]
    researcher.user_permissions.add(Permission.objects.get(codename="view_exact_location"))
    client.force_login(researcher)

    for fmt in ("csv", "geojson"):
        exported = download(client, fmt).decode()

        assert sites[1].registry_number in exported
        assert "draft_reference" not in exported
        assert sites[1].draft_reference not in exported


def test_the_command_writes_a_geopackage(sites, tmp_path):
    call_command("export_sites", tmp_path / "all.gpkg", "--public", "--region",
                 sites[1].region.code)  # fmt: skip

    assert set(read_back(tmp_path / "all.gpkg")) == {sites[1].registry_number}


def pyogrio_point(wkb: bytes | None):
    if wkb is None:
        return None
    from django.contrib.gis.geos import GEOSGeometry

    point = GEOSGeometry(memoryview(wkb))
    return (point.x, point.y)


@pytest.mark.parametrize("fmt", ["gpkg", "shp.zip"])
def test_every_attribute_of_a_file_export_is_the_geojson_exports(client, sites, tmp_path, fmt):
    """The files are written from Arrow batches, GeoJSON from rows: both carry the same
    properties for every site (a column put in the wrong place would show here)."""
    features = json.loads(download(client, "geojson"))["features"]
    expected = {f["id"]: f["properties"] for f in features}
    path = tmp_path / f"sites.{fmt}"
    path.write_bytes(download(client, fmt))

    meta, table = pyogrio.read_arrow(f"/vsizip/{path}" if fmt == "shp.zip" else path)
    rows = table.drop_columns([meta["geometry_name"] or "wkb_geometry"]).to_pylist()
    if fmt == "shp.zip":  # names cut to 10 characters; DBF reads an empty text as null
        renames = {c.short: c.name for c in exchange.COLUMNS}
        rows = [{renames[k]: v for k, v in row.items()} for row in rows]
        expected = {
            n: {k: None if v == "" else v for k, v in p.items()} for n, p in expected.items()
        }
    got = {row["registry_number"]: row for row in rows}

    assert got == expected
    assert expected[sites[0].registry_number]["date_from"] == -500
    assert expected[sites[2].registry_number]["location_generalisation"].startswith("withheld")


def test_a_database_failure_during_a_file_export_is_raised_as_itself(sites, tmp_path, monkeypatch):
    """GDAL reports any failure of the batches it reads as a RuntimeError; the export raises
    the database's own error (heritage/faults.py answers those 503) and leaves no file. The
    export's temporary directory goes under this test's own: other test processes export
    into the shared one at the same time."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    failing = site_list_public().extra(where=["1 / (date_from - date_from) = 1"])

    with pytest.raises(DataError, match="division by zero"):
        exports.export_file(failing, "gpkg", geometry="public_location", exact=False)

    assert list(tmp_path.glob("mura-export-*")) == []


@pytest.mark.parametrize("fmt", ["gpkg", "shp.zip"])
def test_an_export_matching_nothing_is_an_empty_layer(client, sites, tmp_path, fmt):
    path = tmp_path / f"none.{fmt}"
    path.write_bytes(download(client, fmt, category="monumental_art"))

    info = pyogrio.read_info(f"/vsizip/{path}" if fmt == "shp.zip" else path)

    assert info["features"] == 0
    assert info["geometry_type"] == "Point"
    assert "registry_number" in info["fields"] or "reg_number" in info["fields"]
