"""A site page's schema.org description (JSON-LD) and its language alternates.

Everything here comes from the public projection: `geo` is the public point (exact for S0,
the grid cell's centre for S1/S2 written with no more decimals than the cell has, absent for
S3), the region is the public one, and the images are the public (re-encoded) copies.
"""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from registry.models import PublicSite

# Decimals of a public point by sensitivity: S0 as the API gives it (about 10 cm), a cell centre
# with the decimals of its cell (0.01°: 43.235; 0.1°: 43.25), which hold it exactly.
GEO_DECIMALS = {"S0": 6, "S1": 3, "S2": 2}
SCHEMA_TYPES = ["LandmarksOrHistoricalBuildings", "TouristAttraction"]
# What json_script escapes: nothing in the data can end the <script> element or open a comment.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _geo(site: PublicSite) -> dict | None:
    point, decimals = site.public_location, GEO_DECIMALS.get(site.sensitivity)
    if point is None or decimals is None:
        return None
    return {
        "@type": "GeoCoordinates",
        "latitude": round(point.y, decimals),
        "longitude": round(point.x, decimals),
    }


def site_json_ld(site: PublicSite, *, url: str, images: list[str]) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES,
        "@id": url,
        "url": url,
        "name": site.name,
        "identifier": site.registry_number,
        "inLanguage": get_language(),
    }
    if site.description:
        data["description"] = site.description
    if images:
        data["image"] = images
    if geo := _geo(site):
        data["geo"] = geo
    data["containedInPlace"] = {"@type": "AdministrativeArea", "name": site.region.name}
    return data


def json_ld_script_text(data: dict) -> SafeString:
    """JSON for inside a <script> element: <, > and & escaped as json_script does, so no text
    of a site (a name, a description) can close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES))


def alternates(url: str) -> list[tuple[str, str]]:
    """(hreflang, href) of the page in each interface language, and x-default (the page as
    the visitor's language chooses it)."""
    links = [(code, f"{url}?lang={code}") for code, _name in settings.LANGUAGES]
    return [*links, ("x-default", url)]
