"""Rows that name a registered site by its registry number or draft reference (Mura's own
exports carry both): which site, whether this person may change it now, what would change.

Only the fields whose values differ from the record change; a column the file lacks leaves its
field alone, an empty cell clears it. A published site takes the change as a change request,
reviewed by a second person as one from the form; a draft is edited directly, as its form
edits it; a site in review or withdrawn takes no edit (its form refuses one too). A row from
an export of an older version is refused, so a file cannot undo an edit made since.

Privacy guard: a public export carries the public projection, generalised or withheld points
for sensitive sites. Such a point is never taken as a site's location (a note says why).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.db.models.functions import AsWKT
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registry import exchange
from registry.geometry import WGS84
from registry.models import HeritageSite
from registry.projection import GENERALISATION
from registry.services.changes import change_request_open
from registry.services.imports.report import Change, Problem, Row
from registry.services.sites import site_fields_check, site_update

Status = HeritageSite.Status
# Exports give exact points to 7 decimals (registry/services/exports/): a point read back is
# within half of 1e-7 degrees (about 5 mm) of the record's, and is the same point.
SAME_POINT = 1e-7
# PostGIS writes a boundary's WKT with 15 significant digits.
SAME_BOUNDARY = 1e-9
# A public point is a grid cell's centre, written with 6 decimals.
SAME_PUBLIC_POINT = 1e-6


def _key(row: Row, name: str, *, from_csv: bool) -> str:
    value = exchange.parse(exchange.column(name), row.values.get(name), from_csv=from_csv)
    return str(value or "")


def key_column(row: Row) -> str:
    """The column a row names its site by, for messages."""
    return "registry_number" if row.values.get("registry_number") else "draft_reference"


def site_named(
    row: Row, seen: dict[int, int], *, from_csv: bool
) -> tuple[HeritageSite | None, list[Problem]]:
    """The site a row names (None, no problem: a new site). `seen`: site id -> the row that
    named it first; a file names a site once."""
    number = _key(row, "registry_number", from_csv=from_csv)
    draft = _key(row, "draft_reference", from_csv=from_csv)
    site = None
    for column, value in (("registry_number", number), ("draft_reference", draft)):
        if not value:
            continue
        found = HeritageSite.objects.filter(**{column: value}).first()
        if found is None:
            message = _("%(reference)s is not in the registry; leave it empty for a new site.")
            return None, [Problem(row.number, column, message % {"reference": value})]
        if site is not None and found.pk != site.pk:
            message = _("%(draft)s is another site than %(number)s.")
            return None, [Problem(row.number, column, message % {"draft": draft, "number": number})]
        site = found
    if site is not None and site.pk in seen:
        message = _("names the same site as row %(row)d: one row per site.")
        return None, [Problem(row.number, key_column(row), message % {"row": seen[site.pk]})]
    if site is not None:
        seen[site.pk] = row.number
    return site, []


def refusal(site: HeritageSite, row: Row, user: AbstractBaseUser | None) -> Problem | None:
    """Why this row may not change `site` at all (checked before its values are read, so a
    site outside the person's regions is never compared with a file), else None."""
    column, reference = key_column(row), site.reference
    if user is not None and not user.has_perm("registry.edit_site", site):
        return Problem(row.number, column, _(
            "%(reference)s is outside your regions: you may not change it (export your regions"
            " only, or remove the row)."
        ) % {"reference": reference})  # fmt: skip
    if site.status == Status.IN_REVIEW:
        return Problem(row.number, column, _(
            "%(reference)s is under review: it cannot be edited until the reviewer publishes"
            " or returns it."
        ) % {"reference": reference})  # fmt: skip
    if site.status == Status.WITHDRAWN:
        message = _("%(reference)s is withdrawn: restore it before editing.")
        return Problem(row.number, column, message % {"reference": reference})
    if site.status == Status.PUBLISHED and user is None:
        return Problem(row.number, column, _(
            "a change to a published site is proposed by a person: import with --as USERNAME."
        ))  # fmt: skip
    return _stale(site, row)


def _stale(site: HeritageSite, row: Row) -> Problem | None:
    if "version" not in row.values:
        return None
    try:
        version = exchange.parse(exchange.column("version"), row.values["version"])
    except (ValueError, TypeError, OverflowError):
        return Problem(row.number, "version", _("must be a whole number."))
    if version is not None and version != site.version:
        return Problem(row.number, "version", _(
            "changed since this file was exported (version %(old)d, now %(new)d): export again."
        ) % {"old": version, "new": site.version})  # fmt: skip
    return None


def kept(row: Row, site: HeritageSite, fields: dict, *, public_file: bool) -> list[Problem]:
    """What the row cannot change, taken out of `fields`: the location when the row's point is
    not the exact one (or there is none), and values a Shapefile may have cut."""
    location = _location_kept(row, site, fields, public_file=public_file)
    if location:
        fields.pop("location", None)
        row.notes.append(Problem(row.number, "location", location))
    problems = []
    for name in sorted(row.maybe_cut & set(fields)):
        problems += _cut_kept(row, site, fields, name)
    return problems


def _location_kept(row: Row, site: HeritageSite, fields: dict, *, public_file: bool) -> str:
    """Why the row's point is not taken as the site's location, else ""."""
    keeps = _("the site keeps its exact location.")
    withheld = row.values.get("geometry_withheld")
    try:
        if withheld is not None and exchange.parse(exchange.column("geometry_withheld"), withheld):
            return _("withheld in this file (a public export): %(keeps)s") % {"keeps": keeps}
    except ValueError:
        pass
    generalisation = str(row.values.get("location_generalisation") or "").strip()
    if public_file and generalisation and generalisation != GENERALISATION["S0"]:
        message = _("this file is a public export, its point generalised (%(how)s): %(keeps)s")
        return message % {"how": generalisation, "keeps": keeps}
    point = fields.get("location")
    if point is None:
        missing = row.geometry_missing
        return _("no point in this row: %(keeps)s") % {"keeps": keeps} if missing else ""
    point = _lonlat(point)
    public = site.public_location
    if (
        site.sensitivity != HeritageSite.Sensitivity.OPEN
        and public is not None
        and point.equals_exact(public, SAME_PUBLIC_POINT)
        and not point.equals_exact(site.location, SAME_POINT)
    ):  # a public export whose columns were cut: the point is the public cell's centre
        message = _("is this site's public, generalised point (%(how)s): %(keeps)s")
        return message % {"how": GENERALISATION[site.sensitivity], "keeps": keeps}
    return ""


def _cut_kept(row: Row, site: HeritageSite, fields: dict, name: str) -> list[Problem]:
    """A Shapefile value as long as a DBF field holds (or an empty boundary), without
    truncated.csv: the record's longer value is kept if the cell is its start; a different
    value might be cut too, so it is refused rather than shortening the record."""
    if name == "boundary":
        if fields[name] is None and site.boundary is not None and _boundary_left_out(site):
            del fields[name]
            row.notes.append(Problem(row.number, name, _(
                "empty, as a Shapefile leaves out a boundary longer than %(max)d bytes: the"
                " site keeps its boundary."
            ) % {"max": exchange.SHAPEFILE_TEXT_MAX}))  # fmt: skip
        return []
    c = exchange.column(name)
    record = str(exchange.to_text(c, getattr(site, name)) or "")
    cell = str(row.values[name] or "").strip()
    if record == cell:
        return []
    size = len(cell.encode())
    if record.startswith(cell):
        del fields[name]
        row.notes.append(Problem(row.number, name, _(
            "%(bytes)d bytes, as much as a Shapefile field holds, and the start of the"
            " record's %(record)d bytes: the record's value is kept (no truncated.csv gave it"
            " whole)."
        ) % {"bytes": size, "record": len(record.encode())}))  # fmt: skip
        return []
    return [Problem(row.number, name, _(
        "is %(bytes)d bytes, as much as a Shapefile field holds: it may have been cut. Import"
        " Mura's zip with its truncated.csv, or a GeoPackage or CSV."
    ) % {"bytes": size})]  # fmt: skip


def _boundary_left_out(site: HeritageSite) -> bool:
    """Whether an export would have left the site's boundary out of a Shapefile (its WKT as
    PostGIS writes it, the export's own, is longer than a DBF field holds)."""
    wkt = HeritageSite.objects.filter(pk=site.pk).values_list(AsWKT("boundary"), flat=True)
    return len((wkt.first() or "").encode()) > exchange.SHAPEFILE_TEXT_MAX


def _lonlat(geometry: GEOSGeometry) -> GEOSGeometry:
    if geometry.srid in (None, WGS84):
        return geometry
    return geometry.transform(WGS84, clone=True)


def _lonlat_value(name: str, value: object) -> object:
    """A geometry in lon/lat (a boundary as a MultiPolygon), as the record holds it: what a
    change request stores is GeoJSON, which has no other coordinate system."""
    if name not in ("location", "boundary") or value is None:
        return value
    value = _lonlat(value)
    return MultiPolygon(value, srid=WGS84) if value.geom_type == "Polygon" else value


def _differs(site: HeritageSite, name: str, value: object) -> bool:
    current = getattr(site, name)
    if name == "location":
        return not value.equals_exact(current, SAME_POINT)
    if name == "boundary":
        if value is None or current is None:
            return value is not current
        return not value.equals_exact(current, SAME_BOUNDARY)
    if name == "typology":
        return getattr(current, "pk", None) != getattr(value, "pk", None)
    if isinstance(value, str):
        return (current or "") != value
    return current != value


def changes(site: HeritageSite, fields: dict) -> dict:
    """The fields whose values differ from the record's (geometries in lon/lat)."""
    fields = {name: _lonlat_value(name, value) for name, value in fields.items()}
    return {name: value for name, value in fields.items() if _differs(site, name, value)}


def unchanged(row: Row, site: HeritageSite) -> Problem:
    message = _("unchanged: %(reference)s already holds these values.")
    return Problem(row.number, key_column(row), message % {"reference": site.reference})


def version_note() -> Problem:
    return Problem(None, "version", _(
        "not in this file: each row was compared with its site as it is now, so an edit made"
        " since the file was exported is undone where the file differs (Mura's staff exports"
        " carry the version)."
    ))  # fmt: skip


def change_made(
    *, site: HeritageSite, fields: dict, row: Row, user: AbstractBaseUser | None, reason: str
) -> Change:
    """A change request for a published site; a draft edited. The version the row was read
    against is the one `refusal` accepted: a save in between is an EditConflict."""
    names = sorted(fields)
    if site.status == Status.PUBLISHED:
        site_fields_check(site=site, fields=fields)
        try:
            request = change_request_open(
                site=site, fields=fields, expected_version=site.version, by=user, reason=reason
            )
        except ValidationError as error:  # one open request at a time: name the row's site
            if hasattr(error, "error_dict"):
                raise
            raise ValidationError({key_column(row): error.messages}) from None
        return Change(row.number, site.reference, names, request=request.pk)
    site_update(site=site, expected_version=site.version, fields=fields, by=user, reason=reason)
    return Change(row.number, site.reference, names, draft=True)
