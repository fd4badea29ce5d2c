"""Importing sites from a file (CSV, GeoJSON, GeoPackage, zipped Shapefile) as drafts, and
Mura's own exports back as changes to the sites they name.

Every new row goes through `site_create`, the same validation as the officer's form; a row
naming a registered site becomes a change request (published) or a draft edit (`site_update`),
as the form would make them. All inside one transaction: a real run writes every row or none;
a dry run does the same work and rolls back.
GDAL (pyogrio) only ever opens files in a temporary directory made here, under names made here,
after their first bytes showed the expected format (DESIGN §6); CSV is read by Python.

One job per module:
- `report`: what an import answers (the report, its problems, a refusal) and its limits;
- `columns`: the column names the importer accepts;
- `mapping`: a file's own column names mapped to those fields (suggested from names and
  values, given by the officer or `--map`), applied as the file is read;
- `saved`: mappings saved by source name, shared by the agency's officers;
- `acts`: a UNESCO id, a UNESCO inscription or a protection act (designations) from a row;
- `preview`: the page's first step, a file's columns and first rows, the upload kept for
  the second step under a signed token;
- `archive`: the upload copied under a cap into a temporary directory, a Shapefile unzipped;
- `readers`: CSV and GDAL readers yielding rows;
- `restore`: a Shapefile's cut values back whole from Mura's truncated.csv;
- `checks`: a row's fields, the policy on them, likely duplicates;
- `existing`: a row naming a registered site: may it change, what differs, the privacy guard;
- `run`: the transaction, all or nothing, and the report.
"""

from registry.services.imports.archive import FORMATS, import_format
from registry.services.imports.report import (
    Change,
    Duplicate,
    ImportRefused,
    ImportReport,
    Problem,
    max_form_rows,
    max_upload_bytes,
)
from registry.services.imports.run import sites_import

__all__ = [
    "FORMATS",
    "Change",
    "Duplicate",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "import_format",
    "max_form_rows",
    "max_upload_bytes",
    "sites_import",
]
