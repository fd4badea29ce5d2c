"""Issue 13 part 3 on the API: Z/M geometries, deep nesting, oversized bodies and forged cursors
answer 4xx JSON naming the field; never a 500."""

import json

import pytest
from django.core import signing
from django.urls import reverse

from registry.api.parsers import MAX_BODY_BYTES
from tests.factories import HeritageSiteFactory

SQUARE = [[70, 45], [71, 45], [71, 46], [70, 45]]
NO_Z_M = "Z and M values are not accepted"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"  # the assertions read English (the default is kk)


def test_the_z_and_m_refusal_is_told_in_the_readers_language(db, client):
    client.cookies["django_language"] = "ru"
    response = client.get(
        reverse("api:site-list"), {"geometry": "POLYGON Z ((70 45 1,71 45 1,71 46 1,70 45 1))"}
    )

    assert response.status_code == 400
    assert "значения Z и M не принимаются" in response.json()["errors"]["geometry"][0]


@pytest.mark.parametrize(
    "wkt",
    [
        "POLYGON Z ((70 45 1,71 45 1,71 46 1,70 45 1))",
        "POLYGON M ((70 45 1,71 45 1,71 46 1,70 45 1))",
        "POLYGON ZM ((70 45 1 2,71 45 1 2,71 46 1 2,70 45 1 2))",
        "POLYGON ((70 45 1,71 45 1,71 46 1,70 45 1))",
        "MULTIPOLYGONZ(((70 45 1,71 45 1,71 46 1,70 45 1)))",
    ],
)
def test_a_z_or_m_geometry_parameter_is_refused(client, db, wkt):
    response = client.get(reverse("api:site-list"), {"geometry": wkt})

    assert response.status_code == 400
    assert NO_Z_M in response.json()["errors"]["geometry"][0]


@pytest.mark.parametrize("url", ["api:site-search", "api:screening"])
@pytest.mark.parametrize("extra", [[210], [210, 5]])
def test_a_z_or_m_geojson_area_is_refused(client, db, url, extra):
    area = {"type": "Polygon", "coordinates": [[p + extra for p in SQUARE]]}

    response = client.post(
        reverse(url), json.dumps({"area": area, "distance": 10}), content_type="application/json"
    )

    assert response.status_code == 400
    assert NO_Z_M in response.json()["errors"]["area"][0]


def test_a_geojson_crs_member_is_refused(client, db):
    area = {"type": "Polygon", "coordinates": [SQUARE], "crs": {"type": "name", "properties":
            {"name": "urn:ogc:def:crs:EPSG::3857"}}}  # fmt: skip

    response = client.post(
        reverse("api:site-search"), json.dumps({"area": area}), content_type="application/json"
    )

    assert response.status_code == 400
    assert "crs" in response.json()["errors"]["area"][0]


@pytest.mark.parametrize("url", ["api:site-search", "api:screening"])
@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 10, 3 * 1024 * 1024])  # ours; Django's 2.5 MB
def test_a_body_over_the_limit_is_413_json_naming_the_limit(client, db, url, size):
    body = json.dumps({"area": {"type": "Polygon", "coordinates": [SQUARE]}, "distance": 5})
    body = body[:-1] + ', "pad": "' + "x" * (size - len(body)) + '"}'

    response = client.post(reverse(url), body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["errors"]["body"] == [
        f"larger than the limit of {MAX_BODY_BYTES} bytes."
    ]


def test_a_deeply_nested_geometry_parameter_is_a_400(client, db):
    response = client.get(
        reverse("api:site-list"), {"geometry": "MULTIPOLYGON" + "(" * 5000 + ")" * 5000}
    )

    assert response.status_code == 400
    assert "geometry" in response.json()["errors"]


def _forge(state: dict) -> str:
    return signing.dumps(state, salt="mura.api.cursor", key="not-the-servers-key")


@pytest.mark.parametrize(
    "cursor",
    [
        _forge({"o": "registry_number", "after": "KZ-0"}),
        _forge({"o": "name", "offset": 50}),
        "eyJvZmZzZXQiOjUwfQ",  # {"offset":50}: unsigned, the old format
        "eyJvZmZzZXQiOjUwfQ:tampered",
        "x" * 400,
    ],
    # Fixed names: a signed value carries the time of signing, and every pytest-xdist worker
    # must collect the same test names.
    ids=["forged-keyset", "forged-offset", "unsigned", "tampered", "too-long"],
)
def test_a_forged_or_damaged_cursor_is_a_400_naming_cursor(client, db, cursor):
    response = client.get(reverse("api:site-list"), {"cursor": cursor})

    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_a_cursor_of_another_ordering_is_refused(client, db):
    for _ in range(3):
        HeritageSiteFactory(published=True)
    first = client.get(reverse("api:site-list"), {"limit": 1, "ordering": "name"}).json()

    response = client.get(
        reverse("api:site-list"), {"cursor": first["next_cursor"], "ordering": "-date_from"}
    )

    assert response.status_code == 400
    assert "another ordering" in response.json()["errors"]["cursor"][0]
