"""The columns the importer reads, and every name a file may give them.

Names come from the one definition of a site's exchange columns (registry/exchange.py), so
Mura's own exports (full names, Shapefile short names, older cut names) import back under the
same names. Every column the importer reads is there: its fields (`FIELDS`, each value read by
`exchange.parse`), the keys that name an existing site and the version it was exported at.
Columns Mura computes (region, district, generalisation) are passed over without a note, but
a row keeps them under their full names: the privacy guard reads the generalisation.
"""

from registry import exchange
from registry.services.imports import acts

YEAR_COLUMNS = ["date_from", "date_to"]
GEOMETRY_COLUMNS = set(exchange.GEOMETRY_NAMES)  # lon, lat (CSV), or wkt with srid
NAME_COLUMNS = ("name_kk", "name_ru", "name_en")
# The columns that set a site's field, each read through `exchange.parse`.
FIELDS = [c for c in exchange.COLUMNS if c.on_import == exchange.FIELD]
# Every accepted name (lower case) -> the field: full names, Shapefile (DBF, <= 10 characters)
# short names and older cut names ("significan").
ALIASES = exchange.import_names()
# The same, with Mura's computed columns under their full names too (a Shapefile's "generalis"
# is read as "location_generalisation").
NAMES = ALIASES | {
    name.lower(): c.name
    for c in exchange.COLUMNS
    if c.on_import == exchange.DERIVED
    for name in (c.name, c.short)
}
KNOWN_COLUMNS = {*ALIASES.values(), *GEOMETRY_COLUMNS, *acts.TARGETS}  # designations too
# In a file, computed by Mura: passed over without a note.
PASSED_OVER = exchange.derived_names() | set(exchange.FORMAT_NAMES)
# Columns only a full record carries: a file with none of them, but with Mura's generalisation
# column, is a public export, whose points are the public projection.
FULL_RECORD = {c.name for c in exchange.COLUMNS if c.access > exchange.PUBLIC}
