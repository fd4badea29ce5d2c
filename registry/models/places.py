from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex, OpClass
from django.utils.translation import gettext_lazy as _

from registry.text_search import PlaceDocument


class Place(models.Model):
    """A named settlement (OpenStreetMap, ODbL: `registry/data/SOURCES.md`).

    Reference data, not part of the register: today it tells officers which place names in a
    sensitive site's public texts lie near its exact location (`services/text_screening.py`);
    it is general enough for place search on the public map. Names are kept as OSM has them:
    `name` is the local signposted name, the others are blank where OSM has none."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        TOWN = "town", _("Town")
        VILLAGE = "village", _("Village")
        HAMLET = "hamlet", _("Hamlet")

    osm_type = models.CharField(max_length=10, help_text="nodes, ways or relations")
    osm_id = models.BigIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    name = models.CharField(_("name"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    region = models.ForeignKey(
        "registry.AdminArea",
        models.SET_NULL,
        null=True,
        blank=True,
        limit_choices_to={"level": 1},
        related_name="+",
        verbose_name=_("region"),
    )
    point = models.PointField(_("location"), srid=4326)
    # What place search reads (registry/text_search.py `places_nearest`): every name folded
    # to one skeleton, as sites' names are, GiST-indexed (migration 0020).
    search_document = models.GeneratedField(
        expression=PlaceDocument(), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            GistIndex(fields=["point"], name="place_point_gist"),
            GistIndex(
                OpClass("search_document", name="gist_trgm_ops"), name="place_search_document_gist"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["osm_type", "osm_id"], name="place_once_per_osm_object")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def names(self) -> list[str]:
        """Every distinct spelling OSM gives, the local name first."""
        spellings = [self.name, self.name_kk, self.name_ru, self.name_en]
        return list(dict.fromkeys(name for name in spellings if name))


class BaseFeature(models.Model):
    """Countries, seas, lakes and rivers of the offline base map, and where their names are
    written: Natural Earth (public domain), clipped to the region by
    `scripts/natural_earth.py` (registry/data/SOURCES.md). Reference data for the map only.
    Natural Earth's files here have English names only; those in Kazakh and Russian are Mura's.
    """

    class Kind(models.TextChoices):
        HOME = "home", _("Kazakhstan")
        COUNTRY = "country", _("Country")
        SEA = "sea", _("Sea")
        LAKE = "lake", _("Lake")
        RIVER = "river", _("River")
        WATER_NAME = "water_name", _("Name of a water body")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    min_zoom = models.PositiveSmallIntegerField(_("lowest zoom drawn"), default=0)
    geom = models.GeometryField(_("shape"), srid=4326, null=True, blank=True)
    label = models.PointField(_("where the name is written"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("base map feature")
        verbose_name_plural = _("base map features")
        indexes = [GistIndex(fields=["geom"], name="base_feature_geom_gist")]

    def __str__(self) -> str:
        return self.name_en or self.kind
