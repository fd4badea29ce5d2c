"""Issue 17: one parser for every surface. A bad query answers the same error, naming the same
parameter, from the API, the OGC API, the map's list and tiles and the exports; a good one
finds the same sites through each of them."""

import csv
import io

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from tests.factories import HeritageSiteFactory

ALMATY = (76.95193, 43.23807)
TURKISTAN = (68.2711, 43.2977)
KAZAKHSTAN_BBOX = "46,40,88,56"


def api_list(client, params):
    return client.get(reverse("api:site-list"), params)


def api_count(client, params):
    return client.get(reverse("api:site-count"), params)


def export_csv(client, params):
    return client.get(reverse("api:site-export", args=["csv"]), params)


def ogc_items(client, params):
    return client.get("/ogc/collections/sites/items", {"limit": 1000, **params})


def in_view(client, params):
    return client.get(reverse("maps:sites-in-view"), {"bbox": KAZAKHSTAN_BBOX, **params})


def tile(client, params):
    return client.get(reverse("maps:tile", args=[5, 22, 11]), params)  # over Almaty


SURFACES = [api_list, api_count, export_csv, ogc_items, in_view]
FILTERING_SURFACES = [*SURFACES, tile]  # tiles take the map's filters, not a bbox


def errors_everywhere(client, surfaces, params) -> list[dict]:
    client.cookies["django_language"] = "en"
    bodies = []
    for surface in surfaces:
        response = surface(client, params)
        assert response.status_code == 400, (surface.__name__, response.content)
        bodies.append(response.json())
    return bodies


@pytest.mark.parametrize(("first", "last"), [("date_from", "date_to"), ("year_from", "year_to")])
def test_an_inverted_period_is_the_same_error_everywhere(client, db, first, last):
    bodies = errors_everywhere(client, FILTERING_SURFACES, {first: "100", last: "-100"})

    expected = {first: ["The period must start before it ends."]}
    assert [body["errors"] for body in bodies] == [expected] * len(bodies)
    assert {body["detail"] for body in bodies} == {
        f"{first}: The period must start before it ends."
    }


def test_an_unknown_region_code_is_the_same_error_everywhere(client, db):
    bodies = errors_everywhere(client, FILTERING_SURFACES, {"region": "KZ75,KZ99"})

    assert [body["errors"] for body in bodies] == [{"region": ["Unknown code(s): KZ99."]}] * 6


def test_a_year_beyond_the_models_bounds_is_the_same_error_everywhere(client, db):
    bodies = errors_everywhere(client, FILTERING_SURFACES, {"date_to": "2101"})

    assert [body["errors"] for body in bodies] == [
        {"date_to": ["Must be between -3000000 and 2100."]}
    ] * 6


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("60,-91,80,50", "Latitudes must be between -90 and 90."),
        ("-181,40,80,50", "Longitudes must be between -180 and 180."),
        ("80,40,60,50", "West must not exceed east, nor south north."),
        ("nan,40,80,50", "The numbers must be finite."),
        ("60,40,80", "Give four numbers: west,south,east,north (degrees)."),
    ],
)
def test_a_bad_bbox_is_the_same_error_everywhere(client, db, bbox, message):
    bodies = errors_everywhere(client, SURFACES, {"bbox": bbox})

    assert [body["errors"] for body in bodies] == [{"bbox": [message]}] * len(SURFACES)


@pytest.fixture
def seeded(db):
    def site(lon_lat, **fields):
        return HeritageSiteFactory(published=True, location=Point(*lon_lat), **fields)

    return {
        "kurgan": site(ALMATY, sensitivity="S0", category="archaeology", date_from=-500,
                       date_to=-300, significance="republican"),
        "hidden": site(ALMATY, sensitivity="S1", category="archaeology", date_from=-700,
                       date_to=-600),
        "mosque": site(ALMATY, sensitivity="S2", category="architecture", date_from=1890),
        "mausoleum": site(TURKISTAN, sensitivity="S0", category="architecture",
                          date_from=1389, date_to=1405, significance="international"),
        "shrine": site(TURKISTAN, sensitivity="S1", category="sacred", date_from=1100),
        "withheld": site(TURKISTAN, sensitivity="S3", category="sacred", date_from=1100),
        "draft": HeritageSiteFactory(sensitivity="S0", location=Point(*TURKISTAN)),
    }  # fmt: skip


def found_through_each(client, params) -> dict[str, set[str]]:
    """The registry numbers each surface returns for the same parameters."""
    api = api_list(client, {"limit": 1000, **params}).json()["features"]
    ogc = ogc_items(client, params).json()["features"]
    listed = in_view(client, params).json()["sites"]
    exported = b"".join(export_csv(client, params).streaming_content).decode("utf-8-sig")
    return {
        "api": {f["id"] for f in api},
        "ogc": {f["id"] for f in ogc},
        "in-view": {s["ref"] for s in listed},
        "export": {row["registry_number"] for row in csv.DictReader(io.StringIO(exported))},
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"bbox": KAZAKHSTAN_BBOX}, {"kurgan", "hidden", "mosque", "mausoleum", "shrine"}),
        ({"category": "archaeology,sacred"}, {"kurgan", "hidden", "shrine"}),
        ({"category": "architecture", "significance": "international"}, {"mausoleum"}),
        ({"region": "KZ75"}, {"kurgan", "hidden", "mosque"}),
        ({"year_from": "-650", "year_to": "-400"}, {"kurgan", "hidden"}),
        ({"date_from": "1000", "region": "KZ61"}, {"mausoleum", "shrine"}),
        ({"bbox": "76.9,43.2,77.0,43.3", "date_to": "0"}, {"kurgan", "hidden"}),
    ],
)
def test_the_same_filters_find_the_same_sites_everywhere(client, seeded, params, expected):
    params = {"bbox": KAZAKHSTAN_BBOX, **params}  # the map's list always has an extent

    found = found_through_each(client, params)

    numbers = {seeded[name].registry_number for name in expected}
    assert found == dict.fromkeys(found, numbers)
    assert api_count(client, params).json()["count"] == len(numbers)


def test_a_zero_area_bbox_is_a_point_query_everywhere(client, seeded):
    hidden = seeded["hidden"]
    hidden.refresh_from_db()
    lon, lat = hidden.public_location.coords  # its cell's centre: public
    at_centre = f"{lon},{lat},{lon},{lat}"
    at_exact = f"{ALMATY[0]},{ALMATY[1]},{ALMATY[0]},{ALMATY[1]}"

    found = found_through_each(client, {"bbox": at_centre})
    exact = found_through_each(client, {"bbox": at_exact})

    assert found == dict.fromkeys(found, {hidden.registry_number})
    assert exact == dict.fromkeys(exact, {seeded["kurgan"].registry_number})  # the S0 site
