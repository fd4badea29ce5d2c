"""Test databases are copies of a template database, migrated once per state of the migrations.

Migrating a test database takes seconds (the data migrations load every region and place), and
a run makes one per pytest-xdist worker. Each is instead copied from a template that was
migrated once (`CREATE DATABASE ... TEMPLATE`, Django's TEST["TEMPLATE"] setting). The
template's name carries a digest of what decides what `migrate` builds: the migration files of
every installed app (Django's and the libraries' too, so an upgrade changes it) and the whole
`registry` package, whose code and data the data migrations run. Any change names a new template
and drops the old one; no test ever touches a template, so none is ever stale.

pytest-django's --reuse-db is not used: it keeps the test database itself, which the suite's last
tests (live-server and transactional ones) leave empty, so the next run lacks the regions, groups
and typologies that the data migrations made; and it cannot tell a migration edited in place, or
one from another branch, from an applied one.
"""

import hashlib
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import psycopg
from django.apps import apps
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tests.procs import ROOT, database_url, manage

PREFIX = "mura_test_template_"
BUILD_LOCK = 7_302_017  # a pg_advisory_lock key: one process builds, the others wait for it


def template_ensure(database: dict) -> str:
    """The current template's name, on the server of `database` (a Django DATABASES entry);
    migrated first if it is missing."""
    name = PREFIX + _digest()
    with psycopg.connect(_conninfo(database), autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(%s)", [BUILD_LOCK])  # released with the session
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            _build(admin, database, name)
            _drop_others(admin, name)
    return name


def _build(admin: psycopg.Connection, database: dict, name: str) -> None:
    """Migrate under another name, then rename: an interrupted build leaves no template."""
    building = f"{name}_building"
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(building)))
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
    manage(["migrate", "--no-input", "-v", "0"], {"DATABASE_URL": database_url(database, building)})
    admin.execute(
        sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
            sql.Identifier(building), sql.Identifier(name)
        )
    )


def _drop_others(admin: psycopg.Connection, keep: str) -> None:
    rows = admin.execute(
        "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s",
        [PREFIX, keep],
    ).fetchall()
    for (old,) in rows:
        with suppress(psycopg.errors.ObjectInUse):  # another run is copying it: drop it next time
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(old)))


def _conninfo(database: dict) -> str:
    """The server's maintenance database, as Django's own test database creation uses."""
    return make_conninfo(
        dbname="postgres",
        host=database["HOST"] or None,
        port=str(database["PORT"]) if database["PORT"] else None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
    )


def _digest() -> str:
    digest = hashlib.sha256()
    for label, path in sorted(_inputs()):
        digest.update(label.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _inputs() -> Iterator[tuple[str, Path]]:
    """(a stable name, the file) for every file the migrated database depends on."""
    for app in apps.get_app_configs():
        for path in Path(app.path, "migrations").glob("*.py"):
            yield f"{app.label}/migrations/{path.name}", path
    for path in (ROOT / "registry").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), path
