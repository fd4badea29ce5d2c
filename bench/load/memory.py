"""Sample the memory of every gunicorn worker every few seconds, until the master exits.

Usage: python bench/load/memory.py MASTER_PID OUT.csv [SECONDS=5]
Writes `time,pid,rss_kb,uss_kb` rows. RSS counts pages shared with the master (code loaded
before the fork) in every worker; USS is what the worker alone holds, the figure that grows
if a worker leaks. A worker that gunicorn replaces shows up under a new pid.
"""

import csv
import sys
import time

import psutil


def sample(master: psutil.Process) -> list[tuple[int, int, int]]:
    rows = []
    for worker in master.children():
        try:
            memory = worker.memory_full_info()
        except psutil.NoSuchProcess:
            continue  # exited between the listing and the read
        rows.append((worker.pid, memory.rss // 1024, memory.uss // 1024))
    return rows


def main(master_pid: int, path: str, every: float) -> None:
    master = psutil.Process(master_pid)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["time", "pid", "rss_kb", "uss_kb"])
        while master.is_running():
            now = round(time.time(), 1)
            try:
                writer.writerows((now, *row) for row in sample(master))
            except psutil.NoSuchProcess:
                return
            out.flush()
            time.sleep(every)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 5.0)
