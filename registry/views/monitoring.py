"""Condition monitoring for officers and reviewers (issue 15): record an inspection, decide on
it, propose and decide at-risk entries, and the inspections due (page sections, CSV, .ics).

Every page is staff-only and checked against the site's region (registry/views/common.py:
outside one's regions a site, its inspections and entries do not exist: 404)."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.forms_monitoring import (
    ActionFormSet,
    AtRiskDecisionForm,
    AtRiskProposalForm,
    InspectionDecisionForm,
    InspectionForm,
    ThreatFormSet,
)
from registry.models import AtRiskEntry, Inspection
from registry.models.monitoring import Threat
from registry.models.sites import Condition
from registry.selectors import site_list_for_staff
from registry.services.monitoring import (
    MonitoringRefused,
    confirm_inspection,
    decide_at_risk,
    inspections_due,
    propose_at_risk,
    propose_leaving,
    record_inspection,
    return_inspection,
)
from registry.views.common import site_for


def _errors_into(form, error: ValidationError) -> None:
    """A service's refusal onto the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _prefill(query) -> tuple[str, list[str], str]:
    """What a link may prefill (?condition=&threat=&contribution=): an accepted observation
    from the public opens the form so (contributions/views_officer.py). Unknown values are
    dropped; the note names the contribution, whose own text stays on its page."""
    condition = query.get("condition", "")
    condition = condition if condition in Condition.values else ""
    seen = [t for t in dict.fromkeys(query.getlist("threat")) if t in Threat.values]
    number = query.get("contribution", "")
    note = _("From a public observation (contribution %(pk)s).") % {"pk": number}
    return condition, seen, note if number.isdigit() else ""


@login_required
def inspection_new(request, number):
    site = site_for(request.user, number, "registry.edit_site")
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    condition, seen, note = _prefill(request.GET)
    form = InspectionForm(data, files, initial={"condition": condition, "notes": note})
    threats = ThreatFormSet(data, prefix="threats", initial=[{"threat": t} for t in seen])
    actions = ActionFormSet(data, prefix="actions")
    posted = request.method == "POST"
    if posted and form.is_valid() and threats.is_valid() and actions.is_valid():
        fields = form.cleaned_data
        try:
            inspection = record_inspection(
                site=site, by=request.user,
                inspected_on=fields["inspected_on"], condition=fields["condition"],
                notes=fields["notes"], next_due=fields["next_due"],
                threats=threats.rows(), actions=actions.rows(),
                photos=fields["photos"], photo_author=fields["photo_author"],
                photo_licence=fields["photo_licence"], photos_public=fields["photos_public"],
            )  # fmt: skip
        except ValidationError as refused:
            _errors_into(form, refused)
        else:
            messages.success(request, _("Inspection recorded; it awaits a reviewer."))
            return redirect("registry:inspection-detail", inspection.pk)
    status = 400 if posted else 200
    return render(
        request,
        "registry/monitoring/inspection_form.html",
        {"site": site, "form": form, "threats": threats, "actions": actions},
        status=status,
    )


def _inspection_for(user, pk: int, permission: str) -> Inspection:
    inspection = get_object_or_404(Inspection.objects.select_related("site"), pk=pk)
    site_for(user, inspection.site.reference, permission)  # 404 outside one's regions
    return inspection


def _refused(form, decide) -> int | None:
    """Runs a reviewer's decision; if it is refused, the reason goes on the form and the
    status it answers with is returned (403 not theirs to make, 409 already decided, 400)."""
    try:
        decide()
    except PermissionDenied as refused:
        form.add_error(None, str(refused))
        return 403
    except MonitoringRefused as refused:
        form.add_error(None, str(refused))
        return 409
    except ValidationError as refused:
        _errors_into(form, refused)
        return 400
    return None


@login_required
def inspection_detail(request, pk):
    inspection = _inspection_for(request.user, pk, "registry.see_site")
    form = InspectionDecisionForm()
    status = 200
    if request.method == "POST":
        _inspection_for(request.user, pk, "registry.review_site")
        form = InspectionDecisionForm(request.POST)
        status = 400
        if form.is_valid():
            note = form.cleaned_data["note"]
            confirm = form.cleaned_data["decision"] == "confirm"
            decide = confirm_inspection if confirm else return_inspection
            status = _refused(
                form, lambda: decide(inspection=inspection, reviewer=request.user, note=note)
            )
            if not status:
                messages.success(
                    request,
                    _("Inspection confirmed.") if confirm else _("Returned to the inspector."),
                )
                return redirect("registry:inspection-detail", pk)
    inspection = Inspection.objects.select_related("site__region", "inspector", "decided_by").get(
        pk=pk
    )
    return render(
        request,
        "registry/monitoring/inspection_detail.html",
        {
            "inspection": inspection,
            "site": inspection.site,
            "threats": inspection.threats.all(),
            "actions": inspection.actions.all(),
            "photos": inspection.photos.all(),
            "form": form,
            "can_decide": inspection.state == Inspection.State.SUBMITTED
            and inspection.inspector_id != request.user.pk
            and request.user.has_perm("registry.review_site", inspection.site),
            "own": inspection.inspector_id == request.user.pk,
        },
        status=status,
    )


