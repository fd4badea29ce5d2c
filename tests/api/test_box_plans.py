"""Issue 17: a page of a box (or area) is read by one of two plans, chosen from the map's cell
counts (registry/density.py): the box's sites first, then sorted, or a walk of the order's
index keeping those in the box. Both must answer exactly the same rows in the same order,
with the same `next` (whatever the box: dense, sparse, empty, a thin strip, a point; whatever
the order, page size, offset or cursor), and neither may match a generalised or withheld site
by its exact position (docs/privacy.md)."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from django.urls import reverse
from django.utils import translation

from registry import density, features
from registry.access import public_door
from registry.search import SiteQuery
from registry.services.generate import sites_generate
from tests.factories import HeritageSiteFactory

ALMATY = (76.95193, 43.23807)
# An S2 site's exact point and a box around it that misses its public point, the centre of
# its 0.1° square (76.95, 43.25); and a withheld (S3) site's exact point.
S2_EXACT = (76.9213, 43.2137)
S2_EXACT_BOX = (76.92, 43.21, 76.925, 43.22)
S3_EXACT = (77.4321, 43.6543)
S3_EXACT_BOX = (77.43, 43.65, 77.44, 43.66)
BOXES = [
    (40.0, 35.0, 90.0, 60.0),  # the whole country and more
    (76.0, 43.0, 77.5, 44.0),  # a region around Almaty
    (76.85, 43.20, 77.00, 43.30),  # the city
    (70.0, 48.0, 71.5, 49.0),  # steppe
    (100.0, 40.0, 120.0, 50.0),  # empty (China)
    (60.0, 47.0, 70.0, 47.01),  # thin strips
    (65.0, 42.0, 65.01, 54.0),
    (76.9, 43.2, 76.9, 43.3),  # a line
    (76.95, 43.25, 76.95, 43.25),  # a point: the S2 site's public one
    (76.94, 43.24, 76.96, 43.26),
    S2_EXACT_BOX,
    S3_EXACT_BOX,
]
ORDERINGS = ["registry_number", "-registry_number", "name", "-name", "date_from"]


@pytest.fixture
def register(db):
    sites_generate(count=2500, batch_size=1000)
    s2 = HeritageSiteFactory(published=True, sensitivity="S2", location=Point(*S2_EXACT))
    s3 = HeritageSiteFactory(published=True, sensitivity="S3", location=Point(*S3_EXACT))
    density.forget()
    yield s2, s3
    density.forget()


def rows(query: SiteQuery, *, spatial: bool, limit: int, offset=0, after=None) -> list:
    sql, params = features._page_sql(
        public_door(), query, limit=limit, offset=offset, after=after, distance=True,
        spatial=spatial,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def numbers_in(box) -> list[str]:
    """The registry numbers of the public points in `box` (its edges included), from the
    public view, in registry-number order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT registry_number FROM registry_public_site"
            " WHERE public_location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
            list(box),
        )
        return sorted(number for (number,) in cursor.fetchall())


