"""Rate limits and lockouts key on the real client address (heritage/clientip.py), through
Django's test client with forged REMOTE_ADDR / X-Forwarded-For. The counters are the real
PostgreSQL table (each test's rows go with its transaction). Through nginx and two gunicorn
workers: tests/deploy/test_rate_limits.py."""

import time
from ipaddress import ip_network

import pytest
from django.db import connection
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from heritage import limits
from heritage.clientip import client_ip

PROXY = "10.8.0.2"  # the "nginx" of these tests
ATTACKER, VICTIM = "198.51.100.66", "198.51.100.7"
PAGE = "/sitemap.xml"  # public, cheap, limited as a page
PASSWORD = "Steppe-Wind-2026"


@pytest.fixture
def behind_proxy(settings):
    settings.MURA_TRUSTED_PROXIES = (ip_network("10.8.0.0/24"),)


@pytest.fixture
def rates(settings):
    """`rates(pages="3/day")`: small limits for this test (day windows: no edge mid-test)."""

    def set_rates(**small):
        settings.MURA_RATES = {**settings.MURA_RATES, **small}

    return set_rates


@pytest.fixture
def api_rates(settings):
    def set_rates(**small):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **small,
            },
        }

    return set_rates


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        (ATTACKER, VICTIM, False, ATTACKER),  # no proxy configured: the header is not read
        (ATTACKER, VICTIM, True, ATTACKER),  # a client is not a trusted proxy
        (PROXY, VICTIM, True, VICTIM),
        (PROXY, f"{VICTIM}, {ATTACKER}", True, ATTACKER),  # nginx appended the real one
        (PROXY, f"{VICTIM}, {ATTACKER}, 10.8.0.9", True, ATTACKER),  # two trusted hops
        (PROXY, f"{ATTACKER}, not-an-address", True, PROXY),  # garbage: the last hop vouched
        (PROXY, "", True, PROXY),
        (PROXY, "2001:db8::1", True, "2001:db8::1"),
    ],
)
def test_the_client_is_the_right_most_address_not_vouched_for_by_a_trusted_proxy(
    settings, remote, forwarded, trusted, expected
):
    settings.MURA_TRUSTED_PROXIES = (ip_network("10.8.0.0/24"),) if trusted else ()
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_a_client_changing_its_forwarded_for_header_is_still_limited(client, db, rates):
    rates(pages="3/day")

    codes = [
        client.get(PAGE, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]

    assert codes == [200, 200, 200, 429]


def test_behind_the_trusted_proxy_a_forged_header_neither_escapes_nor_blames_another(
    client, db, rates, behind_proxy
):
    rates(pages="3/day")

    codes = [
        client.get(
            PAGE, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{VICTIM}, 203.0.113.{n}, {ATTACKER}"
        ).status_code
        for n in range(4)
    ]
    victim = client.get(PAGE, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM)

    assert codes == [200, 200, 200, 429]
    assert victim.status_code == 200


def test_ipv6_clients_are_counted_per_64(client, db, rates):
    rates(pages="2/day")

    codes = [client.get(PAGE, REMOTE_ADDR=f"2001:db8:0:7::{n}").status_code for n in (1, 2, 3)]
    other = client.get(PAGE, REMOTE_ADDR="2001:db8:0:8::1")

    assert codes == [200, 200, 429]
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("scope", "path", "content_type"),
    [
        ("tiles", "/maps/tiles/6/44/23.pbf", None),
        ("tiles", "/maps/base/en/6/44/23.json", "text/plain"),
        ("map", "/maps/suggest/?q=otrar", "text/plain"),
        ("map", "/maps/sites/in-view.json?bbox=68,42,69,43", "text/plain"),
        ("pages", "/sites/KZ-NONE-000001/", "text/plain"),
        ("passports", "/sites/KZ-NONE-000001/passport.pdf", "text/plain"),
        ("pages", "/", "text/plain"),
        ("ogc", "/ogc/collections/sites/items?limit=1", "application/json"),
        ("pages", "/api/schema/", "application/json"),
    ],
)
def test_every_public_path_answers_429_with_retry_after_past_its_limit(
    client, db, rates, scope, path, content_type
):
    rates(**{scope: "2/day"})

    first = [client.get(path).status_code for _ in range(2)]
    refused = client.get(path)

    assert 429 not in first
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 86400
    assert "no-store" in refused["Cache-Control"]  # nginx must not keep a refusal as a tile
    if content_type is None:
        assert refused.content == b""
    else:
        assert refused["Content-Type"].startswith(content_type)
    if content_type == "application/json":
        assert refused.json()["status"] == 429
    elif content_type:
        assert "Too many requests" in refused.content.decode()


