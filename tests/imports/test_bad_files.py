"""Bad files never make a 500: each is a report naming the row, file or field, and nothing is
written, through the service, the officer's form and the command."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry.models import HeritageSite
from registry.services.imports import ImportRefused
from tests.imports.files import OTRAR
from tests.imports.test_imports import run, written
from tests.officer.test_officer_flow import client_for

URL = reverse("registry:site-import")
GOOD_ROW = f"Отырар,Otrar,archaeology,republican,POINT ({OTRAR[0]} {OTRAR[1]})"
HEADER = "name_kk,name_en,category,significance,wkt"
RING = "68.30 42.85, 68.31 42.85, 68.31 42.86"  # three points, not closed


def _feature(geometry, name="Отырар"):
    return {"type": "Feature", "geometry": geometry,
            "properties": {"name_kk": name, "category": "archaeology",
                           "significance": "republican"}}  # fmt: skip


def _geojson(path, *geometries):
    features = [_feature(g) for g in geometries]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _csv(path, *rows):
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _deep(path, depth=5000):
    path.write_text('{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}")
    return path


POINT = {"type": "Point", "coordinates": list(OTRAR)}
CASES = {
    # name: (writer, expected problem (row, field, words) or a refusal's words)
    "csv field over 128 KB": (
        lambda p: _csv(
            p, GOOD_ROW, f'"{"x" * 140_000}",Big,archaeology,republican,"POINT (68.3 42.85)"'
        ),
        (2, "name_kk", "longer than 128 KB"),
    ),
    "csv unclosed polygon ring": (
        lambda p: _csv(p, GOOD_ROW, f'Бір,One,archaeology,republican,"POLYGON (({RING}))"'),
        (2, "location", "closed"),
    ),
    "geojson unclosed polygon ring": (
        lambda p: _geojson(
            p,
            POINT,
            {"type": "Polygon", "coordinates": [[[68.30, 42.85], [68.31, 42.85], [68.31, 42.86]]]},
        ),  # fmt: skip
        (2, "location", "closed"),
    ),
    "geojson nested 5000 deep": (_deep, "nested more than 32 levels"),
}
FILENAMES = {"csv": "sites.csv", "geojson": "sites.geojson"}


def _path(tmp_path, case):
    return tmp_path / FILENAMES[case.split()[0]]


def _outcome(path, user):
    try:
        report = run(path, user)
    except ImportRefused as refused:
        return str(refused)
    return [(p.row, p.field, p.message) for p in report.problems]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_file_is_reported_by_row_and_field_and_nothing_is_written(people, tmp_path, case):
    writer, expected = CASES[case]
    path = writer(_path(tmp_path, case))
    before = written()

    outcome = _outcome(path, people["officer_in"])

    if isinstance(expected, str):
        assert isinstance(outcome, str), outcome
        assert expected in outcome
    else:
        [(row, field, message)] = outcome
        assert (row, field) == expected[:2]
        assert expected[2] in message
    assert written() == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_form_answers_4xx_never_500(people, tmp_path, case):
    writer, expected = CASES[case]
    path = writer(_path(tmp_path, case))
    client = client_for(people["officer_in"])

    response = client.post(URL, {"file": SimpleUploadedFile(path.name, path.read_bytes())})

    assert response.status_code in (400, 422)
    words = expected if isinstance(expected, str) else expected[2]
    assert words in response.content.decode()
    assert not HeritageSite.objects.exists()


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_command_fails_with_the_reason(people, tmp_path, case, capsys):
    writer, expected = CASES[case]
    path = writer(_path(tmp_path, case))

    with pytest.raises(CommandError) as failed:
        call_command("import_sites", str(path), "--as", "aigerim")

    words = expected if isinstance(expected, str) else expected[2]
    assert words in str(failed.value) + capsys.readouterr().out
    assert not HeritageSite.objects.exists()


def test_z_and_m_coordinates_are_dropped_with_a_note(people, tmp_path):
    """The register keeps lon/lat: a height (GPS surveys) or a measure is dropped, and said."""
    lon, lat = OTRAR
    path = _csv(tmp_path / "z.csv", f'Бір,One,archaeology,republican,"POINT Z ({lon} {lat} 310)"',
                f'Екі,Two,archaeology,republican,"POINT M ({lon + 0.01} {lat} 7)"',
                f'Үш,Three,archaeology,republican,"POINT ZM ({lon + 0.02} {lat} 1 2)"')  # fmt: skip

    report = run(path, people["officer_in"])

    assert report.ok, report.problems
    assert [(n.row, n.field) for n in report.notes if "dropped" in n.message] == [
        (1, "location"), (2, "location"), (3, "location")]  # fmt: skip
    sites = HeritageSite.objects.filter(draft_reference__in=report.created).order_by("id")
    assert [s.location.hasz for s in sites] == [False, False, False]
    assert [round(s.location.x, 4) for s in sites] == [
        lon,
        round(lon + 0.01, 4),
        round(lon + 0.02, 4),
    ]


def test_z_coordinates_in_a_geojson_are_dropped_with_a_note(people, tmp_path):
    path = _geojson(tmp_path / "z.geojson", {"type": "Point", "coordinates": [*OTRAR, 310.0]})

    report = run(path, people["officer_in"])

    assert report.ok, report.problems
    assert any("dropped" in n.message and n.row is None for n in report.notes)
    assert not HeritageSite.objects.get().location.hasz
