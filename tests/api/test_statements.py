"""List pages come from statements compiled once per query shape, with each request's own
values bound (registry/features.py): every request of a shape must get its own answer."""

import jsonschema
import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from registry import features
from tests.factories import HeritageSiteFactory

# Open (S0) sites on a line of longitudes, 0.1° apart, in southern Kazakhstan.
LONGITUDES = [70.0 + i / 10 for i in range(8)]
LATITUDE = 43.5


@pytest.fixture
def line(db):
    features._public_statement.cache_clear()
    sites = {}
    for lon in LONGITUDES:
        site = HeritageSiteFactory(
            published=True, sensitivity="S0", location=Point(lon, LATITUDE, srid=4326)
        )
        sites[site.registry_number] = lon
    return sites


def ids(client, **params) -> list[str]:
    response = client.get(reverse("api:site-list"), params)
    assert response.status_code == 200, response.content
    return [f["id"] for f in response.json()["features"]]


def test_boxes_of_one_shape_share_a_statement_and_get_their_own_sites(client, line):
    west = ids(client, bbox="69.95,43.4,70.25,43.6")  # 0.3 x 0.2 degrees: a small box
    east = ids(client, bbox="70.45,43.4,70.75,43.6")

    assert west == sorted(n for n, lon in line.items() if 69.95 <= lon <= 70.25)
    assert east == sorted(n for n, lon in line.items() if 70.45 <= lon <= 70.75)
    assert len(west) == 3
    assert len(east) == 3
    cache = features._public_statement.cache_info()
    assert (cache.misses, cache.hits) == (1, 1)


def test_a_big_box_is_another_shape_with_its_own_plan(client, line):
    small = ids(client, bbox="69.95,43.4,70.25,43.6")
    big = ids(client, bbox="60,40,80,50")

    assert len(small) == 3
    assert big == sorted(line)
    assert features._public_statement.cache_info().misses == 2


def test_a_cursor_is_bound_so_pages_walk_every_site_once(client, line):
    seen, params = [], {"bbox": "60,40,80,50", "limit": 3}
    while True:
        body = client.get(reverse("api:site-list"), params).json()
        seen += [f["id"] for f in body["features"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]

    assert seen == sorted(line)
    # First page, then every later page shares one statement (the cursor is bound).
    assert features._public_statement.cache_info().misses == 2


def test_nearest_binds_its_point(client, line):
    by_lon = {lon: number for number, lon in line.items()}
    for lon in (70.0, 70.5, 70.7):
        response = client.get(
            reverse("api:site-list"),
            {"near": f"{lon + 0.01},{LATITUDE}", "ordering": "distance", "limit": 2},
        )
        first, second = response.json()["features"]

        assert first["id"] == by_lon[lon]
        assert 700 < first["properties"]["distance_m"] < 900  # 0.01° of longitude at 43.5°N
        assert second["properties"]["distance_m"] > first["properties"]["distance_m"]


def test_the_name_is_the_readers_language_then_the_fallback_order(client, db):
    site = HeritageSiteFactory(
        published=True, sensitivity="S0", name_kk="Тамғалы", name_ru="Тамгалы", name_en=""
    )

    def name(language: str) -> str:
        response = client.get(reverse("api:site-list"), {"limit": 1}, HTTP_ACCEPT_LANGUAGE=language)
        (feature,) = response.json()["features"]
        assert feature["id"] == site.registry_number
        return feature["properties"]["name"]

    assert name("ru") == "Тамгалы"
    assert name("kk") == "Тамғалы"
    assert name("en") == "Тамғалы"  # no English name: Kazakh comes first in the fallbacks


def test_features_carry_exactly_the_listed_exchange_columns(client, line):
    response = client.get(reverse("api:site-list"), {"limit": 1})
    (feature,) = response.json()["features"]

    listed = [c.name for c in features.listed_columns(exact=False, staff=False)]
    expected = {"name", "distance_m", *listed} - {"registry_number"}  # the number is the id
    assert set(feature["properties"]) == expected
    assert feature["properties"]["location_generalisation"] == "exact"
    assert feature["geometry"]["type"] == "Point"


def _json_schema(schema):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, for jsonschema."""
    if isinstance(schema, dict):
        schema = {k: _json_schema(v) for k, v in schema.items()}
        if schema.pop("nullable", False):
            schema["type"] = [schema["type"], "null"]
        return schema
    if isinstance(schema, list):
        return [_json_schema(item) for item in schema]
    return schema


def test_the_published_feature_schema_describes_what_the_statements_build(client, db):
    HeritageSiteFactory(published=True, sensitivity="S0", name_en="", typology=None)
    HeritageSiteFactory(published=True, sensitivity="S3", date_from=-500, date_to=-300)
    api = client.get(reverse("api:site-list"), {"near": "68.3,43.3"}).json()["features"]
    ogc = client.get("/ogc/collections/sites/items", {"f": "json"}).json()["features"]

    assert len(api) == len(ogc) == 2
    for feature in api:
        jsonschema.validate(feature, _json_schema(features.feature_schema(distance=True)))
    for feature in ogc:
        jsonschema.validate(feature, _json_schema(features.feature_schema(distance=False)))
        assert "distance_m" not in feature["properties"]
    withheld = next(f for f in api if f["properties"]["sensitivity"] == "S3")
    assert withheld["geometry"] is None
    bad = {**withheld, "properties": {**withheld["properties"], "sensitivity": "S9"}}
    with pytest.raises(jsonschema.ValidationError):  # the schema does check values
        jsonschema.validate(bad, _json_schema(features.feature_schema(distance=True)))
