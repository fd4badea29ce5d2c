"""`manage.py contributions_retention [--dry-run] [--schedule]`: apply the retention periods of
contributions/retention.py now and print what was done (ids only, never a name or address)."""

from django.core.management.base import BaseCommand

from contributions.retention import retention_run
from contributions.tasks import retention_daily, retention_schedule


class Command(BaseCommand):
    help = (
        "Delete unconfirmed accounts (7 days) and rejected contributions (30 days), "
        "pseudonymise the moderation trail (1 year)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Only make sure the daily run is queued for the task worker (idempotent).",
        )

    def handle(self, *args, dry_run: bool, schedule: bool, **options):
        if schedule:
            if not retention_daily.get_backend().supports_defer:
                self.stdout.write("Not queued: this tasks backend cannot run a task later.")
                return
            queued = retention_schedule()
            self.stdout.write("Daily retention run queued." if queued else "Already queued.")
            return
        done = retention_run(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for line in done.lines(dry_run=dry_run):
            self.stdout.write(line)
