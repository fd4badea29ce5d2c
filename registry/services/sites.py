"""Creating and editing site records. One transaction each; nothing half-written."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from registry.geometry import clean_area, clean_point
from registry.models import HeritageSite
from registry.services.aggregates import map_counts_refresh
from registry.services.areas import areas_for_location, public_areas_refresh
from registry.services.numbers import draft_references_reserve
from registry.services.search_words import search_words_add

# Fields an officer sets directly. Registry number, draft reference, region, status, version
# and the public projection are the registry's to set.
EDITABLE_FIELDS = frozenset(
    {
        *(
            f"{name}_{lang}"
            for name in ("name", "description", "dating_note")
            for lang in ("kk", "ru", "en")
        ),
        "alt_names", "category", "typology", "significance", "date_from", "date_to", "period",
        "condition", "condition_assessed_on", "threats", "location",
        "location_approximate", "boundary", "sensitivity", "parent", "unesco_id", "wikidata_id",
    }
)  # fmt: skip


GEOMETRY_CHECKS = {"location": clean_point, "boundary": clean_area}


class EditConflict(Exception):
    """Someone else saved the site since this edit began (optimistic locking on `version`)."""

    def __init__(self, site: HeritageSite):
        last = site.history.first()
        who = getattr(last and last.history_user, "username", None) or _("someone else")
        when = last.history_date if last else site.updated_at
        super().__init__(
            _(
                "%(site)s was changed by %(who)s at %(when)s (now version %(version)s). "
                "Reload it and apply your change again."
            )
            % {
                "site": site.reference,
                "who": who,
                "when": f"{timezone.localtime(when):%Y-%m-%d %H:%M %Z}",
                "version": site.version,
            }
        )
        self.site = site


def _apply(site: HeritageSite, fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("cannot be set here.") for name in sorted(unknown)})
    for name, value in fields.items():
        if name in GEOMETRY_CHECKS and value is not None:
            value = GEOMETRY_CHECKS[name](value, field=name)  # before the field would refuse it
        setattr(site, name, value)
    if site.location is None:
        raise ValidationError({"location": _("Put the site on the map.")})


def _save(site: HeritageSite, *, by: AbstractBaseUser | None, reason: str) -> HeritageSite:
    site.full_clean()
    site._history_user = by
    site.save()
    update_change_reason(site, reason)
    public_areas_refresh(site_ids=[site.pk])
    map_counts_refresh(site_ids=[site.pk])  # same transaction: map and site agree
    search_words_add(site_ids=[site.pk])  # the words text search corrects a query to
    site.refresh_from_db()
    return site


@transaction.atomic
def site_create(
    *, fields: dict, created_by: AbstractBaseUser | None, reason: str = ""
) -> HeritageSite:
    """A new draft, with a draft reference (its registry number comes when it is published).
    Its region and district come from its location."""
    site = HeritageSite(created_by=created_by)
    _apply(site, fields)
    site.region, site.district = areas_for_location(site.location)
    (site.draft_reference,) = draft_references_reserve()
    return _save(site, by=created_by, reason=reason or "created")


def site_fields_check(*, site: HeritageSite, fields: dict) -> None:
    """The ValidationError `site_update` would raise for `fields` on `site`, without saving:
    a change request is checked when it is proposed, not first at its review."""
    candidate = HeritageSite.objects.get(pk=site.pk)
    _apply(candidate, fields)
    candidate.full_clean()


@transaction.atomic
def site_update(
    *, site: HeritageSite, expected_version: int, fields: dict, by: AbstractBaseUser, reason: str
) -> HeritageSite:
    """Change a site's fields if nobody saved it since `expected_version` was read."""
    site = HeritageSite.objects.select_for_update().get(pk=site.pk)
    if site.version != expected_version:
        raise EditConflict(site)
    _apply(site, fields)
    site.region, site.district = areas_for_location(site.location)
    site.version += 1
    return _save(site, by=by, reason=reason)
