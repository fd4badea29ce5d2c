"""Officers import sites from a file: checked row by row, then all or nothing as drafts."""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.services.imports import (
    FORMATS,
    ImportRefused,
    import_format,
    max_form_rows,
    max_upload_bytes,
    sites_import,
)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (lon/lat or wkt columns), GeoJSON, GeoPackage or zipped Shapefile"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(FORMATS))}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only (dry run): write nothing"), required=False, initial=True
    )

    repair = forms.BooleanField(
        label=gettext_lazy(
            "Repair invalid polygons (MakeValid); each repair is listed in the notes"
        ),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        cap = max_upload_bytes()
        if upload.size > cap:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": cap // (1024 * 1024)}
            )
        try:
            import_format(filename=upload.name)
        except ImportRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return upload


@login_required
@permission_required("registry.add_site", raise_exception=True)
def site_import(request):
    """Synchronous for now: the upload is capped (MURA_IMPORT_MAX_BYTES, 20 MB) and so are its
    rows (MURA_IMPORT_FORM_MAX_ROWS, 2000); larger files go through `manage.py import_sites`."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with upload.open("rb") as stream:
                report = sites_import(
                    upload=stream,
                    filename=upload.name,
                    user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                    max_rows=max_form_rows(),
                    repair=form.cleaned_data["repair"],
                )
        except ImportRefused as refused:
            form.add_error("file", str(refused))
    status = 200 if report is None or report.ok else 422
    if request.method == "POST" and not form.is_valid():
        status = 400
    return render(
        request,
        "registry/import.html",
        {
            "form": form,
            "report": report,
            "max_mb": max_upload_bytes() // (1024 * 1024),
            "max_rows": max_form_rows(),
        },
        status=status,
    )
