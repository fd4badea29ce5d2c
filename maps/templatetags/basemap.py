"""`{% basemap %}`: what a page needs to draw Mura's own base map under any Leaflet map
(maps/static/maps/basemap.js): its style sheet, its script and its settings, in the page's
language. Officers' pages load it too (registry/templates/registry/base.html)."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, json_script
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maps import basemap as base
from maps.views import leaflet_text, osm_layers

register = template.Library()

ATTRIBUTION = (
    '<a href="https://www.naturalearthdata.com/">Natural Earth</a> · '
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def basemap_settings() -> dict:
    language = (get_language() or "kk")[:2]
    if language not in base.LANGUAGES:
        language = base.LANGUAGES[0]
    tiles = reverse("maps:base-tile", args=[language, 0, 0, 0])
    return {
        "tiles": tiles.replace("/0/0/0.json", "/{z}/{x}/{y}.json"),
        "areas": reverse("maps:areas", args=[1]).replace("/1.geojson", "/{level}.geojson"),
        "minZoom": base.MIN_ZOOM,
        "maxZoom": base.MAX_ZOOM,
        "attribution": ATTRIBUTION,
        "web": osm_layers(),
        "text": {
            "offline": _("Map of Kazakhstan (Mura, offline)"),
            "baseFailed": _("Part of the base map could not be loaded."),
            "webFailed": _("%(name)s could not be loaded; Mura's own map is shown instead."),
        },
    }


@register.simple_tag(name="basemap")
def basemap_tag() -> str:
    return format_html(
        '<link rel="stylesheet" href="{}">\n<script src="{}"></script>\n{}',
        static("maps/basemap.css"),
        static("maps/basemap.js"),
        json_script(basemap_settings(), "mura-base-config"),
    )


@register.simple_tag(name="leaflet_words")
def leaflet_words_tag() -> str:
    """Leaflet's own controls in the page's language on pages whose maps django-leaflet's
    widgets build (the officers'): the words and maps/static/maps/controls.js, after
    `{% leaflet_js %}`. The public pages carry them in their own templates."""
    return format_html(
        '{}\n<script src="{}"></script>',
        json_script(leaflet_text(), "leaflet-text"),
        static("maps/controls.js"),
    )