@pytest.mark.django_db
def test_both_plans_answer_the_same_pages_for_every_box_and_order(register):
    for box in BOXES:
        expected = numbers_in(box)
        for ordering in ORDERINGS:
            query = SiteQuery(bbox=box, ordering=ordering)
            for limit, offset in [(1, 0), (7, 0), (100, 0), (7, 14), (100, 100)]:
                walk = rows(query, spatial=False, limit=limit, offset=offset)
                first = rows(query, spatial=True, limit=limit, offset=offset)
                assert walk == first, (box, ordering, limit, offset)
            # Ordered by name, in each language (the name is the visitor's language's:
            # the sorted plan once sorted by the Kazakh column whatever the language).
            if ordering.lstrip("-") == "name":
                for language in ("ru", "en"):
                    with translation.override(language):
                        walk = rows(query, spatial=False, limit=100)
                        first = rows(query, spatial=True, limit=100)
                    assert walk == first, (box, ordering, language)
            if ordering == "registry_number":
                assert [key for key, _ in rows(query, spatial=True, limit=5000)] == expected
            if ordering in ("registry_number", "-registry_number") and expected:
                after = expected[len(expected) // 2]
                walk = rows(query, spatial=False, limit=50, after=after)
                first = rows(query, spatial=True, limit=50, after=after)
                assert walk == first, (box, ordering, "after")


@pytest.mark.django_db
def test_both_plans_answer_the_same_for_an_area(register):
    s2, _ = register
    # Its east edge runs through S2 centres (76.95, 43.05 ... 43.65), the S2 site's among them.
    ring = ((76.0, 43.0), (76.95, 43.0), (76.95, 43.65), (76.5, 44.0), (76.0, 44.0), (76.0, 43.0))
    area = MultiPolygon(Polygon(ring), srid=4326)
    for ordering in ("registry_number", "-name"):
        query = SiteQuery(area=area, ordering=ordering)
        for language in ("kk", "ru", "en"):
            with translation.override(language):
                for limit, offset in [(5, 0), (100, 0), (20, 40)]:
                    walk = rows(query, spatial=False, limit=limit, offset=offset)
                    first = rows(query, spatial=True, limit=limit, offset=offset)
                    assert walk == first, (ordering, language, limit, offset)
    # The public points the area intersects (its edges included: S2 centres lie on them).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT registry_number FROM registry_public_site"
            " WHERE ST_Intersects(public_location, ST_GeomFromText(%s, 4326))",
            [area.wkt],
        )
        expected = sorted(number for (number,) in cursor.fetchall())
    query = SiteQuery(area=area)
    assert s2.registry_number in expected
    for spatial in (False, True):
        assert [key for key, _ in rows(query, spatial=spatial, limit=5000)] == expected


@pytest.mark.django_db
def test_no_plan_matches_a_sensitive_site_by_its_exact_point(register):
    s2, s3 = register
    for box in (S2_EXACT_BOX, S3_EXACT_BOX):
        for spatial in (False, True):
            assert rows(SiteQuery(bbox=box), spatial=spatial, limit=100) == []
    centre = (76.95, 43.25, 76.95, 43.25)
    for spatial in (False, True):
        found = [key for key, _ in rows(SiteQuery(bbox=centre), spatial=spatial, limit=1000)]
        assert s2.registry_number in found
        assert s3.registry_number not in found


@pytest.mark.django_db
def test_the_plan_follows_the_sites_in_the_box_not_its_size(register):
    """A large box holding few sites reads the box first; one holding many walks the
    registry-number index (main chose by the size alone: the steppe box of 1.5 square degrees
    walked 72,000 index entries for its 101 rows at 1M sites)."""
    sparse = SiteQuery(bbox=(100.0, 40.0, 120.0, 50.0))  # 200 square degrees, no site
    country = SiteQuery(bbox=(40.0, 35.0, 90.0, 60.0))
    assert features.box_first(sparse, 101)
    assert not features.box_first(country, 101)
    sql, _, _ = features.statement_for(public_door(), sparse, page=(100, 0, None, True))
    assert "|| '')" in sql  # the order's key no index supplies: the box first
    sql, _, _ = features.statement_for(public_door(), country, page=(100, 0, None, True))
    assert "|| '')" not in sql


@pytest.mark.django_db
@pytest.mark.parametrize("box_first", [0.0, 1e12])
def test_the_api_pages_through_a_box_the_same_whichever_plan(
    client, register, box_first, monkeypatch
):
    monkeypatch.setattr(density, "BOX_FIRST", box_first)  # 0: always walk; 1e12: always box
    features._public_statement.cache_clear()
    for box in [(76.0, 43.0, 77.5, 44.0), (70.0, 48.0, 71.5, 49.0)]:
        url = reverse("api:site-list") + "?bbox=" + ",".join(map(str, box)) + "&limit=40"
        seen = []
        while url:
            body = client.get(url).json()
            seen += [feature["id"] for feature in body["features"]]
            url = body["next"]
        assert seen == numbers_in(box)
    features._public_statement.cache_clear()


def test_the_estimate_of_an_empty_grid_is_nothing(monkeypatch):
    empty = density.Grid(0, 0, 0, 0, [0], 0, 0.0)
    monkeypatch.setattr(density, "grid", lambda: empty)
    assert density.in_box(ALMATY + ALMATY) == 0
    assert density.box_first((40.0, 35.0, 90.0, 60.0), 101)
