"""Condition monitoring (issue 15): inspections recorded by officers of the site's region and
confirmed or returned by a reviewer of the region (never the inspector: four eyes); the
site's condition follows its latest confirmed inspection; the inspection schedule; and the
at-risk rule, whose proposals (and exits) a reviewer confirms or declines.

The at-risk rule (README, "Condition monitoring and the at-risk rule"): a site's latest
confirmed inspection proposes it for the register when its condition is poor or critical with
at least one high-severity threat, or critical with a worsening threat; never when it is lost.
A listed site whose latest confirmed inspection no longer meets the rule is proposed to leave.

Permissions are checked here as well as in the views (registry/roles.py): recording and
proposing need `registry.edit_site` on the site, deciding `registry.review_site`.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from registry.models import (
    AtRiskEntry,
    HeritageSite,
    Inspection,
    InspectionAction,
    InspectionThreat,
    SitePhoto,
)
from registry.models.monitoring import Priority, Severity, Threat, Trend
from registry.models.sites import Condition, Significance
from registry.services.photos import photo_add

State = Inspection.State
Entry = AtRiskEntry.State
OPEN_ENTRY_STATES = (Entry.PROPOSED, Entry.LISTED, Entry.LEAVING)


class MonitoringRefused(Exception):
    """A move the entry's or inspection's state does not allow (told to the person)."""


# --- The schedule ------------------------------------------------------------------------


def _intervals() -> tuple[dict[str, int], dict[str, int]]:
    """(months by significance, months by condition) from MURA_INSPECTION_INTERVALS."""
    intervals = settings.MURA_INSPECTION_INTERVALS
    by_significance = {k: v for k, v in intervals.items() if k in Significance.values}
    by_condition = {k: v for k, v in intervals.items() if k in Condition.values}
    return by_significance, by_condition


DEFAULT_INTERVAL_MONTHS = 36  # a significance the settings do not name


def interval_months(*, significance: str, condition: str) -> int:
    """Months to the next inspection: the shorter of the significance's and the condition's."""
    by_significance, by_condition = _intervals()
    months = [by_significance.get(significance, DEFAULT_INTERVAL_MONTHS)]
    if condition in by_condition:
        months.append(by_condition[condition])
    return min(months)


def add_months(day: date, months: int) -> date:
    """`day` plus `months`, the day clamped to the month's end (as PostgreSQL does)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due_for(*, site: HeritageSite, inspected_on: date, condition: str) -> date:
    months = interval_months(significance=site.significance, condition=condition)
    return add_months(inspected_on, months)


class AddMonths(Func):
    """date + n months, as a date (PostgreSQL clamps the day to the month's end)."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra):
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        sql = f"(({day_sql}) + make_interval(months => ({months_sql})::int))::date"
        return sql, (*day_params, *months_params)


def _months_expression():
    by_significance, by_condition = _intervals()
    significance = Case(
        *(When(Q(significance=k), then=Value(v)) for k, v in by_significance.items()),
        default=Value(DEFAULT_INTERVAL_MONTHS),
        output_field=IntegerField(),
    )
    if not by_condition:
        return significance
    condition = Case(  # NULL for other conditions: LEAST ignores it
        *(When(Q(condition=k), then=Value(v)) for k, v in by_condition.items()),
        output_field=IntegerField(),
    )
    return Least(significance, condition)


def sites_with_due(sites: QuerySet[HeritageSite]) -> QuerySet[HeritageSite]:
    """`sites` annotated, in the same statement, with `last_inspected` (the latest confirmed
    inspection's date), `due` (its next_due; else that date plus the interval; a site never
    inspected: its registration, i.e. first publication, plus the interval) and `pending`
    (an inspection awaits confirmation)."""
    confirmed = Inspection.objects.filter(site=OuterRef("pk"), state=State.CONFIRMED).order_by(
        "-inspected_on", "-pk"
    )
    registered = TruncDate(Coalesce("published_at", "created_at"))
    return sites.annotate(
        last_inspected=Subquery(confirmed.values("inspected_on")[:1]),
        due=Coalesce(
            Subquery(confirmed.values("next_due")[:1]),
            AddMonths(Coalesce(F("last_inspected"), registered), _months_expression()),
        ),
        pending=Exists(Inspection.objects.filter(site=OuterRef("pk"), state=State.SUBMITTED)),
    )


@dataclass(frozen=True)
class DueList:
    overdue: list[HeritageSite]
    soon: list[HeritageSite]
    today: date


def inspections_due(*, sites: QuerySet[HeritageSite], today: date | None = None) -> DueList:
    """Published sites among `sites` whose inspection is overdue or due within
    MURA_INSPECTION_DUE_SOON_DAYS: one query, soonest first."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.MURA_INSPECTION_DUE_SOON_DAYS)
    rows = list(
        sites_with_due(sites.filter(status=HeritageSite.Status.PUBLISHED))
        .filter(due__lte=horizon)
        .order_by("due", "reference")
    )
    return DueList(
        overdue=[site for site in rows if site.due < today],
        soon=[site for site in rows if site.due >= today],
        today=today,
    )


