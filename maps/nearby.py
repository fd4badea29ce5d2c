"""A site page's nearby sites: the nearest published sites, measured between public points only.

Only between open (S0) sites: a sensitive site's page lists none, and no page lists a sensitive
neighbour. A list naming an S1–S3 site on the page of an open site close to it (or the other way
round) is the kind of link DESIGN §4 keeps private where it narrows a site ("part of" an open
parent), and leaving out only the related ones would itself tell which are related
(tests/privacy/test_records.py). The rounding below stays for the distances' sake.

Distances go from the page's site's public point (the cell centre of an S1/S2 site) to each
neighbour's public point, as the API's `near` ordering measures them (registry/features.py), so
nothing here is finer than what the map already publishes. A withheld (S3) site has no public
point: its page lists other sites of its region instead, with no distance. A distance between
generalised points is rounded to what the cells allow (an S2 cell is about 8 × 11 km), so the
figure claims no precision it does not have.
"""

import json
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from registry import features
from registry.access import public_door
from registry.models import PublicSite
from registry.search import SiteQuery

NEARBY_COUNT = 6
OPEN_SHARE = 3  # rows read per neighbour shown (about half of published sites are open)
# How far a public point may lie from its site (about half a cell's diagonal), by sensitivity:
# the distance between two public points is rounded to a step no finer than their sum.
UNCERTAINTY_M = {"S0": 0, "S1": 1_000, "S2": 5_000}


@dataclass(frozen=True)
class Neighbour:
    number: str
    name: str
    url: str
    distance: str  # "" when there is none (an S3 site's region list)
    generalised: bool


def _step(uncertainty_m: int, distance_m: float) -> int:
    if uncertainty_m:
        return uncertainty_m
    if distance_m < 1_000:
        return 10
    return 100 if distance_m < 10_000 else 1_000


def distance_text(distance_m: float, uncertainty_m: int) -> str:
    """A distance rounded to a step no finer than the points' generalisation allows."""
    step = _step(uncertainty_m, distance_m)
    rounded = round(distance_m / step) * step
    if uncertainty_m and rounded == 0:
        return _("less than %(distance)s km") % {"distance": number_format(step / 1000)}
    if rounded < 1_000:
        return _("%(distance)s m") % {"distance": number_format(rounded)}
    decimals = 1 if step < 1_000 else 0
    km = number_format(rounded / 1000, decimal_pos=decimals, force_grouping=True)
    if uncertainty_m:
        return _("about %(distance)s km") % {"distance": km}
    return _("%(distance)s km") % {"distance": km}


def _neighbour(feature: dict, origin_uncertainty_m: int) -> Neighbour:
    props = feature["properties"]
    sensitivity = props.get("sensitivity") or "S3"
    distance = ""
    if props.get("distance_m") is not None:
        uncertainty = origin_uncertainty_m + UNCERTAINTY_M.get(sensitivity, 0)
        distance = distance_text(props["distance_m"], uncertainty)
    return Neighbour(
        number=feature["id"],
        name=props["name"],
        url=reverse("maps:site-detail", args=[feature["id"]]),
        distance=distance,
        generalised=sensitivity != "S0",
    )


def nearby_sites(site: PublicSite, count: int = NEARBY_COUNT) -> list[Neighbour]:
    """The `count` published sites nearest to `site`'s public point (neighbours without a
    public point are not measured, so not listed), or, for a site without one, `count` other
    sites of its region by name."""
    point = site.public_location
    if site.sensitivity != "S0":
        return []
    if point is None:
        query = SiteQuery(region_ids=(site.region_id,), ordering="name")
        origin_uncertainty = 0
    else:
        query = SiteQuery(near=(point.x, point.y), ordering="distance")
        origin_uncertainty = UNCERTAINTY_M.get(site.sensitivity, 0)
    # Sensitive neighbours are read and passed over: a few more rows than are shown.
    page = features.page(public_door(), query, limit=OPEN_SHARE * count + 1)
    neighbours = []
    for text in page.features:
        feature = json.loads(text)
        if feature["id"] == site.registry_number:
            continue
        if feature["properties"].get("sensitivity") != "S0":
            continue
        if point is not None and feature["geometry"] is None:
            continue
        neighbours.append(_neighbour(feature, origin_uncertainty))
    return neighbours[:count]
