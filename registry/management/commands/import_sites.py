"""`manage.py import_sites FILE [--dry-run] [--as USERNAME] [--map src=dst,...] [--mapping NAME]
[--save-mapping NAME]`: sites from a CSV (lon/lat or wkt columns), GeoJSON, GeoPackage or zipped
Shapefile, as drafts for review, all or nothing. A file's own column names are mapped to Mura's
fields by --map, a saved mapping (--mapping), or both (--map wins for the columns it names).
A row naming a registered site (Mura's own exports) changes it: a change request for a
published site (proposed by USERNAME, decided by a reviewer), a draft edited directly."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from registry.services.imports import ImportRefused, ImportReport, sites_import
from registry.services.imports.mapping import Mapping, parse_map
from registry.services.imports.saved import import_mapping_get, import_mapping_save


def report_lines(report: ImportReport) -> list[str]:
    lines = [f"row {p.row or '-'}\t{p.field or '-'}\t{p.message}" for p in report.problems]
    lines += [f"note: row {p.row or '-'}\t{p.field or '-'}\t{p.message}" for p in report.notes]
    lines += [
        f"possible duplicate: row {d.row} {d.name!r} ~ {d.other} {d.existing_name!r} "
        f"({d.distance_m:.0f} m, similarity {d.similarity:.2f})"
        for d in report.duplicates
    ]
    lines += [
        f"change: row {c.row} {c.reference}\t{', '.join(c.fields)}\t"
        + ("draft edited" if c.draft else f"change request #{c.request or '-'}")
        for c in report.changes
    ]
    return lines


def _sites(n: int, what: str = "site") -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def summary(report: ImportReport) -> str:
    """What was, or would be, written: new drafts, change requests, drafts edited."""
    imported, proposed, edited = (
        ("would import", "would propose", "would edit")
        if report.dry_run
        else ("imported", "proposed", "edited")
    )
    created = ", ".join(report.created[:10]) + (" ..." if len(report.created) > 10 else "")
    parts = [
        f"{imported} {report.new} of {report.rows} rows as new drafts"
        + (f": {created}" if created else "")
    ]
    if report.proposed:
        parts.append(f"{proposed} changes to {_sites(len(report.proposed))} for review")
    if report.edited:
        parts.append(f"{edited} {_sites(len(report.edited), 'draft')}")
    parts.append(f"{len(report.duplicates)} possible duplicate(s).")
    return "; ".join(parts)


class Command(BaseCommand):
    help = "Import sites from a file as drafts (all or nothing); --dry-run only reports."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--as", dest="username",
            help="the officer the drafts belong to, who proposes the changes",
        )  # fmt: skip
        parser.add_argument("--progress-every", type=int, default=500, metavar="N")
        parser.add_argument(
            "--repair-polygons", action="store_true",
            help="repair invalid polygons (MakeValid), each listed as a note",
        )  # fmt: skip
        parser.add_argument(
            "--map", dest="map_text", metavar="SRC=DST,...",
            help="the file's column SRC goes to Mura's field DST; SRC= leaves SRC out",
        )  # fmt: skip
        parser.add_argument("--mapping", metavar="NAME", help="a saved mapping (by source name)")
        parser.add_argument(
            "--save-mapping", metavar="NAME", help="save the mapping used under this name"
        )

    def _mapping(self, name: str | None, text: str | None) -> Mapping | None:
        """The saved mapping, with --map's columns over it; CommandError naming what is wrong."""
        if not name and not text:
            return None
        try:
            mapping = import_mapping_get(name) if name else {}
            given = parse_map(text) if text else {}
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        keys = {column.strip().casefold() for column in given}
        mapping = {c: t for c, t in mapping.items() if c.strip().casefold() not in keys}
        return mapping | given

    @no_translations  # one language in a report: the command's own lines are English
    def handle(self, *args, file: Path, dry_run: bool, username: str | None, **options):
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None or not user.has_perm("registry.add_site"):
                raise CommandError(f"{username} does not exist or may not add sites.")
        mapping = self._mapping(options["mapping"], options["map_text"])
        if options["save_mapping"] is not None and mapping is None:
            raise CommandError("--save-mapping needs --map or --mapping.")

        def progress(done: int, rate: float) -> None:
            self.stderr.write(f"{done} rows, {rate:.0f} rows/s")

        try:
            with file.open("rb") as upload:
                report = sites_import(
                    upload=upload, filename=file.name, user=user, dry_run=dry_run,
                    max_bytes=2**62, progress=progress,
                    progress_every=options["progress_every"],
                    repair=options["repair_polygons"], mapping=mapping,
                )  # fmt: skip
        except (ImportRefused, OSError) as refused:
            raise CommandError(str(refused)) from None
        for line in report_lines(report):
            self.stdout.write(line)
        if options["save_mapping"] is not None:
            self._save(options["save_mapping"], mapping, user)
        if not report.ok:
            raise CommandError(
                f"{len(report.problems)} problem(s) in {report.rows} rows; nothing was written."
            )
        self.stdout.write(summary(report))

    def _save(self, name: str, mapping: Mapping, user) -> None:
        try:
            import_mapping_save(name=name, mapping=mapping, by=user)
        except ValidationError as error:
            raise CommandError(f"--save-mapping {name!r}: {' '.join(error.messages)}") from None
        self.stdout.write(f"mapping saved as {name.strip()!r}.")
