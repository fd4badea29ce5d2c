"""Production settings: `check --deploy` is clean, and responses carry the security headers.
Real processes with the environment a deployment sets (tests/deploy/conftest.py PRODUCTION)."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.urls import reverse

from tests.deploy.conftest import PRODUCTION, ROOT, database_url


def test_check_deploy_is_clean_with_production_settings(db):
    env = {**os.environ, **PRODUCTION, "DATABASE_URL": database_url()}
    env.pop("DJANGO_HTTPS", None)  # as in production: not set, HTTPS on
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip

    assert check.returncode == 0, check.stderr
    assert "System check identified no issues" in check.stdout


def _get(url: str, **headers) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Host": "mura.example.kz", **headers})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def production(db, gunicorn):
    env = {**PRODUCTION, "DJANGO_HTTPS": "1"}  # whatever the test settings chose
    return gunicorn(env)


def test_plain_http_is_redirected_to_https(production):
    status, headers = _get(production.url("/api/v1/regions/"))

    assert status == 301
    assert headers["Location"] == "https://mura.example.kz/api/v1/regions/"


def test_https_responses_carry_the_security_headers(production):
    status, headers = _get(production.url("/api/v1/regions/"), **{"X-Forwarded-Proto": "https"})

    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_pages_carry_a_fresh_nonce_that_their_inline_scripts_use(db, client):
    first, second = client.get(reverse("maps:home")), client.get(reverse("maps:home"))

    nonce = first["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in first.content.decode()
    assert nonce not in second["Content-Security-Policy"]
    assert first["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in first  # plain HTTP (the test client): no HSTS
