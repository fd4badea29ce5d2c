"""What an import answers: a report of problems by row and field, or a refusal of the file."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.utils.translation import gettext as _

MB = 1024 * 1024


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return setting("MURA_IMPORT_MAX_BYTES", 20 * MB)


def max_form_rows() -> int:
    """Rows the (synchronous) form takes: about 10-20 rows/s go through `site_create`."""
    return setting("MURA_IMPORT_FORM_MAX_ROWS", 2000)


class ImportRefused(Exception):
    """The file as a whole cannot be read (format, size, unsafe archive): no row was looked at."""


@dataclass
class Problem:
    row: int | None  # 1 = the first record (after a CSV header); None = the whole file
    field: str
    message: str


@dataclass
class Duplicate:
    """A row likely the same site as a registered one, or as an earlier row of the file."""

    row: int
    name: str
    reference: str  # the registered site's registry number, else its draft reference; "" in file
    existing_name: str
    distance_m: float
    similarity: float
    file_row: int | None = None  # the earlier row of the same file it resembles

    @property
    def other(self) -> str:
        """What it resembles, as the report and the command say it."""
        return self.reference or _("row %(row)d of this file") % {"row": self.file_row}


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # accepted, but worth a look
    duplicates: list[Duplicate] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # registry numbers (a real run only)
    accepted: int = 0  # rows that passed every check

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Row:
    """One record as read, before any check: its number, its values, its geometry."""

    number: int
    values: dict
    geometry: GEOSGeometry | None = None
    geometry_problem: str = ""
    point: GEOSGeometry | None = None  # a point given beside a polygon (CSV lon/lat with wkt)
    problems: list[Problem] = field(default_factory=list)  # found while reading
    notes: list[Problem] = field(default_factory=list)  # changes made while reading
