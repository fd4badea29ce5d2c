"""`clean_lonlat` (the API's `near`, checked without a GEOS point) accepts and refuses what
`clean_point` does, with the same messages."""

import math

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from registry.geometry import clean_lonlat, clean_point


def _outcome(check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except ValidationError as exc:
        return exc.message_dict


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (76.93, 43.25),
        (-0.0, 0.0),
        (200.0, 43.0),
        (76.0, 95.0),
        (-181.0, -91.0),
        (10.0, 10.0),
        (76.93, 80.0),
        (math.nan, 43.0),
        (76.0, math.inf),
    ],
)
def test_clean_lonlat_is_clean_point(lon, lat):
    as_numbers = _outcome(clean_lonlat, lon, lat, field="near")
    as_point = _outcome(clean_point, Point(lon, lat, srid=4326), field="near")

    if isinstance(as_point, dict):
        assert as_numbers == as_point
    else:
        assert as_numbers == as_point.coords
