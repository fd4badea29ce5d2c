"""How the public requests grow with the register, 10,000 to 10,000,000 sites (issue 17).

    bench/growth.sh [--sizes 10k 1m] [--only search] [--rounds 20] [--rebuild] [--report]

For each size, one database on the local cluster, `mura_growth_<size>`, made by
`generate_sites` (same seed for every size) and kept: a later run reuses it when it holds
exactly that many sites, applies any new migration to it, and measures again. `--rebuild`
drops and makes the named sizes again. "10m" is 9,999,999 sites, the most the 7-digit draft
references allow. mura_bench is never touched. The first full run needs about 18 GB of disk
(1.6 kB per site with its indexes) and 15-35 minutes for the 10M database on 2 cores.

Each size is measured by bench/growth_measure.py in a process of its own (the app through
Django's in-process test client, and the same statement as raw SQL; see there). Results go
to bench/growth.json, merged per size and per request, so `--only search --sizes 10m`
re-measures one cell and keeps the others; the table (stdout) and bench/growth.svg are made
again from the whole file each time, and `--report` only makes them.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from growth_svg import svg  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "growth.json"
PLOT = BENCH / "growth.svg"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 9_999_999}
# Kept in step with growth_measure.NAMES, which is not imported here: it sets Django up.
NAMES = ["bbox_dense", "bbox_medium", "nearest", "count", "tile_z8", "tile_z12", "search"]
BYTES_PER_SITE = 1_600  # the site table with its indexes, the rest of the database: 15 GB at 10M
PREFIX = "mura_growth_"


def say(line: str) -> None:
    sys.stdout.write(f"[growth] {line}\n")
    sys.stdout.flush()


def server_url(database: str) -> str:
    return f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{database}"


def site_count(database: str) -> int | None:
    """Sites in `database`; None when it does not exist (or holds no registry yet)."""
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            return None
    try:
        with psycopg.connect(server_url(database)) as db:
            return db.execute("SELECT count(*) FROM registry_heritagesite").fetchone()[0]
    except psycopg.errors.UndefinedTable:
        return None


def to_build(sizes: list[str], rebuild: bool) -> list[str]:
    return [s for s in sizes if rebuild or site_count(PREFIX + s) != SIZES[s]]


def disk_check(building: list[str]) -> None:
    need = sum(SIZES[s] for s in building) * BYTES_PER_SITE
    free = shutil.disk_usage(ROOT / "var").free
    say(
        f"disk: {free / 1e9:.0f} GB free where the cluster lives; the databases to build "
        f"({', '.join(building) or 'none'}) need about {need / 1e9:.1f} GB"
    )
    if need * 1.2 > free:  # and room for the WAL of the index builds
        raise SystemExit("Not enough disk for these databases: free some, or pass fewer --sizes.")


def manage(database: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": server_url(database)}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def database_build(size: str) -> None:
    database = PREFIX + size
    assert database.startswith(PREFIX)  # mura_bench and the app's own are never dropped
    say(f"{database}: making it, {SIZES[size]:,} sites")
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    manage(database, "migrate", "-v", "0")
    manage(database, "load_regions")
    manage(database, "generate_sites", str(SIZES[size]), "-v", "2")


def database_ready(size: str) -> None:
    """New migrations applied (e.g. an index a change adds), statistics and visibility fresh."""
    database = PREFIX + size
    manage(database, "migrate", "-v", "0")
    with psycopg.connect(server_url(database), autocommit=True) as db:
        db.execute("VACUUM ANALYZE registry_heritagesite")


def measured(size: str, names: list[str], args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        command = [
            sys.executable,
            str(BENCH / "growth_measure.py"),
            str(out),
            "--only",
            *names,
            "--rounds",
            str(args.rounds),
            "--budget",
            str(args.budget),
        ]
        env = {**os.environ, "DATABASE_URL": server_url(PREFIX + size)}
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())


def results_merge(results: dict, size: str, run: dict) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    when = datetime.now(UTC).date().isoformat()
    entry = results.setdefault(size, {"requests": {}})
    entry["sites"], entry["published"] = run["sites"], run["published"]
    for name, figures in run["requests"].items():
        entry["requests"][name] = {**figures, "date": when, "commit": commit}
    entry["requests"] = {n: entry["requests"][n] for n in NAMES if n in entry["requests"]}


def table(results: dict, p: str = "p50") -> str:
    head = ["sites", "published", *NAMES]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for size in (s for s in SIZES if s in results):
        entry = results[size]
        cells = [f"{entry['sites']:,}", f"{entry['published']:,}"]
        for name in NAMES:
            f = entry["requests"].get(name)
            cells.append(f"{f[f'app_{p}']:.1f} / {f[f'raw_{p}']:.1f}" if f else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def selected(only: list[str]) -> list[str]:
    """`--only tile` means both tiles, `--only bbox` both boxes."""
    names = [n for n in NAMES if any(n == o or n.startswith(o + "_") for o in only)]
    if not names:
        raise SystemExit(f"--only: none of {', '.join(only)} is one of {', '.join(NAMES)}")
    return names


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=SIZES, default=list(SIZES))
    parser.add_argument("--only", nargs="+", default=NAMES, help=", ".join(NAMES))
    parser.add_argument("--rounds", type=int, default=20, help="measured rounds (after 2 warm)")
    parser.add_argument(
        "--budget",
        type=float,
        default=120,
        help="seconds per request and size; past it, 7 rounds are enough",
    )
    parser.add_argument("--rebuild", action="store_true", help="make the databases again")
    parser.add_argument("--report", action="store_true", help="only the table and the plot")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if not args.report:
        names = selected(args.only)
        building = to_build(args.sizes, args.rebuild)
        disk_check(building)
        for size in args.sizes:
            if size in building:
                database_build(size)
            database_ready(size)
            say(f"{PREFIX}{size}: measuring {', '.join(names)}")
            results_merge(results, size, measured(size, names, args))
            RESULTS.write_text(json.dumps(results, indent=1) + "\n")  # kept after each size
    PLOT.write_text(svg(results, SIZES, NAMES))
    say(f"p50 in ms, app / raw SQL ({RESULTS.name}; plot: {PLOT.name})")
    sys.stdout.write(table(results) + "\n\n")
    say("p95 in ms, app / raw SQL")
    sys.stdout.write(table(results, "p95") + "\n")


if __name__ == "__main__":
    main()
