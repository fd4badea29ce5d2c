"""Real processes for tests that break things on purpose: a throwaway PostgreSQL cluster (to
stop, fill or replicate) and the app under gunicorn, as deployed. The suite's own database
is never touched. Django's test client would hide what these tests look for (it keeps one
connection, it never sees a worker crash), hence real sockets.

    cluster = Cluster.create()          # initdb + start on a free loopback port
    cluster.database_create("mura")     # createdb + migrate (about 5 s)
    app = AppServer({"DATABASE_URL": cluster.url("mura")}).start()
    requests.get(app.url("/health/ready"))
    cluster.stop(); ...; cluster.start()
    app.stop(); cluster.destroy()
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses root: as root, PostgreSQL's programs run as the `postgres` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _pg(program: str, *arguments: str) -> subprocess.CompletedProcess:
    """Runs one of PostgreSQL's programs (initdb, pg_ctl, ...) as the cluster's owner."""
    return _run(_as_postgres([str(PG_BIN / program), *arguments]))


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("cwd", "/")  # a directory `postgres` may enter
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def _scratch_dir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    return path


class Cluster:
    """A PostgreSQL 15 cluster of its own (user `mura`, trust auth, loopback only)."""

    def __init__(self, directory: Path, port: int):
        self.directory = directory
        self.data = directory / "data"
        self.port = port

    @classmethod
    def create(cls) -> "Cluster":
        cluster = cls(_scratch_dir("mura-pg-"), free_port())
        _pg("initdb", "-D", str(cluster.data), "-U", "mura", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8")  # fmt: skip
        cluster.start()
        return cluster

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off"
        log = str(self.directory / "server.log")
        _pg("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-l", log, "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` disconnects clients and stops; `immediate` is a crash (no shutdown checkpoint)."""
        _pg("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def running(self) -> bool:
        try:
            _pg("pg_ctl", "-D", str(self.data), "status")
        except subprocess.CalledProcessError:
            return False
        return True

    def url(self, database: str = "mura") -> str:
        return f"postgres://mura@127.0.0.1:{self.port}/{database}"

    def sql(self, query: str, database: str = "mura") -> str:
        """Runs SQL with psql; returns the unaligned result (rows on lines, `|` between columns)."""
        command = [
            str(PG_BIN / "psql"),
            "-X",
            "-v",
            "ON_ERROR_STOP=1",
            "-tA",
            "-c",
            query,
            self.url(database),
        ]
        return _run(command).stdout.strip()

    def database_create(self, name: str = "mura", migrate: bool = True) -> str:
        """A new database, migrated by `manage.py migrate` as a deployment would (regions
        included); returns its URL."""
        _run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "mura", name]
        )
        if migrate:
            manage(["migrate", "--no-input", "-v", "0"], {"DATABASE_URL": self.url(name)})
        return self.url(name)

    def replica(self) -> "Cluster":
        """A streaming replica of this cluster (pg_basebackup -R) started on a port of its own."""
        standby = Cluster(_scratch_dir("mura-pg-replica-"), free_port())
        _pg("pg_basebackup", "-D", str(standby.data), "-R", "-X", "stream", "--checkpoint=fast",
            "-h", "127.0.0.1", "-p", str(self.port), "-U", "mura")  # fmt: skip
        standby.start()
        return standby

    def destroy(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def database_url(database: dict, name: str | None = None) -> str:
    """A URL for processes of their own to reach a database of the server `database` (a Django
    DATABASES entry) names: that entry's own database, or `name`."""
    user = quote(database["USER"])
    if database["PASSWORD"]:
        user += f":{quote(database['PASSWORD'])}"
    return f"postgres://{user}@{database['HOST']}:{database['PORT']}/{name or database['NAME']}"


def app_environment(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a Mura process: this one's, with the test settings and `extra`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "heritage.settings_test",
        "PYTHONUNBUFFERED": "1",
    }
    # Set in this process by heritage/wsgi.py if a test imported it; a command must not inherit
    # the web's timeout (a process that loads heritage.wsgi sets it again).
    env.pop("MURA_STATEMENT_TIMEOUT_MS", None)
    env.update(extra)
    return env


def manage(arguments: list[str], extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    """`manage.py ARGUMENTS` in a process of its own; raises with its output if it fails."""
    command = [sys.executable, str(ROOT / "manage.py"), *arguments]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=app_environment(extra_env)
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result


class AppServer:
    """Mura under gunicorn on a free loopback port: sync workers, or gthread ones as the
    Dockerfile runs them when `threads` > 1. gunicorn reads the repository's gunicorn.conf.py."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int = 2,
        timeout: int = 30,
        threads: int = 1,
        args: tuple[str, ...] = (),
    ):
        self.port = free_port()
        self.args = args  # more gunicorn options
        self.env = app_environment(env)
        self.workers = workers
        self.timeout = timeout
        self.threads = threads  # more than 1: gunicorn's gthread workers
        self.log_path = Path(tempfile.mkdtemp(prefix="mura-app-")) / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, wait: float = 60) -> "AppServer":
        command = [sys.executable, "-m", "gunicorn", "heritage.wsgi:application",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                   "--timeout", str(self.timeout), "--graceful-timeout", "5",
                   "--threads", str(self.threads), *self.args]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            try:
                urllib.request.urlopen(self.url("/health/live"), timeout=5).close()
                return self
            except urllib.error.HTTPError:
                return self  # it answers: up (a status is the test's business)
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {wait} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
