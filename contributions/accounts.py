"""Contributor accounts (issue 16): django-allauth under /contributors/, adapted so that the
account holds no more personal data than it must.

- The username is a random token (`c-<hex>`), never derived from the address or the name
  (allauth's default copies the email's local part into it: personal data in another column).
- Sign-up creates the Contributor and a Consent to the current privacy notice's version
  (settings.MURA_PRIVACY_NOTICE_VERSION), in the sign-up's transaction.
- django-axes keeps a keyed hash of what a contributor typed, never the address
  (AXES_USERNAME_CALLABLE = axes_username).
- `consent_required` guards every contributor page that sends something: signed in, a
  contributor, not suspended, and agreed to the current notice (else asked again).
- Officers and administrators suspend and reinstate accounts (contributor_suspend/reinstate).
"""

import hashlib
import secrets
from functools import wraps

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from contributions.models import Consent, Contributor
from registry.roles import is_administrator, is_officer, regions_of

# allauth's messages, said in our words and translated into Kazakh (allauth ships no kk).
ERROR_MESSAGES = {
    "account_inactive": _("This account is not active."),
    "email_password_mismatch": _("The email address or the password is not correct."),
    "email_taken": _("An account with this email address already exists."),
    "invalid_or_expired_key": _("This link is not valid or has expired."),
    "invalid_login": _("The email address or the password is not correct."),
    "invalid_password_reset": _("This password reset link is not valid or has been used."),
    "too_many_login_attempts": _("Too many failed sign-in attempts. Try again later."),
    "unverified_primary_email": _("Confirm your email address first."),
    "rate_limited": _("Too many requests. Wait a little and try again."),
    "enter_current_password": _("Type your current password."),
    "incorrect_password": _("The password is not correct."),
    "same_as_current": _("The new value must be different from the current one."),
}


def random_username() -> str:
    return f"c-{secrets.token_hex(8)}"


def contributor_of(user: AbstractBaseUser) -> Contributor | None:
    if not user.is_authenticated:
        return None
    return Contributor.objects.filter(user=user).first()


def has_current_consent(contributor: Contributor) -> bool:
    return contributor.consents.filter(notice_version=settings.MURA_PRIVACY_NOTICE_VERSION).exists()


def consent_give(*, contributor: Contributor) -> Consent:
    consent, _created = Consent.objects.get_or_create(
        contributor=contributor, notice_version=settings.MURA_PRIVACY_NOTICE_VERSION
    )
    return consent


@transaction.atomic
def contributor_create(*, user: AbstractBaseUser, display_name: str) -> Contributor:
    """The contributor an account's sign-up makes, with their consent to the current notice
    (the sign-up form requires it)."""
    contributor = Contributor(user=user, display_name=display_name)
    contributor.full_clean()
    contributor.save()
    consent_give(contributor=contributor)
    return contributor


@transaction.atomic
def contributor_suspend(
    *, contributor: Contributor, by: AbstractBaseUser, reason: str
) -> Contributor:
    contributor = Contributor.objects.select_for_update().get(pk=contributor.pk)
    contributor.suspended_at = timezone.now()
    contributor.suspended_by = by
    contributor.suspension_reason = reason
    contributor.full_clean()
    contributor.save()
    return contributor


@transaction.atomic
def contributor_reinstate(*, contributor: Contributor, by: AbstractBaseUser) -> Contributor:
    contributor = Contributor.objects.select_for_update().get(pk=contributor.pk)
    contributor.suspended_at = None
    contributor.suspended_by = None
    contributor.suspension_reason = ""
    contributor.save()
    return contributor


def may_suspend(user: AbstractBaseUser, contributor: Contributor | None = None) -> bool:
    """Administrators; officers for a contributor who sent something to one of their regions
    (the only contributors they ever see). Without `contributor`: may they suspend at all."""
    if not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    if not is_officer(user):
        return False
    return (
        contributor is None
        or contributor.contributions.filter(region_id__in=regions_of(user)).exists()
    )


class ContributorAccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | ERROR_MESSAGES

    def populate_username(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """Never from the address or the name: a random token."""
        if not user.username:
            user.username = random_username()

    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                contributor_create(user=user, display_name=form.cleaned_data["display_name"])
        return user

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if contributor_of(request.user) is not None:
            return reverse("account-me")
        return super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address) -> str:
        return reverse("account_login")


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """What django-axes keeps as the username. What a contributor types is an email address:
    axes stores a keyed hash of it (the same for each attempt, so lockouts still count). An
    officer's username stays as typed, unless it looks like an address."""
    credentials = credentials or {}
    typed = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if typed is None and request is not None:
        data = getattr(request, "POST", {})
        typed = data.get("login") or data.get(settings.AXES_USERNAME_FORM_FIELD)
    if not typed:
        return None
    path = getattr(request, "path_info", "") or ""
    if "@" not in typed and not path.startswith("/contributors/"):
        return typed
    digest = hashlib.blake2b(
        typed.strip().lower().encode(),
        key=settings.SECRET_KEY.encode()[:64],
        person=b"mura-axes",
        digest_size=12,
    ).hexdigest()
    return f"h-{digest}"


def suspended_response(request: HttpRequest, contributor: Contributor) -> HttpResponse:
    return render(
        request,
        "contributions/account/suspended.html",
        {"contributor": contributor},
        status=403,
    )


def posted(request: HttpRequest):
    """The posted data for a form, even when empty: `request.POST or None` would leave a form
    sent empty unbound, shown again as new (200, no message naming the field)."""
    return request.POST if request.method == "POST" else None


def consent_required(view):
    """For every contributor page that lets them send something: signed in as a contributor
    (else the sign-in page), not suspended (403 saying so), and agreed to the current privacy
    notice (else the consent page, back here afterwards)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        contributor = contributor_of(request.user)
        if contributor is None:
            return render(request, "contributions/account/not_contributor.html", status=403)
        if contributor.suspended_at is not None:
            return suspended_response(request, contributor)
        if not has_current_consent(contributor):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('account-consent')}?{query}")
        request.contributor = contributor
        return view(request, *args, **kwargs)

    return guarded
