"""A site page's nearby sites: the nearest published open (S0) sites, by their exact points.

Only between open sites: a sensitive site's page lists none, and no page lists a sensitive
neighbour. A list naming an S1–S3 site on the page of an open site close to it (or the other way
round) is the kind of link DESIGN §4 keeps private where it narrows a site ("part of" an open
parent), and leaving out only the related ones would itself tell which are related
(tests/privacy/test_records.py). Distances are measured as the API's `near` ordering measures
them (registry/features.py) and rounded for reading.
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


@dataclass(frozen=True)
class Neighbour:
    number: str
    name: str
    url: str
    distance: str


def distance_text(distance_m: float) -> str:
    """A distance rounded for reading: to 10 m below 1 km, 100 m below 10 km, else 1 km."""
    step = 10 if distance_m < 1_000 else 100 if distance_m < 10_000 else 1_000
    rounded = round(distance_m / step) * step
    if rounded < 1_000:
        return _("%(distance)s m") % {"distance": number_format(rounded)}
    km = number_format(rounded / 1000, decimal_pos=1 if step < 1_000 else 0, force_grouping=True)
    return _("%(distance)s km") % {"distance": km}


def nearby_sites(site: PublicSite, count: int = NEARBY_COUNT) -> list[Neighbour]:
    """The `count` published open sites nearest to an open `site`; none for a sensitive one."""
    if site.sensitivity != "S0" or site.public_location is None:
        return []
    point = site.public_location
    query = SiteQuery(near=(point.x, point.y), ordering="distance")
    # Sensitive neighbours are read and passed over: a few more rows than are shown.
    page = features.page(public_door(), query, limit=OPEN_SHARE * count + 1)
    neighbours = []
    for text in page.features:
        feature = json.loads(text)
        props = feature["properties"]
        if feature["id"] == site.registry_number or props.get("sensitivity") != "S0":
            continue
        neighbours.append(
            Neighbour(
                number=feature["id"],
                name=props["name"],
                url=reverse("maps:site-detail", args=[feature["id"]]),
                distance=distance_text(props["distance_m"]),
            )
        )
    return neighbours[:count]
