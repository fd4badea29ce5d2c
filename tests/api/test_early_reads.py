"""Anonymous public reads answered early (heritage/early.py): the API's site list, count and
single record and the map's in-view list give the same bytes and headers as down the whole chain,
bad input is still a 400 naming the parameter, the rate limit still refuses past its
allowance (counting each request once), and only the public projection is read."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from psycopg import _queries as psycopg_queries

from heritage import early, limits
from maps import views as maps_views
from registry import features
from registry.api import views as api_views
from tests.factories import HeritageSiteFactory, UserFactory

EXACT = (76.95193, 43.23807)  # inside the S2 site's 0.1° cell, not its centre
EXACT_TEXTS = ("76.95193", "43.23807", "76.9519", "43.2380")
BBOX = "76.8,43.1,77.1,43.4"


@pytest.fixture
def sites(db):
    return {
        "open": HeritageSiteFactory(published=True, sensitivity="S0", location=Point(76.9, 43.25)),
        "sensitive": HeritageSiteFactory(published=True, sensitivity="S2", location=Point(*EXACT)),
        "draft": HeritageSiteFactory(sensitivity="S0", location=Point(76.91, 43.26)),
    }


def _urls(sites) -> list[str]:
    return [
        f"/api/v1/sites/{sites['open'].registry_number}/",
        f"/api/v1/sites/{sites['sensitive'].registry_number}/",
        f"/api/v1/sites/?bbox={BBOX}&limit=1",
        "/api/v1/sites/?near=76.93,43.25&ordering=distance&limit=20",
        "/api/v1/sites/?q=Mausoleum&limit=5",
        "/api/v1/sites/count/?category=architecture",
        f"/maps/sites/in-view.json?bbox={BBOX}",
    ]


def _whole_chain(client):
    """The same anonymous visitor down the whole chain: a session cookie (naming no session)
    keeps a request off the early path."""
    client.cookies["sessionid"] = "no-such-session"
    return client


@pytest.mark.parametrize("index", range(7))
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_early_answer_is_the_whole_chains_answer(client, sites, index, language):
    url = _urls(sites)[index]
    headers = {"Accept-Language": language}

    early = client.get(url, headers=headers)
    whole = _whole_chain(type(client)()).get(url, headers=headers)

    assert not hasattr(early.wsgi_request, "session")  # answered early
    assert hasattr(whole.wsgi_request, "session")
    assert early.status_code == whole.status_code == 200
    assert early.content == whole.content
    assert dict(early.headers) == dict(whole.headers)
    assert early["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in early


def test_an_early_read_is_one_round_trip_with_its_rate_limit_hit(client, sites):
    url = f"/api/v1/sites/{sites['open'].registry_number}/"
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    assert len(queries) == 1
    assert "mura_rate_limit" in queries[0]["sql"]
    assert "registry_public_site" in queries[0]["sql"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/sites/?bbox=1,2,3", "bbox"),
        ("/api/v1/sites/?near=76.9,43.2&ordering=sideways", "ordering"),
        ("/api/v1/sites/?limit=-1", "limit"),
        ("/api/v1/sites/?cursor=forged", "cursor"),
        ("/api/v1/sites/?bboxx=1,2,3,4", "bboxx"),
        ("/maps/sites/in-view.json?bbox=1,2,3", "bbox"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, db, url, field):
    response = client.get(url, headers={"Accept-Language": "en"})
    whole = _whole_chain(type(client)()).get(url, headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.content == whole.content


def test_a_missing_record_is_the_apis_404(client, db):
    response = client.get("/api/v1/sites/KZ-NO-SUCH/")

    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    ("rate", "url"),
    [
        ({"api": "3/day"}, "/api/v1/sites/{number}/"),
        ({"api": "3/day"}, "/api/v1/sites/?near=76.93,43.25&ordering=distance"),
        ({"map": "3/day"}, f"/maps/sites/in-view.json?bbox={BBOX}"),
        ({"api": "3/day"}, "/api/v1/sites/?bbox=1,2,3"),  # refused or not, a bad request counts
    ],
)
def test_the_limit_refuses_past_its_allowance(client, sites, settings, rate, url):
    if "api" in rate:
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**rates, "anon": rate["api"]},
        }
    else:
        settings.MURA_RATES = {**settings.MURA_RATES, **rate}
    url = url.format(number=sites["open"].registry_number)

    allowed = [client.get(url).status_code for _ in range(3)]
    refused = client.get(url)

    assert 429 not in allowed  # each request counted once, early or down the whole chain
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    if url.startswith("/api/"):
        assert refused.json()["status"] == 429
    else:
        assert "no-store" in refused["Cache-Control"]


def test_early_reads_show_a_sensitive_site_only_where_the_public_projection_puts_it(client, sites):
    number = sites["sensitive"].registry_number
    bodies = [
        client.get(f"/api/v1/sites/{number}/").content.decode(),
        client.get(f"/api/v1/sites/?bbox={BBOX}").content.decode(),
        client.get("/api/v1/sites/?near=76.95,43.24&ordering=distance").content.decode(),
        client.get(f"/maps/sites/in-view.json?bbox={BBOX}").content.decode(),
    ]

    assert all(number in body for body in bodies)
    assert not any(text in body for body in bodies for text in EXACT_TEXTS)


def test_signed_in_or_token_requests_go_the_whole_way(client, sites):
    officer = type(client)()
    officer.force_login(UserFactory(username="officer-reading"))
    url = f"/api/v1/sites/{sites['open'].registry_number}/"

    signed_in = officer.get(url)
    token = client.get(url, headers={"Authorization": "Token nonsense"})
    geojson = client.get(url, headers={"Accept": "application/geo+json"})

    assert hasattr(signed_in.wsgi_request, "session")
    assert token.status_code == 401
    assert geojson["Content-Type"] == "application/geo+json"


@pytest.mark.parametrize(
    "path",
    [
        "/maps/tiles/0/0/0.pbf",
        "/maps/tiles/14/11700/6100.pbf",
        "/maps/tiles/007/1/2.pbf",
        early.IN_VIEW_PATH,
        "/api/v1/sites/",
        "/api/v1/sites/count/",
        "/api/v1/sites/KZ-0001897/",
        "/api/v1/sites/A/",
        "/api/v1/sites/" + "A" * 32 + "/",
    ],
)
def test_the_early_routes_are_the_urlconfs(path):
    """heritage/early.py matches its routes itself; each must be the URLconf's."""
    match = resolve(path)
    if path == early.IN_VIEW_PATH:
        assert match.func is maps_views.sites_in_view
        assert match.kwargs == {}
    elif path.startswith(early.TILES_PATH):
        assert match.func is maps_views.tile
        found = early.TILE_ROUTE.fullmatch(path).groupdict()
        assert {name: int(value) for name, value in found.items()} == match.kwargs
    else:
        assert match.namespace == "api"
        route = early.API_RECORD_ROUTE.fullmatch(path)
        assert early.API_ROUTES.get(path, "site-detail") == match.url_name
        assert (route.groupdict() if route else {}) == match.kwargs
        assert match.url_name in api_views.EARLY


