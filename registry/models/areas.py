from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class AdminArea(models.Model):
    """An oblast, a city of republican significance, or a district (COD-AB 2024 via geokz)."""

    class Level(models.IntegerChoices):
        REGION = 1, _("Region")
        DISTRICT = 2, _("District")

    code = models.CharField(_("code"), max_length=16, unique=True, help_text="COD pcode, KZ10")
    kato = models.CharField(_("KATO code"), max_length=9, unique=True)
    iso_3166_2 = models.CharField(_("ISO 3166-2"), max_length=8, blank=True)
    registry_prefix = models.CharField(
        _("registry number prefix"),
        max_length=8,
        blank=True,
        help_text="regions only: KZ-ALM (no longer part of registry numbers)",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    unit_type = models.CharField(_("unit type"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    geom = models.MultiPolygonField(_("boundary"), srid=4326)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level=2, parent__isnull=False),
                name="adminarea_districts_have_a_region",
            ),
            models.CheckConstraint(
                condition=models.Q(level=2) | ~models.Q(registry_prefix=""),
                name="adminarea_regions_have_a_prefix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class RegistrySequence(models.Model):
    """The last value handed out by a counter: "KZ" for registry numbers, "D" for draft
    references (registry/services/numbers.py). Only ever grows: numbers are never reused."""

    prefix = models.CharField(max_length=8, primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last_value}"
