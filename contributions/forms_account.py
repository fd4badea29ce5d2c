"""The contributor account forms: allauth's sign-up, sign-in and password-reset forms with our
labels and a simple anti-bot measure that needs no third party, and the account page's forms.

Anti-bot: a honeypot field people do not see (hidden by CSS, skipped by the keyboard, labelled
"leave empty" for screen readers), and the time the form was shown, signed, refusing a post sent
sooner than settings.MURA_FORM_MIN_SECONDS after it, or with a stamp not ours or over a day old.
"""

import time

from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.translation import gettext_lazy as _

from contributions.models import Contributor

STAMP_SALT = "mura.contributions.form-shown"
STAMP_MAX_AGE_S = 24 * 3600
HONEYPOT = "website"
STAMP = "shown_at"


def form_stamp(at: float | None = None) -> str:
    """The signed time a form was shown (tests pass an earlier `at`)."""
    return signing.dumps(time.time() if at is None else at, salt=STAMP_SALT)


class AntiBotMixin:
    """Adds the honeypot and the signed time; checks them before the form's own checks (a
    bot's post never reaches authentication, so never counts as a failed login)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[STAMP] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=form_stamp
        )

    def clean(self):
        problem = self.antibot_problem()
        if self.is_bound:  # a fresh stamp for the form shown again
            self.data = self.data.copy()
            self.data[self.add_prefix(STAMP)] = form_stamp()
        if problem:
            raise forms.ValidationError(problem, code="antibot")
        return super().clean()

    def antibot_problem(self) -> str | None:
        if self.cleaned_data.get(HONEYPOT):
            return _("Leave the field “Leave this field empty” empty, then send the form again.")
        try:
            shown_at = float(
                signing.loads(
                    self.cleaned_data.get(STAMP) or "", salt=STAMP_SALT, max_age=STAMP_MAX_AGE_S
                )
            )
        except (signing.BadSignature, TypeError, ValueError):
            shown_at = 0.0
        if not 0 <= time.time() - shown_at <= STAMP_MAX_AGE_S:
            return _("This form has expired. Send it again.")
        if time.time() - shown_at < settings.MURA_FORM_MIN_SECONDS:
            return _(
                "The form was sent too quickly after it was shown. "
                "Wait a few seconds and send it again."
            )
        return None


# Django's validators' own help (AUTH_PASSWORD_VALIDATORS) has no Kazakh translation.
PASSWORD_HELP = _(
    "At least 8 characters; not a common password, not only digits, and not like your "
    "email address."
)


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Display name"),
            max_length=60,
            help_text=_(
                "Shown to the officers who read what you send. Not your email address; "
                "it need not be your full name."
            ),
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        if "@" in value:
            raise forms.ValidationError(
                _("Display name: do not use an email address."), code="email_like"
            )
        return value


class SignupForm(AntiBotMixin, allauth_forms.SignupForm):
    display_name = DisplayNameField()
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        error_messages={"required": _("Consent: tick the box to agree to the privacy notice.")},
    )
    field_order = ["email", "display_name", "password1", "password2", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address")
        self.fields["email"].help_text = _("We send a link to confirm it. Nobody else sees it.")
        self.fields["password1"].label = _("Password")
        self.fields["password1"].help_text = PASSWORD_HELP
        self.fields["password2"].label = _("Password again")
        for name in ("email", "password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)


class LoginForm(AntiBotMixin, allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email address")
        self.fields["password"].label = _("Password")
        self.fields["password"].help_text = ""  # allauth's reset link: the page has one
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def clean(self):
        cleaned_data = super().clean()
        # Staff sign in at /accounts/login/; here only contributors, with the same message
        # as a wrong password (nothing says which addresses have which kind of account).
        user = getattr(self, "user", None)
        if user is not None and not Contributor.objects.filter(user=user).exists():
            self.user = None
            from contributions.accounts import ERROR_MESSAGES

            raise forms.ValidationError(ERROR_MESSAGES["email_password_mismatch"])
        return cleaned_data


class ResetPasswordForm(AntiBotMixin, allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address")
        self.fields["email"].widget.attrs.pop("placeholder", None)

    def clean_email(self):
        email = super().clean_email()
        # Contributors' accounts only: a staff password is reset by an administrator.
        contributors = set(
            get_user_model()
            .objects.filter(pk__in=[u.pk for u in self.users], contributor__isnull=False)
            .values_list("pk", flat=True)
        )
        self.users = [u for u in self.users if u.pk in contributors]
        return email


class DisplayNameForm(forms.Form):
    display_name = DisplayNameField()


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        error_messages={"required": _("Consent: tick the box to agree to the privacy notice.")},
    )


class SuspendForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("suspend", _("Suspend")), ("reinstate", _("Reinstate"))],
        required=False,  # suspend
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    next = forms.CharField(required=False)

    def clean(self):
        cleaned = super().clean()
        cleaned["action"] = cleaned.get("action") or "suspend"
        if cleaned["action"] == "suspend" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Reason: say why the account is suspended."))
        return cleaned


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("New password")
        self.fields["password1"].help_text = PASSWORD_HELP
        self.fields["password2"].label = _("New password again")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Current password")
        self.fields["oldpassword"].help_text = ""
        self.fields["password1"].label = _("New password")
        self.fields["password1"].help_text = PASSWORD_HELP
        self.fields["password2"].label = _("New password again")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
