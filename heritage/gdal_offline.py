"""GDAL, in every Mura process (web, task worker, commands), opens no network resource.

Two layers, both process-wide and set before a file is opened:
- environment, from the settings (read by every GDAL and PROJ loaded afterwards, including the
  copy pyogrio bundles): `PROJ_NETWORK=OFF` (no grid downloads from cdn.proj.org) and
  `CPL_VSIL_CURL_ALLOWED_EXTENSIONS` set to a suffix no path has, so `/vsicurl/` and the
  handlers built on it (`/vsis3/`, `/vsigs/`, `/vsiaz/`, ...) refuse every URL;
- `CPLHTTPSetFetchCallback` on each loaded libgdal (GDAL >= 3.2): every `CPLHTTPFetch` (a
  GeoJSON `crs` link, `importFromUrl`, WFS, OAPIF, ...) gets an error without a connection.
GDAL has no single "network off" option; these cover its HTTP client and its curl-based
virtual file systems. Files are also checked before GDAL sees them
(registry/services/imports/crs.py): this is the second line, not the first.
"""

import ctypes
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

ENVIRONMENT = {
    "PROJ_NETWORK": "OFF",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".mura-network-off",
}

_callbacks: dict[str, object] = {}  # libgdal path -> its callback (kept alive while loaded)


class _HTTPResult(ctypes.Structure):  # cpl_http.h: CPLHTTPResult
    _fields_ = [
        ("nStatus", ctypes.c_int),
        ("pszContentType", ctypes.c_void_p),
        ("pszErrBuf", ctypes.c_void_p),
        ("nDataLen", ctypes.c_int),
        ("nDataAlloc", ctypes.c_int),
        ("pabyData", ctypes.c_void_p),
        ("papszHeaders", ctypes.c_void_p),
        ("nMimePartCount", ctypes.c_int),
        ("pasMimePart", ctypes.c_void_p),
    ]


_FETCH = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p, *[ctypes.c_void_p] * 6)


def gdal_environment() -> None:
    """Called by the settings, before any GDAL is loaded."""
    os.environ.update(ENVIRONMENT)


def _loaded_gdals() -> set[str]:
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:  # not Linux: only GeoDjango's GDAL is found
        maps = ""
    paths = {line.split(None, 5)[-1] for line in maps.splitlines() if "libgdal" in line}
    from django.contrib.gis.gdal.libgdal import lgdal

    return {p for p in paths if p.startswith("/")} | {lgdal._name}


def _refuse(lib: ctypes.CDLL):
    lib.CPLCalloc.restype, lib.CPLCalloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t] * 2
    lib.CPLStrdup.restype, lib.CPLStrdup.argtypes = ctypes.c_void_p, [ctypes.c_char_p]

    @_FETCH
    def refuse(url, *_args):
        logger.warning("GDAL asked to fetch %.200r: refused (network access is off)", url)
        result = lib.CPLCalloc(1, ctypes.sizeof(_HTTPResult))
        fields = _HTTPResult.from_address(result)
        fields.nStatus = 1
        fields.pszErrBuf = lib.CPLStrdup(b"network access is off in Mura")
        return result

    return refuse


def gdal_network_off() -> None:
    """Install the refusing fetch callback in every GDAL loaded in this process (idempotent:
    call it again after loading another, e.g. after importing pyogrio)."""
    for path in _loaded_gdals() - set(_callbacks):
        lib = ctypes.CDLL(path)
        callback = _refuse(lib)
        lib.CPLHTTPSetFetchCallback.argtypes = [_FETCH, ctypes.c_void_p]
        lib.CPLHTTPSetFetchCallback(callback, None)
        _callbacks[path] = callback
