"""Jobs for the task worker (`manage.py db_worker`, django-tasks-db, settings.TASKS)."""

from django.tasks import task

from registry.services.passports import passport_batch_run


@task()
def passport_batch_make(batch_id: int) -> int:
    """Make a batch of monument passports (registry/services/passports.py); returns how many."""
    return passport_batch_run(batch_id).done
