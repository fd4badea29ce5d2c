"""What a public read costs with the read replica up, stopped, and hung (a benchmark, not a
test; heritage/routers.py, README "Read replicas").

Usage (makes its own throwaway primary + streaming replica, about a minute):

    source scripts/lib.sh && ensure_everything
    python bench/replica_fallback.py [--requests 200]

One gunicorn worker, anonymous GETs of one site in the public API. For each case it prints
median, p95 and max milliseconds and the slowest request's position: the replica up; the
replica stopped (connections refused: the first read finds out); the replica "hung" (an
address that accepts TCP and never answers, so each retry waits MURA_DB_CONNECT_TIMEOUT;
run for 20 s, so a retry every MURA_REPLICA_RETRY_SECONDS shows as stalls over 1 s).
"""

import argparse
import socket
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.procs import AppServer, Cluster, manage  # noqa: E402 (after the path is set)


def timings(app: AppServer, path: str, count: int, seconds: float = 0) -> list[float]:
    """`count` requests, or as many as fit in `seconds` when given."""
    spent, end = [], time.monotonic() + seconds
    while len(spent) < count if not seconds else time.monotonic() < end:
        start = time.perf_counter()
        with urllib.request.urlopen(app.url(path), timeout=60) as response:
            response.read()
            assert response.status == 200
        spent.append((time.perf_counter() - start) * 1000)
    return spent


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def report(case: str, spent: list[float]) -> None:
    ordered = sorted(spent)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    stalls = sum(1 for ms in spent[1:] if ms > 1000)
    say(
        f"{case:<36} median {statistics.median(spent):6.1f} ms  p95 {p95:6.1f} ms"
        f"  first {spent[0]:6.1f} ms  over 1 s after it: {stalls} of {len(spent) - 1}"
    )


def run(case: str, env: dict, path: str, count: int, seconds: float = 0, then=None) -> None:
    """Reports `case` on a fresh one-worker server; `then` (e.g. stopping the replica) runs
    between two reported rounds on the same server."""
    app = AppServer(env, workers=1).start()
    try:
        report(case, timings(app, path, count, seconds))
        if then:
            then[1]()
            report(then[0], timings(app, path, count, seconds))
    finally:
        app.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    count = parser.parse_args().requests
    primary = Cluster.create()
    replica = None
    try:
        primary.database_create("mura")
        manage(["load_demo"], {"DATABASE_URL": primary.url()})
        number = primary.sql(
            "SELECT registry_number FROM registry_heritagesite WHERE status = 'published'"
            " ORDER BY 1 LIMIT 1"
        )
        path = f"/api/v1/sites/{number}/"
        replica = primary.replica()
        base = {"DATABASE_URL": primary.url(), "MURA_API_RATE_ANON": "1000000/min"}
        say(f"anonymous GET {path}, one worker, first retry after 5 s")

        run("no replica configured (baseline)", base, path, count)
        with_replica = {**base, "DATABASE_REPLICA_URL": replica.url()}
        run("replica up", with_replica, path, count, then=("replica stopped", replica.stop))

        hung = socket.socket()  # accepts connections (kernel backlog) and never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(64)
        url = f"postgres://mura@127.0.0.1:{hung.getsockname()[1]}/mura"
        for timeout in (3, 2):
            env = {**base, "DATABASE_REPLICA_URL": f"{url}?connect_timeout={timeout}"}
            run(f"replica hung, 20 s (connect {timeout} s)", env, path, count, seconds=20)
        hung.close()
    finally:
        if replica:
            replica.destroy()
        primary.destroy()


if __name__ == "__main__":
    main()