def test_health_checks_are_never_limited(client, db, settings):
    settings.MURA_RATES = dict.fromkeys(settings.MURA_RATES, "1/day")

    codes = {client.get(path).status_code for path in ["/health/live"] * 3}

    assert codes == {200}


def test_the_api_limits_anonymous_clients_by_real_address(client, db, api_rates, behind_proxy):
    api_rates(anon="2/day")
    url = "/api/v1/regions/"

    codes = [
        client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{n}.1.1.1, {ATTACKER}")
        for n in range(3)
    ]
    victim = client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM)

    assert [r.status_code for r in codes] == [200, 200, 429]
    assert codes[-1].json()["status"] == 429
    assert int(codes[-1]["Retry-After"]) > 0
    assert victim.status_code == 200


def test_a_researchers_token_keeps_its_own_rate_from_a_limited_address(
    client, db, api_rates, django_user_model
):
    api_rates(anon="1/day", researcher="3/day")
    token = Token.objects.create(user=django_user_model.objects.create_user("res", password="x"))
    client.get("/api/v1/regions/")
    anonymous = client.get("/api/v1/regions/")

    codes = [
        client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code
        for _ in range(4)
    ]

    assert anonymous.status_code == 429
    assert codes == [200, 200, 200, 429]


def test_exports_have_a_stricter_limit_of_their_own(client, db, api_rates):
    api_rates(anon="100/day", export_anon="1/day")

    export = [client.get("/api/v1/exports/sites.csv") for _ in range(2)]
    listing = client.get("/api/v1/sites/")

    assert [r.status_code for r in export] == [200, 429]
    assert export[1].json()["status"] == 429
    assert listing.status_code == 200


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("aigerim.owner", password=PASSWORD)


def _log_in(client, password: str, **addresses):
    form = {"username": "aigerim.owner", "password": password}
    return client.post("/accounts/login/", form, **addresses)


@pytest.mark.parametrize(
    ("stranger", "owner_at"),
    [
        ({"REMOTE_ADDR": ATTACKER}, {"REMOTE_ADDR": VICTIM}),
        (
            {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{VICTIM}, {ATTACKER}"},
            {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": VICTIM},
        ),
    ],
    ids=["direct", "behind-proxy"],
)
def test_a_stranger_failing_five_times_does_not_lock_the_owner_out(
    client, owner, behind_proxy, stranger, owner_at
):
    failures = [_log_in(client, "guess", **stranger).status_code for _ in range(5)]
    locked = _log_in(client, PASSWORD, **stranger)

    logged_in = _log_in(client, PASSWORD, **owner_at)

    assert failures == [200, 200, 200, 200, 429]  # the form again, then the lockout
    assert locked.status_code == 429  # the stranger's own address stays locked
    assert logged_in.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_one_address_cannot_try_many_accounts_quickly(client, db, rates):
    rates(login="3/day")

    codes = [
        client.post(
            "/accounts/login/", {"username": f"user{n}", "password": "x"}, REMOTE_ADDR=ATTACKER
        ).status_code
        for n in range(4)
    ]
    other = client.post("/accounts/login/", {"username": "user9", "password": "x"})

    assert codes == [200, 200, 200, 429]
    assert other.status_code == 200


def test_expired_windows_are_deleted_in_the_same_statement(
    db, monkeypatch, django_assert_num_queries
):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mura_rate_limit VALUES ('\\x01'::bytea, %s, 5)", [int(time.time()) - 1]
        )
    monkeypatch.setattr(limits, "_last_sweep", 0.0)  # a minute has passed for this process

    with django_assert_num_queries(1):
        verdict = limits.hit("pages", ATTACKER, limits.Rate(count=3, seconds=60))

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM mura_rate_limit WHERE bucket = '\\x01'::bytea")
        assert cursor.fetchone()[0] == 0
    assert verdict.allowed


def test_a_deferred_hit_is_counted_once_in_the_next_reads_round_trip(db, django_assert_num_queries):
    """heritage/limits.py `counting`: an early read's hit goes with its first statement."""
    day = limits.Rate(count=1, seconds=86400)
    first = limits.Count("map", ATTACKER, day)
    with limits.counting(first), django_assert_num_queries(1):
        rows = limits.read("default", "SELECT %s::int", [7])
    second = limits.Count("map", ATTACKER, day)
    with limits.counting(second), django_assert_num_queries(2):
        limits.read("default", "SELECT 1", [])
        limits.read("default", "SELECT 2", [])  # the hit went with the first

    assert rows == [(7,)]
    assert first.verdict.allowed
    assert not second.verdict.allowed
    assert limits.settle(second) is second.verdict  # counted once
