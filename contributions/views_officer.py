"""The moderation queue under /officer/contributions/ (issue 16), for the officers and reviewers
of a region (administrators: every region). Outside one's regions a contribution is a 404; for
anyone else (a contributor, a researcher) these pages are a 403. Officers see the contributor's
display name; the address only by a logged look (contributions.moderation)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contributions.accounts import may_suspend
from contributions.forms import DecisionForm, EmailLookForm
from contributions.models import Contribution
from contributions.moderation import (
    AlreadyDecided,
    contribution_accept,
    contribution_list_for_moderation,
    contribution_reject,
    contributor_email_look,
)
from contributions.views import errors_into
from registry.models.monitoring import Threat
from registry.roles import is_administrator, is_officer, is_reviewer

TEMPLATES = "contributions/officer/"


def _staff(user) -> None:
    if not (is_administrator(user) or is_officer(user) or is_reviewer(user)):
        raise PermissionDenied


def _item(request, pk: int) -> Contribution:
    _staff(request.user)
    return get_object_or_404(contribution_list_for_moderation(user=request.user), pk=pk)


def _inspection_url(item: Contribution) -> str:
    """The inspection form, prefilled with what the observation saw (never its free text, which
    would travel in the address and the logs: the officer copies what they need)."""
    query = [("condition", item.condition_seen)] if item.condition_seen else []
    query += [("threat", threat) for threat in item.threats_seen]
    query.append(("contribution", item.pk))
    url = reverse("registry:inspection-new", args=[item.site.reference])
    return f"{url}?{urlencode(query)}"


def _detail(request, item: Contribution, *, form=None, email_form=None, email=None, status=200):
    context = {
        "item": item,
        "form": form or DecisionForm(),
        "email_form": email_form or EmailLookForm(),
        "email": email,
        "may_suspend": item.contributor is not None and may_suspend(request.user, item.contributor),
        "threats": [Threat(threat).label for threat in item.threats_seen if threat in Threat],
        "current_text": getattr(item.site, item.field, "") if item.field and item.site else "",
        "inspection_url": _inspection_url(item)
        if item.kind == Contribution.Kind.OBSERVATION
        and item.state == Contribution.State.ACCEPTED
        and request.user.has_perm("registry.edit_site", item.site)
        else "",
    }
    response = render(request, TEMPLATES + "detail.html", context, status=status)
    add_never_cache_headers(response)
    return response


@login_required
def moderation_queue(request):
    _staff(request.user)
    state = request.GET.get("state", Contribution.State.SUBMITTED)
    if state not in Contribution.State.values:
        state = Contribution.State.SUBMITTED
    items = contribution_list_for_moderation(user=request.user).filter(state=state)
    context = {"items": items[:500], "state": state, "states": Contribution.State.choices}
    return render(request, TEMPLATES + "queue.html", context)


@login_required
def moderation_detail(request, pk):
    return _detail(request, _item(request, pk))


@login_required
def moderation_photo(request, pk):
    """The stripped photo a contributor sent, for its moderators only, never cached."""
    item = _item(request, pk)
    if not item.photo:
        raise Http404
    response = FileResponse(item.photo.open("rb"), content_type="image/jpeg")
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def moderation_decide(request, pk):
    item = _item(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, form=form, status=400)
    accept = form.cleaned_data["decision"] == "accept"
    reason = form.cleaned_data["reason"]
    try:
        if accept:
            contribution_accept(contribution=item, by=request.user, reason=reason)
        else:
            contribution_reject(contribution=item, by=request.user, reason=reason)
    except AlreadyDecided as refused:
        form.add_error(None, str(refused))
        return _detail(request, item, form=form, status=409)
    except ValidationError as refused:
        errors_into(form, refused)
        return _detail(request, item, form=form, status=400)
    messages.success(
        request, _("Accepted.") if accept else _("Rejected; the contributor sees why.")
    )
    return redirect("moderation-detail", pk)


@login_required
@require_POST
def moderation_email(request, pk):
    item = _item(request, pk)
    email_form = EmailLookForm(request.POST)
    if not email_form.is_valid():
        return _detail(request, item, email_form=email_form, status=400)
    try:
        email = contributor_email_look(
            contribution=item, by=request.user, reason=email_form.cleaned_data["reason"]
        )
    except ValidationError as refused:
        errors_into(email_form, refused)
        return _detail(request, item, email_form=email_form, status=400)
    return _detail(request, item, email=email)