@pytest.mark.parametrize(
    "path",
    [
        "/maps/tiles/1/2/3.png",
        "/maps/tiles/-1/2/3.pbf",
        "/maps/tiles/1/2/3.pbf/",
        "/api/v1/sites/kz-1/",
        "/api/v1/sites/" + "A" * 33 + "/",
        "/api/v1/sites/KZ-1",
        "/api/v1/sites/search/",
        "/api/v1/sites/KZ-1/extra/",
    ],
)
def test_what_the_early_routes_leave_is_no_early_route_of_the_urlconf(path):
    assert early.TILE_ROUTE.fullmatch(path) is None
    assert early.API_RECORD_ROUTE.fullmatch(path) is None
    assert path not in early.API_ROUTES
    try:
        match = resolve(path)
    except Resolver404:
        return
    assert match.url_name not in {*api_views.EARLY, "tile"}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_public_record_with_its_hit_is_short_enough_for_psycopg_to_keep_parsed(language):
    """psycopg parses a statement with parameters again on every execution when it is longer
    than 4,096 bytes (psycopg._queries); the single record's, sent with the rate-limit hit,
    is kept within that (registry/features.py RECORD_TIME_SQL)."""
    statement = features._public_record_statement(language)
    sent = f"{statement.sql}{limits.WITH_HIT}{limits.HIT_SQL}".encode()

    assert len(sent) <= getattr(psycopg_queries, "MAX_CACHED_STATEMENT_LENGTH", 4096)
