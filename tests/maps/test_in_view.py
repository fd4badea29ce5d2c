"""The list of sites in view: the map's features as a list, public points only."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from maps.views import IN_VIEW_COUNT_CAP, IN_VIEW_LIMIT
from registry.services.generate import sites_generate
from tests.factories import HeritageSiteFactory

EXACT = (76.95193, 43.23807)
EXACT_TEXTS = ("76.95193", "43.23807", "76.9519", "43.2380")
CELL_CENTRE = (76.955, 43.235)  # of EXACT's 0.01° cell
ALMATY_BBOX = "76.8,43.1,77.1,43.4"
KAZAKHSTAN_BBOX = "45,40,88,56"
URL = reverse("maps:sites-in-view")


def _in_view(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.json()


def _refs(data) -> list[str]:
    return [site["ref"] for site in data["sites"]]


def test_only_published_sites_in_the_bbox_are_listed(client, db):
    inside = HeritageSiteFactory(published=True, sensitivity="S0", location=Point(*EXACT))
    HeritageSiteFactory(sensitivity="S0", location=Point(*EXACT))  # a draft
    HeritageSiteFactory(published=True, sensitivity="S0", location=Point(68.27, 43.29))

    data = _in_view(client, bbox=ALMATY_BBOX)

    assert _refs(data) == [inside.registry_number]
    assert data["total"] == 1
    assert data["capped"] is False


def test_the_maps_filters_narrow_the_list(client, db):
    kurgan = HeritageSiteFactory(
        published=True, sensitivity="S0", category="archaeology", location=Point(*EXACT),
        date_from=-500, date_to=-300,
    )  # fmt: skip
    HeritageSiteFactory(
        published=True, sensitivity="S0", category="architecture", location=Point(*EXACT),
        date_from=1400,
    )  # fmt: skip

    by_category = _in_view(client, bbox=ALMATY_BBOX, category="archaeology")
    by_period = _in_view(client, bbox=ALMATY_BBOX, year_from=-600, year_to=-400)
    by_significance = _in_view(client, bbox=ALMATY_BBOX, significance="republican")
    by_region = _in_view(client, bbox=ALMATY_BBOX, region=kurgan.region.code)

    assert _refs(by_category) == [kurgan.registry_number]
    assert _refs(by_period) == [kurgan.registry_number]
    assert _refs(by_significance) == []  # both are of local significance
    assert len(_refs(by_region)) == 2


def test_a_withheld_site_is_never_listed(client, db):
    withheld = HeritageSiteFactory(published=True, sensitivity="S3", location=Point(*EXACT))

    content = client.get(URL, {"bbox": "-180,-90,180,90"}).content.decode()

    assert withheld.registry_number not in content


def test_a_generalised_site_is_listed_at_its_cell_centre_never_its_exact_point(client, db):
    site = HeritageSiteFactory(published=True, sensitivity="S1", location=Point(*EXACT))

    response = client.get(URL, {"bbox": ALMATY_BBOX})
    (listed,) = response.json()["sites"]

    assert listed["ref"] == site.registry_number
    assert (listed["lon"], listed["lat"]) == CELL_CENTRE
    assert listed["cell"] is True
    for exact in EXACT_TEXTS:
        assert exact not in response.content.decode()


def test_a_tiny_bbox_around_the_exact_point_cannot_find_a_generalised_site(client, db):
    HeritageSiteFactory(published=True, sensitivity="S1", location=Point(*EXACT))

    data = _in_view(client, bbox="76.9518,43.2379,76.9520,43.2381")

    assert data["sites"] == []


def test_a_site_is_listed_with_its_name_in_the_chosen_language_and_its_category(client, db):
    site = HeritageSiteFactory(
        published=True, sensitivity="S0", location=Point(*EXACT), category="archaeology",
        name_kk="Есік қорғаны", name_ru="Иссыкский курган", name_en="Issyk kurgan",
    )  # fmt: skip
    client.cookies["django_language"] = "ru"

    (listed,) = _in_view(client, bbox=ALMATY_BBOX)["sites"]

    assert listed == {
        "ref": site.registry_number,
        "name": "Иссыкский курган",
        "category": "Археология",
        "lon": EXACT[0],
        "lat": EXACT[1],
        "cell": False,
    }


def test_the_list_stops_at_fifty_by_name_and_says_how_many_there_are(client, db):
    for n in range(IN_VIEW_LIMIT + 5):
        HeritageSiteFactory(
            published=True, sensitivity="S0", name_en=f"Site {n:02d}", location=Point(*EXACT)
        )
    client.cookies["django_language"] = "en"

    data = _in_view(client, bbox=ALMATY_BBOX)

    assert [site["name"] for site in data["sites"]] == [f"Site {n:02d}" for n in range(50)]
    assert (data["total"], data["capped"]) == (55, False)
    assert data["summary"] == "Showing 50 of 55 sites. Zoom in or filter to narrow the list."


def test_the_total_is_counted_up_to_a_cap(client, db):
    sites_generate(count=1500, seed=0.1)
    client.cookies["django_language"] = "en"

    data = _in_view(client, bbox=KAZAKHSTAN_BBOX)

    assert len(data["sites"]) == IN_VIEW_LIMIT
    assert (data["total"], data["capped"]) == (IN_VIEW_COUNT_CAP, True)
    assert data["summary"].startswith("Showing 50 of more than 1,000 sites.")


def test_a_short_list_costs_one_query(client, db, django_assert_num_queries):
    HeritageSiteFactory(published=True, sensitivity="S1", location=Point(*EXACT))
    site = HeritageSiteFactory(published=True, sensitivity="S1", location=Point(*EXACT))

    # One round trip: the list, and the rate limit's counter sent with it (heritage/early.py).
    with django_assert_num_queries(1):
        client.get(URL, {"bbox": ALMATY_BBOX, "category": "architecture"})
    with django_assert_num_queries(1):
        client.get(URL, {"cell": site.registry_number})


@pytest.mark.parametrize(
    "bbox",
    [
        "", "1,2,3", "1,2,3,4,5", "a,b,c,d", "1,,3,4", "nan,40,80,50", "60,40,inf,50",
        "60,-inf,80,50", "1e999,40,80,50", "-181,40,80,50", "60,40,180.5,50", "60,-91,80,50",
        "60,40,80,90.01", "80,40,60,50", "60,50,80,40", "9" * 300,
    ],
)  # fmt: skip
def test_a_bad_bbox_is_refused_naming_bbox(client, db, bbox):
    response = client.get(URL, {"bbox": bbox})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["bbox"]


@pytest.mark.parametrize("bbox", ["nan,40,80,50", "60,40,80,inf", "-1e999,40,80,50"])
def test_a_bbox_that_is_not_finite_says_so(client, db, bbox):
    client.cookies["django_language"] = "en"

    response = client.get(URL, {"bbox": bbox})

    assert response.json()["errors"]["bbox"] == ["The numbers must be finite."]


def test_a_bad_cell_is_refused_naming_cell(client, db):
    response = client.get(URL, {"cell": "K" * 33})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cell"]


def test_a_nul_byte_in_the_bbox_is_refused(client, db):
    response = client.get(URL, {"bbox": "60,40\x00,80,50"})

    assert response.status_code == 400


def test_bbox_and_cell_together_or_a_bad_filter_are_refused_naming_them(client, db):
    both = client.get(URL, {"bbox": ALMATY_BBOX, "cell": "KZ-0000001"})
    bad_year = client.get(URL, {"bbox": ALMATY_BBOX, "year_from": "-1e9"})

    assert both.status_code == bad_year.status_code == 400
    assert list(both.json()["errors"]) == ["cell"]
    assert list(bad_year.json()["errors"]) == ["year_from"]


def test_cell_lists_exactly_the_sites_sharing_the_square(client, db):
    shared = [
        HeritageSiteFactory(published=True, sensitivity="S1", location=Point(lon, lat))
        for lon, lat in [EXACT, (76.9501, 43.2301), (76.9599, 43.2399)]
    ]
    HeritageSiteFactory(published=True, sensitivity="S1", location=Point(76.9601, 43.2350))
    HeritageSiteFactory(published=True, sensitivity="S2", location=Point(*EXACT))
    shared[0].refresh_from_db()
    HeritageSiteFactory(published=True, sensitivity="S0", location=shared[0].public_location)
    HeritageSiteFactory(sensitivity="S1", location=Point(*EXACT))  # a draft
    client.cookies["django_language"] = "en"

    response = client.get(URL, {"cell": shared[1].registry_number})
    data = response.json()

    assert sorted(_refs(data)) == sorted(site.registry_number for site in shared)
    assert {(site["lon"], site["lat"]) for site in data["sites"]} == {CELL_CENTRE}
    assert data["heading"] == "3 sites share this generalised position"
    for exact in EXACT_TEXTS:
        assert exact not in response.content.decode()


def test_cell_follows_the_maps_filters(client, db):
    kurgan = HeritageSiteFactory(
        published=True, sensitivity="S1", location=Point(*EXACT), category="archaeology"
    )
    HeritageSiteFactory(published=True, sensitivity="S1", location=Point(*EXACT))

    data = _in_view(client, cell=kurgan.registry_number, category="archaeology")

    assert _refs(data) == [kurgan.registry_number]


@pytest.mark.parametrize(("sensitivity", "published"), [("S0", True), ("S3", True), ("S1", False)])
def test_cell_of_an_open_withheld_or_draft_site_lists_nothing(client, db, sensitivity, published):
    site = HeritageSiteFactory(published=published, sensitivity=sensitivity, location=Point(*EXACT))
    HeritageSiteFactory(published=True, sensitivity="S1", location=Point(*EXACT))

    response = client.get(URL, {"cell": site.reference})

    assert response.status_code == 200
    assert response.json()["sites"] == []
    for exact in EXACT_TEXTS:
        assert exact not in response.content.decode()


def test_cell_of_an_unknown_number_lists_nothing(client, db):
    assert _in_view(client, cell="KZ-9999999")["sites"] == []


@pytest.mark.parametrize(
    ("language", "summary"),
    [("ru", "На видимой части карты 3 объекта."), ("kk", "Картаның осы бөлігінде 3 нысан бар.")],
)
def test_the_count_is_said_in_the_chosen_language(client, db, language, summary):
    for _ in range(3):
        HeritageSiteFactory(published=True, sensitivity="S0", location=Point(*EXACT))
    client.cookies["django_language"] = language

    assert _in_view(client, bbox=ALMATY_BBOX)["summary"] == summary


def test_requests_of_one_shape_each_get_their_own_box_and_cell(client, db):
    """The list's statements are compiled once per query shape (registry/features.py
    `compiled`) and each request binds its own box and cell."""
    almaty = HeritageSiteFactory(published=True, sensitivity="S1", location=Point(*EXACT))
    shymkent = HeritageSiteFactory(published=True, sensitivity="S1", location=Point(69.59, 42.31))

    assert _refs(_in_view(client, bbox=ALMATY_BBOX)) == [almaty.registry_number]
    assert _refs(_in_view(client, bbox="69.5,42.2,69.7,42.4")) == [shymkent.registry_number]
    assert _refs(_in_view(client, cell=almaty.registry_number)) == [almaty.registry_number]
    assert _refs(_in_view(client, cell=shymkent.registry_number)) == [shymkent.registry_number]


def test_a_name_missing_in_the_language_falls_back_in_the_fallback_order(client, db):
    HeritageSiteFactory(
        published=True, sensitivity="S0", location=Point(*EXACT),
        name_kk="Бабаджа хатун", name_ru="", name_en="Babaji Khatun",
    )  # fmt: skip
    HeritageSiteFactory(
        published=True, sensitivity="S0", location=Point(*EXACT),
        name_kk="Айша бибі", name_ru="Айша-Биби", name_en="Aisha Bibi",
    )  # fmt: skip
    client.cookies["django_language"] = "ru"

    names = {site["name"] for site in _in_view(client, bbox=ALMATY_BBOX)["sites"]}

    assert names == {"Айша-Биби", "Бабаджа хатун"}  # no Russian name: the Kazakh one
