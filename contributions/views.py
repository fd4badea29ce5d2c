"""The contributor's pages under /contribute/ (issue 16): send a photo, an observation or a
correction about a published site, report an unrecorded site or a threat, and see one's own
contributions with their state. Plain forms: everything works without JavaScript.

Sites are found through the public door (registry.selectors.site_list_public): a draft or an
unknown number is a 404, and nothing here shows more of a site than its public page does.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from contributions import services
from contributions.accounts import consent_required, posted
from contributions.forms import CorrectionForm, ObservationForm, PhotoForm, ReportForm
from contributions.models import Contributor
from heritage.clientip import client_ip
from registry.selectors import site_list_public

TEMPLATES = "contributions/contribute/"


def refusal(request, message: str, status: int, retry_after: int = 0):
    response = render(request, TEMPLATES + "refused.html", {"message": message}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def contributor_required(view):
    """A signed-in contributor, for reading what they sent (a suspended account still may).
    Pages that send go through contributions.accounts.consent_required instead."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        contributor = Contributor.objects.filter(user=request.user).first()
        if contributor is None:
            return refusal(request, _("Sign in with a contributor's account to send."), 403)
        request.contributor = contributor
        return view(request, *args, **kwargs)

    return wrapper


def _site(number: str):
    return get_object_or_404(
        site_list_public().only("id", "registry_number", "name", "name_kk", "name_ru", "name_en"),
        registry_number=number,
    )


def errors_into(form, error: ValidationError, renamed: dict | None = None) -> None:
    """A service's refusal onto the form: on its field (or the field standing for it)."""
    renamed = renamed or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, texts in error.message_dict.items():
        target = renamed.get(field, field)
        form.add_error(target if target in form.fields else None, texts)


def _send(request, form, template: str, context: dict, send, renamed: dict | None = None):
    """GET shows the form; a valid POST counts against the limits, then `send` writes."""
    if request.method != "POST":
        return render(request, TEMPLATES + template, context | {"form": form})
    if form.is_valid():
        try:
            services.address_limit_check(address=client_ip(request))
            send(form.cleaned_data)
        except services.ContributionRefused as refused:
            return refusal(request, str(refused), refused.status, refused.retry_after)
        except ValidationError as error:
            errors_into(form, error, renamed)
        else:
            messages.success(
                request, _("Thank you. An officer of the region will look at what you sent.")
            )
            return redirect("contribute-mine")
    return render(request, TEMPLATES + template, context | {"form": form}, status=400)


@consent_required
def contribute_site(request, number):
    return render(request, TEMPLATES + "site.html", {"site": _site(number)})


@consent_required
def contribute_photo(request, number):
    site = _site(number)
    form = PhotoForm(posted(request), request.FILES or None)

    def send(data):
        services.contribution_photo_send(
            contributor=request.contributor, site_id=site.pk, upload=data["photo"],
            licence=data["licence"], credit=data["credit"], caption=data["caption"],
        )  # fmt: skip

    return _send(request, form, "photo.html", {"site": site}, send)


@consent_required
def contribute_observation(request, number):
    site = _site(number)
    form = ObservationForm(posted(request))

    def send(data):
        services.contribution_observation_send(
            contributor=request.contributor, site_id=site.pk, visited_on=data["visited_on"],
            condition_seen=data["condition_seen"], threats_seen=data["threats_seen"],
            note=data["note"],
        )  # fmt: skip

    return _send(request, form, "observation.html", {"site": site}, send)


@consent_required
def contribute_correction(request, number):
    site = _site(number)
    form = CorrectionForm(posted(request))

    def send(data):
        services.contribution_correction_send(
            contributor=request.contributor, site_id=site.pk, field=data["field"],
            text=data["text"],
        )  # fmt: skip

    return _send(request, form, "correction.html", {"site": site}, send)


@consent_required
def contribute_report(request):
    initial = {"site": request.GET.get("site", "")[:32]}
    form = ReportForm(posted(request), initial=initial)

    def send(data):
        site_id = None
        if data["site"]:
            site = site_list_public().filter(registry_number=data["site"].strip()).first()
            if site is None:
                raise ValidationError({"site": _("No published site has this registry number.")})
            site_id = site.pk
        services.contribution_report_send(
            contributor=request.contributor, report_kind=data["report_kind"],
            location=form.point(), text=data["text"], site_id=site_id,
        )  # fmt: skip

    return _send(request, form, "report.html", {}, send, renamed={"location": "lat"})


@contributor_required
def contribute_mine(request):
    items = (
        request.contributor.contributions.select_related("site")
        .only(
            "kind", "state", "submitted_at", "decided_at", "decision_reason", "report_kind",
            "field", "site__registry_number", "site__name", "site__name_kk", "site__name_ru",
            "site__name_en",
        )
    )  # fmt: skip
    return render(request, TEMPLATES + "mine.html", {"items": items})
