"""An import run in one transaction, all or nothing: a new row through `site_create`, a row
naming a registered site as a change to it (`existing`: a change request, or a draft edited);
a dry run does the same work and rolls back. The report says what was, or would be, written."""

import time
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from registry.geometry import WGS84
from registry.models import Typology
from registry.roles import is_administrator, regions_of
from registry.services.areas import areas_for_location
from registry.services.imports import existing
from registry.services.imports.acts import TARGETS, designations_create, row_acts
from registry.services.imports.archive import import_format, upload_saved
from registry.services.imports.checks import (
    duplicates,
    row_fields,
    sensitivity_raise,
    validation_problems,
)
from registry.services.imports.columns import FULL_RECORD, KNOWN_COLUMNS, PASSED_OVER
from registry.services.imports.mapping import Mapping, columns_named, mapping_check
from registry.services.imports.readers import read
from registry.services.imports.report import (
    ImportRefused,
    ImportReport,
    Problem,
    Row,
    max_upload_bytes,
)
from registry.services.imports.restore import cut_note
from registry.services.sites import EditConflict, site_create


class _Importer:
    def __init__(
        self,
        *,
        user: AbstractBaseUser | None,
        report: ImportReport,
        source: str,
        repair: bool,
        fmt: str,
        columns: list[str],
    ):
        self.user, self.report, self.source, self.repair = user, report, source, repair
        self.everywhere = user is None or is_administrator(user)
        self.regions = set() if self.everywhere else set(regions_of(user))
        self.typologies = {t.code: t for t in Typology.objects.all()}
        self.from_csv = fmt == "csv"
        # Mura's generalisation column without a full record's: the public projection.
        self.public_file = "location_generalisation" in columns and not FULL_RECORD & {*columns}
        self.seen: dict[int, int] = {}  # site id -> the row naming it
        self.file_rows: dict[int, int] = {}  # sites made from this file: id -> row number

    def _in_regions(self, fields: dict, row: int) -> bool:
        location = fields.get("location")
        if self.everywhere or not isinstance(location, Point):
            return True
        try:
            region, _district = areas_for_location(location.transform(WGS84, clone=True))
        except (ValidationError, GEOSException, GDALException):
            return True  # site_create reports it
        if region.pk in self.regions:
            return True
        self.report.problems.append(
            Problem(
                row, "location", _("lies in %(region)s, outside your regions.") % {"region": region}
            )
        )
        return False

    def row(self, row: Row) -> None:
        try:
            self._row(row)
        finally:
            self.report.notes.extend(row.notes)  # what reading and checking changed

    def _row(self, row: Row) -> None:
        if row.problems:  # the row could not be read as its columns: nothing else is checked
            self.report.problems.extend(row.problems)
            return
        site, problems = existing.site_named(row, self.seen, from_csv=self.from_csv)
        if problems:
            self.report.problems.extend(problems)
        elif site is None:
            self._new(row)
        else:
            self._existing(row, site)

    def _fields(self, row: Row, *, new: bool) -> tuple[dict, list[Problem]]:
        return row_fields(row, self.typologies, repair=self.repair, from_csv=self.from_csv, new=new)

    def _new(self, row: Row) -> None:
        fields, problems = self._fields(row, new=True)
        designations, more = row_acts(row)
        problems += more
        if problems:
            self.report.problems.extend(problems)
            return
        if note := sensitivity_raise(fields, row.number):
            self.report.notes.append(note)
        if not self._in_regions(fields, row.number):
            return
        try:
            with transaction.atomic():
                reason = f"imported from {self.source}"
                site = site_create(fields=fields, created_by=self.user, reason=reason)
                designations_create(site=site, acts=designations, by=self.user, reason=reason)
        except ValidationError as error:
            self.report.problems.extend(validation_problems(error, row.number))
            return
        except (GEOSException, GDALException) as error:
            self.report.problems.append(Problem(row.number, "location", _unusable(error)))
            return
        self.report.duplicates.extend(duplicates(site, row.number, self.file_rows))
        self.file_rows[site.pk] = row.number
        self.report.created.append(site.draft_reference)  # a draft: no registry number yet
        self.report.new += 1
        self.report.accepted += 1
        for name in sorted(row.maybe_cut - {"boundary"}):
            self.report.notes.append(cut_note(row, name))

    def _existing(self, row: Row, site) -> None:
        """A row naming a registered site: what differs is proposed (published) or made."""
        if problem := existing.refusal(site, row, self.user):
            self.report.problems.append(problem)
            return
        fields, problems = self._fields(row, new=False)
        problems += existing.kept(row, site, fields, public_file=self.public_file)
        if given := sorted(c for c in TARGETS if str(row.values.get(c) or "").strip()):
            problems.append(Problem(row.number, ", ".join(given), _(
                "a registered site's protection acts are added on its page, not by an import:"
                " map these columns to nothing to update the site."
            )))  # fmt: skip
        changed = existing.changes(site, fields)
        if problems or (changed and not self._in_regions(changed, row.number)):
            self.report.problems.extend(problems)
            return
        if not changed:
            self.report.notes.append(existing.unchanged(row, site))
            self.report.accepted += 1
            return
        reason = f"imported from {self.source}, row {row.number}"
        try:
            with transaction.atomic():
                change = existing.change_made(
                    site=site, fields=changed, row=row, user=self.user, reason=reason
                )
        except ValidationError as error:
            self.report.problems.extend(validation_problems(error, row.number))
            return
        except EditConflict as conflict:
            self.report.problems.append(Problem(row.number, "version", str(conflict)))
            return
        except (GEOSException, GDALException) as error:
            self.report.problems.append(Problem(row.number, "location", _unusable(error)))
            return
        self.report.changes.append(change)
        self.report.accepted += 1


