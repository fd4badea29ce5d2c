"""Rate limits and lockouts as deployed: the shipped nginx (deploy/nginx.conf) in front of
gunicorn with two workers, on the test database. Clients are real sockets from different
loopback addresses (127.0.0.2, 127.0.0.3: all of 127/8 is loopback on Linux), and forge
X-Forwarded-For; the app trusts only nginx (MURA_TRUSTED_PROXIES=127.0.0.1)."""

import functools
import http.client
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 8
A, B = "127.0.0.2", "127.0.0.3"  # two real clients
PASSWORD = "Steppe-Wind-2026"
PID_LOG = ("--access-logformat", "pid=%(p)s %(U)s %(s)s")  # which worker answered


class _From(urllib.request.HTTPHandler):
    def __init__(self, source: str):
        super().__init__()
        self.source = source

    def http_open(self, req):
        connect = functools.partial(http.client.HTTPConnection, source_address=(self.source, 0))
        return self.do_open(connect, req)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A client at its own address: cookies kept, redirects not followed."""

    def __init__(self, base: str, address: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.cookies)
        self.opener = urllib.request.build_opener(_From(address), _NoRedirects, cookies)

    def request(self, path: str, data: dict | None = None, **headers) -> int:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            with error:
                return error.code

    def log_in(self, username: str, password: str, **headers) -> int:
        if not any(c.name == "csrftoken" for c in self.cookies):
            self.request("/accounts/login/")
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        return self.request("/accounts/login/", form, **headers)


@pytest.fixture
def behind_nginx(gunicorn, nginx_in_front):
    """`behind_nginx(MURA_RATE_MAP="8/day", ...)`: Mura under gunicorn (two workers) with
    these settings, behind nginx; returns (server, nginx's base URL). Counters start at zero."""

    def start(**env):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM mura_rate_limit")  # earlier runs' windows
        server = gunicorn({"MURA_TRUSTED_PROXIES": "127.0.0.1", **env}, workers=2, args=PID_LOG)
        return server, nginx_in_front(f"127.0.0.1:{server.port}")

    return start


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("MURA_RATE_TILES", "/maps/tiles/6/44/23.pbf"),  # no version: nginx does not cache it
        ("MURA_RATE_MAP", "/maps/suggest/?q=otrar"),
        ("MURA_RATE_OGC", "/ogc/collections/sites/items?limit=1"),
        ("MURA_API_RATE_ANON", "/api/v1/regions/"),
    ],
)
def test_the_limit_holds_across_workers_and_forged_headers_for_one_client_only(
    behind_nginx, setting, path
):
    server, nginx = behind_nginx(**{setting: f"{LIMIT}/day"})  # day: no window edge mid-test
    a, b = Visitor(nginx, A), Visitor(nginx, B)

    def forged(n: int) -> int:  # a new address each time, and one blaming B
        return a.request(path, **{"X-Forwarded-For": f"203.0.113.{n}, {B}"})

    with ThreadPoolExecutor(4) as pool:  # concurrent, so both workers answer
        codes = list(pool.map(forged, range(LIMIT + 4)))
    other_client = b.request(path)
    workers = set(re.findall(rf"pid=<(\d+)> {re.escape(path.split('?')[0])} ", server.log()))

    assert sorted(codes).count(429) == 4, codes  # exactly LIMIT answered, whichever worker
    assert all(200 <= code < 300 for code in codes if code != 429), codes
    assert other_client != 429
    assert len(workers) == 2  # both workers counted against the same limit


def test_five_bad_passwords_from_a_stranger_do_not_lock_the_owner_out(
    behind_nginx, django_user_model
):
    django_user_model.objects.create_user("aigerim.owner", password=PASSWORD)
    server, nginx = behind_nginx()
    stranger, owner = Visitor(nginx, A), Visitor(nginx, B)

    failures = [
        stranger.log_in("aigerim.owner", "guess", **{"X-Forwarded-For": B}) for _ in range(5)
    ]
    stranger_now = stranger.log_in("aigerim.owner", PASSWORD)
    owner_now = owner.log_in("aigerim.owner", PASSWORD)

    assert failures == [200, 200, 200, 200, 429]  # the form again, then the lockout
    assert stranger_now == 429
    assert owner_now == 302  # logged in, to /officer/


def test_one_address_cannot_try_many_accounts_quickly(behind_nginx):
    server, nginx = behind_nginx(MURA_RATE_LOGIN=f"{LIMIT}/day")
    a, b = Visitor(nginx, A), Visitor(nginx, B)

    codes = [
        a.log_in(f"user{n}", "guess", **{"X-Forwarded-For": f"203.0.113.{n}"})
        for n in range(LIMIT + 1)
    ]
    other_client = b.log_in("user0", "guess")

    assert codes == [200] * LIMIT + [429]
    assert other_client == 200
