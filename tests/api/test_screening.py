"""Screening: sites and zones within reach of a planned construction, in metres (geography)."""

import csv
import io

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from django.urls import reverse

from registry.models import Designation, ProtectionZone
from tests.factories import HeritageSiteFactory

PLOT = Polygon.from_bbox((76.90, 43.20, 76.91, 43.21))
PLOT_JSON = {"type": "Polygon", "coordinates": [list(map(list, PLOT.coords[0]))]}


@pytest.fixture
def near_site(db):
    site = HeritageSiteFactory(published=True, sensitivity="S0", location=Point(76.93, 43.205))
    designation = Designation.objects.create(site=site, scheme="local_list")
    ProtectionZone.objects.create(
        designation=designation, kind="protection",
        geom=MultiPolygon(Polygon.from_bbox((76.915, 43.20, 76.925, 43.21))),
    )  # fmt: skip
    return site


def screen(client, distance, fmt="json"):
    return client.post(
        reverse("api:screening") + ("?format=csv" if fmt == "csv" else ""),
        {"area": PLOT_JSON, "distance": distance},
        "application/json",
    )


def geography_m(geom_a, geom_b) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Distance(%s::geography, %s::geography)",
                       [geom_a.ewkt, geom_b.ewkt])  # fmt: skip
        return cursor.fetchone()[0]


def test_screening_finds_the_site_and_its_zone_with_distances_in_metres(client, near_site):
    hits = screen(client, 2000).json()["hits"]

    by_kind = {hit["kind"]: hit for hit in hits}
    expected = geography_m(Point(76.93, 43.205, srid=4326), PLOT)
    assert by_kind["site"]["distance_m"] == pytest.approx(expected, rel=1e-6)
    assert by_kind["zone"]["distance_m"] == pytest.approx(
        geography_m(Polygon.from_bbox((76.915, 43.20, 76.925, 43.21)), PLOT), rel=1e-6
    )


def test_screening_leaves_out_what_is_beyond_the_distance(client, near_site):
    assert [hit["kind"] for hit in screen(client, 300).json()["hits"]] == []


@pytest.mark.parametrize("inside_the_cell", [(76.905, 43.205), (76.995, 43.295)])
def test_screening_measures_a_generalised_site_by_its_public_cell(client, db, inside_the_cell):
    # Wherever the site lies in its 0.1° cell (76.9-77.0 E, 43.2-43.3 N), the public gets the
    # same answer: the plot touches the cell, so the distance is 0, said to be a cell's.
    site = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(*inside_the_cell))
    boundary = MultiPolygon(Polygon.from_bbox((76.99, 43.29, 76.996, 43.296)), srid=4326)
    site.boundary = boundary  # an exact boundary far from the plot changes nothing either
    site.save()

    (hit,) = screen(client, 0).json()["hits"]

    assert (hit["detail"], hit["distance_m"]) == ("0.1° grid cell (about 8 × 11 km)", 0)


def test_screening_gives_staff_the_exact_distance(client, officer, db):
    HeritageSiteFactory(published=True, sensitivity="S2", location=Point(76.905, 43.205))
    client.force_login(officer)

    (hit,) = screen(client, 0).json()["hits"]

    assert (hit["detail"], hit["distance_m"]) == ("exact", 0)


def test_screening_answers_csv(client, near_site):
    rows = list(csv.DictReader(io.StringIO(screen(client, 2000, "csv").content.decode())))

    assert {row["kind"] for row in rows} == {"site", "zone"}


@pytest.mark.parametrize("distance", [-1, 10**9, "NaN"])
def test_screening_refuses_bad_distances(client, db, distance):
    response = screen(client, distance)

    assert response.status_code == 400
    assert "distance" in response.json()["errors"] or "body" in response.json()["errors"]
