"""A contributor's own data: download it all (a ZIP), or delete the account (contributions/
rights.py does both; these views check who asks and render)."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from contributions.accounts import posted
from contributions.forms_rights import AccountDeleteForm
from contributions.models import Contributor
from contributions.rights import account_erase, contributions_of, export_build


def _contributor(request) -> Contributor | None:
    return Contributor.objects.filter(user=request.user).first()


def _not_a_contributor():
    return HttpResponseForbidden(
        _("This page is for contributor accounts; this account is not one."),
        content_type="text/plain; charset=utf-8",
    )


@require_GET
@login_required
def export(request):
    contributor = _contributor(request)
    if contributor is None:
        return _not_a_contributor()
    response = FileResponse(
        export_build(contributor=contributor), as_attachment=True, filename="mura-my-data.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def delete(request):
    contributor = _contributor(request)
    if contributor is None:
        return _not_a_contributor()
    form = AccountDeleteForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        account_erase(contributor=contributor, public_photos=form.cleaned_data["public_photos"])
        logout(request)
        return redirect("rights-deleted")
    accepted_photos = contributions_of(contributor).filter(kind="photo", state="accepted").count()
    status = 400 if form.errors else 200
    context = {"form": form, "contributor": contributor, "accepted_photos": accepted_photos}
    return render(request, "contributions/rights/delete.html", context, status=status)


@require_GET
def deleted(request):
    return render(request, "contributions/rights/deleted.html")
