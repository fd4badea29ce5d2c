import math

import mapbox_vector_tile
import pytest
from django.core.cache import caches
from django.urls import reverse


@pytest.fixture(autouse=True)
def _empty_tile_cache():
    """Tile cache keys carry the map's version, which a rolled-back test can repeat."""
    caches["tiles"].clear()
    yield
    caches["tiles"].clear()


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def tile_url(lon: float, lat: float, z: int, **params) -> str:
    url = reverse("maps:tile", args=tile_of(lon, lat, z))
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}?{query}" if query else url


def decode(content: bytes) -> dict:
    """A tile's layers, with geometry in MVT units (y up, as mapbox_vector_tile gives it)."""
    return mapbox_vector_tile.decode(content) if content else {}


def to_lonlat(z: int, x: int, y: int, px: float, py: float, extent: int = 4096):
    """MVT coordinates (y up from the tile's bottom) back to lon/lat."""
    n = 2**z
    fx = x + px / extent
    fy = y + 1 - py / extent
    lon = fx / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * fy / n))))
    return lon, lat


def vertices(geometry: dict):
    """Every coordinate pair of a decoded GeoJSON-like geometry."""

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            yield coords
        else:
            for part in coords:
                yield from walk(part)

    yield from walk(geometry["coordinates"])
