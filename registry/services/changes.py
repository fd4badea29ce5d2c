"""Change requests: edits to published sites wait for a second person before the public sees
them."""

import json

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from registry.models import ChangeRequest, HeritageSite
from registry.services.sites import EDITABLE_FIELDS, EditConflict, site_update
from registry.services.workflow import hints_checked_note


def _field(name: str) -> models.Field:
    return HeritageSite._meta.get_field(name)


def fields_encode(fields: dict) -> dict:
    """Proposed values as JSON: geometry as GeoJSON, related objects by id."""
    encoded = {}
    for name, value in fields.items():
        field = _field(name)
        if value is not None and isinstance(field, GeometryField):
            value = json.loads(value.json)
        elif value is not None and field.is_relation:
            value = value.pk
        encoded[name] = value
    return encoded


def fields_decode(encoded: dict) -> dict:
    fields = {}
    for name, value in encoded.items():
        field = _field(name)
        if value is not None and isinstance(field, GeometryField):
            value = GEOSGeometry(json.dumps(value), srid=4326)
        elif value is not None and field.is_relation:
            value = field.related_model.objects.get(pk=value)
        elif value is not None:
            value = field.to_python(value)
        fields[name] = value
    return fields


@transaction.atomic
def change_request_open(
    *, site: HeritageSite, fields: dict, expected_version: int, by: AbstractBaseUser, reason: str
) -> ChangeRequest:
    """Propose `fields` for a published site; its public record stays as it is."""
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    if site.status != HeritageSite.Status.PUBLISHED:
        raise ValidationError("Only published sites take change requests; edit the draft instead.")
    if site.version != expected_version:
        raise EditConflict(site)
    if unknown := set(fields) - EDITABLE_FIELDS:
        raise ValidationError({name: "cannot be set here." for name in sorted(unknown)})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the published record should change."})
    pending = site.change_requests.filter(state=ChangeRequest.State.OPEN).first()
    if pending:
        raise ValidationError(
            f"{pending.created_by} already proposed a change on "
            f"{timezone.localtime(pending.created_at):%Y-%m-%d %H:%M};"
            " it must be decided first."
        )
    return ChangeRequest.objects.create(
        site=site, proposed=fields_encode(fields), base_version=site.version, reason=reason,
        created_by=by,
    )  # fmt: skip


def _decide(request: ChangeRequest, reviewer: AbstractBaseUser, note: str, state: str) -> None:
    request.state, request.decided_by, request.decision_note = state, reviewer, note
    request.decided_at = timezone.now()
    request.save()


def _lock_open(request: ChangeRequest, reviewer: AbstractBaseUser) -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ChangeRequest.State.OPEN:
        raise ValidationError(f"This change request was already {request.state}.")
    if request.created_by_id == reviewer.pk:
        raise PermissionDenied("A change is approved by someone other than its author.")
    return request


@transaction.atomic
def change_request_approve(
    *,
    request: ChangeRequest,
    reviewer: AbstractBaseUser,
    note: str = "",
    hints_acknowledged: bool = False,
) -> HeritageSite:
    """Apply the proposed change to the published record, if nobody changed it meanwhile.
    Its public texts are what the public reads next, so they are screened as at publishing."""
    request = _lock_open(request, reviewer)
    site = site_update(
        site=request.site, expected_version=request.base_version,
        fields=fields_decode(request.proposed), by=reviewer,
        reason=f"change request by {request.created_by}: {request.reason}",
    )  # fmt: skip
    note = hints_checked_note(site=site, by=reviewer, note=note, acknowledged=hints_acknowledged)
    _decide(request, reviewer, note, ChangeRequest.State.APPROVED)
    return site


@transaction.atomic
def change_request_return(*, request: ChangeRequest, reviewer: AbstractBaseUser, note: str) -> None:
    if not note.strip():
        raise ValidationError({"note": "Say what should change before this can be approved."})
    _decide(_lock_open(request, reviewer), reviewer, note, ChangeRequest.State.RETURNED)
