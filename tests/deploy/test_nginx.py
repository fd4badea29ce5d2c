"""deploy/nginx.conf in front of a live app: nginx (Debian's) runs as a real process on a free
port, from the deployed file with only its ports and paths swapped."""

import gzip
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from registry.selectors import public_map_version
from tests.factories import HeritageSiteFactory

TILE = "/maps/tiles/6/44/23.pbf"  # southern Kazakhstan, where the factory's sites are


@pytest.fixture
def nginx(live_site, nginx_in_front):
    """nginx on a free port in front of the live server; yields its base URL."""
    return nginx_in_front(urlsplit(live_site.url).netloc)


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def test_a_tile_of_the_current_version_comes_from_nginx_the_second_time(nginx):
    HeritageSiteFactory(published=True, sensitivity="S0")
    url = f"{nginx}{TILE}?v={public_map_version()}"

    first, second = _get(url), _get(url)

    assert first[0] == second[0] == 200
    assert first[1]["X-Cache-Status"] == "MISS"
    assert second[1]["X-Cache-Status"] == "HIT"
    assert second[2] == first[2] != b""
    assert second[1]["ETag"] == first[1]["ETag"]


def test_visitors_with_other_languages_and_cookies_share_nginxs_copy_of_a_tile(nginx):
    """A tile is the same for everyone: one cached copy per URL, not one per Accept-Language
    string or cookie jar (Vary would make nginx keep a copy for each)."""
    HeritageSiteFactory(published=True, sensitivity="S0")
    url = f"{nginx}{TILE}?v={public_map_version()}"

    first = _get(url, **{"Accept-Language": "kk", "Cookie": "django_language=kk"})
    second = _get(url, **{"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})
    third = _get(url, **{"Accept-Language": "en", "Cookie": "csrftoken=abc; django_language=en"})

    assert first[1]["X-Cache-Status"] == "MISS"
    assert second[1]["X-Cache-Status"] == third[1]["X-Cache-Status"] == "HIT"
    assert first[2] == second[2] == third[2] != b""
    assert "Vary" not in first[1]


def test_a_tile_without_the_version_is_always_asked_of_the_app(nginx):
    url = f"{nginx}{TILE}"

    _get(url)
    status, headers, _ = _get(url)

    assert status == 200
    assert headers["X-Cache-Status"] != "HIT"
    assert "max-age=0" in headers["Cache-Control"]


def test_publishing_moves_the_map_to_new_tile_urls_that_nginx_has_not_cached(nginx):
    HeritageSiteFactory(published=True, sensitivity="S0")
    before = public_map_version()
    _get(f"{nginx}{TILE}?v={before}")
    cached = _get(f"{nginx}{TILE}?v={before}")

    HeritageSiteFactory(published=True, sensitivity="S0")
    after = public_map_version()
    fresh = _get(f"{nginx}{TILE}?v={after}")

    assert cached[1]["X-Cache-Status"] == "HIT"
    assert after != before
    assert fresh[1]["X-Cache-Status"] == "MISS"
    assert fresh[1]["ETag"] != cached[1]["ETag"]


def test_geojson_is_gzipped(nginx):
    status, headers, body = _get(f"{nginx}/maps/areas/1.geojson", **{"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b'{"type": "FeatureCollection"')


def test_the_app_sees_the_clients_host_and_scheme(nginx, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # as deployed
    site = HeritageSiteFactory(published=True, sensitivity="S0")
    host = nginx.removeprefix("http://")

    plain = _get(f"{nginx}/sitemap-sites.xml")[2].decode()
    behind_tls = _get(f"{nginx}/sitemap-sites.xml", **{"X-Forwarded-Proto": "https"})[2].decode()

    assert f"http://{host}/sites/{site.registry_number}/" in plain
    assert f"https://{host}/sites/{site.registry_number}/" in behind_tls


def test_an_upload_beyond_the_limit_is_refused_before_reaching_the_app(nginx):
    request = urllib.request.Request(
        f"{nginx}/officer/imports/", data=b"x" * (27 * 2**20), method="POST"
    )

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)

    refused.value.close()
    assert refused.value.code == 413


def test_the_access_log_keeps_no_client_address_query_referrer_or_agent(nginx, tmp_path):
    _get(
        f"{nginx}/api/v1/sites/?q=secret-words",
        **{"User-Agent": "agent-7", "Referer": "https://ref.example/"},
    )
    log = tmp_path / "access.log"
    for _ in range(50):  # nginx writes the line once the response is sent
        if "/api/v1/sites/" in log.read_text():
            break
        time.sleep(0.05)

    line = log.read_text()
    assert '"GET /api/v1/sites/ HTTP/1.1" 200' in line
    for personal in ("127.0.0.1", "secret-words", "agent-7", "ref.example"):
        assert personal not in line
