"""Issue 17: the public count of a region (or of everything) is answered from the map's cell
counts, and must be exactly the count the query over the public view gives: on generated data,
and after a publish, a withdrawal and a change of sensitivity. Sensitive sites count under
their public regions only; drafts and S3 points never reach a cell."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.access import public_door
from registry.features import _count_sql
from registry.models import AdminArea, HeritageSite
from registry.search import SiteQuery
from registry.services.generate import sites_generate
from registry.services.sites import site_update
from registry.services.workflow import site_publish, site_withdraw
from tests.factories import HeritageSiteFactory, UserFactory

ALMATY = (76.95193, 43.23807)


def by_query(region_ids=()) -> int:
    """The count as the public view's query gives it (what the endpoint ran before)."""
    sql, params = _count_sql(public_door(), SiteQuery(region_ids=tuple(region_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def api_count(client, **params) -> int:
    response = client.get(reverse("api:site-count"), params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def every_count_matches(client) -> list:
    """(codes, api, query) for everything, each region and a pair of regions, where they
    differ (nothing, when all is well)."""
    regions = list(AdminArea.objects.filter(level=1).order_by("code"))
    asked = [[]] + [[r] for r in regions] + [regions[:2]]
    wrong = []
    for chosen in asked:
        params = {"region": [r.code for r in chosen]} if chosen else {}
        api, query = api_count(client, **params), by_query([r.pk for r in chosen])
        if api != query:
            wrong.append(([r.code for r in chosen], api, query))
    return wrong


@pytest.mark.django_db
def test_region_counts_from_the_cells_equal_the_query_through_edits(client):
    sites_generate(count=3000, batch_size=1100)
    assert every_count_matches(client) == []
    assert by_query() > 2000

    reviewer, officer = UserFactory(username="count-reviewer"), UserFactory(username="count-off")
    waiting = HeritageSite.objects.filter(status="in_review").order_by("id").first()
    site_publish(site=waiting, reviewer=reviewer, hints_acknowledged=True)
    published = HeritageSite.objects.filter(status="published").order_by("id")
    site_withdraw(site=published[0], by=reviewer, note="gone")
    for site, sensitivity in [(published[1], "S3"), (published[2], "S0"), (published[3], "S2")]:
        site_update(
            site=site, expected_version=site.version, fields={"sensitivity": sensitivity},
            by=officer, reason="reassessed",
        )  # fmt: skip
    HeritageSiteFactory(published=False, sensitivity="S0", location=Point(*ALMATY))

    assert every_count_matches(client) == []


@pytest.mark.django_db
def test_an_s3_site_is_counted_under_its_public_region_and_a_draft_nowhere(client):
    almaty = AdminArea.objects.get(level=1, geom__covers=Point(*ALMATY))
    before = api_count(client, region=almaty.code)
    HeritageSiteFactory(published=True, sensitivity="S3", location=Point(*ALMATY))
    HeritageSiteFactory(published=True, sensitivity="S1", location=Point(*ALMATY))
    HeritageSiteFactory(published=False, sensitivity="S0", location=Point(*ALMATY))

    assert api_count(client, region=almaty.code) == before + 2 == by_query([almaty.pk])
    assert api_count(client) == by_query()


@pytest.mark.django_db
def test_a_region_count_is_one_statement_on_the_cells(client):
    almaty = AdminArea.objects.get(level=1, geom__covers=Point(*ALMATY))
    with CaptureQueriesContext(connection) as queries:
        api_count(client, region=almaty.code)
    counts = [q["sql"] for q in queries if "count(" in q["sql"].lower()]
    assert len(counts) == 1
    assert "registry_sitecellcount" in counts[0]


@pytest.mark.django_db
def test_a_count_with_another_filter_is_still_counted_from_the_sites(client):
    HeritageSiteFactory(published=True, sensitivity="S0", location=Point(*ALMATY))
    HeritageSiteFactory(published=True, sensitivity="S0", category="sacred",
                        location=Point(*ALMATY))  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        assert api_count(client, category="sacred") == 1
    assert not any("registry_sitecellcount" in q["sql"] for q in queries)
