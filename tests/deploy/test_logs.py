"""What the logs say about anonymous traffic over sensitive sites: no exact coordinate of an
S1-S3 site, no client address, no email, username or token. Mura runs under gunicorn with the
repository's gunicorn.conf.py and its real LOGGING at DEBUG (DJANGO_DEBUG=1 too, so Django's
SQL logging would show if it were on); everything it writes is read back."""

import http.cookiejar
import math
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.contrib.gis.geos import Point

from heritage.redaction import redact
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLIENT_IP = "203.0.113.77"  # as a proxy would pass it on
EMAIL = "victim.person@example.kz"
TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
SENSITIVE = {  # exact points, deliberately far from their grid cells' centres
    "S1": (71.43127, 51.12863),
    "S2": (76.95193, 43.23807),
    "S3": (68.31257, 43.31749),
}


def written_forms(value: float) -> set[str]:
    """How code would print a coordinate: full repr and 6, 5 or 4 decimals."""
    return {repr(value), f"{value:.6f}", f"{value:.5f}", f"{value:.4f}"}


def tile(lon: float, lat: float, z: int) -> str:
    n = 2**z
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"/maps/tiles/{z}/{int((lon + 180) / 360 * n)}/{y}.pbf"


class Visitor:
    """An anonymous browser behind a proxy: cookies kept, redirects not followed."""

    def __init__(self, server):
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict | None = None, **headers) -> int:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"X-Forwarded-For": CLIENT_IP, "Referer": self.server.url(path), **headers}
        request = urllib.request.Request(self.server.url(path), data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")


@pytest.fixture
def sensitive_sites(live_site):
    return {
        cls: HeritageSiteFactory(published=True, sensitivity=cls, location=Point(*point))
        for cls, point in SENSITIVE.items()
    }


def _browse(visitor, sites) -> None:
    for cls, site in sites.items():
        lon, lat = SENSITIVE[cls]
        number, name = site.registry_number, urllib.parse.quote(site.name_en)
        box = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
        for path in (
            f"/api/v1/sites/{number}/", f"/sites/{number}/", f"/maps/sites/{number}.json",
            f"/api/v1/sites/?bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}",
            f"/api/v1/sites/?near={lon},{lat}&distance=50", f"/api/v1/sites/?q={name}",
            f"/maps/suggest/?q={name}", tile(lon, lat, 14), tile(lon, lat, 8),
            f"/ogc/collections/sites/items?bbox={box}",
        ):  # fmt: skip
            visitor.request(path)
    for path in ("/", "/api/v1/sites/", "/api/v1/exports/sites.geojson", "/no/such/page/"):
        visitor.request(path)
    visitor.request("/api/v1/sites/", Authorization=f"Token {TOKEN}")


def _fail_logins(visitor, times: int) -> list[int]:
    visitor.request("/accounts/login/")
    form = {"username": EMAIL, "password": "wrong-password-1", "csrfmiddlewaretoken": ""}
    return [
        visitor.request("/accounts/login/", {**form, "csrfmiddlewaretoken": visitor.csrf()})
        for _ in range(times)
    ]


def test_logs_of_anonymous_traffic_hold_no_exact_point_address_or_identity(
    sensitive_sites, gunicorn
):
    server = gunicorn({"DJANGO_DEBUG": "1", "DJANGO_LOG_LEVEL": "DEBUG", "DJANGO_HTTPS": "0"})
    visitor = Visitor(server)

    _browse(visitor, sensitive_sites)
    statuses = _fail_logins(visitor, 6)
    server.stop()
    logs = server.log()

    assert '"GET /api/v1/sites/ HTTP/1.1" 200' in logs  # the access log is there
    assert "Not Found: /no/such/page/" in logs  # so are Django's request warnings
    assert "AXES: Locking out" in logs  # and axes's lockout
    assert statuses[-1] == 429
    leaks = {form for point in SENSITIVE.values() for v in point for form in written_forms(v)}
    leaks |= {CLIENT_IP, "127.0.0.1", EMAIL, "victim.person", TOKEN}
    assert [leak for leak in leaks if leak in logs] == []


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("Invalid request from ip=192.0.2.10: bad", "Invalid request from ip=[ip]: bad"),
        ("peer [2001:db8::7]:443 closed", "peer [[ip]]:443 closed"),
        ("fe80:0:0:0:0:0:0:1 said", "[ip] said"),
        ("login failed for anna.b@mail.kz", "login failed for [email]"),
        ("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
         "Authorization: [redacted]"),
        ("{'password': 'hunter2', 'q': 'x'}", "{'password': '[redacted]', 'q': 'x'}"),
        ('AXES: {username: "anna", path_info: "/x/"}',
         'AXES: {username: "[redacted]", path_info: "/x/"}'),
        ("Cookie: sessionid=abc123; other=1", "Cookie: [redacted]; other=1"),
        ("Bearer eyJhbGciOiJIUzI1NiJ9.e30.x1", "Bearer [redacted]"),
    ],
)  # fmt: skip
def test_the_filter_masks_addresses_emails_and_credentials(line, masked):
    assert redact(line) == masked


def test_the_filter_leaves_times_versions_and_numbers_alone():
    line = "2026-11-27 05:10:02 took 12:30:45 v1.2.3 tile 14/11373/6250 at 43.238 0.25 s"

    assert redact(line) == line
