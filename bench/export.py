"""Exports beside ogr2ogr on the same rows: seconds and peak memory per format (a benchmark).

Usage (on a database made by `manage.py generate_sites 1000000`, e.g. mura_bench):

    source scripts/lib.sh && ensure_everything
    DATABASE_URL=${DATABASE_URL%/mura}/mura_bench DJANGO_DEBUG=0 python bench/export.py \
        [--runs 3] [--formats csv,geojson,gpkg,shp.zip] [--exact] [--region KZ75] [--no-api]

For each format, every run measures in turn (the order rotating from run to run, so that a
busy machine weighs on each alike):
- `command`: `manage.py export_sites OUT --format F [--public]`, a process of its own;
- `api`: the API's download of the same export (`/api/v1/exports/sites.F`, anonymous for the
  public projection) from one gunicorn worker (gthread, one thread), as deployed;
- `ogr2ogr`: GDAL's ogr2ogr reading the same rows straight from PostgreSQL: Mura's own
  statement (the door's filters, order and columns, the point on the same grid), each column
  typed as Mura writes it; CSV with the point as X/Y columns, GeoJSON at the same decimals,
  the Shapefile zipped as Mura zips it (ogr2ogr writes a .shp.zip itself).

Memory is the peak of the whole process tree: RSS of the process and every descendant,
summed, sampled every 10 ms; beside it the kernel's peak (VmHWM) of the largest process,
which sampling cannot miss. Mura's processes are given GDAL_LIBRARY_PATH and GEOS_LIBRARY_PATH
(as found by Django here): otherwise GeoDjango runs `ldconfig -p` at each start, from a vforked
child that shares the parent's memory and was counted twice in the tree (184 MB for a 115 MB
process). For `api` the tree is the worker (its peak reset before each
download with /proc/PID/clear_refs), so the figure includes what the worker held before the
export (Django, the apps, the earlier requests), as a server's memory does.
The medians are printed with the machine's load, and the ratio Mura / ogr2ogr of each run's
pair (its median), which a busy machine distorts less than the times.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ["csv", "geojson", "gpkg", "shp.zip"]
DRIVERS = {"csv": "CSV", "geojson": "GeoJSON", "gpkg": "GPKG", "shp.zip": "ESRI Shapefile"}
# The same protections as Mura's processes (heritage/gdal_offline.py).
GDAL_OFFLINE = {"PROJ_NETWORK": "OFF", "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".mura-network-off"}


def statements(args) -> dict:
    """(Run under Django, by --sql.) ogr2ogr's SELECT per format and the row count."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")
    import django

    django.setup()
    from django.db import connection

    from registry import exchange
    from registry.access import public_door
    from registry.query import site_query_parse, spec_of
    from registry.search import sites_filter
    from registry.selectors import site_list_exact_published
    from registry.services.exports import statement
    from registry.services.exports.text import decimals

    geometry = "location" if args.exact else "public_location"
    base = site_list_exact_published() if args.exact else public_door().sites
    query = site_query_parse({"region": [args.region]} if args.region else {},
                             spec=spec_of("region"))  # fmt: skip
    sites = sites_filter(base, query, geometry=geometry)
    columns = exchange.columns_for(exact=args.exact)
    inner, params = statement.inner(sites, columns, geometry=geometry)
    x, y = statement.point_sql(decimals(exact=args.exact))
    out = {}
    for fmt in FORMATS:
        names = [c.short if fmt == "shp.zip" else c.name for c in columns]
        values = ", ".join(
            f'{statement.value_sql(c)} AS "{n}"' for c, n in zip(columns, names, strict=True)
        )
        sql = f"SELECT {values}, ST_SetSRID(ST_Point({x}, {y}), 4326) AS geom FROM ({inner}) e"
        with connection.cursor() as cursor:
            out[fmt] = cursor.mogrify(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({inner}) c", params)
        out["rows"] = cursor.fetchone()[0]
    from django.contrib.gis.gdal.libgdal import lgdal
    from django.contrib.gis.geos.libgeos import load_geos

    out["libraries"] = {"GDAL_LIBRARY_PATH": lgdal._name, "GEOS_LIBRARY_PATH": load_geos()._name}
    return out


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return found


def status(pid: int, field: str) -> int:
    """A /proc/PID/status field in KB (0 if the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """The peak of the summed RSS of `pid` and its descendants, and the largest VmHWM."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.hwm, self.done = pid, 0, 0, threading.Event()

    def run(self):
        while not self.done.is_set():
            pids = tree(self.pid)
            self.peak = max(self.peak, sum(status(p, "VmRSS") for p in pids))
            self.hwm = max([self.hwm, *(status(p, "VmHWM") for p in pids)])
            time.sleep(0.01)

    def stop(self) -> tuple[float, float]:
        self.done.set()
        self.join()
        return self.peak / 1024, self.hwm / 1024


def run_process(command: list[str], env: dict) -> tuple[float, float, float]:
    with tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=errors)  # fmt: skip
        sampler = Sampler(process.pid)
        sampler.start()
        try:
            _, code, usage = os.wait4(process.pid, 0)
        except BaseException:  # interrupted: the export goes too
            process.kill()
            process.wait()
            raise
        seconds = time.perf_counter() - start
        peak, hwm = sampler.stop()
        process.returncode = code
        errors.seek(0)
        text = errors.read()
    if code or "ERROR" in text:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{text[-2000:]}")
    return seconds, peak, max(hwm, usage.ru_maxrss / 1024)


