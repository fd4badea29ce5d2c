"""The sites API: public projection for the public, exact records for staff, one query a page."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from registry.api.serializers import OfficerSiteFeatureSerializer, PublicSiteFeatureSerializer
from registry.models import HeritageSite, PublicSite, Typology
from tests.factories import HeritageSiteFactory

ALMATY = Point(76.9519, 43.2380, srid=4326)


@pytest.fixture
def sensitive_site(db):
    return HeritageSiteFactory(published=True, sensitivity="S2", location=ALMATY)


def sites(client, **params):
    return client.get(reverse("api:site-list"), params)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [f["id"] for f in response.json()["features"]]


def test_the_public_list_shows_a_sensitive_site_at_its_cell_centre(client, sensitive_site):
    feature = sites(client).json()["features"][0]

    assert feature["id"] == sensitive_site.registry_number
    assert feature["geometry"]["coordinates"] == [76.95, 43.25]
    assert feature["properties"]["location_generalisation"].startswith("0.1°")
    assert "76.9519" not in sites(client).content.decode()


def test_the_public_list_never_shows_drafts(client, db):
    draft = HeritageSiteFactory(sensitivity="S0")

    assert draft.registry_number not in numbers(sites(client))


def test_an_officer_sees_drafts_and_exact_points_in_their_regions(client, officer):
    draft = HeritageSiteFactory(sensitivity="S2", location=ALMATY)
    client.force_login(officer)

    feature = sites(client, status="draft").json()["features"][0]

    assert feature["id"] == draft.draft_reference
    assert feature["geometry"]["coordinates"] == [76.9519, 43.238]
    assert feature["properties"]["status"] == "draft"
    assert feature["properties"]["registry_number"] is None  # given at publication
    assert feature["properties"]["draft_reference"] == draft.draft_reference


def test_an_officer_reads_a_draft_by_its_draft_reference(client, officer):
    draft = HeritageSiteFactory(sensitivity="S2", location=ALMATY)
    client.force_login(officer)

    response = client.get(reverse("api:site-detail", args=[draft.draft_reference]))

    assert response.json()["id"] == draft.draft_reference
    assert response.json()["properties"]["status"] == "draft"


def test_a_researcher_authenticates_with_a_token_and_sees_the_projection(
    client, sensitive_site, researcher_token
):
    response = client.get(
        reverse("api:site-list"), headers={"authorization": f"Token {researcher_token}"}
    )

    assert response.json()["features"][0]["geometry"]["coordinates"] == [76.95, 43.25]


def test_a_researcher_granted_exact_locations_sees_the_exact_point(client, sensitive_site, users):
    from django.contrib.auth.models import Permission

    researcher = users["researcher"]
    researcher.user_permissions.add(Permission.objects.get(codename="view_exact_location"))
    client.force_login(researcher)

    feature = sites(client).json()["features"][0]
    detail = client.get(reverse("api:site-detail", args=[sensitive_site.registry_number])).json()

    assert feature["geometry"]["coordinates"] == [76.9519, 43.238]
    assert "draft_reference" not in feature["properties"]  # staff only: it counts drafts
    assert "draft_reference" not in detail["properties"]


def test_the_public_cannot_filter_by_status(client, db):
    response = sites(client, status="draft")

    assert response.status_code == 400
    assert "status" in response.json()["errors"]


@pytest.mark.parametrize(
    "params",
    [{}, {"near": "76.95,43.24", "ordering": "distance"}],
    ids=["list", "nearest"],
)
def test_a_page_of_sites_costs_one_query_whatever_its_size(
    client, sensitive_site, django_assert_num_queries, params
):
    """The codes of typologies, regions and districts are joined into the page's query: no
    query per site or per code, and no count."""
    typologies = list(Typology.objects.all()[:3])
    for i in range(11):
        place = ALMATY if i % 2 else None
        HeritageSiteFactory(
            published=True,
            sensitivity="S0",
            typology=typologies[i % 3],
            **{"location": place} if place else {},
        )
    districts = {site.district.code for site in PublicSite.objects.select_related("district")}

    # One round trip: the page, and the rate limit's counter sent with it (heritage/early.py).
    with django_assert_num_queries(1):
        response = sites(client, **params)

    features = response.json()["features"]
    assert len(features) == 12
    assert {f["properties"]["typology"] for f in features} == {t.code for t in typologies} | {None}
    assert {f["properties"]["region"] for f in features} == {"KZ75", "KZ61"}
    assert {f["properties"]["district"] for f in features} == districts


def test_following_next_walks_every_site_once(client, db):
    made = sorted(HeritageSiteFactory(published=True).registry_number for _ in range(5))

    seen, url = [], reverse("api:site-list") + "?limit=2"
    while url:
        page = client.get(url).json()
        seen += [f["id"] for f in page["features"]]
        url = page["next"]

    assert seen == made


def test_following_next_walks_a_name_ordering_too(client, db):
    made = [HeritageSiteFactory(published=True).registry_number for _ in range(3)]

    seen, url = [], reverse("api:site-list") + "?limit=2&ordering=-name"
    while url:
        page = client.get(url).json()
        seen += [f["id"] for f in page["features"]]
        url = page["next"]

    assert sorted(seen) == sorted(made)


def test_the_detail_is_found_by_registry_number(client, sensitive_site):
    url = reverse("api:site-detail", args=[sensitive_site.registry_number])

    body = client.get(url).json()

    assert body["id"] == sensitive_site.registry_number
    assert body["properties"]["name_kk"] == sensitive_site.name_kk
    assert "43.238" not in client.get(url).content.decode()


def test_the_detail_of_a_draft_is_404_json_for_the_public(client, db):
    draft = HeritageSiteFactory()

    response = client.get(reverse("api:site-detail", args=[draft.draft_reference]))

    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_the_count_answers_how_many_match(client, sensitive_site):
    response = client.get(reverse("api:site-count"), {"region": sensitive_site.region.code})

    assert response.json() == {"count": 1}


def test_regions_are_listed_with_codes(client, db):
    regions = client.get(reverse("api:region-list")).json()

    assert len(regions) == 20
    assert {"code", "name_kk", "name_ru", "name_en"} <= set(regions[0])


def test_unknown_api_urls_answer_json_404(client, db):
    response = client.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json()["errors"] == {"path": ["no such resource."]}


@pytest.mark.parametrize("who", ["public", "officer"])
def test_a_list_feature_is_the_feature_the_serializers_make(client, officer, who):
    """List pages are built from plain rows for speed (registry/api/serializers.py); they must
    say what the feature serializers (OGC API, the schema) say of the same site."""
    typology = Typology.objects.first()
    precise = Point(76.95191234, 43.23801234, srid=4326)  # rounded to 7 (staff), not 6 places
    made = HeritageSiteFactory(
        published=True, sensitivity="S1", location=precise, typology=typology
    )
    if who == "officer":
        client.force_login(officer)
        site = HeritageSite.objects.get(pk=made.pk)
        expected = OfficerSiteFeatureSerializer(site).data
    else:
        site = PublicSite.objects.get(pk=made.pk)
        expected = PublicSiteFeatureSerializer(site).data

    listed = sites(client).json()["features"]

    assert [json.loads(json.dumps(f)) for f in listed] == [json.loads(json.dumps(expected))]
