from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class RegionAssignment(models.Model):
    """An officer or reviewer works in these regions; region-scoped permissions follow from it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="region_assignments"
    )
    region = models.ForeignKey(
        "registry.AdminArea", models.CASCADE, limit_choices_to={"level": 1}, related_name="+"
    )

    class Meta:
        verbose_name = _("region assignment")
        verbose_name_plural = _("region assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="assignment_once_per_region")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.region}"