@require_POST
@login_required
def at_risk_propose(request, number, kind):
    """An officer's proposal by hand: `kind` "list" (enter the register) or "leave"."""
    site = site_for(request.user, number, "registry.edit_site")
    form = AtRiskProposalForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            _("Reason: %(error)s") % {"error": " ".join(form.errors["reason"])}, status=400
        )
    propose = propose_at_risk if kind == "list" else propose_leaving
    try:
        propose(site=site, by=request.user, reason=form.cleaned_data["reason"])
    except MonitoringRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Proposed; a reviewer decides."))
    return redirect("registry:site-detail", number)


@login_required
def at_risk_detail(request, pk):
    entry = get_object_or_404(AtRiskEntry.objects.select_related("site"), pk=pk)
    site = site_for(request.user, entry.site.reference, "registry.see_site")
    form = AtRiskDecisionForm()
    status = 200
    if request.method == "POST":
        site_for(request.user, entry.site.reference, "registry.review_site")
        form = AtRiskDecisionForm(request.POST)
        status = 400
        if form.is_valid():
            status = _refused(form, lambda: decide_at_risk(
                entry=entry,
                reviewer=request.user,
                approve=form.cleaned_data["decision"] == "confirm",
                note=form.cleaned_data["note"],
            ))  # fmt: skip
            if not status:
                messages.success(request, _("Decision saved."))
                return redirect("registry:at-risk-detail", pk)
    entry = AtRiskEntry.objects.select_related(
        "inspection", "proposed_by", "exit_proposed_by", "listed_by", "left_by"
    ).get(pk=pk)
    inspection = entry.inspection
    open_states = (AtRiskEntry.State.PROPOSED, AtRiskEntry.State.LEAVING)
    proposer = (
        entry.exit_proposed_by_id
        if entry.state == AtRiskEntry.State.LEAVING
        else entry.proposed_by_id
    )
    return render(
        request,
        "registry/monitoring/at_risk_detail.html",
        {
            "entry": entry,
            "site": site,
            "form": form,
            "photos": inspection.photos.all() if inspection else [],
            "threats": inspection.threats.all() if inspection else [],
            "can_decide": entry.state in open_states
            and request.user.pk != proposer
            and not (inspection and inspection.inspector_id == request.user.pk)
            and request.user.has_perm("registry.review_site", site),
        },
        status=status,
    )


# --- Inspections due: CSV and calendar ---------------------------------------------------


def _due(request):
    return inspections_due(sites=site_list_for_staff(user=request.user))


CSV_COLUMNS = ["reference", "name", "region", "significance", "condition", "last_inspected",
               "due", "overdue_days", "awaiting_confirmation"]  # fmt: skip


@login_required
@permission_required("registry.see_site", raise_exception=True)
def due_csv(request):
    due = _due(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inspections-due.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for site in [*due.overdue, *due.soon]:
        writer.writerow(
            [
                site.reference, site.name, site.region.name, site.significance,
                site.condition, site.last_inspected or "", site.due,
                max(0, (due.today - site.due).days), "yes" if site.pending else "no",
            ]
        )  # fmt: skip
    return response


@login_required
@permission_required("registry.see_site", raise_exception=True)
def due_ics(request):
    # icalendar (3 MB) is imported by the one view that writes a calendar, not with the URLs.
    from icalendar import Calendar, Event

    due = _due(request)
    calendar = Calendar()
    calendar.add("prodid", "-//Mura heritage registry//inspections due//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Inspections due"))
    stamp = timezone.now()
    for site in [*due.overdue, *due.soon]:
        event = Event()
        event.add("uid", f"inspection-{site.reference}-{site.due:%Y%m%d}@mura")
        event.add("dtstamp", stamp)
        event.add("dtstart", site.due)
        event.add(
            "summary",
            _("Inspection due: %(site)s %(name)s") % {"site": site.reference, "name": site.name},
        )
        event.add("description", f"{site.region.name}")
        event.add(
            "url",
            request.build_absolute_uri(reverse("registry:site-detail", args=[site.reference])),
        )
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inspections-due.ics"'
    return response
