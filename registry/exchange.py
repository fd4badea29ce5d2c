"""A site's exchange columns: what exports write and what the importer reads back, defined
once, so a round trip (export, edit, import) cannot drift.

Each column has the Mura field it holds, its name in exports, its Shapefile name (a DBF field
name has at most 10 characters), its type, who may receive it, and what the importer does with
it. Exports write the columns of an audience in this order; the importer accepts every full
name, short name and alias (`import_names`) and passes over Mura's derived columns silently.

Every format carries a value the same way (`to_text` for the flat ones): a boundary as WKT in
EPSG:4326, other names as one text ("; " between names, a JSON list if a name holds ";"), a
date as ISO 8601, a yes/no as true/false.
"""

import datetime
import json
from dataclasses import dataclass
from enum import IntEnum

# Column types.
TEXT, INT, DATE, BOOL, CHOICE, GEOMETRY, ARRAY = (
    "text", "int", "date", "bool", "choice", "geometry", "array",
)  # fmt: skip

# What the importer does with a column.
FIELD = "field"  # sets the site's field
KEY = "key"  # names an existing site (registry number, draft reference)
# The record's version when it was exported: a row from an older version is refused, so a
# file cannot undo an edit made since (optimistic locking, as the site form).
VERSION = "version"
DERIVED = "derived"  # computed by Mura (region, status...): accepted in a file, never read


class Access(IntEnum):
    """Who receives a column in exports (each door gets its own and those below)."""

    PUBLIC = 0  # everyone: the public projection
    EXACT = 1  # full records: regional staff and holders of an exact-location grant
    STAFF = 2  # regional staff only (a draft reference counts unpublished work; a version
    # is what a re-import checks)


@dataclass(frozen=True)
class Column:
    field: str  # the Mura field (or a derived value's name)
    name: str  # the column's name in exports (CSV header, GeoJSON property, GeoPackage field)
    short: str  # its Shapefile (DBF) name, at most 10 characters
    type: str
    access: Access
    on_import: str = FIELD
    path: str = ""  # the queryset path exports read, if not `field` (None: computed in Python)
    aliases: tuple[str, ...] = ()  # other names the importer accepts
    # Carried by the API's list features too (registry/features.py), for the same audience.
    listed: bool = False

    @property
    def query_path(self) -> str:
        return self.path or self.field


PUBLIC, EXACT, STAFF = Access.PUBLIC, Access.EXACT, Access.STAFF

# fmt: off
COLUMNS: tuple[Column, ...] = (
    Column("registry_number", "registry_number", "reg_number", TEXT, PUBLIC, KEY, listed=True),
    Column("name_kk", "name_kk", "name_kk", TEXT, PUBLIC, listed=True),
    Column("name_ru", "name_ru", "name_ru", TEXT, PUBLIC, listed=True),
    Column("name_en", "name_en", "name_en", TEXT, PUBLIC, listed=True),
    Column("category", "category", "category", CHOICE, PUBLIC, listed=True),
    Column("typology", "typology", "typology", CHOICE, PUBLIC, path="typology__code", listed=True),
    Column("significance", "significance", "signif", CHOICE, PUBLIC, aliases=("significan",),
           listed=True),
    Column("period", "period", "period", CHOICE, PUBLIC, listed=True),
    Column("date_from", "date_from", "date_from", INT, PUBLIC, listed=True),
    Column("date_to", "date_to", "date_to", INT, PUBLIC, listed=True),
    Column("condition", "condition", "condition", CHOICE, PUBLIC, listed=True),
    Column("sensitivity", "sensitivity", "sensitiv", CHOICE, PUBLIC, aliases=("sensitivit",),
           listed=True),
    Column("region", "region", "region", TEXT, PUBLIC, DERIVED, path="region__code", listed=True),
    Column("district", "district", "district", TEXT, PUBLIC, DERIVED, path="district__code",
           listed=True),
    # Full records: what a round trip needs beyond the public list's columns.
    Column("alt_names", "alt_names", "alt_names", ARRAY, EXACT),
    Column("description_kk", "description_kk", "desc_kk", TEXT, EXACT),
    Column("description_ru", "description_ru", "desc_ru", TEXT, EXACT),
    Column("description_en", "description_en", "desc_en", TEXT, EXACT),
    Column("dating_note", "dating_note", "dating_not", TEXT, EXACT),
    Column("condition_assessed_on", "condition_assessed_on", "cond_date", DATE, EXACT),
    Column("location_approximate", "location_approximate", "loc_approx", BOOL, EXACT, listed=True),
    Column("unesco_id", "unesco_id", "unesco_id", INT, EXACT),
    Column("wikidata_id", "wikidata_id", "wikidata", TEXT, EXACT),
    Column("boundary", "boundary", "boundary", GEOMETRY, EXACT, path="export_boundary"),
    Column("status", "status", "status", CHOICE, EXACT, DERIVED, listed=True),
    Column("draft_reference", "draft_reference", "draft_ref", TEXT, STAFF, KEY, listed=True),
    Column("version", "version", "version", INT, STAFF, VERSION),
    # Computed for every row (not read from the database).
    Column("location_generalisation", "location_generalisation", "generalis", TEXT, PUBLIC,
           DERIVED, listed=True),
    Column("geometry_withheld", "geometry_withheld", "geom_wthld", BOOL, PUBLIC, DERIVED),
)
# fmt: on
COMPUTED = ("location_generalisation", "geometry_withheld")
# CSV only: beside each of these codes, its label in the request's language (`category` then
# `category_label`), for a person reading the file. Labels are Mura's words, never read back:
# the importer passes them over (the code is what it reads), so an edited label changes nothing.
LABELLED = (
    "category", "typology", "significance", "period", "condition", "sensitivity", "region",
    "district", "status",
)  # fmt: skip
LABEL_SUFFIX = "_label"
# The point: lon/lat (CSV; the other formats carry it as their geometry), or wkt with srid.
GEOMETRY_NAMES = ("lon", "lat", "wkt", "srid")
# A GeoJSON feature's "id" (the registry number, else the draft reference), which GDAL reads
# as a column of its own: known, never read.
FORMAT_NAMES = ("id",)
SHAPEFILE_NAME_MAX = 10
# The longest text a DBF field holds (bytes, UTF-8); longer values are reported in the export.
SHAPEFILE_TEXT_MAX = 254
ARRAY_SEPARATOR = "; "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TRUE, FALSE = ("true", "1", "yes", "да", "иә"), ("false", "0", "no", "нет", "жоқ")


