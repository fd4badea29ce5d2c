"""Importing sites from a file (CSV, GeoJSON, GeoPackage, zipped Shapefile) as drafts.

Every row goes through `site_create`, the same validation as the officer's form, inside one
transaction: a real run writes every row or none; a dry run does the same work and rolls back.
GDAL (pyogrio) only ever opens files in a temporary directory made here, under names made here,
after their first bytes showed the expected format (DESIGN §6); CSV is read by Python.
"""

import csv
import io
import math
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geometry import wkt_regex
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Greatest

from registry.geometry import ALLOWED_SRIDS, WGS84
from registry.models import HeritageSite, Typology
from registry.roles import is_administrator, regions_of
from registry.services.areas import areas_for_location
from registry.services.sites import site_create

MB = 1024 * 1024
FORMATS = {".csv": "csv", ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg"}
FORMATS |= {".zip": "shp.zip"}
DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shp.zip": "ESRI Shapefile"}
TEXT_COLUMNS = ["name_kk", "name_ru", "name_en", "description_kk", "description_ru"]
TEXT_COLUMNS += ["description_en", "category", "significance", "period", "condition"]
TEXT_COLUMNS += ["sensitivity", "dating_note"]
YEAR_COLUMNS = ["date_from", "date_to"]
GEOMETRY_COLUMNS = {"lon", "lat", "wkt", "srid"}
# Shapefile (DBF) names are at most 10 characters.
ALIASES = {"significan": "significance", "sensitivit": "sensitivity", "dating_not": "dating_note"}
ALIASES |= {f"desc_{lang}": f"description_{lang}" for lang in ("kk", "ru", "en")}
KNOWN_COLUMNS = {*TEXT_COLUMNS, *YEAR_COLUMNS, "typology", *GEOMETRY_COLUMNS}
DUPLICATE_RADIUS_M = 500
DUPLICATE_SIMILARITY = 0.4
NAME_COLUMNS = ("name_kk", "name_ru", "name_en")
TEMP_PREFIX = "mura-import-"  # + the process id: see _leftovers_remove


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return _limit("MURA_IMPORT_MAX_BYTES", 20 * MB)


def max_form_rows() -> int:
    """Rows the (synchronous) form takes: about 10-20 rows/s go through `site_create`."""
    return _limit("MURA_IMPORT_FORM_MAX_ROWS", 2000)


class ImportRefused(Exception):
    """The file as a whole cannot be read (format, size, unsafe archive): no row was looked at."""


@dataclass
class Problem:
    row: int | None  # 1 = the first record (after a CSV header); None = the whole file
    field: str
    message: str


@dataclass
class Duplicate:
    row: int
    name: str
    reference: str  # the existing site's registry number, else its draft reference
    existing_name: str
    distance_m: float
    similarity: float


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
class _Row:
    number: int
    values: dict
    geometry: GEOSGeometry | None = None
    geometry_problem: str = ""


# Reading ------------------------------------------------------------------------------------


def import_format(*, filename: str) -> str:
    """The format, from the suffix of the name the file came with (only ever used to choose)."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix not in FORMATS:
        raise ImportRefused(f"unsupported file type {suffix or '(none)'}; send one of " + ", ".join(
            sorted(FORMATS)))  # fmt: skip
    return FORMATS[suffix]


def _copy_capped(source: BinaryIO, target: Path, *, cap: int, what: str) -> int:
    written = 0
    with target.open("wb") as out:
        while chunk := source.read(MB):
            written += len(chunk)
            if written > cap:
                raise ImportRefused(f"{what} is larger than {cap // MB} MB.")
            out.write(chunk)
    return written


def _unzip(archive: Path, directory: Path) -> Path:
    """The one .shp of a zipped Shapefile, extracted by us: no absolute paths, no `..`, no links,
    a capped member count and total size (counted as written, not as the archive claims)."""
    max_members, cap = (
        _limit("MURA_IMPORT_ZIP_MEMBERS", 32),
        _limit("MURA_IMPORT_ZIP_BYTES", 200 * MB),
    )
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportRefused(f"not a readable zip archive ({error}).") from None
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > max_members:
            raise ImportRefused(f"the archive has {len(members)} files; at most {max_members}.")
        if sum(m.file_size for m in members) > cap:
            raise ImportRefused(f"the archive unpacks to more than {cap // MB} MB.")
        target = directory / "shp"
        target.mkdir()
        shps, total = [], 0
        for member in members:
            name = member.filename.replace("\\", "/")
            path = PurePosixPath(name)
            is_link = (member.external_attr >> 28) == 0xA
            if path.is_absolute() or ".." in path.parts or ":" in name or is_link:
                raise ImportRefused(f"unsafe path in the archive: {name!r}.")
            suffix = path.suffix.lower()
            if not suffix or path.parts[0] == "__MACOSX" or path.name.startswith("._"):
                continue
            # Our own flat name; the member's name never becomes a path.
            local = target / f"{_flat_name(path)}{suffix}"
            if suffix == ".shp":
                shps.append(local)
            try:
                with zf.open(member) as source:
                    total += _copy_capped(source, local, cap=cap - total, what="the archive")
            except (RuntimeError, NotImplementedError, zipfile.BadZipFile, EOFError) as error:
                raise ImportRefused(f"cannot unpack {name!r} ({error}).") from None
        if len(shps) != 1:
            raise ImportRefused(f"the archive must hold exactly one .shp file, not {len(shps)}.")
        return shps[0]


def _flat_name(path: PurePosixPath) -> str:
    """A safe local stem for a member: the stem's characters we allow, else `layer`."""
    stem = "".join(c for c in path.with_suffix("").name if c.isalnum() or c in "-_")[:60]
    return stem or "layer"


MAGIC = {
    # SQLite, with the GeoPackage application id in its header (a plain SQLite file is not one).
    "gpkg": lambda head: (
        head.startswith(b"SQLite format 3\x00") and head[68:72] in (b"GPKG", b"GP10", b"GP11")
    ),
    "geojson": lambda head: head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"),
    "shp.zip": lambda head: head[:4] == b"\x00\x00\x27\x0a",
}


def _epsg(crs: str | None) -> int:
    if not crs:
        return WGS84  # GeoJSON, or a Shapefile without .prj: lon/lat
    code = crs.removeprefix("EPSG:")
    if not code.isdigit() or int(code) not in ALLOWED_SRIDS:
        raise ImportRefused(
            f"coordinate system {crs} is not accepted; use EPSG:4326 or a UTM zone."
        )
    return int(code)


def _plain(value: object) -> object:
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _read_gis(path: Path, fmt: str) -> tuple[list[str], int, Iterator[_Row]]:
    with path.open("rb") as f:
        if not MAGIC[fmt](f.read(100)):
            raise ImportRefused(f"the file is not a {DRIVERS[fmt]} file.")
    import pyogrio  # here, not at the top: a web worker that never imports starts 13 MB smaller

    gdal_errors = (
        pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.CRSError,
        pyogrio.errors.FeatureError, pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
    )  # fmt: skip
    try:
        info = pyogrio.read_info(path)
        if info.get("driver") != DRIVERS[fmt] or not info.get("geometry_type"):
            raise ImportRefused(f"the file is not a {DRIVERS[fmt]} layer with geometries.")
        srid = _epsg(info.get("crs"))
        meta, _fids, geometries, data = pyogrio.raw.read(path, force_2d=True)
    except gdal_errors as error:
        raise ImportRefused(f"the file cannot be read as {DRIVERS[fmt]} ({error}).") from None
    columns = [ALIASES.get(str(name).lower(), str(name)) for name in meta["fields"]]
    count = len(geometries)

    def rows() -> Iterator[_Row]:
        for index, wkb in enumerate(geometries):
            row = _Row(index + 1, {c: _plain(data[i][index]) for i, c in enumerate(columns)})
            if wkb is None:
                row.geometry_problem = "is missing."
            else:
                row.geometry = GEOSGeometry(memoryview(wkb), srid=srid)
            yield row

    return columns, count, rows()


def _csv_geometry(row: _Row) -> None:
    values = row.values
    try:
        srid = int(values.get("srid") or WGS84)
    except ValueError:
        row.geometry_problem = "srid must be an EPSG number."
        return
    if srid not in ALLOWED_SRIDS:
        row.geometry_problem = f"coordinate system EPSG:{srid} is not accepted."
        return
    wkt = (values.get("wkt") or "").strip()
    try:
        if wkt:
            if not wkt_regex.match(wkt):
                row.geometry_problem = "is not WKT (e.g. POINT (68.27 43.30))."
                return
            row.geometry = GEOSGeometry(wkt, srid=srid)
        elif (values.get("lon") or "").strip() or (values.get("lat") or "").strip():
            row.geometry = Point(float(values["lon"]), float(values["lat"]), srid=srid)
        else:
            row.geometry_problem = "is missing (give lon and lat, or wkt)."
    except (ValueError, TypeError, GEOSException):
        row.geometry_problem = "lon and lat must be numbers; wkt must be valid WKT."


def _read_csv(path: Path) -> tuple[list[str], int, Iterator[_Row]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("a CSV file must be UTF-8.") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    columns = [ALIASES.get(c.strip().lower(), c.strip()) for c in reader.fieldnames or []]
    if not ({"lon", "lat"} <= set(columns) or "wkt" in columns):
        raise ImportRefused("a CSV file needs lon and lat columns, or a wkt column.")
    reader.fieldnames = columns
    count = sum(1 for _ in csv.reader(io.StringIO(text, newline=""), dialect=dialect)) - 1

    def rows() -> Iterator[_Row]:
        records = enumerate(reader)
        while True:
            try:
                index, record = next(records)
            except StopIteration:
                return
            except csv.Error as error:
                raise ImportRefused(f"CSV error after record {reader.line_num}: {error}.") from None
            row = _Row(index + 1, {k: v for k, v in record.items() if k is not None})
            _csv_geometry(row)
            yield row

    return columns, count, rows()


# Turning a row into a site -------------------------------------------------------------------


def _fields(row: _Row, typologies: dict[str, Typology]) -> tuple[dict, list[Problem]]:
    values, problems = row.values, []
    fields = {c: str(values.get(c) or "").strip() for c in TEXT_COLUMNS if c in values}
    fields = {c: v for c, v in fields.items() if v or c.startswith("name_")}
    for column, value in fields.items():
        if "\x00" in value:
            problems.append(Problem(row.number, column, "contains a NUL character."))
    if not fields.get("name_kk"):
        problems.append(Problem(row.number, "name_kk", "is required."))
    problems += _years(values, fields, row.number)
    if code := str(values.get("typology") or "").strip():
        if code in typologies:
            fields["typology"] = typologies[code]
        else:
            problems.append(Problem(row.number, "typology", f"unknown typology code {code!r}."))
    if row.geometry_problem:
        problems.append(Problem(row.number, "location", row.geometry_problem))
    elif row.geometry is not None:
        geometry = row.geometry
        if geometry.geom_type == "MultiPoint" and len(geometry) == 1:
            geometry = geometry[0]
        fields["location"] = geometry
    return fields, problems


def _years(values: dict, fields: dict, row: int) -> list[Problem]:
    problems = []
    for column in YEAR_COLUMNS:
        raw = values.get(column)
        if raw is None or str(raw).strip() == "":
            continue
        try:
            year = float(raw)
            if not year.is_integer():
                raise ValueError
            fields[column] = int(year)
        except (ValueError, OverflowError):
            problems.append(Problem(row, column, "must be a whole year (BCE negative)."))
    return problems


def _sensitivity(fields: dict, row: int) -> Problem | None:
    """New archaeological sites start at S2 until a reviewer decides (DESIGN §2)."""
    given = fields.get("sensitivity", "")
    if fields.get("category") == HeritageSite.Category.ARCHAEOLOGY and given in ("", "S0", "S1"):
        fields["sensitivity"] = HeritageSite.Sensitivity.HIGH
        if given:
            return Problem(row, "sensitivity", f"{given} raised to S2: archaeology starts at S2.")
    return None


def _errors(error: ValidationError, row: int) -> list[Problem]:
    if hasattr(error, "error_dict"):
        return [Problem(row, name, " ".join(messages))
                for name, messages in error.message_dict.items()]  # fmt: skip
    return [Problem(row, "", " ".join(error.messages))]


def _duplicates(site: HeritageSite, row: int) -> list[Duplicate]:
    """Existing sites within 500 m (geodesic) whose name is similar in any language."""
    point = site.location
    dlat = DUPLICATE_RADIUS_M / 110_000
    dlon = dlat / max(math.cos(math.radians(point.y)), 0.1)
    box = Polygon.from_bbox((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))
    box.srid = WGS84
    names = [n for n in (getattr(site, c) for c in NAME_COLUMNS) if n]
    similarity = Greatest(
        *(TrigramSimilarity(column, name) for column in NAME_COLUMNS for name in names), 0.0
    )
    near = (
        HeritageSite.objects.exclude(pk=site.pk)
        .filter(location__bboverlaps=box, location__distance_lte=(point, D(m=DUPLICATE_RADIUS_M)))
        .annotate(similarity=similarity, distance=Distance("location", point))
        .filter(similarity__gte=DUPLICATE_SIMILARITY)
        .order_by("-similarity")[:5]
    )
    return [
        Duplicate(row, site.name_kk, other.reference, other.name_kk or other.name,
                  round(other.distance.m, 1), round(other.similarity, 2))
        for other in near
    ]  # fmt: skip


class _Importer:
    def __init__(self, *, user: AbstractBaseUser | None, report: ImportReport, source: str):
        self.user, self.report, self.source = user, report, source
        self.everywhere = user is None or is_administrator(user)
        self.regions = set() if self.everywhere else set(regions_of(user))
        self.typologies = {t.code: t for t in Typology.objects.all()}

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
            Problem(row, "location", f"lies in {region}, outside your regions.")
        )
        return False

    def row(self, row: _Row) -> None:
        fields, problems = _fields(row, self.typologies)
        if problems:
            self.report.problems.extend(problems)
            return
        if note := _sensitivity(fields, row.number):
            self.report.notes.append(note)
        if not self._in_regions(fields, row.number):
            return
        try:
            with transaction.atomic():
                site = site_create(
                    fields=fields, created_by=self.user, reason=f"imported from {self.source}"
                )
        except ValidationError as error:
            self.report.problems.extend(_errors(error, row.number))
            return
        except (GEOSException, GDALException) as error:
            self.report.problems.append(Problem(row.number, "location", f"unusable: {error}."))
            return
        self.report.duplicates.extend(_duplicates(site, row.number))
        self.report.created.append(site.draft_reference)  # a draft: no registry number yet


class _Rollback(Exception):
    pass


def _read(path: Path, fmt: str, directory: Path) -> tuple[list[str], int, Iterator[_Row]]:
    if fmt == "csv":
        return _read_csv(path)
    if fmt == "shp.zip":
        return _read_gis(_unzip(path, directory), fmt)
    return _read_gis(path, fmt)


def _leftovers_remove() -> None:
    """Delete the temporary directories of imports whose process is gone: one killed midway
    (SIGKILL, the OOM killer, a worker timeout) cannot clean up after itself, while PostgreSQL
    rolls its transaction back. Assumes the temporary directory is not shared between
    machines or containers (their process ids would not be ours to check)."""
    for path in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*-*"):
        pid = path.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


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
) -> ImportReport:
    """Import the sites of `upload` (a binary stream) as drafts by `user`, all or nothing.

    `filename` only chooses the format by its suffix; `max_rows` caps the rows (the form).
    `user` None is the operator (every region).
    Whole-file problems raise ImportRefused; row problems are in the report, and then nothing
    is written. `progress(rows_done, rows_per_second)` is called every `progress_every` rows.
    """
    fmt = import_format(filename=filename)
    report = ImportReport(dry_run=dry_run)
    _leftovers_remove()
    directory = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    try:
        path = directory / f"upload{'.zip' if fmt == 'shp.zip' else '.' + fmt}"
        cap = max_upload_bytes() if max_bytes is None else max_bytes
        _copy_capped(upload, path, cap=cap, what="the file")
        columns, count, rows = _read(path, fmt, directory)
        if max_rows is not None and count > max_rows:
            raise ImportRefused(
                f"the file has {count} rows; at most {max_rows} here (split it, or ask an"
                " administrator to run `manage.py import_sites`)."
            )
        unknown = [c for c in columns if c not in KNOWN_COLUMNS]
        report.notes += [Problem(None, c, "unknown column; ignored.") for c in unknown]
        try:
            with transaction.atomic():
                source = PurePosixPath(filename).name[:100]
                importer = _Importer(user=user, report=report, source=source)
                _import_rows(rows, report, importer, progress, progress_every)
                if dry_run or report.problems:
                    raise _Rollback
        except _Rollback:
            report.accepted, report.created = len(report.created), []
        else:
            report.accepted = len(report.created)
        return report
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _import_rows(rows, report, importer, progress, every) -> None:
    started = time.monotonic()
    for row in rows:
        importer.row(row)
        report.rows += 1
        if progress and report.rows % every == 0:
            progress(report.rows, report.rows / max(time.monotonic() - started, 1e-6))
    if report.rows == 0:
        report.problems.append(Problem(None, "", "the file has no rows."))
