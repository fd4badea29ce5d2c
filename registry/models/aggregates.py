"""Counts of public sites per map cell, kept ready so low-zoom map tiles never scan the register.

Everything here is derived from `PublicSite.public_location` only (never the exact point), so
the counts tell the public nothing the public points do not. Cells are Web Mercator tiles:
a cell of level L is tile (L, cx, cy); the map draws the cells of level z + 3 on a tile of
zoom z (8 × 8 cells a tile). The finest level is kept per site in `SiteCellKey`, so a change
to one site moves one count at each level instead of recounting the country.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Func

# Finest cell level kept; coarser levels are this one shifted right (the tile quadtree).
BASE_LEVEL = 14
# Tiles of zoom z draw cells of level z + CELLS_PER_TILE_SHIFT (2**3 = 8 cells across).
CELLS_PER_TILE_SHIFT = 3
# Zooms served from counts; from SITES_MIN_ZOOM on, tiles carry single sites.
SITES_MIN_ZOOM = 12
LEVELS = range(CELLS_PER_TILE_SHIFT, BASE_LEVEL + 1)


class TileCellX(Func):
    """Column of the level-`level` Web Mercator tile containing a point (SRID 4326)."""

    template = "floor((ST_X(%(expressions)s) + 180.0) / 360.0 * (1 << %(level)s))::int"
    output_field = models.IntegerField()

    def __init__(self, expression, *, level: int):
        super().__init__(expression, level=int(level))


class TileCellY(Func):
    """Row (from the north) of the level-`level` Web Mercator tile containing a point.

    Latitudes are clamped to Web Mercator's ±85.05°; Kazakhstan is far inside.
    """

    template = (
        "floor((1.0 - ln(tan(radians(least(85.05, greatest(-85.05, ST_Y(%(expressions)s)))))"
        " + 1.0 / cos(radians(least(85.05, greatest(-85.05, ST_Y(%(expressions)s))))))"
        " / pi()) / 2.0 * (1 << %(level)s))::int"
    )
    output_field = models.IntegerField()

    def __init__(self, expression, *, level: int):
        super().__init__(expression, level=int(level))


class SiteCellKey(models.Model):
    """Which finest cell (and which filter values) a published site is counted under.

    No foreign key: the refresh reads the old key even after the site is gone.
    """

    site_id = models.BigIntegerField(primary_key=True)
    cx = models.IntegerField()
    cy = models.IntegerField()
    category = models.CharField(max_length=20)
    significance = models.CharField(max_length=16)
    # Every region the site is publicly under (its cell may touch several: DESIGN §4).
    region_ids = ArrayField(models.BigIntegerField())

    def __str__(self) -> str:
        return f"site {self.site_id}: cell {BASE_LEVEL}/{self.cx}/{self.cy}"


class SiteCellCount(models.Model):
    """How many published sites with a public point lie in a cell, per category,
    significance and set of public regions (so the map's common filters stay pre-aggregated;
    a site whose cell touches two regions is counted once, under both)."""

    level = models.PositiveSmallIntegerField()
    cx = models.IntegerField()
    cy = models.IntegerField()
    category = models.CharField(max_length=20)
    significance = models.CharField(max_length=16)
    region_ids = ArrayField(models.BigIntegerField())
    n = models.IntegerField()  # a refresh adds signed deltas, then drops rows at 0

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "cx", "cy", "category", "significance", "region_ids"],
                name="cellcount_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.cx}/{self.cy} {self.category} {self.significance}: {self.n}"


class PublicMapVersion(models.Model):
    """One row: bumped whenever the public map's data changes. Tile ETags and cache keys
    carry it, so a publish, an edit or a withdrawal invalidates every cached tile."""

    version = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"public map version {self.version}"


class SearchWord(models.Model):
    """A word of a published site's search document (registry/text_search.py): a text search
    reads each word of its query as the nearest of these before it scans the documents.

    Added to from published sites only (registry/services/search_words.py), so it holds no
    word that only a draft has: a search's answer cannot depend on a draft. Never removed
    from: a word a withdrawn or renamed site had stays (it was public)."""

    word = models.TextField(primary_key=True)

    def __str__(self) -> str:
        return self.word