def run_api(worker: int, url: str, out: Path) -> tuple[float, float, float]:
    with open(f"/proc/{worker}/clear_refs", "w") as f:
        f.write("5")  # the peak (VmHWM) starts again from the current RSS
    sampler = Sampler(worker)
    sampler.start()
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response, out.open("wb") as f:
        shutil.copyfileobj(response, f, 1 << 20)
    seconds = time.perf_counter() - start
    peak, hwm = sampler.stop()
    return seconds, peak, max(hwm, status(worker, "VmHWM") / 1024)


def ogr_command(fmt: str, sql: str, out: Path, pg: str, exact: bool) -> list[str]:
    options = {
        "csv": ["-lco", "GEOMETRY=AS_XY", "-lco", "LINEFORMAT=CRLF"],
        "geojson": ["-lco", f"COORDINATE_PRECISION={7 if exact else 6}"],
        "gpkg": ["-dsco", "VERSION=1.3"],
        "shp.zip": ["-lco", "ENCODING=UTF-8"],
    }[fmt]
    return ["ogr2ogr", "-f", DRIVERS[fmt], str(out), pg, "-sql", sql, "-nln", "sites", *options]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_worker(env: dict) -> tuple[subprocess.Popen, int, int]:
    port = free_port()
    server = subprocess.Popen(
        ["gunicorn", "-w", "1", "-k", "gthread", "--threads", "1", "--timeout", "600",
         "-b", f"127.0.0.1:{port}", "heritage.wsgi:application", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        time.sleep(0.2)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/regions/", timeout=5).read()
            break
        except OSError:
            continue
    (worker,) = tree(server.pid)[1:2]
    return server, port, worker


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--exact", action="store_true", help="full records (default: public)")
    parser.add_argument("--region", default="")
    parser.add_argument("--no-api", action="store_true")
    parser.add_argument("--sql", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up as for Ctrl-C
    if args.sql:
        say(json.dumps(statements(args)))
        return
    if args.exact and not args.no_api:
        parser.error("--exact needs --no-api (the API gives anonymous readers the public door)")
    formats = args.formats.split(",")
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "heritage.settings", "DJANGO_HTTPS": "0"}
    env |= {f"MURA_EXPORT_RATE_{r}": "100000000/min" for r in ("ANON", "RESEARCHER", "STAFF")}
    env |= {f"MURA_API_RATE_{r}": "100000000/min" for r in ("ANON", "RESEARCHER", "STAFF")}
    env.setdefault("MURA_STATEMENT_TIMEOUT_MS", "0")  # as a whole-registry export needs
    sql = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--sql", *sys.argv[1:]],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    env |= sql["libraries"]  # no `ldconfig -p` child at each start (heritage/settings.py)
    url = urlparse(env["DATABASE_URL"])
    pg = (f"PG:dbname={url.path.lstrip('/')} host={url.hostname} port={url.port or 5432}"
          f" user={unquote(url.username or '')}")  # fmt: skip
    ogr_env = env | GDAL_OFFLINE | ({"PGPASSWORD": unquote(url.password)} if url.password else {})
    work = Path(tempfile.mkdtemp(prefix="mura-bench-export-"))
    server = None
    try:
        if not args.no_api:
            server, port, worker = start_worker(env)
        say(
            f"{sql['rows']:,} rows ({'full records' if args.exact else 'public'}"
            f"{', region ' + args.region if args.region else ''}); load {os.getloadavg()[0]:.1f}"
        )
        results = {f: {"command": [], "api": [], "ogr2ogr": [], "sizes": {}} for f in formats}
        sides = ["command", "ogr2ogr"] + ([] if args.no_api else ["api"])
        for run in range(args.runs):
            for fmt in formats:
                for side in sides[run % len(sides) :] + sides[: run % len(sides)]:
                    out = work / f"{side}.{fmt}"
                    out.unlink(missing_ok=True)
                    if side == "command":
                        command = [sys.executable, "manage.py", "export_sites", str(out),
                                   "--format", fmt, *([] if args.exact else ["--public"]),
                                   *(["--region", args.region] if args.region else [])]  # fmt: skip
                        figures = run_process(command, env)
                    elif side == "api":
                        query = f"?region={args.region}" if args.region else ""
                        api = f"http://127.0.0.1:{port}/api/v1/exports/sites.{fmt}{query}"
                        figures = run_api(worker, api, out)
                    else:
                        figures = run_process(ogr_command(fmt, sql[fmt], out, pg, args.exact),
                                              ogr_env)  # fmt: skip
                    results[fmt][side].append(figures)
                    results[fmt]["sizes"][side] = out.stat().st_size
                    say(
                        f"  run {run + 1} {fmt:8} {side:8} {figures[0]:7.1f} s"
                        f" {figures[1]:6.0f} MB tree, {figures[2]:6.0f} MB largest"
                    )
        report(results, sides, args)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


def report(results: dict, sides: list[str], args) -> None:
    say(f"\nmedians of {args.runs} run(s); load now {os.getloadavg()[0]:.1f}")
    head = f"{'format':8} " + " ".join(f"{s + ' s':>10} {s + ' MB':>11}" for s in sides)
    say(head + f" {'command/ogr':>12} {'size MB':>9}")
    for fmt, r in results.items():
        cells = []
        for side in sides:
            seconds = statistics.median(f[0] for f in r[side])
            peak = max(f[1] for f in r[side])
            cells.append(f"{seconds:10.1f} {peak:11.0f}")
        ratio = statistics.median(
            c[0] / o[0] for c, o in zip(r["command"], r["ogr2ogr"], strict=True)
        )
        size = r["sizes"]["command"] / 1e6
        say(f"{fmt:8} " + " ".join(cells) + f" {ratio:12.2f} {size:9.0f}")
    say("MB: the largest peak of the process tree over the runs (RSS summed, sampled).")


if __name__ == "__main__":
    main()
