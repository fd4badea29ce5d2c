"""Importing sites from files: each format, each kind of bad file, all or nothing, duplicates."""

import sqlite3
import zipfile

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.utils import translation

from registry.models import HeritageSite, RegistrySequence
from registry.services.imports import ImportRefused, sites_import
from tests.imports.files import ALMATY, GOOD, OTRAR, WRITERS, YASAWI, csv_lonlat, geojson, write


def run(path, user, *, dry_run=False, **kwargs):
    with path.open("rb") as upload:
        return sites_import(upload=upload, filename=path.name, user=user, dry_run=dry_run, **kwargs)


def written():
    """What an import could change: the sites, their history and the registry numbers."""
    return (
        HeritageSite.objects.count(),
        HeritageSite.history.count(),
        sorted(RegistrySequence.objects.values_list("prefix", "last_value")),
    )


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_good_file_of_each_format_lands_as_drafts_by_the_importing_officer(
    people, tmp_path, kind
):
    officer = people["officer_in"]

    report = run(write(kind, tmp_path), officer)

    assert report.ok, report.problems
    assert report.rows == report.accepted == 2
    sites = HeritageSite.objects.filter(draft_reference__in=report.created).order_by("id")
    assert [s.name_en for s in sites] == ["Otrar", "Mausoleum of Arystan Bab"]
    otrar, arystan = sites
    assert {s.status for s in sites} == {"draft"}
    assert {s.created_by for s in sites} == {officer}
    assert otrar.registry_number is None  # given at publication
    assert otrar.region.iso_3166_2 == "KZ-61"
    assert otrar.location.distance(Point(*OTRAR, srid=4326)) < 1e-6  # UTM read back too
    assert (otrar.date_from, otrar.date_to, otrar.typology.code) == (-200, 1700, "settlement")
    assert otrar.sensitivity == "S2"  # archaeology starts at S2
    assert arystan.sensitivity == "S0"
    assert arystan.date_to is None
    assert "imported from" in otrar.history.first().history_change_reason


def test_the_dry_run_checks_every_row_and_writes_nothing(people, tmp_path):
    before = written()

    report = run(write("gpkg", tmp_path), people["officer_in"], dry_run=True)

    assert report.ok
    assert report.accepted == 2
    assert report.created == []
    assert written() == before


BAD_ROWS = {
    "bad coordinates": ({"lonlat": (200.0, 43.3)}, "location", "longitude"),
    "outside Kazakhstan": ({"lonlat": (10.0, 50.0)}, "location", "extent"),
    "missing name": ({"name_kk": ""}, "name_kk", "required"),
    "unknown category": ({"category": "castle"}, "category", "not a valid choice"),
    "unknown typology": ({"typology": "pyramid"}, "typology", "pyramid"),
    "year not a number": ({"date_from": "circa 1400"}, "date_from", "whole year"),
    "years out of order": ({"date_from": "1500", "date_to": "1400"}, "date_to", "From year"),
    "outside the officer's regions": ({"lonlat": ALMATY}, "location", "outside your regions"),
}


@pytest.mark.parametrize("kind", ["csv-lonlat", "geojson"])
@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_is_reported_by_row_and_field_and_nothing_is_written(
    people, tmp_path, kind, case
):
    change, field, words = BAD_ROWS[case]
    rows = [GOOD[0], GOOD[1] | change]  # the good row before it is not written either
    before = written()

    for dry_run in (True, False):
        report = run(write(kind, tmp_path, rows), people["officer_in"], dry_run=dry_run)
        assert not report.ok
        [problem] = report.problems
        assert problem.row == 2
        assert field in problem.field
        assert words in problem.message
        assert report.created == []
    assert written() == before


def test_an_administrator_may_import_anywhere(people, tmp_path):
    rows = [GOOD[1] | {"lonlat": ALMATY}]
    report = run(csv_lonlat(tmp_path / "a.csv", rows), people["admin"])
    assert report.ok
    assert HeritageSite.objects.get().region.iso_3166_2 == "KZ-75"


