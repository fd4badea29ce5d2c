"""What parsing a site query costs one request (a benchmark, not a test).

Usage (a migrated database, for the region and typology codes):

    source scripts/lib.sh && ensure_everything
    python bench/query_parse.py [--runs 5000] [--before 9d7c30d]

Times, per parse, the median and mean over `--runs` parses of typical query strings (the
public list's filters, with and without a region code) through:
- `registry.query.query_parse` (the one parser: plain Python, a spec built at import, codes
  from a per-process cache), with the limit and cursor of a list page;
- DRF's `SiteListParams` as the API used it before issue 17 (a serializer whose fields are
  deep-copied per instance, and a query per code list): registry/api/params.py read from
  git at `--before` (default: the last commit before issue 17) and loaded as a module.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heritage.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.http import QueryDict  # noqa: E402

QUERIES = {
    "filters": "category=archaeology&significance=republican&date_from=-500&date_to=1500"
    "&bbox=76.8,43.1,77.1,43.4&ordering=name&limit=50",
    "filters+region": "category=archaeology&region=KZ75&date_from=-500&date_to=1500"
    "&bbox=76.8,43.1,77.1,43.4&ordering=name&limit=50",
}


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def timed(parse, data: QueryDict, runs: int) -> list[float]:
    parse(data)  # warm: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        parse(data)
        times.append((time.perf_counter() - start) * 1000)
    return times


def old_params(ref: str) -> types.ModuleType:
    """registry/api/params.py as it was at `ref`, loaded beside today's modules."""
    root = Path(__file__).resolve().parent.parent
    source = subprocess.run(
        ["git", "show", f"{ref}:registry/api/params.py"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    module = types.ModuleType("params_before")
    exec(compile(source, f"{ref}:registry/api/params.py", "exec"), module.__dict__)
    return module


def parsers(before: str) -> dict:
    from registry.query import PAGING, query_parse

    def one_parser(data):
        query_parse(data, staff=False, extra=PAGING)

    site_list_params = old_params(before).SiteListParams

    def drf(data):
        params = site_list_params(data=data, context={"staff": False})
        params.is_valid(raise_exception=True)
        params.site_query()

    return {"registry.query": one_parser, f"DRF SiteListParams@{before}": drf}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--before", default="9d7c30d")
    arguments = parser.parse_args()
    say(f"{'parser':<30} {'query':<16} {'median ms':>10} {'mean ms':>10}")
    for name, parse in parsers(arguments.before).items():
        for label, text in QUERIES.items():
            times = timed(parse, QueryDict(text), arguments.runs)
            say(f"{name:<30} {label:<16} {statistics.median(times):>10.4f} "
                f"{statistics.fmean(times):>10.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
