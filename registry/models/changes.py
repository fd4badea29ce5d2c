from django.conf import settings
from django.contrib.gis.db import models
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

from registry.models.sites import HeritageSite


class ChangeRequest(models.Model):
    """An officer's proposed change to a published site. The public keeps seeing the published
    record until a reviewer approves; then the change is applied as one edit."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    site = models.ForeignKey(HeritageSite, models.CASCADE, related_name="change_requests")
    # Field name -> proposed value, JSON-encoded (geometry as GeoJSON, relations as ids).
    proposed = models.JSONField(encoder=DjangoJSONEncoder)
    base_version = models.PositiveIntegerField()
    reason = models.TextField(_("reason"))
    state = models.CharField(max_length=10, choices=State, default=State.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["site"], condition=models.Q(state="open"), name="one_open_change_per_site"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site.reference}: {', '.join(self.proposed)}"
