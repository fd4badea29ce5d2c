"""The daily retention run (contributions/retention.py) as a task for the worker that every
deployment already runs (`manage.py db_worker`: the compose `worker` service, scripts/up).

Self-re-enqueueing: each run first queues the next one (the next 02:30 UTC), so a run that
fails does not end the chain; `manage.py contributions_retention --schedule` starts the chain
and is idempotent (one waiting run at most), and the compose `migrate` job and scripts/up call
it on every start. Why not cron or a systemd timer: nothing outside the app to set up or
forget on a new host, and the run uses the app's own settings and database; if the worker is
down, the run waits for it and happens when it is back.
"""

from datetime import UTC, datetime, time, timedelta

from django.tasks import task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contributions.retention import retention_run

RUN_AT = time(2, 30)  # UTC: a quiet hour


def next_run(now: datetime) -> datetime:
    today = datetime.combine(now.date(), RUN_AT, tzinfo=UTC)
    return today if today > now else today + timedelta(days=1)


@task()
def retention_daily() -> list[str]:
    """Queue tomorrow's run, then apply retention; returns what it did (ids only)."""
    retention_schedule()
    return retention_run().lines(dry_run=False)


def retention_schedule(now: datetime | None = None) -> bool:
    """Queue the next run unless one is already waiting (database backend: one row per run).
    True if a run was queued; False too where the tasks backend cannot wait (tests)."""
    if not retention_daily.get_backend().supports_defer:
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=retention_daily.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    retention_daily.using(run_after=next_run(now or timezone.now())).enqueue()
    return True
