from django.core.management.base import BaseCommand, CommandError

from registry.services.register_snapshots import SnapshotExists, at_risk_snapshot_publish


class Command(BaseCommand):
    help = (
        "Publish the Heritage at Risk register as it stands now as YEAR's snapshot "
        "(/at-risk/YEAR/). A published year is never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        try:
            snapshot = at_risk_snapshot_publish(year=year, by=None)
        except SnapshotExists:
            raise CommandError(
                f"{year} is published already; a snapshot is never overwritten."
            ) from None
        except ValueError as exc:
            raise CommandError(f"--year: {exc}") from None
        self.stdout.write(f"{year}: {len(snapshot.rows)} sites at risk published.")
