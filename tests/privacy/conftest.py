import itertools
import json

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client

from tests.conftest import close_response
from tests.privacy.world import seed


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The seeded world, made once per module in a transaction rolled back at its end (each
    test's own changes are rolled back after it, as usual)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            caches["tiles"].clear()
            yield seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            caches["tiles"].clear()


@pytest.fixture(autouse=True)
def _fresh_tiles_and_no_throttling(settings):
    """Tile cache keys carry the map version, which a rolled-back change can repeat. The
    attacks make thousands of requests from one test process: API rates are raised (the
    limits have their own tests) and every request comes from its own address (limits keyed
    by the client address must not turn an attack test into a rate-limit test)."""
    caches["tiles"].clear()
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {scope: "1000000/min" for scope in rates},
    }
    yield
    caches["tiles"].clear()


class Public:
    """An anonymous visitor: every answer as bytes or JSON; non-200 answers fail loudly."""

    _addresses = itertools.count(1)

    def __init__(self):
        self.client = Client()

    def _address(self) -> str:
        n = next(self._addresses)
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def request(self, method: str, url: str, body=None):
        kwargs = {"REMOTE_ADDR": self._address()}
        if method == "post":
            response = self.client.post(
                url, json.dumps(body), content_type="application/json", **kwargs
            )
        else:
            response = self.client.get(url, **kwargs)
        if response.streaming:
            content = b"".join(response.streaming_content)
            close_response(response)
        else:
            content = response.content
        return response.status_code, content, response

    def get(self, url: str, *, status: int = 200) -> bytes:
        code, content, _ = self.request("get", url)
        assert code == status, f"GET {url}: {code} {content[:300]!r}"
        return content

    def json(self, url: str, body=None) -> dict:
        code, content, _ = self.request("post" if body is not None else "get", url, body)
        assert code == 200, f"{url}: {code} {content[:300]!r}"
        return json.loads(content)

    def status(self, url: str) -> int:
        return self.request("get", url)[0]


@pytest.fixture
def public(db):
    return Public()
