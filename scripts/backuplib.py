"""Backups and the restore drill: the work behind scripts/backup and scripts/restore-drill.

A backup is a directory `mura-<UTC time>/` holding `db.dump` (pg_dump custom format),
`media.tar` and `private-media.tar` (MEDIA_ROOT and PRIVATE_MEDIA_ROOT) and `manifest.json`:
what a restore must give back (sites by status, rows per table, geometry checksums, every
file's sha256). The drill restores into a scratch database and compares; a backup that was
never restored is a hope, not a backup.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parent.parent
ARCHIVES = {"media.tar": "MEDIA_ROOT", "private-media.tar": "PRIVATE_MEDIA_ROOT"}
# md5 over (id, EWKB) in id order: any moved vertex, lost row or changed SRID changes it.
GEOMETRY_CHECKSUMS = {
    "sites": ("registry_heritagesite", "location"),
    "site boundaries": ("registry_heritagesite", "boundary"),
    "public locations": ("registry_heritagesite", "public_location"),
    "protection zones": ("registry_protectionzone", "geom"),
    "admin areas": ("registry_adminarea", "geom"),
}


def out(line: str) -> None:
    """A line for the operator (this is a command-line tool; ruff's T20 is about apps)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def django_settings():
    """Mura's own settings (DATABASE_URL, media roots), read the way the app reads them."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")
    from django.conf import settings

    return settings


def connection_params(database: str | None = None) -> tuple[str, dict]:
    """A libpq conninfo without the password, and an environment carrying it (PGPASSWORD),
    so that no password shows in `ps`."""
    db = django_settings().DATABASES["default"]
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    params["dbname"] = database or db["NAME"]
    params.update({k: v for k, v in db.get("OPTIONS", {}).items() if k.startswith("ssl")})
    env = dict(os.environ, PGPASSWORD=db["PASSWORD"] or "")
    return make_conninfo(**{k: str(v) for k, v in params.items() if v}), env


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def database_facts(conn: psycopg.Connection) -> dict:
    """What a restore must reproduce exactly."""
    statuses = conn.execute(
        "SELECT status, count(*) FROM registry_heritagesite GROUP BY status ORDER BY status"
    ).fetchall()
    tables = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    rows = {
        name: conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
        ).fetchone()[0]
        for (name,) in tables
    }
    checksums = {}
    for label, (table, column) in GEOMETRY_CHECKSUMS.items():
        query = sql.SQL(
            "SELECT md5(string_agg(int8send(id) || ST_AsEWKB({column}), ''::bytea ORDER BY id))"
            " FROM {table} WHERE {column} IS NOT NULL"
        ).format(column=sql.Identifier(column), table=sql.Identifier(table))
        checksums[label] = conn.execute(query).fetchone()[0]
    return {"sites_by_status": dict(statuses), "rows": rows, "geometry_md5": checksums}


def dump_database(dump: Path) -> dict:
    """pg_dump and the manifest's facts from one snapshot: they describe the same moment,
    even while officers keep writing."""
    conninfo, env = connection_params()
    with psycopg.connect(conninfo, password=env["PGPASSWORD"] or None) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        subprocess.run(
            ["pg_dump", "-Fc", f"--snapshot={snapshot}", "-f", str(dump), "-d", conninfo],
            env=env,
            check=True,
        )
        return database_facts(conn)


class _HashingReader:
    """Hashes a file's bytes as tarfile copies them, so each recorded sha256 is of the bytes
    that went into the archive, even if the file changes meanwhile."""

    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def archive_directory(root: Path, archive: Path) -> dict[str, str]:
    """Regular files under `root` into an uncompressed tar (photos are already compressed);
    returns {relative path: sha256}. A missing root is an empty archive."""
    hashes = {}
    with tarfile.open(archive, "w") as tar:
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            if not path.is_file() or path.is_symlink():
                continue
            name = path.relative_to(root).as_posix()
            with path.open("rb") as f:
                reader = _HashingReader(f)
                tar.addfile(tar.gettarinfo(str(path), arcname=name), reader)
            hashes[name] = reader.digest.hexdigest()
    return hashes


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(destination: Path) -> Path:
    """Write a backup next to the others; it appears under its final name only when whole."""
    settings = django_settings()
    for alias in ("default", "private"):
        if not settings.STORAGES[alias]["BACKEND"].endswith("FileSystemStorage"):
            out(f"NOTE: {alias} media are in object storage (MURA_S3_BUCKET), not in this backup;")
            out("      keep them with the provider's bucket versioning or replication.")
    destination.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix=f".mura-{stamp}-", dir=destination))
    manifest = {"format": 1, "created": datetime.now(UTC).isoformat(timespec="seconds")}
    timings = {}

    started = time.monotonic()
    manifest["database"] = dump_database(work / "db.dump")
    timings["database dump"] = time.monotonic() - started
    started = time.monotonic()
    manifest["files"] = {
        name: archive_directory(Path(getattr(settings, setting)), work / name)
        for name, setting in ARCHIVES.items()
    }
    timings["media archives"] = time.monotonic() - started
    manifest["archives"] = {name: sha256_of(work / name) for name in ["db.dump", *ARCHIVES]}
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))

    for path in work.iterdir():
        _fsync(path)
    final = destination / f"mura-{stamp}"
    work.chmod(0o700)  # private media and the whole register: not for other local users
    work.rename(final)
    _fsync(destination)
    _report(final, manifest, timings)
    return final


def _report(final: Path, manifest: dict, timings: dict) -> None:
    for step, seconds in timings.items():
        out(f"  {step:<20} {seconds:8.1f} s")
    for name in manifest["archives"]:
        files = len(manifest["files"].get(name, {}))
        extra = f" ({files} files)" if name in ARCHIVES else ""
        out(f"  {name:<20} {(final / name).stat().st_size / 1e6:8.1f} MB{extra}")
    out(f"  sites by status     {manifest['database']['sites_by_status']}")
    out(f"backup written to {final}")


def compare(expected: dict, actual: dict, what: str, missing=None) -> list[str]:
    """One readable line per difference between two {name: value} maps."""
    problems = []
    for name in sorted(set(expected) | set(actual)):
        want, got = expected.get(name, missing), actual.get(name, missing)
        if want != got:
            problems.append(f"{what} {name}: {want} in the backup, {got} restored")
    return problems


def compare_files(expected: dict[str, str], actual: dict[str, str], archive: str) -> list[str]:
    problems = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            problems.append(f"{archive}: {name} is missing")
        elif name not in expected:
            problems.append(f"{archive}: {name} is not in the manifest")
        elif expected[name] != actual[name]:
            problems.append(f"{archive}: {name} differs (sha256)")
    return problems


def latest_backup() -> Path:
    found = sorted((ROOT / "var" / "backups").glob("mura-*"))
    if not found:
        sys.exit("No backup in var/backups; run scripts/backup first or name one.")
    return found[-1]


class Drill:
    """Restore a backup into a scratch database and a temporary media directory, then check
    it against its manifest. Collects every difference rather than stopping at the first."""

    def __init__(self, directory: Path, database: str, jobs: int):
        self.directory, self.database, self.jobs = directory, database, jobs
        self.manifest = json.loads((directory / "manifest.json").read_text())
        self.problems: list[str] = []
        self.timings: dict[str, float] = {}

    def step(self, name: str, action) -> None:
        started = time.monotonic()
        action()
        self.timings[name] = time.monotonic() - started
        out(f"  {name:<20} {self.timings[name]:8.1f} s")

    def check_archives(self) -> None:
        for name, digest in self.manifest["archives"].items():
            if sha256_of(self.directory / name) != digest:
                self.problems.append(f"{name}: sha256 differs from the manifest (damaged?)")

    def _admin(self, statement: sql.Composable) -> None:
        conninfo, env = connection_params("postgres")
        with psycopg.connect(conninfo, password=env["PGPASSWORD"] or None, autocommit=True) as c:
            c.execute(statement)

    def create_database(self) -> None:
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))

    def drop_database(self) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.database)))

    def restore_database(self) -> None:
        conninfo, env = connection_params(self.database)
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        command += [f"--jobs={self.jobs}", "-d", conninfo, str(self.directory / "db.dump")]
        subprocess.run(command, env=env, check=True)

    def restore_media(self, target: Path) -> None:
        for name in ARCHIVES:
            with tarfile.open(self.directory / name) as tar:
                tar.extractall(target / name, filter="data")

    def verify(self, media: Path) -> None:
        conninfo, env = connection_params(self.database)
        with psycopg.connect(conninfo, password=env["PGPASSWORD"] or None) as conn:
            facts = database_facts(conn)
        want = self.manifest["database"]
        self.problems += compare(want["sites_by_status"], facts["sites_by_status"], "sites", 0)
        self.problems += compare(want["rows"], facts["rows"], "rows in", 0)
        self.problems += compare(want["geometry_md5"], facts["geometry_md5"], "geometry md5 of")
        for name, expected in self.manifest["files"].items():
            root = media / name
            found = {
                p.relative_to(root).as_posix(): sha256_of(p)
                for p in sorted(root.rglob("*"))
                if p.is_file()
            }
            self.problems += compare_files(expected, found, name)


def drill(directory: Path, database: str, keep: bool, jobs: int) -> bool:
    run = Drill(directory, database, jobs)
    out(f"restore drill of {directory} into database {database}")
    media = Path(tempfile.mkdtemp(prefix="mura-drill-media-"))
    created = False
    try:
        run.step("check archives", run.check_archives)
        run.step("create database", run.create_database)
        created = True
        run.step("restore database", run.restore_database)
        run.step("restore media", lambda: run.restore_media(media))
        run.step("verify", lambda: run.verify(media))
    except (subprocess.CalledProcessError, psycopg.Error, OSError, tarfile.TarError) as error:
        run.problems.append(f"the restore itself failed: {error}")
    finally:
        if keep:
            out(f"kept: database {database}, media in {media}")
        else:
            if created:
                run.drop_database()
            subprocess.run(["rm", "-rf", str(media)], check=False)
    total = sum(run.timings.values())
    for problem in run.problems:
        out(f"  MISMATCH {problem}")
    verdict = "FAIL" if run.problems else "PASS"
    out(f"{verdict}: restore drill of {directory.name} ({total:.1f} s in all)")
    return not run.problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    backup_args = commands.add_parser("backup")
    backup_args.add_argument("destination", type=Path, nargs="?", default=ROOT / "var/backups")
    drill_args = commands.add_parser("drill")
    drill_args.add_argument("backup_dir", type=Path, nargs="?")
    drill_args.add_argument("--keep", action="store_true", help="keep the scratch database")
    drill_args.add_argument("--database", help="scratch database name (must not exist)")
    drill_args.add_argument("--jobs", type=int, default=2, help="pg_restore --jobs")
    args = parser.parse_args()
    if args.command == "backup":
        backup(args.destination)
        return
    directory = (args.backup_dir or latest_backup()).resolve()
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    database = args.database or f"mura_drill_{stamp}_{os.getpid()}"
    sys.exit(0 if drill(directory, database, args.keep, args.jobs) else 1)


if __name__ == "__main__":
    main()