def columns_for(*, exact: bool, staff: bool = False) -> list[Column]:
    """The columns an audience receives, in order (`staff` implies full records)."""
    access = STAFF if staff else EXACT if exact else PUBLIC
    return [c for c in COLUMNS if c.access <= access]


def label_name(name: str) -> str:
    return name + LABEL_SUFFIX


def csv_names(columns: list[Column]) -> list[str]:
    """A CSV's column names: each column, a labelled one followed by its label column."""
    names = []
    for c in columns:
        names.append(c.name)
        if c.name in LABELLED:
            names.append(label_name(c.name))
    return names


def column(name: str) -> Column:
    return next(c for c in COLUMNS if c.name == name)


def import_names() -> dict[str, str]:
    """Every name the importer accepts for a column it reads (lower case: full, Shapefile and
    alias names) -> the Mura field. Derived columns are not here: see `derived_names`."""
    names = {}
    for c in COLUMNS:
        if c.on_import != DERIVED:
            for name in (c.name, c.short, *c.aliases):
                names[name.lower()] = c.field
    return names


def derived_names() -> set[str]:
    """Names of columns Mura computes (CSV's labels too): a file may carry them (its own exports
    do), the importer passes over them without a note."""
    derived = {n.lower() for c in COLUMNS if c.on_import == DERIVED for n in (c.name, c.short)}
    return derived | {label_name(name) for name in LABELLED}


def known_names() -> set[str]:
    """Every column name an import takes without calling it unknown."""
    return set(import_names()) | derived_names() | set(GEOMETRY_NAMES) | set(FORMAT_NAMES)


def array_text(values: list[str] | None) -> str:
    """Names as one text: "; " between them, or a JSON list if a name holds a ";"."""
    values = values or []
    if any(";" in v for v in values):
        return json.dumps(values, ensure_ascii=False)
    return ARRAY_SEPARATOR.join(values)


def array_parse(text: str | None) -> list[str]:
    """`array_text` read back (a JSON list, or names between ";")."""
    text = (text or "").strip()
    if text.startswith("["):
        values = json.loads(text)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError("must be a list of names.")
        return [v.strip() for v in values if v.strip()]
    return [v.strip() for v in text.split(";") if v.strip()]


def to_text(c: Column, value: object) -> object:
    """A value as the flat formats (CSV; text fields elsewhere) carry it."""
    if value is None:
        return None
    if c.type == ARRAY:
        return array_text(value)
    if c.type == BOOL:
        return "true" if value else "false"
    if c.type == DATE:
        return value.isoformat()
    return value


def parse(c: Column, raw: object, *, from_csv: bool = False) -> object:
    """A value of column `c` as a file carries it (text from CSV; typed values from the GIS
    formats) -> the field's value; None when empty (an empty list for other names); a
    boundary stays WKT text for the importer's geometry checks. ValueError says what is wrong.
    `from_csv`: undo the quote a CSV export puts before a formula-looking text."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return [] if c.type == ARRAY else None
    if isinstance(raw, str):
        raw = unneutralise(raw.strip()) if from_csv else raw.strip()
    return PARSERS.get(c.type, str)(raw)


def _int(raw: object) -> int:
    number = float(raw)  # "1389", "1389.0" (a spreadsheet's), 1389
    if not number.is_integer():
        raise ValueError("must be a whole number.")
    return int(number)


def _date(raw: object) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    return datetime.date.fromisoformat(str(raw))  # ValueError: not YYYY-MM-DD


def _bool(raw: object) -> bool:
    if isinstance(raw, bool | int):
        return bool(raw)
    text = str(raw).lower()
    if text not in TRUE + FALSE:
        raise ValueError("must be true or false.")
    return text in TRUE


PARSERS = {INT: _int, DATE: _date, BOOL: _bool, ARRAY: lambda raw: array_parse(str(raw))}


def neutralise(value: object) -> object:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """`neutralise` undone, for a CSV read back: a quote before a formula character goes."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def shapefile_cut(value: str, limit: int = SHAPEFILE_TEXT_MAX) -> str | None:
    """`value` cut to `limit` UTF-8 bytes at a character boundary, or None if it fits."""
    encoded = value.encode()
    if len(encoded) <= limit:
        return None
    return encoded[:limit].decode(errors="ignore")
