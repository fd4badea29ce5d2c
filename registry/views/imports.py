"""Officers import sites from a file: checked row by row, then all or nothing as drafts.

Two steps, working without JavaScript. Upload: a file whose columns are all Mura's names is
imported at once; any other is kept (services/imports/preview.py) and the page shows its first
rows with, above each column, the field it goes to (suggested from its name or values), a
saved mapping to fill those in, and "save this mapping as". Map: the import runs on the kept
file with the officer's mapping, and the report shows as for a direct import.
"""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import ImportMapping
from registry.services.imports import (
    FORMATS,
    ImportRefused,
    import_format,
    max_form_rows,
    max_upload_bytes,
    sites_import,
)
from registry.services.imports.mapping import TARGETS, Mapping, MappingError
from registry.services.imports.preview import (
    KeptUploadInvalid,
    Preview,
    file_preview,
    upload_discard,
    upload_keep,
    upload_kept,
)
from registry.services.imports.saved import import_mapping_get, import_mapping_save

DRY_RUN_LABEL = gettext_lazy("Check only (dry run): write nothing")
REPAIR_LABEL = gettext_lazy(
    "Repair invalid polygons (MakeValid); each repair is listed in the notes"
)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (lon/lat or wkt columns), GeoJSON, GeoPackage or zipped Shapefile"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(FORMATS))}),
    )
    dry_run = forms.BooleanField(label=DRY_RUN_LABEL, required=False, initial=True)
    repair = forms.BooleanField(label=REPAIR_LABEL, required=False)

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


