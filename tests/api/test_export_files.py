"""Exports as people open them (issue 13 part 9): Excel and Kazakh text, coordinates without
float noise, a GeoPackage GDAL 3.6 opens without a warning, file names that say what was
filtered."""

import csv
import io
import json
import re
import subprocess
from urllib.parse import quote

import pytest
from django.contrib.gis.geos import Point
from django.core import checks
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from registry.management.commands.export_sites import Command as ExportSites
from registry.models import AdminArea
from tests.api.test_exports import download, read_back
from tests.factories import HeritageSiteFactory

KAZAKH = "Қожа Ахмет Ясауи кесенесі, Түркістан (ғ, ә, ң, ө, ұ, ү, һ, і)"
# Points PostGIS does arithmetic on (S2 cell centres) and odd decimals: float noise appears.
POINTS = [Point(68.2711, 43.2977), Point(67.1175, 48.385), Point(76.9519, 43.238),
          Point(51.8833333, 47.0966667)]  # fmt: skip


@pytest.fixture
def sites(db):
    made = [HeritageSiteFactory(published=True, sensitivity="S0", name_kk=KAZAKH,
                                location=POINTS[0].clone())]  # fmt: skip
    made += [HeritageSiteFactory(published=True, sensitivity=s, location=p.clone())
             for s in ("S1", "S2") for p in POINTS[1:]]  # fmt: skip
    return made


def test_the_csv_opens_in_excel_with_kazakh_text_intact(client, sites):
    data = download(client, "csv")

    assert data.startswith(b"\xef\xbb\xbf")  # what makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["registry_number"] == sites[0].registry_number  # the header is clean
    assert {row["name_kk"] for row in rows} >= {KAZAKH}


def test_bom_0_leaves_the_byte_order_mark_out(client, sites):
    data = download(client, "csv", bom="0")

    assert data.startswith(b"registry_number,")


@pytest.mark.parametrize(("params", "fmt"), [({"bom": "2"}, "csv"), ({"bom": "1"}, "geojson")])
def test_a_bad_bom_is_named(client, db, params, fmt):
    response = client.get(reverse("api:site-export", args=[fmt]), params)

    assert response.status_code == 400
    assert "bom" in response.json()["errors"]


def _decimals(value: str) -> int:
    return len(value.partition(".")[2])


@pytest.mark.parametrize(("who", "digits"), [("public", 6), ("officer", 7)])
def test_coordinates_have_the_stated_decimals_and_no_float_noise(client, sites, users, who, digits):
    if who == "officer":
        client.force_login(users["officer"])
    rows = list(csv.DictReader(io.StringIO(download(client, "csv").decode("utf-8-sig"))))
    geojson = download(client, "geojson").decode()
    coordinates = re.findall(r'"coordinates": \[([-\d.e]+), ([-\d.e]+)\]', geojson)

    texts = [v for row in rows for v in (row["lon"], row["lat"]) if v] + [
        v for pair in coordinates for v in pair
    ]
    assert len(texts) >= 2 * len(sites)
    assert max(_decimals(t) for t in texts) <= digits, texts
    assert all(float(t) == round(float(t), digits) for t in texts)
    if who == "officer":
        exact = {row["registry_number"]: (row["lon"], row["lat"]) for row in rows}
        assert exact[sites[1].registry_number] == ("67.1175", "48.385")


def test_a_geopackage_read_back_has_coordinates_without_noise(client, sites, tmp_path):
    path = tmp_path / "sites.gpkg"
    path.write_bytes(download(client, "gpkg"))

    done = subprocess.run(["ogrinfo", "-ro", "-al", "-q", str(path)], capture_output=True,
                          text=True, check=True)  # fmt: skip

    points = re.findall(r"POINT \(([-\d.]+) ([-\d.]+)\)", done.stdout)
    assert len(points) == len([s for s in sites if s.sensitivity != "S3"])
    assert max(_decimals(v) for point in points for v in point) <= 6, points
    assert len(read_back(path)) == len(points)


def test_gdal_3_6_opens_the_geopackage_without_a_warning(client, sites, tmp_path):
    path = tmp_path / "sites.gpkg"
    path.write_bytes(download(client, "gpkg"))

    done = subprocess.run(["ogrinfo", "-ro", "-so", str(path), "sites"], capture_output=True,
                          text=True, check=True)  # fmt: skip

    version = subprocess.run(["ogrinfo", "--version"], capture_output=True, text=True).stdout
    assert version.startswith("GDAL 3.6"), version  # the GDAL of Debian 12, QGIS 3.28 LTR
    assert done.stderr == ""
    assert "Warning" not in done.stdout
    assert f"Feature Count: {len(sites)}" in done.stdout


