"""A site's dating in words, in the active language: the site pages, the map panel and the
monument passport say it the same way."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _


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
