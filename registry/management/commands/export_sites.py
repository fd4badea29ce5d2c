"""`manage.py export_sites out.gpkg [--format gpkg] [--region KZ75 ...] [--public]`: every site
matching the API's filters, to a file. Exact geometry by default (an operator's command);
`--public` writes the public projection instead."""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rest_framework.exceptions import ValidationError

from registry.api.params import SiteFilterParams
from registry.search import sites_filter
from registry.selectors import site_list_exact_published, site_list_public
from registry.services import exports

FORMATS = ["gpkg", "geojson", "csv", "shp.zip"]


class Command(BaseCommand):
    help = "Export published sites (GeoPackage, GeoJSON, CSV or zipped Shapefile)."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path)
        parser.add_argument("--format", choices=FORMATS, default=None)
        parser.add_argument("--public", action="store_true", help="the public projection only")
        for name in ("region", "district", "category", "significance", "condition", "bbox", "q"):
            parser.add_argument(f"--{name}", action="append", default=[])

    def handle(self, *args, output: Path, format: str | None, public: bool, **options):
        fmt = format or next((f for f in FORMATS if output.name.endswith("." + f)), None)
        if fmt is None:
            raise CommandError(f"say --format, one of {', '.join(FORMATS)}")
        data = {k: v if k not in ("bbox", "q") else v[-1] for k, v in options.items()
                if k in SiteFilterParams().fields and v}  # fmt: skip
        params = SiteFilterParams(data=data, context={"staff": False})
        try:
            params.is_valid(raise_exception=True)
        except ValidationError as exc:
            raise CommandError(str(exc.detail)) from None
        sites = site_list_public() if public else site_list_exact_published()
        geometry = "public_location" if public else "location"
        sites = sites_filter(sites, params.site_query(), geometry=geometry)
        if fmt in ("geojson", "csv"):
            rows = exports.export_rows(sites, geometry=geometry, exact=not public)
            chunks = exports.geojson_chunks if fmt == "geojson" else exports.csv_chunks
            with output.open("w", encoding="utf-8", newline="") as f:
                for chunk in chunks(rows, exact=not public):
                    f.write(chunk)
        else:
            path, directory = exports.export_file(sites, fmt, geometry=geometry, exact=not public)
            shutil.move(path, output)
            shutil.rmtree(directory, ignore_errors=True)
        self.stdout.write(f"wrote {output}")
