import time

from django.core.management.base import BaseCommand, CommandError, no_translations

from registry.services.generate import sites_generate


class Command(BaseCommand):
    help = "Add N synthetic sites clustered around real settlements (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many sites to add")
        parser.add_argument("--seed", type=float, default=0.42, help="-1..1, for repeatable runs")
        parser.add_argument("--batch-size", type=int, default=200_000)
        rebuild = parser.add_mutually_exclusive_group()
        rebuild.add_argument(
            "--rebuild-indexes", action="store_const", const=True, dest="rebuild_indexes",
            help="drop the site table's secondary indexes and foreign keys for the load and"
            " build them again at the end (default: when the run at least doubles the table)",
        )  # fmt: skip
        rebuild.add_argument(
            "--keep-indexes", action="store_const", const=False, dest="rebuild_indexes"
        )

    @no_translations  # one language in a report: the command's own lines are English
    def handle(self, *args, count, seed, batch_size, rebuild_indexes, verbosity, **options):
        if count < 1:
            raise CommandError("count must be a positive number of sites.")
        if not -1 <= seed <= 1:
            raise CommandError("--seed must be between -1 and 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be a positive number of sites.")

        def progress(made, elapsed, batch):
            line = f"  {made:>10,} / {count:,} sites  {made / elapsed:>9,.0f} rows/s"
            if verbosity > 1:  # the batch's slowest steps
                slowest = sorted(batch.items(), key=lambda item: -item[1])[:4]
                line += "  (" + ", ".join(f"{step} {s:.2f} s" for step, s in slowest) + ")"
            self.stdout.write(line)

        def notice(text):
            self.stdout.write(f"  {text}")

        started, timings = time.monotonic(), {}
        made = sites_generate(
            count=count, seed=seed, batch_size=batch_size, rebuild_indexes=rebuild_indexes,
            progress=progress, notice=notice, timings=timings,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        if verbosity > 1:
            for step, seconds in timings.items():
                self.stdout.write(f"  {step:<16} {seconds:8.2f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"{made:,} sites in {elapsed:.1f} s ({made / elapsed:,.0f} rows/s overall)"
            )
        )