def _unusable(error: Exception) -> str:
    """GEOS's or GDAL's own words (English) inside a sentence in the user's language."""
    return _("unusable: %(error)s.") % {"error": error}


class _Rollback(Exception):
    pass


def sites_import(
    *,
    upload: BinaryIO,
    filename: str,
    user: AbstractBaseUser | None,
    dry_run: bool,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    progress: Callable[[int, float], None] | None = None,
    progress_every: int = 500,
    repair: bool = False,
    mapping: Mapping | None = None,
) -> ImportReport:
    """Import the sites of `upload` (a binary stream) as drafts by `user`, all or nothing.

    `filename` only chooses the format by its suffix; `max_rows` caps the rows (the form).
    `user` None is the operator (every region).
    Whole-file problems raise ImportRefused; row problems are in the report, and then nothing
    is written. `progress(rows_done, rows_per_second)` is called every `progress_every` rows.
    `repair`: invalid polygons are repaired (MakeValid) with a note, instead of reported.
    `mapping`: {the file's column: a field, or None to leave it out} (mapping.py).
    """
    fmt = import_format(filename=filename)
    mapping_check(mapping or {})
    report = ImportReport(dry_run=dry_run)
    cap = max_upload_bytes() if max_bytes is None else max_bytes
    with upload_saved(upload, fmt, cap=cap) as (path, directory):
        columns, count, rows, notes = read(path, fmt, directory, mapping)
        report.notes += notes
        if max_rows is not None and count > max_rows:
            raise ImportRefused(
                _(
                    "the file has %(count)d rows; at most %(max)d here (split it, or ask an"
                    " administrator to run `manage.py import_sites`)."
                ) % {"count": count, "max": max_rows}
            )  # fmt: skip
        for c in columns:
            if c not in KNOWN_COLUMNS and c.lower() not in PASSED_OVER:
                report.notes.append(Problem(None, c, _("unknown column; ignored.")))
        try:
            with transaction.atomic():
                source = PurePosixPath(filename).name[:100]
                importer = _Importer(
                    user=user, report=report, source=source, repair=repair, fmt=fmt,
                    columns=columns,
                )  # fmt: skip
                _import_rows(rows, report, importer, progress, progress_every)
                if importer.seen and "version" not in columns:
                    report.notes.insert(0, existing.version_note())
                if dry_run or report.problems:
                    raise _Rollback
        except _Rollback:
            report.created = []  # nothing was written: no reference or request stands
            for change in report.changes:
                change.request = None
        columns_named([*report.problems, *report.notes], mapping)
        return report


def _import_rows(rows, report, importer, progress, every) -> None:
    started = time.monotonic()
    for row in rows:
        importer.row(row)
        report.rows += 1
        if progress and report.rows % every == 0:
            progress(report.rows, report.rows / max(time.monotonic() - started, 1e-6))
    if report.rows == 0:
        report.problems.append(Problem(None, "", _("the file has no rows.")))