def test_unknown_columns_are_reported_once_not_per_row(people, tmp_path):
    path = csv_lonlat(tmp_path / "a.csv", GOOD, extra={"colour": "red", "notes": "x"})

    report = run(path, people["officer_in"], dry_run=True)

    assert report.ok
    assert [(n.row, n.field) for n in report.notes if "unknown column" in n.message] == [
        (None, "colour"),
        (None, "notes"),
    ]


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _bad_files(tmp_path):
    sqlite = tmp_path / "plain.gpkg"
    with sqlite3.connect(sqlite) as db:
        db.execute("CREATE TABLE sites (name TEXT)")
        db.execute("INSERT INTO sites VALUES ('not spatial')")
    geojson(tmp_path / "g.geojson")
    return {
        "zip-slip": (_zip(tmp_path / "slip.zip", {"../evil.shp": b"x", "a.dbf": b"y"}), "unsafe"),
        "absolute": (_zip(tmp_path / "abs.zip", {"/tmp/evil.shp": b"x"}), "unsafe"),
        "zip of many": (_zip(tmp_path / "many.zip", {f"{i}.txt": b"" for i in range(40)}), "40"),
        "zip bomb": (_zip(tmp_path / "bomb.zip", {"a.shp": b"\0" * (3 << 20)}), "MB"),
        "two layers": (_zip(tmp_path / "two.zip", {"a.shp": b"x", "b.shp": b"y"}), "exactly one"),
        "not a zip": ((tmp_path / "no.zip").write_bytes(b"PK?") and tmp_path / "no.zip", "zip"),
        "text as gpkg": (_text(tmp_path / "text.gpkg", "name_kk,lon,lat\n"), "not a GPKG"),
        "sqlite as gpkg": (sqlite, "not a GPKG"),
        "geojson as gpkg": (_rename(tmp_path / "g.geojson", "g.gpkg"), "not a GPKG"),
        "garbage geojson": (_text(tmp_path / "x.geojson", "{ nope"), "GeoJSON"),
        "unknown type": (_text(tmp_path / "x.kml", "<kml/>"), "unsupported"),
        "csv without coordinates": (_text(tmp_path / "x.csv", "name_kk\nA\n"), "lon and lat"),
        "empty csv": (_text(tmp_path / "e.csv", "name_kk,lon,lat\n"), "no rows"),
    }


def _text(path, text):
    path.write_text(text)
    return path


def _rename(path, name):
    return path.rename(path.with_name(name))


@pytest.mark.parametrize(
    "case",
    ["zip-slip", "absolute", "zip of many", "zip bomb", "two layers", "not a zip", "text as gpkg",
     "sqlite as gpkg", "geojson as gpkg", "garbage geojson", "unknown type",
     "csv without coordinates", "empty csv"],
)  # fmt: skip
def test_a_bad_file_is_refused_whole_and_nothing_is_written(people, tmp_path, settings, case):
    settings.MURA_IMPORT_ZIP_BYTES = 2 << 20
    path, words = _bad_files(tmp_path)[case]
    before = written()

    try:
        report = run(path, people["officer_in"])
        message = " ".join(p.message for p in report.problems)
    except ImportRefused as refused:
        message = str(refused)
    assert words in message
    assert written() == before
    assert not (tmp_path.parent / "evil.shp").exists()


def test_an_oversized_file_is_refused(people, tmp_path, settings):
    settings.MURA_IMPORT_MAX_BYTES = 200
    with pytest.raises(ImportRefused, match="larger than"):
        run(write("geojson", tmp_path), people["officer_in"])
    assert not HeritageSite.objects.exists()


def test_a_coordinate_system_off_the_allow_list_is_refused(people, tmp_path):
    from tests.imports.files import _ogr

    path = _ogr(tmp_path / "x.gpkg", GOOD, "GPKG", srid=2263)  # New York State Plane
    with pytest.raises(ImportRefused, match="EPSG:2263"):
        run(path, people["officer_in"])


