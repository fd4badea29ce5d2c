"""Summarise a load test directory (bench/load/run.sh writes it): a table and load.png.

Usage: python bench/load/report.py var/load/<time>
Reads run1_*.csv and run2_*.csv (locust), memory.csv (bench/load/memory.py) and runs.txt
(when each run ended). Prints per endpoint requests, failures, RPS, median, p95, p99 for each
run, the issue's targets, and each worker's memory at the end of run 1 and of run 2.
"""

import csv
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402 (after the backend is chosen)

RUNS = ("run1", "run2")
PUBLIC_P95_TARGET_MS = 500
# Growth of the largest worker's own memory (USS) between the two runs' ends that still
# counts as stable: caches filled in run 1 are warm in run 2, so a leak shows as growth of the
# worker that has served most. Not the sum: kept-alive connections stick to the worker that
# accepted them, so a worker idle in a short run 1 may take its first requests in run 2 and
# grow by its one-off warm-up (lazy imports, first API request: about 15 MB).
STABLE_GROWTH = 0.05


def say(line: str) -> None:
    """The report goes to standard output (print is for debugging here, T201)."""
    sys.stdout.write(line + "\n")


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def number(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def endpoint_table(out: Path, run: str) -> list[dict]:
    rows = []
    for row in read_csv(out / f"{run}_stats.csv"):
        rows.append(
            {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
        )
    return rows


def print_table(run: str, rows: list[dict]) -> None:
    say(f"\n{run}: {'endpoint':<26} {'requests':>8} {'fail':>5} {'req/s':>7} "
          f"{'median':>7} {'p95':>7} {'p99':>7}  (ms)")  # fmt: skip
    for r in rows:
        say(f"      {r['name']:<26} {r['requests']:>8} {r['failures']:>5} {r['rps']:>7.1f} "
              f"{r['p50']:>7.0f} {r['p95']:>7.0f} {r['p99']:>7.0f}")  # fmt: skip


def memory_at_ends(out: Path) -> dict[int, list[tuple[int, int]]]:
    """{pid: [(rss_kb, uss_kb) at the end of run 1, at the end of run 2]} (last sample before)."""
    ends = {}
    for line in (out / "runs.txt").read_text().split("\n"):
        if line:
            name, when = line.split()
            ends[name] = float(when)
    samples = defaultdict(list)
    for row in read_csv(out / "memory.csv"):
        samples[int(row["pid"])].append(
            (float(row["time"]), int(row["rss_kb"]), int(row["uss_kb"]))
        )
    result = {}
    for pid, rows in samples.items():
        at = []
        for run in RUNS:
            before = [(rss, uss) for t, rss, uss in rows if t <= ends[run] + 1]
            at.append(before[-1] if before else (0, 0))
        result[pid] = at
    return result


def print_memory(memory: dict[int, list[tuple[int, int]]]) -> bool:
    say("\nworker memory (MB)  RSS end run1 -> run2     USS (own) end run1 -> run2")
    for pid, ((rss1, uss1), (rss2, uss2)) in sorted(memory.items()):
        say(f"  pid {pid:<8}       {rss1 / 1024:7.1f} -> {rss2 / 1024:7.1f}"
              f"          {uss1 / 1024:7.1f} -> {uss2 / 1024:7.1f}")  # fmt: skip
    for what, combine in (("all workers'", sum), ("largest worker's", max)):
        uss1 = combine(m[0][1] for m in memory.values())
        uss2 = combine(m[1][1] for m in memory.values())
        growth = (uss2 - uss1) / uss1 if uss1 else float("inf")
        say(f"  {what} USS: {uss1 / 1024:.1f} -> {uss2 / 1024:.1f} MB ({growth:+.1%})")
    return growth <= STABLE_GROWTH


def history(out: Path, run: str) -> tuple[list[float], list[float], list[float | None]]:
    rows = [r for r in read_csv(out / f"{run}_stats_history.csv") if r["Name"] == "Aggregated"]
    start = int(rows[0]["Timestamp"]) if rows else 0
    seconds = [int(r["Timestamp"]) - start for r in rows]
    return seconds, [float(r["Requests/s"]) for r in rows], [number(r["95%"]) for r in rows]


def plot(out: Path, tables: dict[str, list[dict]]) -> Path:
    fig, axes = plt.subplots(3, 2, figsize=(14, 13))
    (rps_ax, p95_ax), (bars1, bars2), (rss_ax, uss_ax) = axes
    for run in RUNS:
        seconds, rps, p95 = history(out, run)
        rps_ax.plot(seconds, rps, label=run)
        p95_ax.plot(seconds, p95, label=run)
    rps_ax.set(title="Requests/s (all users)", xlabel="seconds into the run")
    p95_ax.set(
        title="p95 response time, ms (locust's moving window)", xlabel="seconds into the run"
    )
    p95_ax.axhline(PUBLIC_P95_TARGET_MS, color="red", linestyle=":", label="public target")
    for ax in (rps_ax, p95_ax):
        ax.legend()
        ax.grid(alpha=0.3)
    for ax, run in ((bars1, "run1"), (bars2, "run2")):
        rows = [r for r in tables[run] if r["name"] != "Aggregated"]
        names = [r["name"] for r in rows]
        positions = range(len(rows))
        for offset, key in ((-0.27, "p50"), (0, "p95"), (0.27, "p99")):
            ax.barh([p + offset for p in positions], [r[key] for r in rows], 0.27, label=key)
        ax.set_yticks(list(positions), names)
        ax.invert_yaxis()
        ax.axvline(PUBLIC_P95_TARGET_MS, color="red", linestyle=":")
        ax.set(title=f"{run}: response time per endpoint, ms", xscale="log")
        ax.legend(loc="lower right")
        ax.grid(alpha=0.3, axis="x")
    samples = defaultdict(list)
    rows = read_csv(out / "memory.csv")
    start = float(rows[0]["time"]) if rows else 0
    for row in rows:
        samples[row["pid"]].append(
            (float(row["time"]) - start, int(row["rss_kb"]) / 1024, int(row["uss_kb"]) / 1024)
        )
    for pid, points in sorted(samples.items()):
        rss_ax.plot([p[0] for p in points], [p[1] for p in points], label=f"worker {pid}")
        uss_ax.plot([p[0] for p in points], [p[2] for p in points], label=f"worker {pid}")
    ends = [line.split() for line in (out / "runs.txt").read_text().split("\n") if line]
    for ax, what in ((rss_ax, "RSS"), (uss_ax, "USS (own memory)")):
        for name, when in ends[1:]:
            ax.axvline(float(when) - start, color="grey", linestyle="--")
            ax.text(float(when) - start, ax.get_ylim()[0], f" end {name}", color="grey")
        ax.set(title=f"gunicorn workers' {what}, MB", xlabel="seconds since gunicorn started")
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    fig.suptitle(f"Mura load test {out.name}")
    fig.tight_layout()
    path = out / "load.png"
    fig.savefig(path, dpi=90)
    return path


def main(out: Path) -> None:
    tables = {run: endpoint_table(out, run) for run in RUNS}
    for run in RUNS:
        print_table(run, tables[run])
    say("\ntargets:")
    for run in RUNS:
        rows = tables[run]
        failures = sum(r["failures"] for r in rows if r["name"] != "Aggregated")
        public = [
            r for r in rows if r["name"] != "Aggregated" and not r["name"].startswith("officer")
        ]
        worst = max(public, key=lambda r: r["p95"])
        say(f"  {run}: failures {failures} ({'ok' if failures == 0 else 'NOT MET'}); "
              f"worst public p95 {worst['p95']:.0f} ms, {worst['name']} "
              f"({'ok' if worst['p95'] < PUBLIC_P95_TARGET_MS else 'NOT MET'})")  # fmt: skip
    for run in RUNS:
        failures = read_csv(out / f"{run}_failures.csv")
        for f in failures:
            say(f"  {run} failure x{f['Occurrences']}: {f['Name']}: {f['Error'][:150]}")
    stable = print_memory(memory_at_ends(out))
    verdict = "stable" if stable else "GROWING"
    say(f"  memory {verdict} (largest worker's USS grew at most {STABLE_GROWTH:.0%})")
    say(f"\nplot: {plot(out, tables)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
