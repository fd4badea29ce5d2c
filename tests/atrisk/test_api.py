import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import AtRiskSnapshot
from registry.services.register_snapshots import SnapshotExists, at_risk_snapshot_publish
from tests.atrisk.conftest import list_at_risk
from tests.factories import HeritageSiteFactory

LIST = "/api/v1/at-risk/"


def test_the_api_lists_the_register_as_geojson(client, at_risk_site):
    body = client.get(LIST, headers={"accept-language": "en"}).json()

    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["id"] == at_risk_site.registry_number
    properties = feature["properties"]
    assert properties["name"] == "Open fort"
    assert properties["condition"] == "poor"
    assert properties["threats"][0]["threat"] == "looting"
    assert properties["threats"][0]["severity"] == "high"
    assert properties["at_risk_since"] == "2025-04-01"


def test_the_api_pages_with_a_cursor(client, db):
    for i in range(3):
        list_at_risk(
            HeritageSiteFactory(published=True, sensitivity="S0"),
            since=datetime.date(2024, 1, 1 + i),
        )

    first = client.get(LIST, {"limit": 2}).json()
    second = client.get(first["next"]).json()

    assert len(first["features"]) == 2
    assert len(second["features"]) == 1
    assert second["next"] is None


def test_a_page_costs_the_same_queries_whatever_its_size(client, db):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            body = client.get(LIST).json()
        return len(context), len(body["features"])

    list_at_risk(HeritageSiteFactory(published=True, sensitivity="S0"))
    one = queries()
    for _ in range(5):
        list_at_risk(HeritageSiteFactory(published=True, sensitivity="S0"))
    six = queries()

    assert (one[1], six[1]) == (1, 6)
    assert one[0] == six[0] <= 3  # the rate limit's counter, sites, their threats


@pytest.mark.parametrize(
    ("query", "field"),
    [({"threat": "meteor"}, "threat"), ({"region": "KZ99"}, "region"),
     ({"category": "x"}, "category"), ({"limit": "0"}, "limit"), ({"bbox": "1,2,3,4"}, "bbox"),
     ({"cursor": "forged"}, "cursor")],
)  # fmt: skip
def test_bad_input_is_a_400_naming_the_field(client, db, query, field):
    response = client.get(LIST, query)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_filters_compose(client, at_risk_site):
    assert (
        len(client.get(LIST, {"threat": "looting", "category": "architecture"}).json()["features"])
        == 1
    )
    assert (
        client.get(LIST, {"threat": "looting", "category": "archaeology"}).json()["features"] == []
    )


def test_a_year_is_served_as_it_was_published(client, at_risk_site):
    snapshot = at_risk_snapshot_publish(year=2025, by=None)
    list_at_risk(HeritageSiteFactory(published=True, sensitivity="S0"))  # joins later

    body = client.get("/api/v1/at-risk/2025/").json()

    assert body["year"] == 2025
    assert body["rows"] == snapshot.rows
    assert len(body["rows"]) == 1
    assert body["summary"]["total"] == 1


def test_an_unknown_year_is_404(client, db):
    response = client.get("/api/v1/at-risk/2019/")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_a_published_year_is_never_overwritten(at_risk_site):
    at_risk_snapshot_publish(year=2025, by=None)
    list_at_risk(HeritageSiteFactory(published=True, sensitivity="S0"))

    with pytest.raises(SnapshotExists):
        at_risk_snapshot_publish(year=2025, by=None)

    assert len(AtRiskSnapshot.objects.get(year=2025).rows) == 1


def test_the_command_publishes_a_year_once(at_risk_site, capsys):
    call_command("publish_at_risk_snapshot", year=2025)

    assert AtRiskSnapshot.objects.get(year=2025).summary["total"] == 1
    with pytest.raises(CommandError, match="published already"):
        call_command("publish_at_risk_snapshot", year=2025)


def test_the_command_refuses_a_future_year(db):
    with pytest.raises(CommandError, match="--year"):
        call_command("publish_at_risk_snapshot", year=2999)


def test_a_reviewer_publishes_a_year_by_post_and_cannot_publish_it_twice(
    client, reviewer, at_risk_site
):
    client.force_login(reviewer)

    first = client.post("/api/v1/at-risk/2025/")
    second = client.post("/api/v1/at-risk/2025/")

    assert first.status_code == 201
    assert first.json()["rows"][0]["registry_number"] == at_risk_site.registry_number
    assert second.status_code == 409
    assert "published already" in second.json()["detail"]
    assert AtRiskSnapshot.objects.get(year=2025).published_by == reviewer


@pytest.mark.parametrize("who", [None, "officer"])
def test_only_a_reviewer_may_publish(client, users, who):
    if who:
        client.force_login(users[who])

    response = client.post("/api/v1/at-risk/2025/")

    assert response.status_code in (401, 403)
    assert not AtRiskSnapshot.objects.exists()


def test_a_post_for_a_future_year_is_a_400_naming_year(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/api/v1/at-risk/2999/")
    assert response.status_code == 400
    assert "year" in response.json()["errors"]


def test_the_schema_documents_the_register(client, db):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]

    parameters = {p["name"] for p in paths["/api/v1/at-risk/"]["get"]["parameters"]}
    assert {"region", "category", "threat", "limit", "cursor"} <= parameters
    assert {"get", "post"} <= set(paths["/api/v1/at-risk/{year}/"])
