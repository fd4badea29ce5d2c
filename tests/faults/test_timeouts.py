"""A slow query and a full connection pool answer quickly (504 / 503 with Retry-After) instead
of holding a worker, and the server is back to normal once the database is."""

import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.faults.conftest import figure
from tests.procs import manage

SITES = "/api/v1/sites/?limit=5"
OPEN = {"MURA_API_RATE_ANON": "100000/min"}


def _timed_get(app, path, **headers):
    started = time.monotonic()
    response = requests.get(app.url(path), headers=headers, timeout=30)
    return response, time.monotonic() - started


def test_a_query_past_the_statement_timeout_answers_504_and_frees_the_worker(
    demo_db, site_number, start_app, table_locked
):
    env = {"DATABASE_URL": demo_db, "MURA_STATEMENT_TIMEOUT_MS": "1000", **OPEN}
    app = start_app(env, workers=1)  # one worker: the next request is served by the same one

    api, api_s = _timed_get(app, SITES)
    page, page_s = _timed_get(app, f"/sites/{site_number}/", Accept="text/html")
    table_locked.rollback()
    after, after_s = _timed_get(app, SITES)

    figure(f"statement timeout 1 s: API {api_s:.2f} s, page {page_s:.2f} s, next {after_s:.2f} s")
    assert api.status_code == 504
    assert api.json()["detail"] == "service: database query timed out; try again in a few seconds."
    assert api.headers["Retry-After"]
    assert "no-cache" in api.headers["Cache-Control"]
    assert page.status_code == 504
    assert page.headers["Content-Type"].startswith("text/html")
    assert api_s < 4  # 1 s of waiting on the lock, plus a first request's warm-up
    assert page_s < 3
    assert after.status_code == 200
    assert after.json()["features"]
    assert app.log().count("Booting worker") == 1  # the same worker, not a replacement


def test_commands_have_no_statement_timeout(demo_db):
    """Only web processes (heritage/wsgi.py) cut queries: a migration or a 1M-row import must
    not be cancelled halfway."""
    script = "from django.db import connection; c = connection.cursor();"
    script += "c.execute('SHOW statement_timeout'); print(c.fetchone()[0])"
    output = manage(["shell", "-c", script], {"DATABASE_URL": demo_db}).stdout

    assert output.splitlines()[-1] == "0"


def _app_connections(cluster, holder) -> int:
    """The app's connections: the database's client sessions but the lock holder's."""
    return int(
        cluster.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'mura_faults'"
            f" AND backend_type = 'client backend' AND pid <> {holder.info.backend_pid}",
            database="postgres",
        )
    )


def test_a_full_connection_pool_answers_503_and_recovers(cluster, demo_db, start_app, table_locked):
    pool = {"MURA_DB_POOL_MAX_SIZE": "2", "MURA_DB_POOL_MIN_SIZE": "1", "MURA_DB_POOL_TIMEOUT": "1"}
    env = {"DATABASE_URL": demo_db, "MURA_STATEMENT_TIMEOUT_MS": "0", **pool, **OPEN}
    app = start_app(env, workers=1, threads=6)

    with ThreadPoolExecutor(6) as clients:
        # Two requests take the pool's two connections and wait on the lock; the others find
        # no free connection.
        pending = [clients.submit(_timed_get, app, SITES) for _ in range(6)]
        time.sleep(3)
        held = _app_connections(cluster, table_locked)
        table_locked.rollback()
        answers = [future.result() for future in pending]
    statuses = sorted(response.status_code for response, _ in answers)
    refused = [(r, s) for r, s in answers if r.status_code == 503]
    later = [requests.get(app.url(SITES), timeout=10).status_code for _ in range(10)]
    left = _app_connections(cluster, table_locked)

    figure(
        f"pool max 2, timeout 1 s, 6 concurrent: {statuses}; 503 after"
        f" {max(s for _, s in refused):.2f} s at most; connections held {held}, after {left}"
    )
    assert statuses == [200, 200, 503, 503, 503, 503]
    for response, seconds in refused:
        assert response.json()["detail"].startswith("service: database busy (no free connection)")
        assert response.headers["Retry-After"]
        assert seconds < 5
    assert held == 2
    assert later == [200] * 10
    assert 1 <= left <= 2