class MappingForm(forms.Form):
    """One choice of field per column of the kept file (`column_0`, ...: a column's name may
    be any text, so its position names it; the names come from the kept file, not the post)."""

    token = forms.CharField(widget=forms.HiddenInput)
    save_as = forms.CharField(
        label=gettext_lazy("Save this mapping as (the source's name, e.g. UNESCO list)"),
        required=False,
        max_length=100,
    )
    dry_run = forms.BooleanField(label=DRY_RUN_LABEL, required=False)
    repair = forms.BooleanField(label=REPAIR_LABEL, required=False)

    def __init__(self, *args, columns: list[str], targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", _("— do not import —")), *((t, label) for t, label in TARGETS.items())]
        for index, column in enumerate(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column,
                choices=choices,
                required=False,
                initial=targets.get(column) or "",
                error_messages={"invalid_choice": _("“%(value)s” is not a field Mura imports.")},
            )

    def clean(self):
        cleaned, taken = super().clean(), {}
        for index, column in enumerate(self.columns):
            target = cleaned.get(f"column_{index}")
            if target and target in taken:
                self.add_error(f"column_{index}", _(
                    "%(target)s is already chosen for column “%(other)s”: choose another field"
                    " or “do not import”."
                ) % {"target": target, "other": taken[target]})  # fmt: skip
            elif target:
                taken[target] = column
        return cleaned

    def mapping(self) -> Mapping:
        return {c: self.cleaned_data[f"column_{i}"] or None for i, c in enumerate(self.columns)}

    def column_errors(self) -> list[tuple[str, list[str]]]:
        """(column, its errors): the page names the column, not `column_3`."""
        return [(c, self.errors[f"column_{i}"]) for i, c in enumerate(self.columns)
                if f"column_{i}" in self.errors]  # fmt: skip


class SavedMappingForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    saved = forms.ChoiceField(label=gettext_lazy("Saved mapping"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved"].choices = [
            (name, name) for name in ImportMapping.objects.values_list("name", flat=True)
        ]


@login_required
@permission_required("registry.add_site", raise_exception=True)
def site_import(request):
    """Synchronous for now: the upload is capped (MURA_IMPORT_MAX_BYTES, 20 MB) and so are its
    rows (MURA_IMPORT_FORM_MAX_ROWS, 2000); larger files go through `manage.py import_sites`."""
    if request.method == "POST" and "token" in request.POST:
        return _map_step(request)
    return _upload_step(request)


def _upload_step(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _page(request, form=form)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    upload, options = form.cleaned_data["file"], _options(form)
    try:
        upload.seek(0)
        preview = file_preview(upload=upload, filename=upload.name)
        if preview.known:  # Mura's own names: nothing to map
            upload.seek(0)
            report = sites_import(upload=upload, filename=upload.name, user=request.user,
                                  max_rows=max_form_rows(), **options)  # fmt: skip
            return _page(request, form=form, report=report)
    except ImportRefused as refused:
        form.add_error("file", str(refused))
        return _page(request, form=form, status=400)
    upload.seek(0)
    token = upload_keep(upload=upload, filename=upload.name, user=request.user)
    targets = {c: target for c, (target, _why) in preview.suggestions.items()}
    mapping_form = MappingForm(initial={"token": token, **options},
                               columns=preview.columns, targets=targets)  # fmt: skip
    return _page(request, mapping_form=mapping_form, preview=preview, filename=upload.name)


def _options(form) -> dict:
    return {"dry_run": form.cleaned_data["dry_run"], "repair": form.cleaned_data["repair"]}


def _map_step(request):
    try:
        kept = upload_kept(request.POST.get("token", ""), user=request.user)
        with kept.open() as stream:
            preview = file_preview(upload=stream, filename=kept.filename)
    except KeptUploadInvalid as invalid:
        error = _("token: %(reason)s") % {"reason": invalid}
        return _page(request, form=ImportForm(), error=error, status=400)
    except ImportRefused as refused:  # read at the first step; only if it changed since
        error = _("file: %(reason)s") % {"reason": refused}
        return _page(request, form=ImportForm(), error=error, status=400)
    suggested = {c: target for c, (target, _why) in preview.suggestions.items()}
    page = {"preview": preview, "filename": kept.filename}
    if request.POST.get("action") == "load":
        return _load_saved(request, preview, suggested, page)
    form = MappingForm(request.POST, columns=preview.columns, targets=suggested)
    if not form.is_valid():
        return _page(request, mapping_form=form, status=400, **page)
    mapping = form.mapping()
    try:
        with kept.open() as stream:
            report = sites_import(upload=stream, filename=kept.filename, user=request.user,
                                  max_rows=max_form_rows(), mapping=mapping,
                                  **_options(form))  # fmt: skip
    except ImportRefused as refused:
        form.add_error(None, str(refused))
        return _page(request, mapping_form=form, status=400, **page)
    if name := form.cleaned_data["save_as"].strip():
        import_mapping_save(name=name, mapping=mapping, by=request.user)
        page["saved_as"] = name
    if report.ok and not report.dry_run:  # written: the kept file is done with
        upload_discard(kept)
        return _page(request, form=ImportForm(), report=report, **page)
    return _page(request, mapping_form=form, report=report, **page)


def _load_saved(request, preview: Preview, suggested: dict, page: dict):
    """The selects filled from a saved mapping (its columns matched regardless of case);
    columns it does not name keep their suggestion."""
    chooser = SavedMappingForm(request.POST)
    token = request.POST["token"]
    if not chooser.is_valid():
        form = MappingForm(initial={"token": token}, columns=preview.columns, targets=suggested)
        return _page(request, mapping_form=form, saved_form=chooser, status=400, **page)
    try:
        saved = import_mapping_get(chooser.cleaned_data["saved"])
    except MappingError as error:
        chooser.add_error("saved", str(error))
        form = MappingForm(initial={"token": token}, columns=preview.columns, targets=suggested)
        return _page(request, mapping_form=form, saved_form=chooser, status=400, **page)
    by_key = {column.strip().casefold(): target for column, target in saved.items()}
    targets = {c: by_key.get(c.strip().casefold(), suggested[c]) for c in preview.columns}
    initial = {"token": token, "save_as": chooser.cleaned_data["saved"], "dry_run": True}
    form = MappingForm(initial=initial, columns=preview.columns, targets=targets)
    whys = {c: _("from the saved mapping") for c in preview.columns
            if c.strip().casefold() in by_key}  # fmt: skip
    return _page(request, mapping_form=form, saved_form=chooser, whys=whys, **page)


def _page(request, *, status=None, report=None, mapping_form=None, saved_form=None, whys=None,
          **context):  # fmt: skip
    if mapping_form is not None:
        preview, whys = context["preview"], whys or {}
        token = mapping_form["token"].value()
        saved_form = saved_form or SavedMappingForm(initial={"token": token})
        context["columns"] = [
            {"name": c, "field": mapping_form[f"column_{i}"],
             "why": whys.get(c, preview.suggestions[c][1])}
            for i, c in enumerate(preview.columns)
        ]  # fmt: skip
        context["geometry_from_layer"] = not context["filename"].lower().endswith(".csv")
    if status is None:
        status = 200 if report is None or report.ok else 422
    context |= {"report": report, "mapping_form": mapping_form, "saved_form": saved_form}
    context |= {"max_mb": max_upload_bytes() // (1024 * 1024), "max_rows": max_form_rows()}
    return render(request, "registry/import.html", context, status=status)
