import time

from django.core.management.base import BaseCommand, CommandError

from registry.services.generate import sites_generate


class Command(BaseCommand):
    help = "Add N synthetic sites clustered around real settlements (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many sites to add")
        parser.add_argument("--seed", type=float, default=0.42, help="-1..1, for repeatable runs")
        parser.add_argument("--batch-size", type=int, default=100_000)

    def handle(self, *args, count, seed, batch_size, **options):
        if count < 1:
            raise CommandError("count must be a positive number of sites.")
        if not -1 <= seed <= 1:
            raise CommandError("--seed must be between -1 and 1.")

        def progress(made, elapsed):
            self.stdout.write(f"  {made:>10,} / {count:,} sites  {made / elapsed:>9,.0f} rows/s")

        started = time.monotonic()
        made = sites_generate(count=count, seed=seed, batch_size=batch_size, progress=progress)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{made:,} sites in {elapsed:.1f} s ({made / elapsed:,.0f} rows/s)")
        )
