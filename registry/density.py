"""How many public sites a box holds, from the map's cell counts: what a list page of a box
(or area) reads first, the box or its order's index (registry/features.py).

A page ordered by registry number (or name) with a box has two plans. Walking the order's
index and keeping the sites in the box reads about `rows × sites / in_box` index entries (the
registry numbers of a box's sites are spread over the whole register), cheap for a dense box
and ruinous for a sparse or empty one (an empty box walks the whole register). Reading the
box through the spatial index and sorting its sites costs about `in_box`, the other way
round. The planner cannot tell them apart (its estimate of a box is the same whatever lies
in it), so Mura chooses, from `in_box`.

`in_box` comes from the map's cell counts (registry/models/aggregates.py: every published
site with a public point, by the Web Mercator cell of that point, kept in every write's
transaction), read once per process at one level into a summed-area table and read again
after REFRESH_SECONDS: a box's count is then four lookups. A stale table only makes a plan
less apt; the answer is the same either way (the two plans select the same rows in the same
order: tests/api/test_box_plans.py). Only public points are counted, so nothing here depends
on an exact location.
"""

import math
import threading
import time
from dataclasses import dataclass

from django.db import connections, router

from registry.models import PublicSite

# Cells of level 12: about 0.088° of longitude (7 km), 115,000 over Kazakhstan; the table
# takes about 0.1 s to read at 1M sites.
LEVEL = 12
REFRESH_SECONDS = 600
# The box is read first when in_box² ≤ BOX_FIRST × rows × sites: the two plans' costs per row
# read (walk: about 0.55 µs an index entry; box: about 1.3 µs a site fetched and sorted, at
# 1M sites on the 2-core machine, 2026-12-06) make them equal at in_box ≈ 5,000 for a page of
# 100 at 855,000 located sites.
BOX_FIRST = 0.3
GRID_SQL = f"SELECT cx, cy, sum(n) FROM registry_sitecellcount WHERE level = {LEVEL} GROUP BY 1, 2"


@dataclass(frozen=True)
class Grid:
    x0: int  # the first cell's column and row
    y0: int
    width: int
    height: int
    summed: list[int]  # (height + 1) × (width + 1): sites in the cells above and left of each
    total: int
    loaded: float  # time.monotonic()

    def sum(self, x1: int, y1: int, x2: int, y2: int) -> int:
        """Sites in the cells [x1, x2] × [y1, y2] (inclusive, clipped to the grid)."""
        x1, y1 = max(x1 - self.x0, 0), max(y1 - self.y0, 0)
        x2, y2 = min(x2 - self.x0, self.width - 1), min(y2 - self.y0, self.height - 1)
        if x1 > x2 or y1 > y2:
            return 0
        w, s = self.width + 1, self.summed
        return s[(y2 + 1) * w + x2 + 1] - s[y1 * w + x2 + 1] - s[(y2 + 1) * w + x1] + s[y1 * w + x1]


_lock = threading.Lock()
_grid: Grid | None = None


def _load() -> Grid:
    with connections[router.db_for_read(PublicSite)].cursor() as cursor:
        cursor.execute(GRID_SQL)
        cells = cursor.fetchall()
    if not cells:
        return Grid(0, 0, 0, 0, [0], 0, time.monotonic())
    x0, y0 = min(c[0] for c in cells), min(c[1] for c in cells)
    width = max(c[0] for c in cells) - x0 + 1
    height = max(c[1] for c in cells) - y0 + 1
    w = width + 1
    summed = [0] * (w * (height + 1))
    for cx, cy, n in cells:
        summed[(cy - y0 + 1) * w + cx - x0 + 1] = int(n)
    for row in range(1, height + 1):
        line, above, run = row * w, (row - 1) * w, 0
        for col in range(1, w):
            run += summed[line + col]
            summed[line + col] = run + summed[above + col]
    total = summed[-1]
    return Grid(x0, y0, width, height, summed, total, time.monotonic())


def grid() -> Grid:
    global _grid
    current = _grid
    if current is None or time.monotonic() - current.loaded > REFRESH_SECONDS:
        with _lock:
            if _grid is current:
                _grid = _load()
            current = _grid
    return current


def forget() -> None:
    """Read the cells again at the next question (tests, after writing many sites)."""
    global _grid
    _grid = None


def _x(lon: float) -> float:
    return (lon + 180.0) / 360.0 * (1 << LEVEL)


def _y(lat: float) -> float:
    lat = math.radians(min(85.05, max(-85.05, lat)))
    return (1.0 - math.log(math.tan(lat) + 1.0 / math.cos(lat)) / math.pi) / 2.0 * (1 << LEVEL)


def in_box(bbox: tuple[float, float, float, float]) -> float:
    """About how many public points lie in `bbox` (west, south, east, north): the sites of
    the cells wholly inside, and of the cells it cuts in proportion to the part it covers."""
    west, south, east, north = bbox
    g = grid()
    x1, x2, y1, y2 = _x(west), _x(east), _y(north), _y(south)  # rows count from the north
    touched = g.sum(math.floor(x1), math.floor(y1), math.floor(x2), math.floor(y2))
    if touched == 0:
        return 0.0
    inner = g.sum(math.ceil(x1), math.ceil(y1), math.floor(x2) - 1, math.floor(y2) - 1)
    # Cell units: the box's area, the inner cells' and the touched cells'.
    box = (x2 - x1) * (y2 - y1)
    inside = max(math.floor(x2) - math.ceil(x1), 0) * max(math.floor(y2) - math.ceil(y1), 0)
    cut = (math.floor(x2) - math.floor(x1) + 1) * (math.floor(y2) - math.floor(y1) + 1) - inside
    share = (box - inside) / cut if cut > 0 else 0.0
    return inner + (touched - inner) * min(max(share, 0.0), 1.0)


def box_first(bbox: tuple[float, float, float, float], rows: int) -> bool:
    """Whether a page of `rows` rows of the sites in `bbox` is cheaper read from the box (then
    sorted) than by walking its order's index."""
    found = in_box(bbox)
    return found * found <= BOX_FIRST * rows * max(grid().total, 1)
