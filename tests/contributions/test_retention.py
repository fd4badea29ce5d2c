"""Retention (contributions/retention.py), run as deployments run it: the management command
against rows whose dates are set in the past."""

from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contributions.models import Contribution, Contributor, EmailLook
from contributions.rights import contributor_pseudonym
from contributions.tasks import next_run, retention_daily
from registry.storage import private_storage
from tests.contributions.conftest import contributor_make
from tests.contributions.rights_world import EMAIL, NAME, world_make

pytestmark = pytest.mark.django_db


def _ago(**delta):
    return timezone.now() - timedelta(**delta)


def _run(*args, capture=None) -> str:
    out = StringIO()
    if capture is None:
        call_command("contributions_retention", *args, stdout=out)
    else:
        with capture(execute=True):
            call_command("contributions_retention", *args, stdout=out)
    return out.getvalue()


def _signed_up(days_ago: int, *, verified: bool) -> Contributor:
    who = contributor_make()
    EmailAddress.objects.create(user=who.user, email=who.user.email, verified=verified)
    who.user.__class__.objects.filter(pk=who.user_id).update(date_joined=_ago(days=days_ago))
    return who


def test_unconfirmed_accounts_go_after_seven_days(users):
    stale = _signed_up(8, verified=False)
    fresh = _signed_up(6, verified=False)
    confirmed = _signed_up(400, verified=True)

    out = _run()

    assert list(Contributor.objects.order_by("pk")) == [fresh, confirmed]
    assert f"Unconfirmed accounts older than 7 days: 1 were deleted (ids {stale.pk})" in out
    assert not EmailAddress.objects.filter(user_id=stale.user_id).exists()


def test_rejected_contributions_go_with_their_files_after_thirty_days(
    officer, django_capture_on_commit_callbacks
):
    world = world_make(officer)
    old, new = world.items["photo_rejected"], world.items["photo_submitted"]
    Contribution.objects.filter(pk=old.pk).update(decided_at=_ago(days=31))
    Contribution.objects.filter(pk=new.pk).update(state="rejected", decided_at=_ago(days=29))

    out = _run(capture=django_capture_on_commit_callbacks)

    assert not Contribution.objects.filter(pk=old.pk).exists()
    assert not private_storage().exists(old.photo.name)
    assert Contribution.objects.filter(pk=new.pk).exists()
    assert private_storage().exists(new.photo.name)
    assert f"1 were deleted with their files (ids {old.pk})" in out


def test_the_moderation_trail_is_pseudonymised_after_a_year(officer):
    world = world_make(officer)
    observation, report = world.items["observation"], world.items["report"]
    Contribution.objects.filter(pk__in=[observation.pk, report.pk]).update(
        decided_at=_ago(days=366)
    )
    EmailLook.objects.update(looked_at=_ago(days=366))

    out = _run()

    pseudonym = contributor_pseudonym(world.contributor.pk)
    for item in (observation, report):
        item.refresh_from_db()
        assert item.contributor is None
        assert item.pseudonym == pseudonym
    assert observation.decision_reason == "Thank you, […]: an inspection is planned."
    assert NAME not in pseudonym
    assert EmailLook.objects.get().contributor is None
    assert Contribution.objects.get(pk=world.items["photo_accepted"].pk).contributor is not None
    assert "2 contributions were pseudonymised" in out
    assert "1 email looks were unlinked" in out
    assert EMAIL not in out


def test_a_dry_run_says_what_would_go_and_changes_nothing(officer):
    stale = _signed_up(8, verified=False)
    world = world_make(officer)
    Contribution.objects.filter(pk=world.items["photo_rejected"].pk).update(
        decided_at=_ago(days=31)
    )

    out = _run("--dry-run")

    assert out.startswith("Dry run: nothing was changed.")
    assert f"1 would be deleted (ids {stale.pk})" in out
    assert Contributor.objects.filter(pk=stale.pk).exists()
    assert Contribution.objects.filter(pk=world.items["photo_rejected"].pk).exists()


def test_the_daily_run_is_queued_once_for_the_worker(users):
    assert _run("--schedule").strip() == "Daily retention run queued."
    assert _run("--schedule").strip() == "Already queued."

    [queued] = DBTaskResult.objects.filter(task_path="contributions.tasks.retention_daily")
    assert queued.run_after == next_run(queued.enqueued_at)
    assert queued.run_after.hour == 2
    assert queued.run_after.minute == 30


def test_the_task_applies_retention_and_queues_the_next_run(users):
    stale = _signed_up(8, verified=False)

    lines = retention_daily.call()  # what the worker runs (db_worker closes the connection)

    assert not Contributor.objects.filter(pk=stale.pk).exists()
    assert f"1 were deleted (ids {stale.pk})" in lines[0]
    [queued] = DBTaskResult.objects.filter(status="READY")
    assert queued.task_path == "contributions.tasks.retention_daily"


def test_login_records_go_after_thirty_days_and_expired_sessions_at_once(client, users):
    old = AccessLog.objects.create(username="x@example.kz", ip_address="192.0.2.1",
                                   user_agent="t", http_accept="", path_info="/")  # fmt: skip
    new = AccessLog.objects.create(username="y@example.kz", ip_address="192.0.2.2",
                                   user_agent="t", http_accept="", path_info="/")  # fmt: skip
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=_ago(days=31))
    client.force_login(users["officer"])
    Session.objects.update(expire_date=_ago(minutes=1))

    out = _run()

    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=new.pk).exists()
    assert not Session.objects.exists()
    assert "Login records older than 30 days: 1 were deleted; expired sessions: 1" in out


def test_a_bare_unconfirmed_sign_up_goes_too_but_never_staff(users):
    User = get_user_model()
    bare = User.objects.create_user(username="c-bare", email="bare@example.kz")
    EmailAddress.objects.create(user=bare, email=bare.email, verified=False)
    officer = users["officer"]
    EmailAddress.objects.create(user=officer, email="officer@example.kz", verified=False)
    User.objects.filter(pk__in=[bare.pk, officer.pk]).update(date_joined=_ago(days=8))

    out = _run()

    assert not User.objects.filter(pk=bare.pk).exists()
    assert User.objects.filter(pk=officer.pk).exists()
    assert f"sign-ups with no contributor: 1 (ids {bare.pk})" in out
