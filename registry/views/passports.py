"""Monument passports for staff: one site's staff edition, and batches as ZIPs (asked for
here, made by the task worker, downloaded here when ready)."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from registry.models import AdminArea, PassportBatch
from registry.passport.build import file_name, pdf_bytes
from registry.roles import is_administrator, regions_of
from registry.services.passports import passport_batch_request
from registry.views.common import site_for


class PassportLanguageForm(forms.Form):
    lang = forms.ChoiceField(choices=settings.LANGUAGES, required=False)


@login_required
@require_GET
def site_passport(request, number):
    """The staff edition of a site's passport (exact location, all photos, inspectors)."""
    form = PassportLanguageForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(m)}" for name, m in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    site = site_for(request.user, number, "registry.see_site")
    language = form.cleaned_data["lang"] or request.LANGUAGE_CODE
    response = HttpResponse(pdf_bytes(site, language=language), content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{file_name(site, language)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


class PassportBatchForm(forms.ModelForm):
    class Meta:
        model = PassportBatch
        fields = ["region", "category", "language", "edition"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = AdminArea.objects.filter(level=AdminArea.Level.REGION).only("code", "name")
        if not is_administrator(user):
            regions = regions.filter(pk__in=regions_of(user))
            self.fields["region"].required = True
        self.fields["region"].queryset = regions


def _batches(user):
    batches = PassportBatch.objects.select_related("region")
    return batches if is_administrator(user) else batches.filter(requested_by=user)


@login_required
@permission_required("registry.see_site", raise_exception=True)
@require_http_methods(["GET", "POST"])
def batches(request):
    form = PassportBatchForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            passport_batch_request(user=request.user, **form.cleaned_data)
            return redirect("registry:passport-batches")
        status = 400
    else:
        status = 200
    listed = list(_batches(request.user)[:50])
    working = any(b.state in (PassportBatch.State.QUEUED, PassportBatch.State.RUNNING)
                  for b in listed)  # fmt: skip
    context = {"form": form, "batches": listed, "refresh": working}
    return render(request, "registry/passport_batches.html", context, status=status)


@login_required
@require_GET
def batch_download(request, pk):
    batch = get_object_or_404(_batches(request.user), pk=pk)
    if batch.state != PassportBatch.State.DONE or not batch.file:
        raise Http404(_("This batch is not ready."))
    name = f"passports-{batch.region.code if batch.region else 'all'}-{batch.language}.zip"
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=name)
