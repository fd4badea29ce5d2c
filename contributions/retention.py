"""How long personal data is kept (issue 16, docs/personal-data.md), applied once a day by the
task worker (contributions/tasks.py) or by hand (`manage.py contributions_retention`):

- an account whose email address was never confirmed: deleted 7 days after sign-up (through
  `account_erase`, so its sessions and login attempts go too);
- a rejected contribution: deleted with its file 30 days after the decision (the contributor
  had a month to read the reason);
- the moderation trail (decided contributions, and the officers' looks at an address) older
  than a year: the link to the account is replaced by a keyed-hash pseudonym
  (`contributor_pseudonym`), the decision reasons are kept with any verbatim name or email
  taken out. Mura can still find a living contributor's items for their access request, and
  their erasure; nobody can tell who from the trail alone;
- login records (django-axes's access and failure logs: login name, address, browser) after
  30 days, and expired sessions (Django keeps them until `clearsessions`).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from contributions.models import Contribution, Contributor, EmailLook
from contributions.rights import (
    PublicPhotos,
    account_erase,
    contributor_pseudonym,
    names_scrubbed,
    user_unconfirmed_erase,
)

UNCONFIRMED_ACCOUNT_DAYS = 7
REJECTED_DAYS = 30
TRAIL_DAYS = 365
LOGIN_RECORD_DAYS = 30


@dataclass
class Retention:
    accounts_deleted: list[int] = field(default_factory=list)  # contributor ids
    users_deleted: list[int] = field(default_factory=list)  # sign-ups with no contributor
    rejected_deleted: list[int] = field(default_factory=list)  # contribution ids
    trail_pseudonymised: list[int] = field(default_factory=list)  # contribution ids
    looks_pseudonymised: int = 0
    login_records_deleted: int = 0
    sessions_deleted: int = 0

    def lines(self, *, dry_run: bool) -> list[str]:
        verb = "would be" if dry_run else "were"
        return [
            f"Unconfirmed accounts older than {UNCONFIRMED_ACCOUNT_DAYS} days: "
            f"{len(self.accounts_deleted)} {verb} deleted{_ids(self.accounts_deleted)}; "
            f"sign-ups with no contributor: {len(self.users_deleted)}{_ids(self.users_deleted)}",
            f"Rejected contributions older than {REJECTED_DAYS} days: "
            f"{len(self.rejected_deleted)} {verb} deleted with their files"
            f"{_ids(self.rejected_deleted)}",
            f"Moderation trail older than {TRAIL_DAYS} days: "
            f"{len(self.trail_pseudonymised)} contributions {verb} pseudonymised"
            f"{_ids(self.trail_pseudonymised)}, {self.looks_pseudonymised} email looks "
            f"{verb} unlinked",
            f"Login records older than {LOGIN_RECORD_DAYS} days: {self.login_records_deleted} "
            f"{verb} deleted; expired sessions: {self.sessions_deleted} {verb} deleted",
        ]


def _ids(ids: list[int]) -> str:
    return f" (ids {', '.join(map(str, ids[:50]))}{', …' if len(ids) > 50 else ''})" if ids else ""


def unconfirmed_accounts(now: datetime):
    """Contributors with no verified address, who signed up more than 7 days ago."""
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    return Contributor.objects.filter(
        user__date_joined__lt=now - timedelta(days=UNCONFIRMED_ACCOUNT_DAYS)
    ).exclude(user_id__in=verified)


def unconfirmed_bare_users(now: datetime):
    """Sign-ups with an address never confirmed and no contributor yet (if the account part
    makes the contributor only on confirmation), 7 days on; never staff or role holders."""
    return (
        get_user_model()
        .objects.filter(
            date_joined__lt=now - timedelta(days=UNCONFIRMED_ACCOUNT_DAYS),
            emailaddress__isnull=False,
            contributor__isnull=True,
            is_staff=False,
            is_superuser=False,
            groups__isnull=True,
        )
        .exclude(pk__in=EmailAddress.objects.filter(verified=True).values("user_id"))
        .distinct()
    )


def rejected_expired(now: datetime):
    return Contribution.objects.filter(
        state=Contribution.State.REJECTED, decided_at__lt=now - timedelta(days=REJECTED_DAYS)
    )


def trail_expired(now: datetime):
    return Contribution.objects.filter(
        contributor__isnull=False,
        decided_at__lt=now - timedelta(days=TRAIL_DAYS),
    ).exclude(state=Contribution.State.SUBMITTED)


@transaction.atomic
def _pseudonymise(contributor: Contributor, items: list[Contribution]) -> None:
    needles = [contributor.user.email, contributor.display_name]
    for item in items:
        item.pseudonym = contributor_pseudonym(contributor.pk)
        item.contributor = None
        item.decision_reason = names_scrubbed(item.decision_reason, needles)
        item.save(update_fields=["pseudonym", "contributor", "decision_reason"])


def retention_run(*, dry_run: bool = False, now: datetime | None = None) -> Retention:
    """Apply the three periods; with dry_run, only say what would go."""
    now = now or timezone.now()
    done = Retention()
    for contributor in unconfirmed_accounts(now).order_by("pk"):
        done.accounts_deleted.append(contributor.pk)
        if not dry_run:
            account_erase(contributor=contributor, public_photos=PublicPhotos.REMOVE)
    for user in unconfirmed_bare_users(now).order_by("pk"):
        done.users_deleted.append(user.pk)
        if not dry_run:
            user_unconfirmed_erase(user=user)
    rejected = rejected_expired(now).order_by("pk")
    done.rejected_deleted = list(rejected.values_list("pk", flat=True))
    if not dry_run:
        with transaction.atomic():
            for item in rejected.select_for_update():
                item.delete()  # its file goes on commit (registry/storage.py)
    trail = trail_expired(now).select_related("contributor__user").order_by("contributor", "pk")
    by_contributor: dict[int, list[Contribution]] = {}
    for item in trail:
        by_contributor.setdefault(item.contributor_id, []).append(item)
        done.trail_pseudonymised.append(item.pk)
    looks = EmailLook.objects.filter(
        contributor__isnull=False, looked_at__lt=now - timedelta(days=TRAIL_DAYS)
    )
    done.looks_pseudonymised = looks.count()
    if not dry_run:
        for items in by_contributor.values():
            _pseudonymise(items[0].contributor, items)
        looks.update(contributor=None)  # its contribution (pseudonymised) still groups it
    _logins_forget(done, now, dry_run=dry_run)
    return done


def _logins_forget(done: Retention, now: datetime, *, dry_run: bool) -> None:
    cutoff = now - timedelta(days=LOGIN_RECORD_DAYS)
    records = [AccessLog.objects.filter(attempt_time__lt=cutoff),
               AccessFailureLog.objects.filter(attempt_time__lt=cutoff)]  # fmt: skip
    sessions = Session.objects.filter(expire_date__lt=now)
    done.login_records_deleted = sum(q.count() for q in records)
    done.sessions_deleted = sessions.count()
    if not dry_run:
        for query in records:
            query.delete()
        sessions.delete()
