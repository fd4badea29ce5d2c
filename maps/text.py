"""Wording shared by the map panel and the site pages, in the chosen language."""

from django.utils.translation import get_language, gettext_lazy

from registry.dating import dating_text, year_text

__all__ = ["GENERALISATION", "dating_text", "og_locale", "year_text"]

# Open Graph wants language_TERRITORY (a bare "kk" is not a locale there).
OG_LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_US"}

GENERALISATION = {
    "S0": gettext_lazy("The position shown is the exact position of the site."),
    "S1": gettext_lazy(
        "To protect the site, its position is generalised: the map shows the 0.01° grid cell "
        "(about 1 km across) that contains it, and the point given is the centre of that cell."
    ),
    "S2": gettext_lazy(
        "To protect the site, its position is generalised: the map shows the 0.1° grid cell "
        "(about 8 × 11 km) that contains it, and the point given is the centre of that cell."
    ),
    "S3": gettext_lazy(
        "To protect the site, its position is withheld: only its region is published."
    ),
}


def og_locale() -> str:
    return OG_LOCALES.get(get_language(), OG_LOCALES["kk"])
