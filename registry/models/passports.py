from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.sites import Category
from registry.storage import private_storage


class PassportBatch(models.Model):
    """Monument passports of many sites as one ZIP, made by the task worker
    (registry/tasks.py), never in a web request. The ZIP is private: only the person who asked
    (or an administrator) downloads it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Edition(models.TextChoices):
        PUBLIC = "public", _("Public edition")
        STAFF = "staff", _("Staff edition")

    region = models.ForeignKey(
        "registry.AdminArea",
        models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"level": 1},
        related_name="+",
        verbose_name=_("region"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    edition = models.CharField(_("edition"), max_length=8, choices=Edition, default=Edition.PUBLIC)
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.QUEUED)
    done = models.PositiveIntegerField(_("passports made"), default=0)
    total = models.PositiveIntegerField(_("passports to make"), default=0)
    file = models.FileField(
        _("ZIP file"), upload_to="passports/", storage=private_storage, blank=True
    )
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("passport batch")
        verbose_name_plural = _("passport batches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="passport_batch_progress"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.region or '—'} {self.language} {self.state}"