def test_likely_duplicates_are_flagged_similar_name_within_500_m(people, existing_otrar, tmp_path):
    officer, existing = people["officer_in"], existing_otrar
    near = (OTRAR[0] + 0.003, OTRAR[1])  # about 245 m east
    rows = [
        GOOD[0] | {"name_kk": "Отырар қаласы", "lonlat": near},  # similar name, near: flagged
        GOOD[0] | {"name_kk": "Түркістан", "name_ru": "", "name_en": "", "lonlat": near},
        GOOD[0] | {"lonlat": (OTRAR[0] + 0.02, OTRAR[1])},  # same name, 1.6 km away
        GOOD[1] | {"lonlat": YASAWI},
    ]

    report = run(csv_lonlat(tmp_path / "a.csv", rows), officer)

    assert report.ok
    [duplicate] = report.duplicates
    assert (duplicate.row, duplicate.reference) == (1, existing.reference)
    assert 200 < duplicate.distance_m < 300
    assert HeritageSite.objects.filter(status="draft").count() == 5  # flagged, still imported


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_row_repeating_an_earlier_row_is_flagged_by_its_row_number(people, tmp_path, dry_run):
    rows = [
        GOOD[1] | {"lonlat": YASAWI},
        GOOD[0],
        GOOD[0] | {"name_kk": "Отырар қаласы", "lonlat": (OTRAR[0] + 0.001, OTRAR[1])},  # ~80 m
    ]

    report = run(csv_lonlat(tmp_path / "a.csv", rows), people["officer_in"], dry_run=dry_run)

    assert report.ok
    [duplicate] = report.duplicates
    assert (duplicate.row, duplicate.file_row, duplicate.reference) == (3, 2, "")
    assert duplicate.other == "row 2 of this file"  # not a draft reference a dry run never keeps
    assert 50 < duplicate.distance_m < 120
    assert HeritageSite.objects.count() == (0 if dry_run else 3)


def test_the_command_reports_progress_and_imports_as_the_officer(people, tmp_path, capsys):
    path = write("csv-wkt", tmp_path)

    call_command("import_sites", str(path), "--dry-run", "--as", "aigerim")
    assert not HeritageSite.objects.exists()
    call_command("import_sites", str(path), "--as", "aigerim", "--progress-every", "1")

    out, err = capsys.readouterr()
    assert "would import 2 of 2 rows" in out
    assert "imported 2 of 2 rows" in out
    assert "2 rows," in err
    assert "rows/s" in err
    assert set(HeritageSite.objects.values_list("created_by__username", flat=True)) == {"aigerim"}


def test_the_command_reports_in_one_language_whatever_the_active_one(people, tmp_path, capsys):
    path = csv_lonlat(tmp_path / "a.csv", [GOOD[0], GOOD[1] | {"name_kk": ""}])

    with translation.override("kk"), pytest.raises(CommandError, match="1 problem"):
        call_command("import_sites", str(path), "--as", "aigerim")

    assert "row 2\tname_kk\tis required." in capsys.readouterr().out


def test_the_command_fails_with_the_report_and_writes_nothing(people, tmp_path, capsys):
    path = csv_lonlat(tmp_path / "a.csv", [GOOD[0], GOOD[1] | {"name_kk": ""}])

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_sites", str(path), "--as", "aigerim")
    assert "row 2\tname_kk\tis required." in capsys.readouterr().out
    assert not HeritageSite.objects.exists()
    with pytest.raises(CommandError, match="may not add sites"):
        call_command("import_sites", str(path), "--as", "researcher1")


def test_the_report_lists_every_bad_row_of_a_csv(people, tmp_path):
    path = tmp_path / "mixed.csv"
    good = "Арыстан баб,architecture,republican"
    path.write_text(
        "name_kk,category,significance,wkt,srid\n"
        f'{good},"POINT (68.3237 42.8421)",\n'
        'Бір\x00екі,architecture,republican,"POINT (68.3237 42.8421)",\n'
        f'{good},"POLYGON ((68 42, 68.1 42, 68.1 42.1, 68 42))",\n'
        f'{good},"POINT (68.3237 42.8421)",2263\n'
        f"{good},not wkt,\n"
        f'{good},"POINT (500000 4744000)",32642\n',  # UTM 42N: accepted, reprojected
        encoding="utf-8",
    )
    before = written()

    report = run(path, people["officer_in"])

    assert [(p.row, p.field) for p in report.problems] == [
        (2, "name_kk"),
        (4, "location"),
        (5, "location"),
    ]
    assert "NUL" in report.problems[0].message
    assert "EPSG:2263" in report.problems[1].message
    assert report.accepted == 3  # rows 1, 3 (a polygon: a boundary) and 6, yet nothing is written
    assert report.created == []
    assert written() == before
