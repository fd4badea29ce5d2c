"""`manage.py export_sites out.gpkg [--format gpkg] [--region KZ75 ...] [--public]`: every site
matching the API's filters, to a file. Exact geometry by default (an operator's command);
`--public` writes the public projection instead. An existing directory as `output` gets a file
named by what was filtered (`mura-sites-almaty-region-archaeology-2026-12-05.gpkg`, as the API
names its downloads); `--format` then says the format (default gpkg)."""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.query import MANY, QueryError, site_query_parse, spec_of
from registry.search import sites_filter
from registry.selectors import site_list_exact_published, site_list_public
from registry.services import exports
from registry.services.exports.names import export_filename

FORMATS = ["gpkg", "geojson", "csv", "shp.zip"]
# The API's filters (registry/query.py) this command offers, parsed by the same parser.
FILTERS = spec_of("region", "district", "category", "significance", "condition", "bbox", "q")


class Command(BaseCommand):
    help = "Export published sites (GeoPackage, GeoJSON, CSV or zipped Shapefile)."
    # No system checks before the export: they load every URLconf, view and admin (25 MB and
    # 0.6 s before a row, bench/export.py), which an export does not use; `manage.py check`
    # runs them at deployment.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path)
        parser.add_argument("--format", choices=FORMATS, default=None)
        parser.add_argument("--public", action="store_true", help="the public projection only")
        for param in FILTERS:
            parser.add_argument(f"--{param.name}", action="append", default=[], help=param.help)

    def handle(self, *args, output: Path, format: str | None, public: bool, **options):
        if output.is_dir():
            format = format or "gpkg"
        fmt = format or next((f for f in FORMATS if output.name.endswith("." + f)), None)
        if fmt is None:
            raise CommandError(f"say --format, one of {', '.join(FORMATS)}")
        data = {p.name: options[p.name] if p.kind in MANY else options[p.name][-1]
                for p in FILTERS if options[p.name]}  # fmt: skip
        try:
            query = site_query_parse(data, spec=FILTERS)
        except QueryError as exc:
            problems = "; ".join(f"--{k}: {' '.join(v)}" for k, v in exc.errors.items())
            raise CommandError(problems) from None
        if output.is_dir():
            output = output / export_filename(lambda name: options.get(name) or [], fmt)[0]
        sites = site_list_public() if public else site_list_exact_published()
        geometry = "public_location" if public else "location"
        sites = sites_filter(sites, query, geometry=geometry)
        try:
            self.export(sites, fmt, output, geometry=geometry, exact=not public)
        except (exports.ExportNoRoom, OSError) as exc:
            if isinstance(exc, OSError) and not exports.no_room(exc):
                raise
            raise CommandError(f"{output} not written: no room on the disk ({exc}).") from exc
        self.stdout.write(f"wrote {output}")

    def export(self, sites, fmt: str, output: Path, *, geometry: str, exact: bool) -> None:
        if fmt in ("geojson", "csv"):
            chunks = exports.geojson_chunks if fmt == "geojson" else exports.csv_chunks
            with output.open("w", encoding="utf-8", newline="") as f:
                for chunk in chunks(sites, geometry=geometry, exact=exact):
                    f.write(chunk)
        else:
            path, directory = exports.export_file(sites, fmt, geometry=geometry, exact=exact)
            try:
                shutil.move(path, output)
            finally:
                shutil.rmtree(directory, ignore_errors=True)