# --- Inspections -------------------------------------------------------------------------


def latest_confirmed_inspection(site: HeritageSite) -> Inspection | None:
    return (
        Inspection.objects.filter(site=site, state=State.CONFIRMED)
        .order_by("-inspected_on", "-pk")
        .first()
    )


def _check_inspection(
    *, inspected_on: date, condition: str, next_due: date | None, threats, actions
) -> None:
    errors = {}
    if inspected_on > timezone.localdate():
        errors["inspected_on"] = _("The date of inspection cannot be in the future.")
    if condition not in Condition.values:
        errors["condition"] = _("Choose a condition.")
    if next_due is not None and next_due <= inspected_on:
        errors["next_due"] = _("The next inspection must be due after this one.")
    kinds = [threat["threat"] for threat in threats]
    if len(kinds) != len(set(kinds)):
        errors["threats"] = _("Each threat may be recorded once per inspection.")
    for threat in threats:
        if (
            threat["threat"] not in Threat.values
            or threat["severity"] not in Severity.values
            or threat.get("trend", Trend.UNKNOWN) not in Trend.values
        ):
            errors["threats"] = _("Each threat needs a threat, a severity and a trend.")
    for action in actions:
        if not action["action"].strip() or action["priority"] not in Priority.values:
            errors["actions"] = _("Each recommended action needs a text and a priority.")
    if errors:
        raise ValidationError(errors)


def _photos_add(
    *, site: HeritageSite, inspection: Inspection, photos: list, by: AbstractBaseUser, **details
) -> None:
    """Through the photo pipeline (stripped public copies, private original), then linked to
    the inspection. All or none: a refused file deletes the files already written."""
    added: list[SitePhoto] = []
    try:
        for upload in photos:
            try:
                photo = photo_add(site=site, upload=upload, added_by=by, **details)
            except ValidationError as refused:
                reasons = " ".join(refused.message_dict.get("upload", refused.messages))
                raise ValidationError({"photos": f"{upload.name}: {reasons}"}) from refused
            added.append(photo)
            photo.inspection = inspection
            photo._history_user = by
            photo._change_reason = "inspection photo"
            photo.save(update_fields=["inspection"])
    except BaseException:
        for photo in added:  # their rows roll back with the transaction; their files must go
            for field_file in (photo.original, photo.thumbnail, photo.web):
                if field_file:
                    field_file.storage.delete(field_file.name)
        raise


@transaction.atomic
def record_inspection(
    *,
    site: HeritageSite,
    by: AbstractBaseUser,
    inspected_on: date,
    condition: str,
    notes: str = "",
    next_due: date | None = None,
    threats: list[dict] = (),
    actions: list[dict] = (),
    photos: list[UploadedFile] = (),
    photo_author: str = "",
    photo_licence: str = SitePhoto.Licence.CC_BY,
    photos_public: bool = False,
) -> Inspection:
    """An inspection awaiting a reviewer's confirmation, by an officer of the site's region.
    `threats`: [{"threat", "severity", "trend"}]; `actions`: [{"action", "priority"}].
    A blank `next_due` is taken from the schedule. Photos are staff-only unless
    `photos_public`."""
    if not by.has_perm("registry.edit_site", site):
        raise PermissionDenied(_("Only an officer of the site's region records inspections."))
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    if site.status != HeritageSite.Status.PUBLISHED:
        raise ValidationError(_("Only registered (published) sites are inspected."))
    threats, actions = list(threats), list(actions)
    _check_inspection(
        inspected_on=inspected_on,
        condition=condition,
        next_due=next_due,
        threats=threats,
        actions=actions,
    )
    inspection = Inspection(
        site=site,
        inspected_on=inspected_on,
        inspector=by,
        condition=condition,
        notes=notes,
        next_due=next_due
        or next_due_for(site=site, inspected_on=inspected_on, condition=condition),
    )
    inspection.full_clean()
    inspection._history_user = by
    inspection._change_reason = "recorded"
    inspection.save()
    InspectionThreat.objects.bulk_create(
        InspectionThreat(
            inspection=inspection,
            threat=threat["threat"],
            severity=threat["severity"],
            trend=threat.get("trend") or Trend.UNKNOWN,
        )
        for threat in threats
    )
    InspectionAction.objects.bulk_create(
        InspectionAction(
            inspection=inspection, action=action["action"].strip(), priority=action["priority"]
        )
        for action in actions
    )
    if photos:
        _photos_add(
            site=site,
            inspection=inspection,
            photos=list(photos),
            by=by,
            author=photo_author,
            licence=photo_licence,
            taken_on=inspected_on,
            is_public=photos_public,
        )
    return inspection


