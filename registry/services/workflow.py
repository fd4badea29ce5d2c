"""Moving a site through draft -> in review -> published -> withdrawn, with four eyes.

Submitting or publishing an S1–S3 site whose public texts hold location hints
(`services/text_screening.py`) needs the person's confirmation that they checked them; the
status change note records who did and how many hints there were. The texts are never changed.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import update_change_reason

from registry.models import HeritageSite, SiteStatusChange
from registry.services.aggregates import map_counts_refresh
from registry.services.numbers import registry_number_next
from registry.services.search_words import search_words_add
from registry.services.text_screening import hints_summary, site_location_hints

Status = HeritageSite.Status

ALLOWED_TRANSITIONS = {
    Status.DRAFT: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.PUBLISHED, Status.DRAFT},
    Status.PUBLISHED: {Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.DRAFT},
}


class TransitionNotAllowed(Exception):
    pass


def hints_acknowledged_label() -> str:
    return _("I have checked these location hints")


def hints_checked_note(
    *, site: HeritageSite, by: AbstractBaseUser, note: str, acknowledged: bool
) -> str:
    """`note`, plus who checked the location hints in the site's public texts and how many
    there were; refused (naming the checkbox) when there are hints and they were not checked."""
    findings = site_location_hints(site=site)
    if not findings:
        return note
    if not acknowledged:
        message = ngettext(
            "%(count)d location hint was found in the public texts. Check it and tick "
            "“%(label)s” to continue.",
            "%(count)d location hints were found in the public texts. Check them and tick "
            "“%(label)s” to continue.",
            len(findings),
        ) % {"count": len(findings), "label": hints_acknowledged_label()}
        raise ValidationError({"hints_acknowledged": message})
    record = f"Location hints checked by {by.get_username()}: {hints_summary(findings)}."
    return f"{note}\n{record}" if note else record


def _move(
    site: HeritageSite,
    *,
    to: Status,
    by: AbstractBaseUser,
    note: str,
    hints_acknowledged: bool | None = None,
) -> HeritageSite:
    """`hints_acknowledged` None: a move that publishes nothing new, not screened."""
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    if to not in ALLOWED_TRANSITIONS[site.status]:
        raise TransitionNotAllowed(f"{site.reference}: {site.status} -> {to}")
    if hints_acknowledged is not None:
        note = hints_checked_note(site=site, by=by, note=note, acknowledged=hints_acknowledged)
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
    search_words_add(site_ids=[site.pk])  # the words text search corrects a query to
    return site


@transaction.atomic
def site_submit(
    *, site: HeritageSite, by: AbstractBaseUser, note: str = "", hints_acknowledged: bool = False
) -> HeritageSite:
    return _move(site, to=Status.IN_REVIEW, by=by, note=note, hints_acknowledged=hints_acknowledged)


@transaction.atomic
def site_publish(
    *,
    site: HeritageSite,
    reviewer: AbstractBaseUser,
    note: str = "",
    hints_acknowledged: bool = False,
) -> HeritageSite:
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    if site.submitted_by_id == reviewer.pk:
        raise PermissionDenied("A submission is approved by someone other than its author.")
    return _move(
        site, to=Status.PUBLISHED, by=reviewer, note=note, hints_acknowledged=hints_acknowledged
    )


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
