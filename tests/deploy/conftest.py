import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests import procs
from tests.procs import AppServer, free_port

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def database_url() -> str:
    """The test database, for processes of their own (they see committed rows only)."""
    return procs.database_url(connection.settings_dict)


@pytest.fixture
def gunicorn():
    """`gunicorn({"DJANGO_DEBUG": "0", ...})` starts Mura under gunicorn with the repository's
    gunicorn.conf.py (as the Docker image runs it) on the test database; each is stopped
    after the test. Everything it logs is in `.log()`."""
    started = []

    def start(env: dict[str, str], **options) -> AppServer:
        options.setdefault("workers", 1)
        server = AppServer({"DATABASE_URL": database_url(), **env}, **options).start()
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


def nginx_config(directory: Path, port: int, upstream: str) -> str:
    """The deployed file, with what only differs on a test machine swapped."""
    conf = NGINX_CONF.read_text()
    swaps = {
        "user nginx;": "",  # one process, as the user running the tests (master_process off)
        "pid /var/run/nginx.pid;": f"pid {directory}/nginx.pid;",
        "error_log /dev/stderr warn;": f"error_log {directory}/error.log warn;",
        "access_log /dev/stdout mura;": f"access_log {directory}/access.log mura;",
        "/var/cache/nginx/mura": f"{directory}/cache",
        "server app:8000;": f"server {upstream};",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "http {": "http {\n" + "".join(
            f"    {kind}_temp_path {directory}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
    }  # fmt: skip
    for deployed, local in swaps.items():
        assert deployed in conf, f"deploy/nginx.conf no longer has {deployed!r}"
        conf = conf.replace(deployed, local, 1)
    return conf


@pytest.fixture
def nginx_in_front(tmp_path):
    """`nginx_in_front("127.0.0.1:8000")` runs deploy/nginx.conf (Debian's nginx, one process)
    on a free loopback port in front of that upstream; returns its base URL. Any 127.0.0.X
    can reach it, so tests can be several clients. Stopped after the test."""
    processes = []

    def start(upstream: str) -> str:
        port = free_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(nginx_config(tmp_path, port, upstream))
        command = [NGINX, "-p", str(tmp_path), "-c", str(conf)]
        subprocess.run([*command, "-t"], check=True, capture_output=True)
        processes.append(subprocess.Popen([*command, "-g", "daemon off; master_process off;"]))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
