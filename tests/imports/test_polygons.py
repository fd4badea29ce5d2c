"""Polygons import as boundaries: the location inside the polygon unless a point is given;
invalid ones reported by row with GEOS's reason, repaired only when the officer asks."""

import json

from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import HeritageSite
from tests.imports.files import YASAWI
from tests.imports.test_imports import run, written
from tests.officer.test_officer_flow import client_for

D = 0.0002  # about 20 m: a building


def outline(index, *, bowtie=False, multi=False):
    """A building's outline east of the Yasawi mausoleum; a bowtie self-intersects."""
    x, y = YASAWI[0] + index * 0.001, YASAWI[1]
    ring = [[x, y], [x + D, y], [x + D, y + D], [x, y + D], [x, y]]
    if bowtie:
        ring = [[x, y], [x + D, y + D], [x + D, y], [x, y + D], [x, y]]
    if multi:
        return {"type": "MultiPolygon", "coordinates": [[ring]]}
    return {"type": "Polygon", "coordinates": [ring]}


def outlines_layer(path, bad=(3, 5)):
    features = [
        {"type": "Feature",
         "properties": {"name_kk": f"Ғимарат {i}", "category": "architecture",
                        "significance": "local"},
         "geometry": outline(i, bowtie=i in bad, multi=i % 2 == 0)}
        for i in range(1, 9)
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_a_dry_run_names_exactly_the_invalid_outlines_with_the_geos_reason(people, tmp_path):
    before = written()

    report = run(outlines_layer(tmp_path / "outlines.geojson"), people["officer_in"], dry_run=True)

    assert [(p.row, p.field) for p in report.problems] == [(3, "boundary"), (5, "boundary")]
    assert all("Self-intersection" in p.message for p in report.problems)
    assert report.accepted == 6
    assert written() == before


def test_valid_outlines_land_as_boundaries_with_a_point_inside(people, tmp_path):
    report = run(outlines_layer(tmp_path / "o.geojson", bad=()), people["officer_in"])

    assert report.ok, report.problems
    sites = HeritageSite.objects.filter(draft_reference__in=report.created)
    assert sites.count() == 8
    for site in sites:
        assert site.boundary.geom_type == "MultiPolygon"
        assert site.boundary.contains(site.location)


def test_repair_only_when_asked_and_each_repair_noted(people, tmp_path):
    path = outlines_layer(tmp_path / "outlines.geojson")

    report = run(path, people["officer_in"], repair=True)

    assert report.ok, report.problems
    assert report.accepted == 8
    repaired = [(n.row, n.field) for n in report.notes if "MakeValid" in n.message]
    assert repaired == [(3, "boundary"), (5, "boundary")]
    for site in HeritageSite.objects.all():
        assert site.boundary.valid
        assert site.boundary.intersects(site.location)


def test_a_point_given_beside_a_polygon_is_the_location(people, tmp_path):
    x, y = YASAWI
    path = tmp_path / "with-point.csv"
    path.write_text(
        "name_kk,category,significance,wkt,lon,lat\n"
        f'Кесене,architecture,republican,"POLYGON (({x - D} {y - D}, {x + D} {y - D}, '
        f'{x + D} {y + D}, {x - D} {y + D}, {x - D} {y - D}))",{x},{y}\n',
        encoding="utf-8",
    )

    report = run(path, people["officer_in"])

    assert report.ok, report.problems
    site = HeritageSite.objects.get()
    assert site.location.distance(Point(x, y, srid=4326)) < 1e-9
    assert site.boundary.contains(site.location)


def test_the_form_offers_the_repair_and_reports_without_it(people, tmp_path):
    path = outlines_layer(tmp_path / "outlines.geojson")
    client = client_for(people["officer_in"])
    upload = lambda: SimpleUploadedFile(path.name, path.read_bytes())  # noqa: E731

    refused = client.post(reverse("registry:site-import"), {"file": upload()})
    repaired = client.post(reverse("registry:site-import"), {"file": upload(), "repair": "on"})

    assert refused.status_code == 422
    assert "Self-intersection" in refused.content.decode()
    assert repaired.status_code == 200
    assert "repaired with MakeValid" in repaired.content.decode()
    assert HeritageSite.objects.count() == 8
