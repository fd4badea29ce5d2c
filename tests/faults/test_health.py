"""/health/live and /health/ready, as a load balancer or an orchestrator probes them: plain
HTTP, any Host, no cookies, on a server configured for production (HTTPS redirect on)."""

import shutil

import pytest
import requests

PROBE = {"Host": "10.0.0.7:8000"}  # a container's address, not in ALLOWED_HOSTS


@pytest.fixture
def app(demo_db, start_app, tmp_path):
    media, private = tmp_path / "media", tmp_path / "private"
    media.mkdir()
    private.mkdir()
    env = {
        "DATABASE_URL": demo_db,
        "DJANGO_HTTPS": "1",
        "MURA_MEDIA_ROOT": str(media),
        "MURA_PRIVATE_MEDIA_ROOT": str(private),
    }
    server = start_app(env, workers=1)
    server.media, server.private = media, private
    return server


def probe(app, path):
    return requests.get(app.url(path), headers=PROBE, allow_redirects=False, timeout=10)


def test_ready_reports_every_check_ok_uncached_and_without_cookies(app):
    ready = probe(app, "/health/ready")

    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ok",
        "database": {"default": "ok"},
        "storage": {"default": "ok", "private": "ok"},
    }
    assert "no-store" in ready.headers["Cache-Control"]
    assert "Set-Cookie" not in ready.headers
    assert list(app.media.iterdir()) == list(app.private.iterdir()) == []  # probe files gone
    other = requests.get(app.url("/api/v1/sites/"), allow_redirects=False, timeout=10)
    assert other.status_code == 301  # everything else does redirect to HTTPS
    assert probe(app, "/api/v1/sites/").status_code == 400  # and checks the Host


def test_a_stopped_database_makes_ready_503_while_live_stays_200(app, cluster):
    cluster.stop("fast")
    try:
        ready, live = probe(app, "/health/ready"), probe(app, "/health/live")
    finally:
        cluster.start()
    back = probe(app, "/health/ready")

    assert ready.status_code == 503
    assert ready.json()["status"] == "error"
    assert ready.json()["database"] == {"default": "error"}
    assert ready.json()["storage"] == {"default": "ok", "private": "ok"}
    assert "OperationalError" not in ready.text  # the reason goes to the log, not the probe
    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
    assert back.status_code == 200


def test_unusable_private_storage_makes_ready_503(app):
    shutil.rmtree(app.private)
    app.private.write_text("a file where the directory should be")
    try:
        ready = probe(app, "/health/ready")
    finally:
        app.private.unlink()
        app.private.mkdir()

    assert ready.status_code == 503
    assert ready.json()["storage"] == {"default": "ok", "private": "error"}
    assert ready.json()["database"] == {"default": "ok"}
    assert probe(app, "/health/ready").status_code == 200
