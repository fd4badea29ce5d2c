"""Every bad input answers 400 JSON naming the parameter; never a 500, never HTML."""

import json

import pytest
from django.urls import reverse

BOWTIE = "POLYGON((70 45,71 46,71 45,70 46,70 45))"
SQUARE = "[[[70, 45], [71, 45], [71, 46], [70, 45]]]"
OPEN_RING = "[[[70, 45], [71, 45], [71, 46], [70, 46]]]"


def body(coordinates: str, extra: str = "") -> str:
    return f'{{"area": {{"type": "Polygon", "coordinates": {coordinates}}}{extra}}}'


HUGE_WKT = "POLYGON((" + ",".join(f"70.{i:06d} 45" for i in range(20000)) + "))"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"bbox": "nan,43,77,44"}, "bbox"),
        ({"bbox": "inf,43,77,44"}, "bbox"),
        ({"bbox": "76,43,75,44"}, "bbox"),  # min lon > max lon
        ({"bbox": "76,95,77,96"}, "bbox"),  # latitude out of range
        ({"bbox": "76,43,77"}, "bbox"),
        ({"near": "NaN,43"}, "near"),
        ({"near": "43.2,76.9"}, "near"),  # swapped: lat,lon lands outside Kazakhstan
        ({"near": "200,43"}, "near"),
        ({"near": "76.9,43.2", "distance": "-5"}, "distance"),
        ({"near": "76.9,43.2", "distance": "1e12"}, "distance"),
        ({"near": "76.9,43.2", "distance": "Infinity"}, "distance"),
        ({"distance": "100"}, "distance"),  # without near
        ({"ordering": "distance"}, "ordering"),
        ({"geometry": BOWTIE}, "geometry"),  # self-intersecting
        ({"geometry": "POINT(70 45)"}, "geometry"),  # wrong type
        ({"geometry": "POLYGON((70 45,71 45"}, "geometry"),  # malformed
        ({"geometry": HUGE_WKT}, "geometry"),  # oversized
        ({"region": "KZ99"}, "region"),
        ({"district": "nowhere"}, "district"),
        ({"typology": "spaceport"}, "typology"),
        ({"category": "castle"}, "category"),
        ({"q": "a\x00b"}, "q"),
        ({"region": "KZ\x0075"}, "region"),
        ({"limit": "100000"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"date_from": "100", "date_to": "-100"}, "date_from"),
        ({"date_from": "-99999999"}, "date_from"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_query_parameters_are_named(client, db, params, parameter):
    response = client.get(reverse("api:site-list"), params)

    assert response.status_code == 400
    body = response.json()
    assert parameter in body["errors"], body
    assert body["detail"].startswith(parameter)


def post_search(client, body: str):
    return client.post(reverse("api:site-search"), body, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ("{not json", "body"),
        ("[" * 5000 + "]" * 5000, "body"),  # deeply nested
        ('{"q": "a\\u0000b"}', "body"),
        ('{"area": NaN}', "body"),
        ("[]", "body"),
        ('{"area": {"type": "Point", "coordinates": [70, 45]}}', "area"),
        ('{"area": {"type": "Polygon", "coordinates": [[[70, 45], [71, 45], [70, 45]]]}}', "area"),
        (body(OPEN_RING), "area"),
        ('{"area": {"type": "Polygon", "coordinates": "x"}}', "area"),
        (body("[[[1e400, 45], [71, 45], [71, 46], [1e400, 45]]]"), "area"),  # infinite
        (body(SQUARE, ', "limit": 5000'), "limit"),
    ],
)
def test_bad_search_bodies_are_named(client, db, body, parameter):
    response = post_search(client, body)

    assert response.status_code == 400
    assert parameter in response.json()["errors"], response.json()


def test_an_oversized_geojson_area_is_refused(client, db):
    ring = [[70 + i / 100000, 45 + (i % 2) / 1000] for i in range(25000)] + [[70, 45]]
    body = json.dumps({"area": {"type": "Polygon", "coordinates": [ring]}})

    response = client.post(
        reverse("api:site-search"), body, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip

    assert response.status_code == 400
    assert "vertices" in response.json()["errors"]["area"][0]


def test_a_nul_byte_in_the_path_is_a_json_404(client, db):
    response = client.get("/api/v1/sites/KZ%00/")

    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_a_wrong_method_is_json(client, db):
    response = client.delete(reverse("api:site-list"))

    assert response.status_code == 405
    assert response.json()["status"] == 405


def test_throttling_answers_429_json_per_role(client, db, settings):
    settings.REST_FRAMEWORK = {  # day windows: no window edge in the middle of the test
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/day", "researcher": "5/day", "staff": "9/day"},
    }

    codes = [client.get(reverse("api:region-list")).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    assert "Retry-After" in client.get(reverse("api:region-list"))
