"""A real primary and a real streaming replica (tests/procs.py), made once for this folder,
and Mura under gunicorn reading from both, as deployed with DATABASE_REPLICA_URL."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from tests.procs import AppServer, Cluster, manage

# Short enough for a test to see a process retry the replica; the lag check is off here
# (replay is paused on purpose) and tested on a server of its own.
APP_ENV = {
    "MURA_REPLICA_RETRY_SECONDS": "1",
    "MURA_REPLICA_MAX_LAG_SECONDS": "0",
    "MURA_REPLICA_PIN_SECONDS": "60",
}


@pytest.fixture(scope="session")
def primary():
    cluster = Cluster.create()
    try:
        cluster.database_create("mura")
        manage(["load_demo"], {"DATABASE_URL": cluster.url("mura")})  # accounts, 50 sites
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def replica(primary):
    standby = primary.replica()
    try:
        yield standby
    finally:
        standby.destroy()


def app_server(primary, replica, **extra) -> AppServer:
    env = {"DATABASE_URL": primary.url(), "DATABASE_REPLICA_URL": replica.url()}
    return AppServer({**env, **APP_ENV, **extra}).start()


@pytest.fixture(scope="session")
def app(primary, replica):
    server = app_server(primary, replica)
    try:
        yield server
    finally:
        server.stop()


def caught_up(primary: Cluster, replica: Cluster, wait: float = 60) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    lsn = primary.sql("SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + wait
    while replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn") != "t":
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)


@contextmanager
def replay_paused(primary: Cluster, replica: Cluster):
    """The replica, up to date, stops applying the primary's changes until the block ends."""
    caught_up(primary, replica)
    replica.sql("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + 30
    while replica.sql("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "replay did not pause"
        time.sleep(0.05)
    try:
        yield
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    caught_up(primary, replica)


def published_sites(primary: Cluster) -> list[tuple[str, str]]:
    """(registry number, English name) of the published open sites, on the primary."""
    rows = primary.sql(
        "SELECT registry_number, name_en FROM registry_heritagesite"
        " WHERE status = 'published' AND sensitivity = 'S0' ORDER BY registry_number"
    )
    return [tuple(line.split("|", 1)) for line in rows.splitlines()]


def rename(primary: Cluster, number: str, name_en: str) -> None:
    """A change made on the primary behind the app's back (as another app server would)."""
    primary.sql(
        f"UPDATE registry_heritagesite SET name_en = '{name_en}' WHERE registry_number = '{number}'"
    )


class Browser:
    """One visitor: cookies kept, redirects followed, English pages, a Django CSRF token
    sent with every form (as a browser submitting the page's form would)."""

    def __init__(self, server: AppServer):
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _open(self, request) -> tuple[int, str, str]:
        request.add_header("Accept-Language", "en")
        request.add_header("Accept", "text/html,application/json")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.url

    def get(self, path: str) -> tuple[int, str, str]:
        """(status, body, final URL)."""
        return self._open(urllib.request.Request(self.server.url(path)))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        if self.cookie("csrftoken") is None:
            self.get("/accounts/login/")  # sets the CSRF cookie
        form = {**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}
        body = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.server.url(path), data=body))

    def log_in(self, username: str, password: str) -> None:
        status, body, url = self.post(
            "/accounts/login/", {"username": username, "password": password}
        )
        assert status == 200, body[:2000]
        assert "/officer/" in url, body[:2000]


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)" name="{name}"', page
    )
    assert match, f"no {name} in the form"
    return match.group(1)
