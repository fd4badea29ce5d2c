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
class Change:
    """A row that changes a registered site: proposed as a change request (a published site,
    reviewed by a second person) or made directly (a draft, as its form would)."""

    row: int
    reference: str  # the site's registry number, else its draft reference
    fields: list[str]  # the fields whose values differ from the record
    draft: bool = False  # a draft edited directly; else a change request
    request: int | None = None  # the change request's id (a real run only)


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # accepted, but worth a look
    duplicates: list[Duplicate] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # draft references (a real run only)
    new: int = 0  # rows that are, or in a dry run would be, new drafts
    changes: list[Change] = field(default_factory=list)  # made, or in a dry run would be
    accepted: int = 0  # rows that passed every check (new, changed or unchanged)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def proposed(self) -> list[Change]:
        """Change requests on published sites."""
        return [c for c in self.changes if not c.draft]

    @property
    def edited(self) -> list[Change]:
        """Drafts edited directly."""
        return [c for c in self.changes if c.draft]


@dataclass
class Row:
    """One record as read, before any check: its number, its values, its geometry."""

    number: int
    values: dict
    geometry: GEOSGeometry | None = None
    geometry_problem: str = ""
    geometry_missing: bool = False  # no geometry at all (a row naming a site keeps its own)
    point: GEOSGeometry | None = None  # a point given beside a polygon (CSV lon/lat with wkt)
    problems: list[Problem] = field(default_factory=list)  # found while reading
    notes: list[Problem] = field(default_factory=list)  # changes made while reading
    # Shapefile columns whose value may have been cut to what a DBF field holds (Mura's
    # truncated.csv did not give it whole), or a boundary cell left empty: see `restore`.
    maybe_cut: set[str] = field(default_factory=set)