@pytest.mark.parametrize(
    ("params", "fmt", "expected"),
    [
        ({}, "csv", "mura-sites-{day}.csv"),
        ({"region": "KZ19", "category": "archaeology"}, "gpkg",
         "mura-sites-almaty-region-archaeology-{day}.gpkg"),
        ({"region": "KZ75,KZ71"}, "csv", "mura-sites-almaty-city-astana-city-{day}.csv"),
        ({"category": ["architecture", "sacred"], "bbox": "46,40,88,56"}, "gpkg",
         "mura-sites-architecture-sacred-in-view-{day}.gpkg"),
        ({"significance": "republican", "condition": "good"}, "csv",
         "mura-sites-significance-republican-condition-good-{day}.csv"),
        ({"date_from": "-500", "date_to": "1405"}, "shp.zip",
         "mura-sites-from-500bce-to-1405-{day}.shp.zip"),
        ({"year_from": "1200"}, "geojson", "mura-sites-from-1200-{day}.geojson"),
    ],
)  # fmt: skip
def test_the_file_name_says_what_was_filtered(client, sites, params, fmt, expected):
    response = client.get(reverse("api:site-export", args=[fmt]), params)
    b"".join(response.streaming_content)

    name = expected.format(day=timezone.localdate().isoformat())
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name)


def test_a_name_typed_in_kazakh_is_kept_in_the_utf8_file_name(client, sites):
    """filename= is ASCII (transliterated); filename*= (RFC 5987) keeps the text as typed."""
    day = timezone.localdate().isoformat()
    response = client.get(reverse("api:site-export", args=["csv"]), {"q": 'Қожа "Ахмет"/../;x'})
    b"".join(response.streaming_content)

    disposition = response["Content-Disposition"]
    plain = f"mura-sites-search-qoja-ahmet-x-{day}.csv"
    typed = quote(f"mura-sites-search-қожа-ахмет-x-{day}.csv", safe="")
    assert disposition == f"attachment; filename=\"{plain}\"; filename*=UTF-8''{typed}"
    assert disposition.isascii()


def test_the_command_names_the_file_in_a_directory_as_the_api_does(sites, tmp_path):
    call_command("export_sites", tmp_path, "--public", "--region", "KZ19",
                 "--category", "archaeology")  # fmt: skip

    day = timezone.localdate().isoformat()
    assert [p.name for p in tmp_path.iterdir()] == [
        f"mura-sites-almaty-region-archaeology-{day}.gpkg"
    ]


def test_the_geojson_export_is_valid_json_with_rounded_points(client, sites):
    features = json.loads(download(client, "geojson"))["features"]

    assert {f["id"] for f in features} == {s.registry_number for s in sites}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_csv_puts_each_codes_label_beside_it_in_the_requests_language(client, sites, language):
    data = client.get(
        reverse("api:site-export", args=["csv"]), HTTP_ACCEPT_LANGUAGE=language
    ).getvalue()
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    header, rows = reader.fieldnames, list(reader)

    for name in ("category", "significance", "condition", "sensitivity", "region"):
        assert header.index(f"{name}_label") == header.index(name) + 1
    assert "status_label" not in header  # the public's columns only
    site = next(row for row in rows if row["registry_number"] == sites[0].registry_number)
    region = AdminArea.objects.get(code=site["region"])
    with translation.override(language):
        assert site["category_label"] == str(sites[0].get_category_display())
        assert site["sensitivity_label"] == str(sites[0].get_sensitivity_display())
        assert site["condition_label"] == str(sites[0].get_condition_display())
        english = translation.override("en")
        with english:
            english_label = str(sites[0].get_sensitivity_display())
    assert site["region_label"] == getattr(region, f"name_{language}")
    assert (site["sensitivity_label"] == english_label) == (language == "en")  # translated


def test_the_command_exports_without_running_the_system_checks(sites, tmp_path):
    """The checks load every URLconf, view and admin (25 MB and 0.6 s before a row,
    bench/export.py), which an export does not use: a failing check does not stop it."""

    def failing(app_configs, **kwargs):
        return [checks.Error("a check that fails", id="tests.E001")]

    checks.register(failing)
    try:  # as `manage.py export_sites` runs it (call_command skips the checks itself)
        ExportSites().run_from_argv(["manage.py", "export_sites", str(tmp_path / "all.csv"),
                                     "--public"])  # fmt: skip
    finally:
        checks.registry.registry.registered_checks.discard(failing)

    assert (tmp_path / "all.csv").read_bytes().count(b"\r\n") == 8  # the header, 7 sites
