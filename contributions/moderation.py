"""Moderation of contributions by the officers and reviewers of their region (issue 16).

Outside one's regions a contribution does not exist (the queue never lists it; its page is a
404), as for sites (registry/roles.py). A decision is made once: a second one is refused
(AlreadyDecided, 409). Accepting:
- a photo adds a public SitePhoto through the photo service, credited as the contributor chose,
  under their licence, uploaded by the accepting officer (never the contributor's account, so
  deleting it is never blocked);
- a correction opens a change request (registry/services/changes.py) with the proposed text,
  which a reviewer then approves or returns, as for any change to a published record;
- an observation or a report is acknowledged; an observation's page then offers the inspection
  form prefilled with what was seen.
Officers see the contributor's display name; the email address only through
`contributor_email_look`, which records who looked, when and why.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contributions.models import Contribution, EmailLook
from registry.models import HeritageSite
from registry.roles import is_administrator, is_officer, is_reviewer, regions_of
from registry.services.changes import change_request_open
from registry.services.photos import photo_add


class AlreadyDecided(Exception):
    """A decision on a decided contribution (409)."""


def contribution_list_for_moderation(*, user: AbstractBaseUser) -> QuerySet[Contribution]:
    """What this member of staff moderates: administrators all, officers and reviewers their
    regions', anyone else nothing."""
    items = Contribution.objects.select_related("contributor", "site", "region").defer(
        "region__geom", "site__boundary"
    )
    if is_administrator(user):
        return items
    if is_officer(user) or is_reviewer(user):
        return items.filter(region_id__in=regions_of(user))
    return items.none()


def _lock_undecided(contribution: Contribution) -> Contribution:
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.state != Contribution.State.SUBMITTED:
        raise AlreadyDecided(
            _("This contribution was already decided (%(state)s) on %(date)s.")
            % {
                "state": contribution.get_state_display(),
                "date": f"{timezone.localtime(contribution.decided_at):%Y-%m-%d %H:%M}",
            }
        )
    return contribution


def _decide(contribution: Contribution, by: AbstractBaseUser, state: str, reason: str) -> None:
    contribution.state, contribution.decided_by = state, by
    contribution.decided_at, contribution.decision_reason = timezone.now(), reason.strip()
    contribution.full_clean()
    contribution.save()


def _photo_publish(contribution: Contribution, by: AbstractBaseUser) -> None:
    language = contribution.language if contribution.language in ("kk", "ru", "en") else "kk"
    with contribution.photo.open("rb") as stored:
        contribution.accepted_photo = photo_add(
            site=contribution.site, upload=File(stored, name="contribution.jpg"), added_by=by,
            author=contribution.credit, licence=contribution.licence, is_public=True,
            **{f"caption_{language}": contribution.caption},
        )  # fmt: skip


def _correction_propose(contribution: Contribution, by: AbstractBaseUser, reason: str) -> None:
    site = HeritageSite.objects.get(pk=contribution.site_id)
    note = _("Correction sent by a member of the public (contribution %(pk)s).") % {
        "pk": contribution.pk
    }
    change_request_open(
        site=site, fields={contribution.field: contribution.text},
        expected_version=site.version, by=by, reason=f"{note} {reason}".strip(),
    )  # fmt: skip


@transaction.atomic
def contribution_accept(
    *, contribution: Contribution, by: AbstractBaseUser, reason: str = ""
) -> Contribution:
    contribution = _lock_undecided(contribution)
    if contribution.kind == Contribution.Kind.PHOTO:
        _photo_publish(contribution, by)
    elif contribution.kind == Contribution.Kind.CORRECTION:
        _correction_propose(contribution, by, reason)
    _decide(contribution, by, Contribution.State.ACCEPTED, reason)
    return contribution


@transaction.atomic
def contribution_reject(
    *, contribution: Contribution, by: AbstractBaseUser, reason: str
) -> Contribution:
    """The reason is shown to the contributor: it is required."""
    contribution = _lock_undecided(contribution)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the contributor to read.")})
    _decide(contribution, by, Contribution.State.REJECTED, reason)
    return contribution


@transaction.atomic
def contributor_email_look(*, contribution: Contribution, by: AbstractBaseUser, reason: str) -> str:
    """The contributor's email address, to reply to them; who looked, when and why is kept."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you need the address.")})
    contributor = contribution.contributor
    if contributor is None:
        raise ValidationError(_("The contributor deleted their account; there is no address."))
    EmailLook.objects.create(
        officer=by, contributor=contributor, contribution=contribution, reason=reason.strip()
    )
    return contributor.user.email
