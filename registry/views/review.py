"""The reviewer's queue and decisions, with a field-by-field diff of what is proposed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from registry.diff import geometry_pairs, site_diff
from registry.forms import DecisionForm
from registry.models import ChangeRequest, HeritageSite
from registry.selectors import site_list_for_staff
from registry.services.changes import (
    change_request_approve,
    change_request_return,
    fields_decode,
)
from registry.services.sites import EditConflict
from registry.services.text_screening import site_location_hints
from registry.services.workflow import TransitionNotAllowed, site_publish, site_return
from registry.views.common import site_for


@login_required
@permission_required("registry.review_site", raise_exception=True)
def queue(request):
    sites = site_list_for_staff(user=request.user)
    return render(
        request,
        "registry/review_queue.html",
        {
            "submissions": sites.filter(status=HeritageSite.Status.IN_REVIEW)
            .exclude(submitted_by=request.user)
            .order_by("updated_at"),
            "changes": ChangeRequest.objects.filter(state=ChangeRequest.State.OPEN, site__in=sites)
            .exclude(created_by=request.user)
            .select_related("site", "created_by"),
        },
    )


def _diff(old: HeritageSite | None, new: HeritageSite) -> dict:
    rows = site_diff(old, new)
    return {"rows": rows, "geometry": geometry_pairs(rows)}


def _context(site: HeritageSite) -> dict:
    """What a reviewer sees beside the diff: the site's photos (staff previews), and the note
    the officer wrote when submitting it."""
    submitted = site.status_changes.filter(to_status=HeritageSite.Status.IN_REVIEW).last()
    return {
        "photos": site.photos.all(),
        "submission": submitted if site.status == HeritageSite.Status.IN_REVIEW else None,
    }


def _decide(request, approve, send_back, done_url):
    form = DecisionForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == "approve":
                approve(note, form.cleaned_data["hints_acknowledged"])
                messages.success(request, _("Approved."))
            else:
                send_back(note)
                messages.success(request, _("Returned to the officer."))
            return redirect(done_url)
        except (PermissionDenied, TransitionNotAllowed, EditConflict) as refused:
            form.add_error(None, str(refused) or _("You may not decide on your own work."))
        except ValidationError as error:
            form.add_error(None, error)
    return form


@login_required
def review_site(request, number):
    site = site_for(request.user, number, "registry.review_site")
    before = site.history.filter(status=HeritageSite.Status.PUBLISHED).first()
    form = DecisionForm()
    if request.method == "POST":
        form = _decide(
            request,
            lambda note, checked: site_publish(
                site=site, reviewer=request.user, note=note, hints_acknowledged=checked
            ),
            lambda note: site_return(site=site, reviewer=request.user, note=note or "returned"),
            "registry:review-queue",
        )
        if not isinstance(form, DecisionForm):
            return form
    return render(
        request,
        "registry/review_detail.html",
        {
            "site": site,
            "form": form,
            "subject": _("Submission"),
            "own": site.submitted_by_id == request.user.pk,
            "hints": site_location_hints(site=site),
            **_context(site),
            **_diff(before.instance if before else None, site),
        },
    )


@login_required
def review_change(request, pk):
    change = get_object_or_404(ChangeRequest.objects.select_related("site"), pk=pk)
    site = site_for(request.user, change.site.reference, "registry.review_site")
    form = DecisionForm()
    if request.method == "POST":
        form = _decide(
            request,
            lambda note, checked: change_request_approve(
                request=change, reviewer=request.user, note=note, hints_acknowledged=checked
            ),
            lambda note: change_request_return(request=change, reviewer=request.user, note=note),
            "registry:review-queue",
        )
        if not isinstance(form, DecisionForm):
            return form
    proposed = HeritageSite.objects.get(pk=site.pk)
    for name, value in fields_decode(change.proposed).items():
        setattr(proposed, name, value)
    return render(
        request,
        "registry/review_detail.html",
        {
            "site": site,
            "form": form,
            "change": change,
            "subject": _("Change request"),
            "own": change.created_by_id == request.user.pk,
            "hints": site_location_hints(site=proposed),
            **_context(site),
            **_diff(site, proposed),
        },
    )
