"""`manage.py import_sites` killed (SIGKILL) while it writes rows leaves nothing behind: no site,
no history row, no registry number used up, and its temporary files go with the next import."""

import os
import signal
import subprocess
import sys
import time

from tests.faults.conftest import figure
from tests.imports.files import csv_lonlat
from tests.procs import ROOT, app_environment

ROWS = 400


def _counts(cluster) -> str:
    return cluster.sql(
        "SELECT (SELECT count(*) FROM registry_heritagesite),"
        " (SELECT count(*) FROM registry_historicalheritagesite),"
        " (SELECT coalesce(string_agg(prefix || '=' || last_value, ',' ORDER BY prefix), '')"
        "  FROM registry_registrysequence)",
        database="mura_faults",
    )


def _rows(count: int) -> list[dict]:
    """Sites 1 km apart in Turkistan region, far enough apart not to be duplicates."""
    return [
        {"name_kk": f"Kill drill {i}", "category": "architecture", "significance": "local",
         "sensitivity": "S0", "lonlat": (68.0 + (i % 20) * 0.012, 42.6 + (i // 20) * 0.012)}
        for i in range(count)
    ]  # fmt: skip


def _import(path, demo_db, temp, *extra) -> subprocess.Popen:
    command = [sys.executable, str(ROOT / "manage.py"), "import_sites", str(path), *extra]
    env = app_environment({"DATABASE_URL": demo_db, "TMPDIR": str(temp)})
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _importing_backends(cluster) -> int:
    return int(
        cluster.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'mura_faults'"
            " AND xact_start IS NOT NULL AND pid <> pg_backend_pid()",
            database="postgres",
        )
    )


def test_an_import_killed_midway_writes_nothing_and_its_files_go(cluster, demo_db, tmp_path):
    big = csv_lonlat(tmp_path / "big.csv", _rows(ROWS))
    temp = tmp_path / "tmp"
    temp.mkdir()
    before = _counts(cluster)
    importer = _import(big, demo_db, temp, "--progress-every", "20")

    progress = next(line for line in importer.stderr if "rows/s" in line)  # rows being written
    in_transaction = _importing_backends(cluster)
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait()
    importer.stderr.close()
    killed = time.monotonic()  # PostgreSQL notices the closed socket and rolls back
    while _importing_backends(cluster) and time.monotonic() < killed + 10:
        time.sleep(0.1)
    figure(f"import killed at {progress.strip()}; its transaction gone after"
           f" {time.monotonic() - killed:.2f} s")  # fmt: skip
    left_behind = sorted(p.name for p in temp.iterdir())
    after = _counts(cluster)
    small = csv_lonlat(tmp_path / "one.csv", _rows(1))
    checker = _import(small, demo_db, temp, "--dry-run")
    checker_errors = checker.communicate(timeout=120)[1]

    assert progress.startswith("20 rows")
    assert checker.returncode == 0, checker_errors
    assert in_transaction == 1
    assert after == before  # sites, history rows, every registry counter
    assert left_behind == [f"mura-import-{importer.pid}-" + left_behind[0].rsplit("-", 1)[1]]
    assert list(temp.iterdir()) == []  # removed by the next import, the killed one being gone
