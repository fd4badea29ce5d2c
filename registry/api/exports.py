"""GET /api/v1/exports/sites.<geojson|csv|gpkg|shp.zip>: the list's filters, every row."""

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from registry.access import log_exact_read
from registry.api.base import ERROR, ERRORS, ApiView
from registry.api.params import openapi_parameters
from registry.api.throttles import ExportRateThrottle, RoleRateThrottle
from registry.errors import error_response
from registry.query import QUERY_FILTERS, names_of
from registry.search import sites_filter
from registry.services import exports
from registry.services.exports.names import content_disposition

logger = logging.getLogger(__name__)
# 507 Insufficient Storage: the server could not store what the request needs (RFC 4918).
NO_ROOM_STATUS = 507
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
    allowed_params = names_of(QUERY_FILTERS) | {"bom"}

    @extend_schema(
        operation_id="sites_export",
        parameters=[
            *openapi_parameters(QUERY_FILTERS),
            OpenApiParameter("fmt", str, "path", enum=list(CONTENT_TYPES)),
            OpenApiParameter(
                "bom",
                int,
                enum=[0, 1],
                required=False,
                description="csv only: 1 (default) starts the file with a UTF-8 byte order "
                "mark, so Excel shows Kazakh text intact; 0 leaves it out",
            ),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **ERRORS,
            NO_ROOM_STATUS: ERROR,
        },
        description="Every site matching the filters; the public gets the public projection.",
    )
    def get(self, request, fmt):
        door = self.door()
        query, _ = self.parse()
        sites = sites_filter(door.sites, query, geometry=door.geometry)
        if door.exact:
            log_exact_read(request.user, f"export {fmt}")
        bom = request.query_params.get("bom", "1")
        if bom not in ("0", "1") or (fmt != "csv" and "bom" in request.query_params):
            raise serializers.ValidationError({"bom": "is 0 or 1, and only for csv."})
        disposition = content_disposition(request.query_params.getlist, fmt)
        if fmt in ("geojson", "csv"):
            audience = {"geometry": door.geometry, "exact": door.exact, "staff": door.staff}
            if fmt == "csv":
                chunks = exports.csv_chunks(sites, bom=bom == "1", **audience)
            else:
                chunks = exports.geojson_chunks(sites, **audience)
            response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
            response["Content-Disposition"] = disposition
            return response
        try:
            path, directory = exports.export_file(
                sites, fmt, geometry=door.geometry, exact=door.exact, staff=door.staff
            )
        except exports.ExportNoRoom as exc:
            logger.error("export %s not written: %s", fmt, exc)
            return error_response(NO_ROOM_STATUS, {"export": [str(exc.message)]})
        response = StreamingHttpResponse(
            _file_chunks(path, directory), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = disposition
        response["Content-Length"] = str(path.stat().st_size)
        return response
