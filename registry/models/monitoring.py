"""Condition monitoring: inspections, the threats they find, what they recommend, and the
Heritage at Risk register they feed (issue 15).

An inspection is recorded by an officer of the site's region and confirmed by a reviewer
(four eyes, as for site edits); only confirmed inspections count: the site's condition follows
the latest one. A site enters the at-risk register, and leaves it, only when a reviewer
confirms; each entry keeps why and when. Inspection notes, inspectors and non-public photos
are staff-only; what the public sees of an entry goes through the public projection.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.sites import Condition, HeritageSite


class Threat(models.TextChoices):
    """The controlled vocabulary of threats an inspection records."""

    LOOTING = "looting", _("Looting and illegal excavation")
    EROSION = "erosion", _("Erosion")
    FLOODING = "flooding", _("Flooding")
    DEVELOPMENT = "development", _("Development pressure")
    UNAUTHORISED_WORKS = "unauthorised_works", _("Unauthorised works in a protection zone")
    NEGLECT = "neglect", _("Neglect")
    VANDALISM = "vandalism", _("Vandalism")
    FIRE = "fire", _("Fire")
    AGRICULTURE = "agriculture", _("Ploughing and grazing")
    STRUCTURAL = "structural", _("Structural decay")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Trend(models.TextChoices):
    IMPROVING = "improving", _("Improving")
    STABLE = "stable", _("Stable")
    WORSENING = "worsening", _("Worsening")
    UNKNOWN = "unknown", _("Unknown")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Inspection(models.Model):
    """One visit to a site and what it found."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        RETURNED = "returned", _("Returned")

    site = models.ForeignKey(HeritageSite, models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(_("date of inspection"))
    # The officer who inspected and recorded it (staff only: never on a public path).
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    condition = models.CharField(_("condition"), max_length=20, choices=Condition)
    notes = models.TextField(_("notes"), blank=True)  # staff only
    # Set by the officer, else from the schedule (settings.MURA_INSPECTION_INTERVALS).
    next_due = models.DateField(_("next inspection due"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.SUBMITTED)
    recorded_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(
                fields=["site", "-inspected_on"],
                condition=models.Q(state="confirmed"),
                name="inspection_confirmed_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site.reference} {self.inspected_on}"


class InspectionThreat(models.Model):
    """A threat an inspection found, how severe and which way it is going."""

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="threats")
    threat = models.CharField(_("threat"), max_length=24, choices=Threat)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity)
    trend = models.CharField(_("trend"), max_length=10, choices=Trend, default=Trend.UNKNOWN)

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("threat")
        verbose_name_plural = _("threats")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "threat"], name="inspection_threat_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_threat_display()} ({self.get_severity_display()})"


class InspectionAction(models.Model):
    """An action an inspection recommends, with its priority."""

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="actions")
    action = models.CharField(_("recommended action"), max_length=300)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority)

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("recommended action")
        verbose_name_plural = _("recommended actions")

    def __str__(self) -> str:
        return self.action


class AtRiskEntry(models.Model):
    """A site's stay on the Heritage at Risk register, from proposal to leaving it.

    PROPOSED (by the rule or an officer) -> LISTED when a reviewer confirms (or DECLINED);
    LISTED -> LEAVING when an exit is proposed -> LEFT when a reviewer confirms (or back to
    LISTED). A site has at most one entry that is not LEFT or DECLINED.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        LISTED = "listed", _("At risk")
        LEAVING = "leaving", _("Proposed to leave")
        LEFT = "left", _("Left the register")
        DECLINED = "declined", _("Not listed")

    site = models.ForeignKey(HeritageSite, models.CASCADE, related_name="at_risk_entries")
    state = models.CharField(max_length=10, choices=State, default=State.PROPOSED)
    # The inspection whose findings proposed it (null when an officer proposed it by hand).
    inspection = models.ForeignKey(
        Inspection, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason for listing"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    listed_on = models.DateField(_("at risk since"), null=True, blank=True)
    exit_reason = models.TextField(_("reason for leaving"), blank=True)
    exit_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    left_on = models.DateField(_("left the register on"), null=True, blank=True)
    decision_note = models.TextField(blank=True)  # a reviewer's note on declining, staff only

    class Meta:
        ordering = ["-listed_on", "-pk"]
        verbose_name = _("at-risk entry")
        verbose_name_plural = _("at-risk entries")
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=models.Q(state__in=["proposed", "listed", "leaving"]),
                name="at_risk_one_open_entry",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["listed", "leaving", "left"])
                | models.Q(listed_on__isnull=False),
                name="at_risk_listed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site.reference} {self.get_state_display()}"


class AtRiskSnapshot(models.Model):
    """The public register of one year as it was published: rows already projected for the
    public (generalised locations, no staff fields), so it can be cited unchanged."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    # A list of public rows (what /api/v1/at-risk/ returned that day) and the charts' counts.
    rows = models.JSONField(default=list)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("at-risk snapshot")
        verbose_name_plural = _("at-risk snapshots")

    def __str__(self) -> str:
        return str(self.year)
