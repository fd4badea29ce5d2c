from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    """The public's accounts and what they send (issue 16): photos, observations, corrections,
    private reports; their moderation; and the contributor's rights over their personal data."""

    name = "contributions"
    verbose_name = _("Public contributions")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, pre_save

        from contributions.models import Contribution
        from registry.storage import stored_files_delete, stored_files_replace

        uid = "stored-files-Contribution"  # files are not rows: see registry/storage.py
        post_delete.connect(stored_files_delete, sender=Contribution, dispatch_uid=uid)
        pre_save.connect(stored_files_replace, sender=Contribution, dispatch_uid=uid)
