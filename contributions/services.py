"""What a contributor sends (issue 16): a photo, an observation or a correction to a published
site, or a private report of an unrecorded site or a threat. Nothing sent is public: it waits,
in its region's moderation queue (contributions/moderation.py), for an officer to accept it.

Privacy on receipt: a photo is kept only as a JPEG re-encoded from its pixels (no EXIF, GPS,
XMP, ICC profile or comment: registry.services.photos.photo_stripped), never as it was sent;
a report's location is kept with the report alone and sets whose officers see it.

Limits: MURA_CONTRIB_LIMIT_PER_DAY per contributor in any 24 hours (counted from the rows,
under a lock on the contributor, so parallel posts cannot pass it), and
MURA_CONTRIB_RATE_ADDRESS per client address (heritage/limits.py's shared counters).
"""

import hashlib
import hmac
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from contributions.models import Contribution, Contributor
from heritage import limits
from registry.models import HeritageSite
from registry.services.areas import areas_for_location
from registry.services.photos import photo_stripped

# The texts of a record a correction may concern (a change request's field names).
CORRECTABLE_FIELDS = [
    f"{name}_{lang}" for name in ("name", "description") for lang in ("kk", "ru", "en")
]


class ContributionRefused(Exception):
    """The contributor may not send now (suspended, or over a limit): a message for them, and
    the HTTP status it answers with (403, 429) and, for a limit, the seconds to wait."""

    def __init__(self, message: str, status: int, retry_after: int = 0):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def contributor_pseudonym(contributor_id: int) -> str:
    """A keyed hash of the contributor's id: keeps one person's items together once the
    account is gone or the trail is pseudonymised, without saying who they were."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"contributor:{contributor_id}".encode(), hashlib.sha256).hexdigest()[:32]


def address_limit_check(*, address: str) -> None:
    """Counts one sending from this client address (only sendings that passed the form)."""
    rate = limits.parse_rate(settings.MURA_CONTRIB_RATE_ADDRESS)
    verdict = limits.hit("contribute", limits.address_key(address), rate)
    if not verdict.allowed:
        raise ContributionRefused(
            _("Too much has been sent from this address today. Try again later."),
            429,
            verdict.retry_after,
        )


def _lock_sender(contributor: Contributor) -> Contributor:
    """The contributor's row, locked: the day's count and the save below are one step."""
    contributor = Contributor.objects.select_for_update().get(pk=contributor.pk)
    if contributor.suspended_at is not None:
        raise ContributionRefused(
            _("Your account is suspended, so it cannot send contributions."), 403
        )
    since = timezone.now() - timedelta(days=1)
    sent = contributor.contributions.filter(submitted_at__gte=since).count()
    if sent >= settings.MURA_CONTRIB_LIMIT_PER_DAY:
        raise ContributionRefused(
            _("You have sent %(n)d contributions in the last 24 hours, the most allowed. Please "
              "try again tomorrow.") % {"n": sent},
            429,
            86400,
        )  # fmt: skip
    return contributor


def _save(contributor: Contributor, contribution: Contribution) -> Contribution:
    contribution.contributor = _lock_sender(contributor)
    contribution.pseudonym = contributor_pseudonym(contributor.pk)
    contribution.language = get_language() or settings.LANGUAGE_CODE
    contribution.full_clean()
    contribution.save()
    return contribution


def _public_site(site_id: int) -> HeritageSite:
    """Only a published site takes contributions (drafts are unknown to the public)."""
    site = HeritageSite.objects.only("pk", "region_id", "status").get(pk=site_id)
    if site.status != HeritageSite.Status.PUBLISHED:
        raise ValidationError({"site": _("This site is not published.")})
    return site


@transaction.atomic
def contribution_photo_send(
    *,
    contributor: Contributor,
    site_id: int,
    upload: UploadedFile,
    licence: str,
    credit: str,
    caption: str = "",
) -> Contribution:
    """Keep the photo stripped of every metadata, privately, until an officer decides."""
    site = _public_site(site_id)
    try:
        stripped = photo_stripped(upload)
    except ValidationError as refused:
        raise ValidationError({"photo": refused.message_dict["upload"]}) from refused
    contribution = Contribution(
        kind=Contribution.Kind.PHOTO, site=site, region_id=site.region_id,
        licence=licence, credit=credit.strip(), caption=caption.strip(),
    )  # fmt: skip
    # A random name, never the sender's file name (it may say where or who).
    contribution.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(stripped), save=False)
    try:
        return _save(contributor, contribution)
    except BaseException:
        contribution.photo.delete(save=False)
        raise


@transaction.atomic
def contribution_observation_send(
    *,
    contributor: Contributor,
    site_id: int,
    visited_on: date,
    condition_seen: str = "",
    threats_seen: list[str] | None = None,
    note: str = "",
) -> Contribution:
    site = _public_site(site_id)
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("The date of the visit is in the future.")})
    contribution = Contribution(
        kind=Contribution.Kind.OBSERVATION, site=site, region_id=site.region_id,
        visited_on=visited_on, condition_seen=condition_seen,
        threats_seen=sorted(set(threats_seen or [])), text=note.strip(),
    )  # fmt: skip
    return _save(contributor, contribution)


@transaction.atomic
def contribution_correction_send(
    *, contributor: Contributor, site_id: int, field: str, text: str
) -> Contribution:
    site = _public_site(site_id)
    if field not in CORRECTABLE_FIELDS:
        raise ValidationError({"field": _("Choose the name or the description in a language.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the text as it should read.")})
    contribution = Contribution(
        kind=Contribution.Kind.CORRECTION, site=site, region_id=site.region_id,
        field=field, text=text.strip(),
    )  # fmt: skip
    return _save(contributor, contribution)


@transaction.atomic
def contribution_report_send(
    *,
    contributor: Contributor,
    report_kind: str,
    location: Point,
    text: str,
    site_id: int | None = None,
) -> Contribution:
    """A private report: its region is the one its location lies in (a point outside
    Kazakhstan is refused on `location`); it may name a published site."""
    try:
        region, _district = areas_for_location(location)
    except ValidationError as outside:
        raise ValidationError(
            {"location": _("The location is not in Kazakhstan: pick a point inside the country.")}
        ) from outside
    site = _public_site(site_id) if site_id is not None else None
    if not text.strip():
        raise ValidationError({"text": _("Describe what you saw.")})
    contribution = Contribution(
        kind=Contribution.Kind.REPORT, site=site, region=region, report_kind=report_kind,
        location=location, text=text.strip(),
    )  # fmt: skip
    return _save(contributor, contribution)
