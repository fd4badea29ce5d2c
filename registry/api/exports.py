"""GET /api/v1/exports/sites.<geojson|csv|gpkg|shp.zip>: the list's filters, every row."""

import shutil
from collections.abc import Iterator
from pathlib import Path

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from registry.api import params as p
from registry.api.access import log_exact_read
from registry.api.base import ERRORS, ApiView
from registry.api.throttles import ExportRateThrottle, RoleRateThrottle
from registry.search import sites_filter
from registry.services import exports

CONTENT_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "gpkg": "application/geopackage+sqlite3",
    "shp.zip": "application/zip",
}


def _file_chunks(path: Path, directory: Path, size: int = 1 << 16) -> Iterator[bytes]:
    """A temporary export's bytes; the directory goes once they are sent (or abandoned)."""
    try:
        with path.open("rb") as f:
            while chunk := f.read(size):
                yield chunk
    finally:
        shutil.rmtree(directory, ignore_errors=True)


class SiteExportApi(ApiView):
    throttle_classes = [RoleRateThrottle, ExportRateThrottle]
    allowed_params = frozenset(p.SiteFilterParams().fields)

    @extend_schema(
        operation_id="sites_export",
        parameters=[
            p.SiteFilterParams,
            OpenApiParameter("fmt", str, "path", enum=list(CONTENT_TYPES)),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
        description="Every site matching the filters; the public gets the public projection.",
    )
    def get(self, request, fmt):
        door = self.door()
        params = self.params(p.SiteFilterParams)
        sites = sites_filter(door.sites, params.site_query(), geometry=door.geometry)
        if door.exact:
            log_exact_read(request.user, f"export {fmt}")
        filename = f"mura-sites.{fmt}"
        if fmt in ("geojson", "csv"):
            chunks = exports.geojson_chunks if fmt == "geojson" else exports.csv_chunks
            audience = {"exact": door.exact, "staff": door.staff}
            rows = exports.export_rows(sites, geometry=door.geometry, **audience)
            response = StreamingHttpResponse(
                chunks(rows, **audience), content_type=CONTENT_TYPES[fmt]
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        path, directory = exports.export_file(
            sites, fmt, geometry=door.geometry, exact=door.exact, staff=door.staff
        )
        response = StreamingHttpResponse(
            _file_chunks(path, directory), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Content-Length"] = str(path.stat().st_size)
        return response
