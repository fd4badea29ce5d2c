"""The public's side of Mura (issue 16). Personal data is kept to this (docs/personal-data.md):
the account's email address (auth user, allauth's EmailAddress), the display name, the consents
given, and what the contributor sends. Never their location: files are stripped on receipt and a
reported location is kept only with its report, which only the region's officers see.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _

from registry.models import HeritageSite, SitePhoto
from registry.models.monitoring import Threat
from registry.models.sites import Condition
from registry.storage import private_storage

# The licences a contributor may choose: open ones only (the public sees what they accept).
OPEN_LICENCES = [
    (code, label) for code, label in SitePhoto.Licence.choices if code != "all-rights-reserved"
]


class Contributor(models.Model):
    """A member of the public with an account. The email address is the user's (and allauth's
    EmailAddress); the username is a random token, never derived from the address or the name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="contributor"
    )
    display_name = models.CharField(_("display name"), max_length=60)
    joined_at = models.DateTimeField(auto_now_add=True)
    # An officer may suspend an account that abuses the service: it can no longer send.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")

    def __str__(self) -> str:
        return self.display_name


class Consent(models.Model):
    """The contributor agreed to this version of the privacy notice (settings.MURA_PRIVACY_NOTICE_
    VERSION); a new version asks again before they send anything."""

    contributor = models.ForeignKey(Contributor, models.CASCADE, related_name="consents")
    notice_version = models.CharField(max_length=16)
    given_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contributor", "notice_version"], name="consent_once_per_version"
            )
        ]


class Contribution(models.Model):
    """One thing a contributor sent. Nothing of it is public before an officer of its region
    accepts it; a report is never public. `region` is whose officers moderate it: the site's
    region, or for a report of an unrecorded site the region its location falls in."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        OBSERVATION = "observation", _("Observation")
        CORRECTION = "correction", _("Correction")
        REPORT = "report", _("Report")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting moderation")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    class ReportKind(models.TextChoices):
        UNRECORDED = "unrecorded", _("An unrecorded site")
        LOOTING = "looting", _("Looting or illegal digging")
        CONSTRUCTION = "construction", _("Construction or earthworks")
        OTHER = "other", _("Another threat")

    # Null once the contributor deleted their account or the trail was pseudonymised; the
    # pseudonym (a keyed hash, see contributions/services) keeps one person's items together.
    contributor = models.ForeignKey(
        Contributor, models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    pseudonym = models.CharField(max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.SUBMITTED)
    site = models.ForeignKey(
        HeritageSite,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("site"),
    )
    region = models.ForeignKey(
        "registry.AdminArea", models.PROTECT, related_name="+", verbose_name=_("region")
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    # A photo: stored stripped of every metadata on receipt, in private storage until accepted.
    photo = models.FileField(
        _("photo"), upload_to="contributions/", storage=private_storage, blank=True
    )
    licence = models.CharField(_("licence"), max_length=24, choices=OPEN_LICENCES, blank=True)
    credit = models.CharField(_("author to credit"), max_length=200, blank=True)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    # The language the contributor wrote in: an accepted photo's caption goes in that language.
    language = models.CharField(_("language"), max_length=8, blank=True)
    # An observation: a visit, what was seen.
    visited_on = models.DateField(_("date of visit"), null=True, blank=True)
    condition_seen = models.CharField(
        _("condition seen"), max_length=20, choices=Condition, blank=True
    )
    threats_seen = ArrayField(
        models.CharField(max_length=24, choices=Threat), default=list, blank=True
    )
    # A correction: which text of the record, and what it should say (in `text`).
    field = models.CharField(_("field"), max_length=40, blank=True)
    # A report: what, where (kept only with the report, never public).
    report_kind = models.CharField(
        _("what is reported"), max_length=12, choices=ReportKind, blank=True
    )
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    # The observation's note, the correction's proposed text, the report's description.
    text = models.TextField(_("text"), blank=True)

    # Moderation: by an officer of `region`; the reason is shown to the contributor.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    # The public photo an accepted photo became (credited with `credit`, under `licence`).
    accepted_photo = models.OneToOneField(
        SitePhoto, models.SET_NULL, null=True, blank=True, related_name="contribution"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        indexes = [models.Index(fields=["region", "state"], name="contribution_queue")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="report") | models.Q(site__isnull=False),
                name="contribution_site_unless_report",
            ),
            models.CheckConstraint(
                condition=models.Q(location__isnull=True) | models.Q(kind="report"),
                name="contribution_location_only_in_reports",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class EmailLook(models.Model):
    """An officer looked at a contributor's email address (to reply): who, when, why."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    contributor = models.ForeignKey(
        Contributor, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contribution = models.ForeignKey(
        Contribution, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    looked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-looked_at"]
