"""The columns the importer reads, and every name a file may give them.

Names come from the one definition of a site's exchange columns (registry/exchange.py), so
Mura's own exports (full names, Shapefile short names, older cut names) import back under the
same names. Of those columns the importer reads the ones in `KNOWN_COLUMNS` today; the others
(registry number, draft reference, other names, ids, dates, boundary) are reported as not
imported, never dropped silently. Columns Mura computes (region, district, generalisation) are
passed over without a note.
"""

from registry import exchange
from registry.services.imports import acts

TEXT_COLUMNS = ["name_kk", "name_ru", "name_en", "description_kk", "description_ru"]
TEXT_COLUMNS += ["description_en", "category", "significance", "period", "condition"]
TEXT_COLUMNS += ["sensitivity", "dating_note"]
YEAR_COLUMNS = ["date_from", "date_to"]
GEOMETRY_COLUMNS = {"lon", "lat", "wkt", "srid"}
NAME_COLUMNS = ("name_kk", "name_ru", "name_en")
# Every accepted name (lower case) -> the field: full names, Shapefile (DBF, <= 10 characters)
# short names and older cut names ("significan").
ALIASES = exchange.import_names()
KNOWN_COLUMNS = {*TEXT_COLUMNS, *YEAR_COLUMNS, "typology", *GEOMETRY_COLUMNS}
KNOWN_COLUMNS |= {*acts.ID_COLUMNS, *acts.TARGETS}  # UNESCO and Wikidata ids, designations
# In a file, computed by Mura: passed over without a note.
PASSED_OVER = exchange.derived_names() | set(exchange.FORMAT_NAMES)
