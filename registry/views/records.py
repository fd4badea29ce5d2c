"""History, photos and the files behind them: each checked against the site's region."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.forms import SITE_FIELDS, PhotoUploadForm
from registry.models import Designation, HeritageSite, SitePhoto
from registry.selectors import photo_get_public
from registry.services.photos import photo_add, photo_reorder
from registry.views.common import site_for

HISTORY_FIELDS = set(SITE_FIELDS) | {"status"}


def _readable(change) -> tuple[str, object, object]:
    """(field label, old, new), choices shown by their labels."""
    field = HeritageSite._meta.get_field(change.field)
    choices = dict(field.flatchoices)
    shown = [choices.get(value, value) if choices else value for value in (change.old, change.new)]
    return str(field.verbose_name), *shown


@login_required
def history(request, number):
    site = site_for(request.user, number, "registry.see_site")
    records = list(site.history.select_related("history_user")[:200])
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, included_fields=HISTORY_FIELDS)
            changes = [_readable(change) for change in delta.changes]
        entries.append({"record": record, "changes": changes})
    return render(request, "registry/history.html", {"site": site, "entries": entries})


def _upload(request, site: HeritageSite, form: PhotoUploadForm) -> bool:
    """All photos of one upload are stored, or none (a refused file names itself)."""
    data, added = form.cleaned_data, []
    try:
        with transaction.atomic():
            for index, upload in enumerate(data["photos"]):
                added.append(_add_one(request, site, upload, data, primary=index == 0))
    except ValidationError as error:
        for photo in added:  # their rows rolled back; their files must go too
            for field_file in (photo.original, photo.thumbnail, photo.web):
                field_file.storage.delete(field_file.name)
        form.add_error("photos", error)
        return False
    return True


def _add_one(request, site, upload, data, *, primary: bool) -> SitePhoto:
    try:
        return photo_add(
            site=site, upload=upload, added_by=request.user,
            caption_kk=data["caption_kk"], caption_ru=data["caption_ru"],
            caption_en=data["caption_en"], author=data["author"], taken_on=data["taken_on"],
            licence=data["licence"], is_public=data["is_public"],
            is_primary=data["is_primary"] and primary,
        )  # fmt: skip
    except ValidationError as refused:
        reasons = " ".join(refused.message_dict.get("upload", refused.messages))
        raise ValidationError(f"{upload.name}: {reasons}") from refused


@login_required
def photos(request, number):
    site = site_for(request.user, number, "registry.see_site")
    form = PhotoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        site = site_for(request.user, number, "registry.edit_site")
        if form.is_valid() and _upload(request, site, form):
            messages.success(request, _("Photos added."))
            if _wants_json(request):  # registry/static/registry/upload.js
                return JsonResponse({"redirect": reverse("registry:site-photos", args=[number])})
            return redirect("registry:site-photos", number)
        if _wants_json(request):
            return JsonResponse({"errors": form.errors}, status=400)
    return render(
        request,
        "registry/photos.html",
        {
            "site": site,
            "form": form,
            "photos": site.photos.all(),
            "can_edit": request.user.has_perm("registry.edit_site", site),
            "upload_text": {
                "sending": _("Sending the photos: %(percent)s %%") % {"percent": "%(percent)s"},
                "processing": _("Sent. Removing location and camera data, making copies…"),
                "failed": _("The upload did not finish. Check the connection and try again."),
            },
        },
    )


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@require_POST
@login_required
def photos_order(request, number):
    site = site_for(request.user, number, "registry.edit_site")
    try:
        wanted = {  # position-<photo id> = the place the officer typed
            int(key.removeprefix("position-")): float(value)
            for key, value in request.POST.items()
            if key.startswith("position-")
        }
        ids = sorted(wanted, key=lambda pk: (wanted[pk], pk))
        photo_reorder(site=site, photo_ids=ids, by=request.user)
        messages.success(request, _("Order saved."))
    except (ValueError, ValidationError):
        messages.error(request, _("List each photo of this site exactly once."))
    return redirect("registry:site-photos", number)


@login_required
def photo_original(request, pk):
    photo = get_object_or_404(SitePhoto.objects.select_related("site"), pk=pk)
    site_for(request.user, photo.site.reference, "registry.see_site")
    return FileResponse(
        photo.original.open("rb"),
        as_attachment=True,
        filename=f"{photo.site.reference}-{photo.pk}{_suffix(photo)}",
    )


# The stripped copies staff see of any photo they may see (a public photo's copies are also
# served to everyone by `public_photo`; a non-public one's only here).
PREVIEW_FIELDS = {"thumbnail": "thumbnail", "web": "web"}


@login_required
def photo_preview(request, pk, size):
    """A photo's stripped copy (`size`: thumbnail or web) for staff who may see its site."""
    if size not in PREVIEW_FIELDS:
        raise Http404
    photo = get_object_or_404(SitePhoto.objects.select_related("site"), pk=pk)
    site_for(request.user, photo.site.reference, "registry.see_site")
    field = getattr(photo, PREVIEW_FIELDS[size])
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _suffix(photo: SitePhoto) -> str:
    name = photo.original.name
    return name[name.rfind(".") :] if "." in name else ""


@login_required
def designation_document(request, pk):
    act = get_object_or_404(Designation.objects.select_related("site"), pk=pk)
    site_for(request.user, act.site.reference, "registry.see_site")
    if not act.document:
        raise Http404
    return FileResponse(act.document.open("rb"), as_attachment=True)


def public_photo(request, name):
    """A public derivative, served only for a public photo of a published site."""
    photo = photo_get_public(name=f"photos/public/{name}")
    field = photo.web if photo.web.name.endswith(name) else photo.thumbnail
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response
