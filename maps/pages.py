"""Public site pages by registry number, the sitemap of them, and the "Data & API" page."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.serializers import serialize
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maps.nearby import nearby_sites
from maps.structured import alternates, json_ld_script_text, site_json_ld
from maps.text import GENERALISATION, dating_text, og_locale
from maps.tiles import HALF_CELL
from maps.views import leaflet_text
from registry.models.sites import PublicSite
from registry.passport.build import file_name, pdf_bytes, site_public
from registry.selectors import (
    area_list_public,
    designation_list_public,
    photo_list_public,
    site_list_public,
    site_number_public_for_former,
    zone_list_public,
)

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
# The map's zoom for "back to the map" when the visitor did not come from it: a generalised
# site's map shows its whole cell (maps/static/maps/map.js reads z, lat, lon and site).
MAP_ZOOM = {"S0": 15, "S1": 13, "S2": 10}


class SitePageForm(forms.Form):
    """A site page's query: `lang` names the page's language (each language's version has its
    own address, for hreflang alternates); without it, the visitor's language."""

    lang = forms.ChoiceField(choices=settings.LANGUAGES, required=False)


def _names(site: PublicSite) -> list[tuple[str, str, str]]:
    """The site's name in each language other than the one shown, where it differs, with that
    language's code (for `lang`, so a screen reader reads it in its own language) and name."""
    shown, current = site.name, get_language()
    names = []
    for lang in ("kk", "ru", "en"):
        name = getattr(site, f"name_{lang}")
        if name and lang != current and name != shown:
            names.append((lang, LANGUAGE_NAMES[lang], name))
    return names


def _zones_geojson(site: PublicSite) -> str:
    zones = zone_list_public().filter(designation__site_id=site.pk)
    return serialize("geojson", zones, geometry_field="geom", fields=["kind"], srid=4326)


def _site_map(site: PublicSite) -> dict | None:
    """The small map's data: the public point only, and the half-size of its grid cell."""
    point = site.public_location
    if point is None:
        return None
    return {
        "lon": point.x,
        "lat": point.y,
        "half": HALF_CELL.get(site.sensitivity, 0),
    }


def _map_url(site: PublicSite) -> str:
    """The map centred on the site's public point with its panel open; an S3 site's region."""
    point = site.public_location
    if point is None:
        return reverse("maps:home") + "?" + urlencode({"region": site.region.code})
    view = {"z": MAP_ZOOM.get(site.sensitivity, 10), "lat": f"{point.y:.4f}"}
    view |= {"lon": f"{point.x:.4f}", "site": site.registry_number}
    return reverse("maps:home") + "?" + urlencode(view)


@require_GET
def site_detail(request, number: str):
    form = SitePageForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(m)}" for name, m in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    language = form.cleaned_data["lang"] or get_language()
    with translation.override(language):
        response = _site_page(request, number)
    response.headers.setdefault("Content-Language", language)
    return response


@require_GET
def site_passport(request, number: str):
    """The public edition of the monument passport (registry/passport/): a published site
    through the public projection, in `lang` (else the visitor's language); 404 otherwise."""
    form = SitePageForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(m)}" for name, m in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    language = form.cleaned_data["lang"] or get_language()
    site = site_public(number)
    if site is None:
        return render(request, "404.html", {"number": number}, status=404)
    response = HttpResponse(pdf_bytes(site, language=language), content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{file_name(site, language)}"'
    response.headers["Content-Language"] = language
    return response


def _site_page(request, number: str):
    site = (
        site_list_public()
        .select_related("region", "district", "typology", "parent")
        .filter(registry_number=number)
        .first()
    )
    if site is None:
        if current := site_number_public_for_former(number):
            return redirect("maps:site-detail", current, permanent=True)
        return render(request, "404.html", {"number": number}, status=404)
    designations = designation_list_public().filter(site_id=site.pk).prefetch_related("zones")
    # A generalised site whose cell touches several regions is found under each (DESIGN §4).
    also_in = area_list_public().filter(pk__in=site.region_ids).exclude(pk=site.region_id)
    photos = list(photo_list_public(site_id=site.pk).exclude(thumbnail=""))
    url = request.build_absolute_uri(site_path(site.registry_number))
    images = [request.build_absolute_uri((p.web or p.thumbnail).url) for p in photos]
    context = {
        "site": site,
        "names": _names(site),
        "dating": dating_text(site.date_from, site.date_to),
        "generalisation": GENERALISATION[site.sensitivity],
        "designations": designations,
        "also_in": [area.name for area in also_in.only("name", "name_kk", "name_ru", "name_en")],
        "photos": photos,
        "primary": next((p for p in photos if p.is_primary), photos[0] if photos else None),
        "zones": _zones_geojson(site) if site.sensitivity == "S0" else None,
        "url": url,
        "canonical": f"{url}?lang={get_language()}" if request.GET.get("lang") else url,
        "alternates": alternates(url),
        "json_ld": json_ld_script_text(site_json_ld(site, url=url, images=images)),
        "nearby": nearby_sites(site),
        "map_url": _map_url(site),
        "lightbox_text": {"count": _("%(number)s of %(total)s")},
        "og_locale": og_locale(),
        "leaflet_text": leaflet_text(),
        "site_map": _site_map(site),
        "passport_url": reverse("maps:site-passport", args=[site.registry_number])
        + "?"
        + urlencode({"lang": get_language()}),
        "leaflet_overrides": {
            "TILES": [],
            "RESET_VIEW": False,
        },  # base layers are added by maps/static/maps/site.js
    }
    return render(request, "maps/site_detail.html", context)


def site_path(number: str) -> str:
    return reverse("maps:site-detail", args=[number])


class SiteSitemap(Sitemap):
    """Every published site page; Django splits it into pages of 50,000 behind an index."""

    changefreq = "monthly"

    def items(self):
        return (
            site_list_public()
            .order_by("registry_number")
            .values_list("registry_number", "updated_at")
        )

    def location(self, item) -> str:
        return site_path(item[0])

    def lastmod(self, item):
        return item[1]


@require_GET
def data(request):
    """ "Data & API": how to take the registry's public data away (downloads, the REST API,
    OGC API – Features in QGIS), on what terms, and how to credit it."""
    api = request.build_absolute_uri(reverse("api:site-list"))
    context = {
        "ogc_url": request.build_absolute_uri(reverse("ogc:landing")),
        "api_example": f"{api}?region=KZ19&category=archaeology",
        "exports": [
            (label, reverse("api:site-export", args=[fmt]))
            for fmt, label in (
                ("csv", "CSV"),
                ("geojson", "GeoJSON"),
                ("gpkg", "GeoPackage"),
                ("shp.zip", "Shapefile (zip)"),
            )
        ],
        "licence": settings.MURA_DATA_LICENCE,
        "licence_url": settings.MURA_DATA_LICENCE_URL,
        "home_url": request.build_absolute_uri(reverse("maps:home")),
        "og_locale": og_locale(),
    }
    return render(request, "maps/data.html", context)