def _locked_submitted(inspection: Inspection, reviewer: AbstractBaseUser):
    """The site and the inspection, locked in that order (as photo_add locks the site)."""
    if not reviewer.has_perm("registry.review_site", inspection.site):
        raise PermissionDenied(_("Only a reviewer of the site's region decides on inspections."))
    site = HeritageSite.objects.select_for_update().get(pk=inspection.site_id)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.inspector_id == reviewer.pk:
        raise PermissionDenied(_("An inspection is confirmed by someone other than its inspector."))
    if inspection.state != State.SUBMITTED:
        raise MonitoringRefused(
            _("This inspection was already decided (%(state)s).")
            % {"state": inspection.get_state_display()}
        )
    return site, inspection


def _decided(inspection: Inspection, *, state: str, reviewer, note: str) -> None:
    inspection.state = state
    inspection.decided_by = reviewer
    inspection.decided_at = timezone.now()
    inspection.decision_note = note
    inspection._history_user = reviewer
    inspection._change_reason = state
    inspection.save()


@transaction.atomic
def confirm_inspection(
    *, inspection: Inspection, reviewer: AbstractBaseUser, note: str = ""
) -> Inspection:
    """Confirm it; the site's condition follows its latest confirmed inspection, and the
    at-risk rule is applied to that inspection (a proposal to list or to leave)."""
    site, inspection = _locked_submitted(inspection, reviewer)
    _decided(inspection, state=State.CONFIRMED, reviewer=reviewer, note=note)
    latest = latest_confirmed_inspection(site)
    _condition_follow(site, latest, by=reviewer)
    _rule_apply(site, latest, by=reviewer)
    return inspection


@transaction.atomic
def return_inspection(
    *, inspection: Inspection, reviewer: AbstractBaseUser, note: str
) -> Inspection:
    """Send it back to the inspector with a note (required); it never counts. The officer
    records a corrected inspection as a new one."""
    if not note.strip():
        raise ValidationError({"note": _("Say why the inspection is returned.")})
    inspection = _locked_submitted(inspection, reviewer)[1]
    _decided(inspection, state=State.RETURNED, reviewer=reviewer, note=note.strip())
    return inspection


def _condition_follow(site: HeritageSite, latest: Inspection, *, by) -> None:
    """The site's condition and its date from `latest`, saved with history (a new version)."""
    if (site.condition, site.condition_assessed_on) == (latest.condition, latest.inspected_on):
        return
    site.condition = latest.condition
    site.condition_assessed_on = latest.inspected_on
    site.version += 1
    site._history_user = by
    site.save(update_fields=["condition", "condition_assessed_on", "version", "updated_at"])
    update_change_reason(
        site, f"condition from the inspection of {latest.inspected_on:%Y-%m-%d} (#{latest.pk})"
    )


# --- The at-risk rule --------------------------------------------------------------------


def meets_at_risk_rule(inspection: Inspection) -> bool:
    """Poor or critical with a high-severity threat, or critical with a worsening threat;
    never lost."""
    threats = list(inspection.threats.all())
    high = any(threat.severity == Severity.HIGH for threat in threats)
    worsening = any(threat.trend == Trend.WORSENING for threat in threats)
    if inspection.condition in (Condition.POOR, Condition.CRITICAL) and high:
        return True
    return inspection.condition == Condition.CRITICAL and worsening


def _findings(inspection: Inspection) -> str:
    threats = list(inspection.threats.all())
    high = [t.get_threat_display() for t in threats if t.severity == Severity.HIGH]
    worsening = [t.get_threat_display() for t in threats if t.trend == Trend.WORSENING]
    parts = [
        _("Inspection of %(date)s: condition %(condition)s.")
        % {
            "date": f"{inspection.inspected_on:%Y-%m-%d}",
            "condition": inspection.get_condition_display(),
        }
    ]
    if high:
        parts.append(_("High-severity threats: %(threats)s.") % {"threats": ", ".join(high)})
    if worsening:
        parts.append(_("Worsening: %(threats)s.") % {"threats": ", ".join(worsening)})
    return " ".join(parts)


def _open_entry(site: HeritageSite) -> AtRiskEntry | None:
    return (
        AtRiskEntry.objects.select_for_update()
        .filter(site=site, state__in=OPEN_ENTRY_STATES)
        .first()
    )


