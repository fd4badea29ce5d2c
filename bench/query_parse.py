"""What parsing a site query costs one request (a benchmark, not a test).

Usage (a migrated database, for the region and typology codes):

    source scripts/lib.sh && ensure_everything
    python bench/query_parse.py [--runs 5000]

Times, per parse, the median and mean over `--runs` parses of typical query strings (the
public list's filters, with and without a region code) through:
- `registry.query.site_query_parse` (the one parser: plain Python, a spec built at import,
  codes from a per-process cache), and the limit/cursor of a list page;
- DRF's `SiteListParams`, if this tree still has it (what the API used before issue 17:
  a serializer whose fields are deep-copied per instance, and a query per code list).
"""

import argparse
import os
import statistics
import sys
import time
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


def parsers() -> dict:
    found = {}
    try:
        from registry.query import PAGING, params_parse, site_query_parse

        def one_parser(data):
            site_query_parse(data, staff=False)
            params_parse(data, PAGING)

        found["registry.query"] = one_parser
    except ImportError:
        pass
    try:
        from registry.api.params import SiteListParams

        def drf(data):
            params = SiteListParams(data=data, context={"staff": False})
            params.is_valid(raise_exception=True)
            params.site_query()

        found["DRF SiteListParams"] = drf
    except ImportError:
        pass
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5000)
    runs = parser.parse_args().runs
    say(f"{'parser':<22} {'query':<16} {'median ms':>10} {'mean ms':>10}")
    for name, parse in parsers().items():
        for label, text in QUERIES.items():
            times = timed(parse, QueryDict(text), runs)
            say(f"{name:<22} {label:<16} {statistics.median(times):>10.4f} "
                f"{statistics.fmean(times):>10.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
