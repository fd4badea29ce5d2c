"""The officer's work: dashboard, one form per site, submit, withdraw, restore."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heritage.csp import leaflet_widgets_nonce
from registry.forms import DesignationFormSet, SiteForm, TransitionForm
from registry.models import ChangeRequest, HeritageSite
from registry.selectors import site_list_for_staff, staff_number_lookup
from registry.services.changes import change_request_open
from registry.services.sites import EditConflict, site_create, site_update
from registry.services.text_screening import site_location_hints
from registry.services.workflow import (
    TransitionNotAllowed,
    site_restore,
    site_submit,
    site_withdraw,
)
from registry.views.common import site_for

Status = HeritageSite.Status


@login_required
@permission_required("registry.see_site", raise_exception=True)
def dashboard(request):
    sites = site_list_for_staff(user=request.user)
    mine = sites.filter(created_by=request.user)
    listed = sites.order_by("-updated_at")
    for name in ("status", "category", "region"):
        if value := request.GET.get(name):
            listed = listed.filter(**{f"{name}__code" if name == "region" else name: value})
    if query := request.GET.get("q", "").strip():
        listed = listed.filter(Q(name__icontains=query) | staff_number_lookup(query))
    return render(
        request,
        "registry/dashboard.html",
        {
            "drafts": mine.filter(status=Status.DRAFT),
            "submitted": mine.filter(status=Status.IN_REVIEW),
            "changes": ChangeRequest.objects.filter(created_by=request.user).select_related("site")[
                :20
            ],
            "sites": listed[:100],
            "statuses": Status.choices,
            "categories": HeritageSite.Category.choices,
        },
    )


@login_required
def site_detail(request, number):
    site = site_for(request.user, number, "registry.see_site")
    return render(
        request,
        "registry/site_detail.html",
        {
            "site": site,
            "can_edit": request.user.has_perm("registry.edit_site", site),
            "open_change": site.change_requests.filter(state=ChangeRequest.State.OPEN).first(),
            "photos": site.photos.all(),
            "designations": site.designations.prefetch_related("zones"),
            "hints": site_location_hints(site=site),
        },
    )


def _save(request, form, formset, site: HeritageSite | None):
    """Create, edit a draft, or propose a change to a published site, all or nothing."""
    with transaction.atomic():
        if site is None:
            site = site_create(
                fields=form.site_fields(changed_only=False),
                created_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        elif site.status == Status.PUBLISHED:
            change_request_open(
                site=site,
                fields=form.site_fields(changed_only=True),
                by=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Change proposed; the public record stays until review."))
            return site
        else:
            site = site_update(
                site=site,
                expected_version=form.cleaned_data["version"],
                fields=form.site_fields(changed_only=True),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        if formset is not None:
            formset.instance = site
            formset.save()
    messages.success(request, _("Saved %(number)s.") % {"number": site.reference})
    return site


def _site_form(request, site: HeritageSite | None):
    form = SiteForm(request.POST or None, request.FILES or None, instance=site, user=request.user)
    editable_acts = site is None or site.status == Status.DRAFT
    formset = DesignationFormSet(
        request.POST or None, request.FILES or None, instance=site, prefix="acts"
    )
    conflict = False
    if request.method == "POST" and form.is_valid() and (not editable_acts or formset.is_valid()):
        try:
            saved = _save(request, form, formset if editable_acts else None, site)
            return redirect("registry:site-detail", saved.reference)
        except EditConflict as refused:
            form.add_error(None, str(refused))
            conflict = True
        except ValidationError as error:
            form.add_error(None, error)
    leaflet_widgets_nonce(request, form, *formset.forms)
    return render(
        request,
        "registry/site_form.html",
        {
            "form": form,
            "formset": formset,
            "site": site,
            "editable_acts": editable_acts,
            "conflict": conflict,
            "pending": _pending_change(site),
        },
    )


def _pending_change(site: HeritageSite | None) -> ChangeRequest | None:
    """The open change request of a published site: the editor is told before typing that
    another cannot be proposed until it is decided (change_request_open refuses it)."""
    if site is None or site.status != Status.PUBLISHED:
        return None
    requests = site.change_requests.filter(state=ChangeRequest.State.OPEN)
    return requests.select_related("created_by").first()


@login_required
@permission_required("registry.add_site", raise_exception=True)
def site_new(request):
    return _site_form(request, None)


@login_required
def site_edit(request, number):
    site = site_for(request.user, number, "registry.edit_site")
    if site.status in (Status.IN_REVIEW, Status.WITHDRAWN):
        messages.error(
            request,
            _("This site is %(status)s and cannot be edited now.")
            % {"status": site.get_status_display()},
        )
        return redirect("registry:site-detail", number)
    return _site_form(request, site)


# action -> (permission on the site, service, note when none is given)
TRANSITIONS = {
    "submit": ("registry.edit_site", site_submit, ""),
    "withdraw": ("registry.review_site", site_withdraw, "withdrawn"),
    "restore": ("registry.review_site", site_restore, "restored"),
}


@require_POST
@login_required
def site_transition(request, number, action):
    """Submit (officers), withdraw or restore (reviewers) a site; the service guards the move."""
    permission, service, default_note = TRANSITIONS[action]
    site = site_for(request.user, number, permission)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("registry:site-detail", number)
    arguments = {"site": site, "by": request.user, "note": form.cleaned_data["note"].strip()}
    arguments["note"] = arguments["note"] or default_note
    if service is site_submit:
        arguments["hints_acknowledged"] = form.cleaned_data["hints_acknowledged"]
    try:
        service(**arguments)
    except (TransitionNotAllowed, PermissionDenied) as refused:
        messages.error(request, str(refused) or _("Not allowed."))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect("registry:site-detail", number)