def _rule_apply(site: HeritageSite, latest: Inspection, *, by) -> AtRiskEntry | None:
    """Propose listing (no open entry and the rule met) or leaving (listed and not met).
    The reasons are written in the language of the reviewer who confirmed."""
    entry = _open_entry(site)
    meets = meets_at_risk_rule(latest)
    if meets and entry is None:
        entry = AtRiskEntry(site=site, inspection=latest, reason=_findings(latest))
        entry._history_user = by
        entry._change_reason = "proposed by the at-risk rule"
        entry.save()
        return entry
    if not meets and entry is not None and entry.state == Entry.LISTED:
        entry.state = Entry.LEAVING
        no_longer = _("The at-risk rule is no longer met.")
        entry.exit_reason = f"{_findings(latest)} {no_longer}"
        entry.exit_proposed_by = None
        entry._history_user = by
        entry._change_reason = "leaving proposed by the at-risk rule"
        entry.save()
        return entry
    return None


def _reason_required(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    return reason.strip()


def _may_propose(user, site: HeritageSite) -> None:
    if not user.has_perm("registry.edit_site", site):
        raise PermissionDenied(_("Only an officer of the site's region proposes this."))


@transaction.atomic
def propose_at_risk(*, site: HeritageSite, by: AbstractBaseUser, reason: str) -> AtRiskEntry:
    """An officer proposes the site for the register by hand."""
    _may_propose(by, site)
    reason = _reason_required(reason)
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    if site.status != HeritageSite.Status.PUBLISHED:
        raise MonitoringRefused(_("Only registered (published) sites enter the register."))
    if (entry := _open_entry(site)) is not None:
        raise MonitoringRefused(
            _("This site already has an open entry (%(state)s).")
            % {"state": entry.get_state_display()}
        )
    entry = AtRiskEntry(site=site, reason=reason, proposed_by=by)
    entry._history_user = by
    entry._change_reason = "proposed by hand"
    entry.save()
    return entry


@transaction.atomic
def propose_leaving(*, site: HeritageSite, by: AbstractBaseUser, reason: str) -> AtRiskEntry:
    """An officer proposes that a listed site leave the register."""
    _may_propose(by, site)
    reason = _reason_required(reason)
    HeritageSite.objects.select_for_update().get(pk=site.pk)
    entry = _open_entry(site)
    if entry is None or entry.state != Entry.LISTED:
        raise MonitoringRefused(_("Only a site on the register can be proposed to leave it."))
    entry.state = Entry.LEAVING
    entry.exit_reason = reason
    entry.exit_proposed_by = by
    entry._history_user = by
    entry._change_reason = "leaving proposed by hand"
    entry.save()
    return entry


@transaction.atomic
def decide_at_risk(
    *, entry: AtRiskEntry, reviewer: AbstractBaseUser, approve: bool, note: str = ""
) -> AtRiskEntry:
    """A reviewer of the region confirms or declines a proposal to list (-> LISTED /
    DECLINED) or to leave (-> LEFT / back to LISTED). Never one's own proposal, nor one made
    from one's own inspection. Reasons stay; a decline's note is kept in decision_note."""
    if not reviewer.has_perm("registry.review_site", entry.site):
        raise PermissionDenied(_("Only a reviewer of the site's region decides on the register."))
    entry = (
        AtRiskEntry.objects.select_for_update(of=("self",))
        .select_related("inspection")
        .get(pk=entry.pk)
    )
    leaving = entry.state == Entry.LEAVING
    if entry.state not in (Entry.PROPOSED, Entry.LEAVING):
        raise MonitoringRefused(
            _("Nothing to decide: this entry is %(state)s.") % {"state": entry.get_state_display()}
        )
    proposer = entry.exit_proposed_by_id if leaving else entry.proposed_by_id
    inspector = entry.inspection.inspector_id if entry.inspection and not leaving else None
    if reviewer.pk in (proposer, inspector):
        raise PermissionDenied(_("A proposal is decided by someone other than who made it."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the proposal is declined.")})
    today = timezone.localdate()
    if leaving and approve:
        entry.state, entry.left_by, entry.left_on = Entry.LEFT, reviewer, today
    elif leaving:
        entry.state = Entry.LISTED
    elif approve:
        entry.state, entry.listed_by, entry.listed_on = Entry.LISTED, reviewer, today
    else:
        entry.state = Entry.DECLINED
    if note.strip():
        entry.decision_note = note.strip()
    entry.full_clean()
    entry._history_user = reviewer
    entry._change_reason = entry.state
    entry.save()
    return entry
