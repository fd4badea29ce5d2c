import secrets
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.procs import AppServer

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, for processes of their own (they see committed rows only)."""
    db = connection.settings_dict
    user = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def gunicorn():
    """`gunicorn({"DJANGO_DEBUG": "0", ...})` starts Mura under gunicorn with the repository's
    gunicorn.conf.py (as the Docker image runs it) on the test database; each is stopped
    after the test. Everything it logs is in `.log()`."""
    started = []

    def start(env: dict[str, str]) -> AppServer:
        server = AppServer({"DATABASE_URL": database_url(), **env}, workers=1).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "heritage.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "mura.example.kz,127.0.0.1",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://mura.example.kz",
    "DJANGO_BEHIND_HTTPS_PROXY": "1",
}
