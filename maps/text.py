"""Wording shared by the map panel and the site pages, in the chosen language."""

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

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


def year_text(year: int) -> str:
    """A signed year in words: negative years are BCE."""
    if year < 0:
        return _("%(year)s BCE") % {"year": number_format(-year, force_grouping=True)}
    return _("%(year)s CE") % {"year": year}


def dating_text(date_from: int | None, date_to: int | None) -> str:
    if date_from is None and date_to is None:
        return ""
    if date_from is None or date_to is None or date_from == date_to:
        return year_text(date_from if date_from is not None else date_to)
    return _("%(start)s – %(end)s") % {"start": year_text(date_from), "end": year_text(date_to)}
