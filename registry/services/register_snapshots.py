"""Publishing a year of the Heritage at Risk register: its public rows and counts, frozen.

A published year is never rewritten (citations must keep pointing at what was published): a
second publication of the same year is refused, and the unique year makes a race between two
reviewers end the same way.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import AtRiskSnapshot
from registry.register import register_all_rows, register_summary

FIRST_YEAR = 2000


class SnapshotExists(Exception):
    """The year has been published already."""


def snapshot_year_check(year: int) -> str | None:
    """Why `year` cannot be published (a message), or None."""
    this_year = timezone.now().year
    if not FIRST_YEAR <= year <= this_year:
        return _("A year between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": this_year,
        }
    return None


def at_risk_snapshot_publish(*, year: int, by: AbstractBaseUser | None) -> AtRiskSnapshot:
    """The register as it stands now, published as `year`'s snapshot. Raises SnapshotExists
    if that year was published (the stored one is left as it was), ValueError for a year
    out of range."""
    problem = snapshot_year_check(year)
    if problem:
        raise ValueError(problem)
    if AtRiskSnapshot.objects.filter(year=year).exists():
        raise SnapshotExists(year)
    rows = register_all_rows()
    snapshot = AtRiskSnapshot(year=year, published_by=by, rows=rows, summary=register_summary(rows))
    # A command publishes with no one named, and an empty register is a register too.
    snapshot.full_clean(exclude=["published_by", "rows", "summary"], validate_unique=False)
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # another publication of the same year won the race
        raise SnapshotExists(year) from None
    return snapshot
