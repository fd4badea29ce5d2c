"""A throwaway PostgreSQL cluster and Mura under gunicorn on it (tests/procs.py): these tests
stop, lock and starve the database, which the suite's own database must never see."""

import re
import sys

import psycopg
import pytest
import requests

from tests.procs import AppServer, Cluster, manage

OFFICER = ("officer", "mura-officer-demo")  # from load_demo


@pytest.fixture(scope="session")
def cluster():
    cluster = Cluster.create()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def demo_db(cluster):
    """A migrated database with the demo accounts and the 50 published demo sites."""
    url = cluster.database_create("mura_faults")
    manage(["load_demo"], {"DATABASE_URL": url})
    return url


@pytest.fixture(scope="session")
def site_number(cluster, demo_db) -> str:
    """A published site's registry number (read before any test locks the table)."""
    return published_numbers(cluster, limit=1)[0]


@pytest.fixture
def table_locked(cluster, site_number):
    """Another session (the value) holds ACCESS EXCLUSIVE on the sites table, in an open
    transaction, until the test calls its `rollback()` or ends."""
    with psycopg.connect(cluster.url("mura_faults")) as holder:
        holder.execute("LOCK TABLE registry_heritagesite IN ACCESS EXCLUSIVE MODE")
        yield holder
        holder.rollback()


@pytest.fixture
def start_app():
    """start_app(env, **AppServer options): a running server, stopped after the test."""
    servers = []

    def start(env: dict, **options) -> AppServer:
        server = AppServer(env, **options)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def published_numbers(cluster: Cluster, limit: int = 5) -> list[str]:
    rows = cluster.sql(
        "SELECT registry_number FROM registry_heritagesite WHERE status = 'published' "
        f"ORDER BY registry_number LIMIT {limit}",
        database="mura_faults",
    )
    return rows.splitlines()


def logged_in(app: AppServer, username: str, password: str) -> requests.Session:
    """A browser-like session: the login form with its CSRF token, then the session cookie."""
    session = requests.Session()
    page = session.get(app.url("/accounts/login/"), timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        app.url("/accounts/login/"),
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": app.url("/accounts/login/")},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def csrf_token(session: requests.Session) -> str:
    return session.cookies["csrftoken"]


def figure(line: str) -> None:
    """A measured figure, shown with `pytest -s` (timings are reported, never asserted on
    beyond the limits the issue sets)."""
    sys.stdout.write(f"\n[faults] {line}")
    sys.stdout.flush()
