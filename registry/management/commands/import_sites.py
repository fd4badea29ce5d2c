"""`manage.py import_sites FILE [--dry-run] [--as USERNAME]`: sites from a CSV (lon/lat or wkt
columns), GeoJSON, GeoPackage or zipped Shapefile, as drafts for review, all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.services.imports import ImportRefused, ImportReport, sites_import


def report_lines(report: ImportReport) -> list[str]:
    lines = [f"row {p.row or '-'}\t{p.field or '-'}\t{p.message}" for p in report.problems]
    lines += [f"note: row {p.row or '-'}\t{p.field or '-'}\t{p.message}" for p in report.notes]
    lines += [
        f"possible duplicate: row {d.row} {d.name!r} ~ {d.other} {d.existing_name!r} "
        f"({d.distance_m:.0f} m, similarity {d.similarity:.2f})"
        for d in report.duplicates
    ]
    return lines


class Command(BaseCommand):
    help = "Import sites from a file as drafts (all or nothing); --dry-run only reports."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--as", dest="username", help="the officer the drafts belong to")
        parser.add_argument("--progress-every", type=int, default=500, metavar="N")
        parser.add_argument(
            "--repair-polygons", action="store_true",
            help="repair invalid polygons (MakeValid), each listed as a note",
        )  # fmt: skip

    def handle(self, *args, file: Path, dry_run: bool, username: str | None, **options):
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None or not user.has_perm("registry.add_site"):
                raise CommandError(f"{username} does not exist or may not add sites.")

        def progress(done: int, rate: float) -> None:
            self.stderr.write(f"{done} rows, {rate:.0f} rows/s")

        try:
            with file.open("rb") as upload:
                report = sites_import(
                    upload=upload, filename=file.name, user=user, dry_run=dry_run,
                    max_bytes=2**62, progress=progress,
                    progress_every=options["progress_every"],
                    repair=options["repair_polygons"],
                )  # fmt: skip
        except (ImportRefused, OSError) as refused:
            raise CommandError(str(refused)) from None
        for line in report_lines(report):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{len(report.problems)} problem(s) in {report.rows} rows; nothing was written."
            )
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{verb} {report.accepted} of {report.rows} rows as drafts"
            f"{'' if dry_run else ': ' + ', '.join(report.created[:10])}"
            f"{' ...' if len(report.created) > 10 else ''}; "
            f"{len(report.duplicates)} possible duplicate(s)."
        )
