from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class ImportMapping(models.Model):
    """How one source's files name their columns ({the file's column: a field, or null for
    "do not import"}), saved by an officer for the next file of that source.

    Agency-wide, not per officer: a source (UNESCO's list, a regional inspectorate's survey
    sheets) is the agency's, the next file may come to a colleague, and one name per source
    means one mapping to correct. Who saved it first and last is kept."""

    name = models.CharField(_("source"), max_length=100)
    mapping = models.JSONField(_("column mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [  # "UNESCO" and "unesco" are one source
            models.UniqueConstraint(Lower("name"), name="import_mapping_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
