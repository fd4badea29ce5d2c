"""Contributor account pages beside allauth's (contributions/urls_account.py): the account page,
the consent page, the privacy notice, and the officers' suspend/reinstate route."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contributions.accounts import (
    consent_give,
    consent_required,
    contributor_of,
    contributor_reinstate,
    contributor_suspend,
    has_current_consent,
    may_suspend,
    posted,
)
from contributions.forms_account import ConsentForm, DisplayNameForm, SuspendForm
from contributions.models import Contributor

NOTICE_LANGUAGES = ("kk", "ru", "en")


def _safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


def privacy_notice(request):
    language = get_language() if get_language() in NOTICE_LANGUAGES else "en"
    return render(
        request,
        f"contributions/account/notice_{language}.html",
        {"version": settings.MURA_PRIVACY_NOTICE_VERSION},
    )


def _signed_in_contributor(request):
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path(), reverse("account_login"))
    contributor = contributor_of(request.user)
    if contributor is None:
        return None, render(request, "contributions/account/not_contributor.html", status=403)
    return contributor, None


@require_http_methods(["GET", "POST"])
def consent(request):
    """Asked when the privacy notice has a version the contributor has not agreed to."""
    contributor, refusal = _signed_in_contributor(request)
    if refusal:
        return refusal
    after = _safe_next(request, request.POST.get("next") or request.GET.get("next"), "")
    after = after or reverse("account-me")
    form = ConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        consent_give(contributor=contributor)
        messages.success(request, _("Thank you: your consent is recorded."))
        return redirect(after)
    status = 400 if form.is_bound else 200
    context = {
        "form": form,
        "next": after,
        "version": settings.MURA_PRIVACY_NOTICE_VERSION,
        "agreed_before": contributor.consents.exists(),
    }
    return render(request, "contributions/account/consent.html", context, status=status)


@consent_required
def _rename(request):
    form = DisplayNameForm(request.POST)
    if not form.is_valid():
        return _me_page(request, request.contributor, form, status=400)
    contributor = request.contributor
    contributor.display_name = form.cleaned_data["display_name"]
    contributor.full_clean()
    contributor.save(update_fields=["display_name"])
    messages.success(request, _("Your display name is changed."))
    return redirect("account-me")


def _me_page(request, contributor, form, status=200):
    context = {
        "contributor": contributor,
        "form": form,
        "email": request.user.email,
        "consent_current": has_current_consent(contributor),
        "version": settings.MURA_PRIVACY_NOTICE_VERSION,
    }
    return render(request, "contributions/account/me.html", context, status=status)


@require_http_methods(["GET", "POST"])
def me(request):
    """The account page: its owner sees their email address here, and only here."""
    if request.method == "POST":
        return _rename(request)
    contributor, refusal = _signed_in_contributor(request)
    if refusal:
        return refusal
    form = DisplayNameForm(initial={"display_name": contributor.display_name})
    return _me_page(request, contributor, form)


@require_POST
def suspend(request, pk: int):
    """Officers and administrators suspend or reinstate a contributor (from the moderation
    page or the admin). Fields: action (suspend|reinstate), reason, next."""
    if not may_suspend(request.user):
        raise PermissionDenied(_("Only officers and administrators suspend accounts."))
    contributor = get_object_or_404(Contributor, pk=pk)
    if not may_suspend(request.user, contributor):  # nothing sent to their regions
        raise Http404
    form = SuspendForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        return render(
            request,
            "contributions/account/suspend_refused.html",
            {"errors": errors},
            status=400,
        )
    if form.cleaned_data["action"] == "suspend":
        contributor_suspend(
            contributor=contributor, by=request.user, reason=form.cleaned_data["reason"].strip()
        )
        messages.success(request, _("The account is suspended."))
    else:
        contributor_reinstate(contributor=contributor, by=request.user)
        messages.success(request, _("The account is reinstated."))
    return redirect(_safe_next(request, form.cleaned_data.get("next"), "/officer/"))
