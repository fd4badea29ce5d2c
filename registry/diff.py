"""Readable field-by-field differences between two states of a site (review and history)."""

import json
from dataclasses import dataclass

from registry.forms import SITE_FIELDS
from registry.models import HeritageSite

GEOMETRY = {"location", "boundary"}


@dataclass
class Row:
    name: str
    label: str
    old: object
    new: object
    geometry: bool = False


def _shown(site: HeritageSite | None, name: str) -> object:
    if site is None:
        return None
    value = getattr(site, name)
    if name in GEOMETRY:
        return value.json if value is not None else None
    display = getattr(site, f"get_{name}_display", None)
    if display and value:
        return display()
    if isinstance(value, list):
        return ", ".join(value)
    return value


def geometry_pairs(rows: list[Row]) -> list[dict]:
    """Old and new geometry of the changed geometry fields, as GeoJSON objects for a map."""
    load = lambda text: text and json.loads(text)  # noqa: E731
    return [{"old": load(row.old), "new": load(row.new)} for row in rows if row.geometry]


def site_diff(old: HeritageSite | None, new: HeritageSite) -> list[Row]:
    """The fields that differ (all filled ones when there is no old state)."""
    rows = []
    for name in SITE_FIELDS:
        before, after = _shown(old, name), _shown(new, name)
        if before != after and (before or after):
            label = HeritageSite._meta.get_field(name).verbose_name
            rows.append(Row(name, str(label), before, after, name in GEOMETRY))
    return rows
