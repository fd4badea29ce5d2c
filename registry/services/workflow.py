"""Moving a site through draft -> in review -> published -> withdrawn, with four eyes."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from registry.models import HeritageSite, SiteStatusChange
from registry.services.aggregates import map_counts_refresh
from registry.services.numbers import registry_number_next

Status = HeritageSite.Status

ALLOWED_TRANSITIONS = {
    Status.DRAFT: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.PUBLISHED, Status.DRAFT},
    Status.PUBLISHED: {Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.DRAFT},
}


class TransitionNotAllowed(Exception):
    pass


def _move(site: HeritageSite, *, to: Status, by: AbstractBaseUser, note: str) -> HeritageSite:
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    if to not in ALLOWED_TRANSITIONS[site.status]:
        raise TransitionNotAllowed(f"{site.reference}: {site.status} -> {to}")
    SiteStatusChange.objects.create(
        site=site, from_status=site.status, to_status=to, by=by, note=note
    )
    site.status = to
    if to == Status.IN_REVIEW:
        site.submitted_by = by
    if to == Status.PUBLISHED:
        site.published_at = timezone.now()
        if site.registry_number is None:  # first publication; a withdrawn site keeps its own
            site.registry_number = registry_number_next()
    site.version += 1
    site.full_clean()
    site._history_user = by
    site.save()
    update_change_reason(site, note or f"status: {to}")
    map_counts_refresh(site_ids=[site.pk])  # same transaction: map and site agree
    return site


@transaction.atomic
def site_submit(*, site: HeritageSite, by: AbstractBaseUser, note: str = "") -> HeritageSite:
    return _move(site, to=Status.IN_REVIEW, by=by, note=note)


@transaction.atomic
def site_publish(*, site: HeritageSite, reviewer: AbstractBaseUser, note: str = "") -> HeritageSite:
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    if site.submitted_by_id == reviewer.pk:
        raise PermissionDenied("A submission is approved by someone other than its author.")
    return _move(site, to=Status.PUBLISHED, by=reviewer, note=note)


@transaction.atomic
def site_return(*, site: HeritageSite, reviewer: AbstractBaseUser, note: str) -> HeritageSite:
    return _move(site, to=Status.DRAFT, by=reviewer, note=note)


@transaction.atomic
def site_withdraw(*, site: HeritageSite, by: AbstractBaseUser, note: str) -> HeritageSite:
    return _move(site, to=Status.WITHDRAWN, by=by, note=note)


@transaction.atomic
def site_restore(*, site: HeritageSite, by: AbstractBaseUser, note: str) -> HeritageSite:
    """A withdrawn site back to draft, to be corrected and reviewed again."""
    return _move(site, to=Status.DRAFT, by=by, note=note)
