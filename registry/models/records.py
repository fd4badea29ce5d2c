from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Area
from django.db.models.functions import Cast
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from registry.geometry import clean_area
from registry.models.constraints import FieldConstraints
from registry.models.sites import HeritageSite
from registry.storage import private_storage


class Designation(FieldConstraints, models.Model):
    """A legal act protecting a site; a site may have several (republican list, UNESCO...)."""

    constraint_fields = {"validity_order": "valid_to"}

    class Scheme(models.TextChoices):
        REPUBLICAN_LIST = "republican_list", _("State list of republican significance")
        LOCAL_LIST = "local_list", _("Local list of an oblast")
        UNESCO = "unesco", _("UNESCO World Heritage")

    site = models.ForeignKey(HeritageSite, models.CASCADE, related_name="designations")
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme)
    act_number = models.CharField(_("act number"), max_length=64, blank=True)
    act_date = models.DateField(_("act date"), null=True, blank=True)
    authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    document = models.FileField(
        _("document"), upload_to="designations/", storage=private_storage, blank=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    criteria = models.CharField(_("criteria"), max_length=200, blank=True)
    in_danger = models.BooleanField(_("in danger"), default=False)

    class Meta:
        ordering = ["site", "act_date"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="designation_validity_in_order",
                violation_error_code="validity_order",
                violation_error_message=_("“Valid from” must not be later than “Valid to”."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.act_number}".strip()


class ProtectionZone(models.Model):
    """A zone drawn for a designation, with its use regime."""

    class Kind(models.TextChoices):
        PROTECTION = "protection", _("Protection zone")
        DEVELOPMENT = "development", _("Development-regulation zone")
        LANDSCAPE = "landscape", _("Protected natural landscape zone")
        CORE = "core", _("Core zone (UNESCO)")
        BUFFER = "buffer", _("Buffer zone (UNESCO)")

    designation = models.ForeignKey(Designation, models.CASCADE, related_name="zones")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    geom = models.MultiPolygonField(_("zone"), srid=4326)
    regime = models.TextField(_("use regime"), blank=True)
    # Hectares on the spheroid (geography), not in degrees or a projected plane.
    area_ha = models.GeneratedField(
        expression=Area(Cast("geom", models.MultiPolygonField(srid=4326, geography=True))) / 10000,
        output_field=models.FloatField(),
        db_persist=True,
    )

    def clean(self) -> None:
        if self.geom is not None:
            self.geom = clean_area(self.geom, field="geom")

    class Meta:
        verbose_name = _("protection zone")
        verbose_name_plural = _("protection zones")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.designation})"


class SitePhoto(models.Model):
    """A photo of a site. The original stays private; the public sees stripped derivatives."""

    class Licence(models.TextChoices):
        CC0 = "CC0-1.0", "CC0 1.0"
        CC_BY = "CC-BY-4.0", "CC BY 4.0"
        CC_BY_SA = "CC-BY-SA-4.0", "CC BY-SA 4.0"
        ALL_RIGHTS = "all-rights-reserved", _("All rights reserved")

    site = models.ForeignKey(HeritageSite, models.CASCADE, related_name="photos")
    original = models.FileField(
        _("original"), upload_to="photos/originals/", storage=private_storage
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to="photos/public/", blank=True)
    web = models.ImageField(_("web size"), upload_to="photos/public/", blank=True)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    taken_on = models.DateField(_("date taken"), null=True, blank=True)
    licence = models.CharField(_("licence"), max_length=24, choices=Licence, default=Licence.CC_BY)
    is_public = models.BooleanField(_("public"), default=False)
    is_primary = models.BooleanField(_("primary"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    # A photo taken at an inspection (registry/models/monitoring.py): still a photo of the site,
    # public only if marked so, like any other.
    inspection = models.ForeignKey(
        "registry.Inspection",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("inspection"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.UniqueConstraint(
                fields=["site"], condition=models.Q(is_primary=True), name="photo_one_primary"
            )
        ]

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"

    # A kept photo of a contributor who deleted their account (contributions/rights.py): the
    # stored author is this msgid, shown in the reader's language.
    ANONYMOUS_AUTHOR = gettext_noop("anonymous contributor")

    @property
    def credit(self) -> str:
        """The author as the public sees it."""
        return gettext(self.author) if self.author == self.ANONYMOUS_AUTHOR else self.author
