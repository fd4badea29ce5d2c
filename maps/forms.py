"""The map's query string: its filter form (what the page renders) and its parsing, which is
registry/query.py's, the same parser as the API's: one rule for a bbox, the years and codes."""

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models.sites import Category, Significance
from registry.query import TEXT, Param, QueryError, SiteQuery, query_parse, spec_of

# The filters the map offers (its form; its tiles can count them). `year_from`/`year_to`, the
# names in the map's links, are the parser's aliases of `date_from`/`date_to`. Other
# parameters in a map URL (the view: z, lat, lon, site; the tiles' version v) are not filters.
MAP_FILTERS = spec_of("category", "significance", "region", "date_from", "date_to")
# The list of sites in view: the map's filters and either the map's extent or a square.
IN_VIEW_FILTERS = spec_of("bbox", "category", "significance", "region", "date_from", "date_to")
CELL = Param("cell", TEXT, "registry number of a site whose generalised square was clicked",
             max_length=32)  # fmt: skip


def map_query(data) -> SiteQuery:
    """The map's filters in `data` (a QueryDict), or QueryError naming each bad one."""
    return query_parse(data, spec=MAP_FILTERS)[0]


def in_view_query(data) -> tuple[SiteQuery, str | None]:
    """The list of sites in view: the query (with the map's `bbox`) and the `cell` asked for,
    exactly one of the two; or QueryError naming every bad parameter."""
    try:
        query, own = query_parse(data, spec=IN_VIEW_FILTERS, extra=(CELL,))
    except QueryError as exc:
        if "bbox" not in exc.errors and "cell" not in exc.errors:
            exc.errors.update(_where_errors(data.get("bbox"), data.get("cell")))
        raise
    errors = _where_errors(query.bbox, own["cell"])
    if errors:
        raise QueryError(errors)
    return query, own["cell"]


def _where_errors(bbox, cell) -> dict[str, list[str]]:
    if bbox and cell:
        return {"cell": [_("Give either bbox or cell, not both.")]}
    if not bbox and not cell:
        return {"bbox": [_("Give the map's extent (bbox) or a site's number (cell).")]}
    return {}


# The parser's names of the map's filters, for the form's fields they belong to.
FIELD_OF = {"date_from": "year_from", "date_to": "year_to"}


class MapFilterForm(forms.Form):
    """The filter panel: labels, choices and the values to show again. Its checking is
    `map_query`'s; the form only files the parser's errors under its fields."""

    category = forms.MultipleChoiceField(
        label=gettext_lazy("Category"), choices=Category, required=False
    )
    significance = forms.MultipleChoiceField(
        label=gettext_lazy("Significance"), choices=Significance, required=False
    )
    # Its options are the page's list of regions (maps/views.py `home`).
    region = forms.MultipleChoiceField(label=gettext_lazy("Region"), required=False)
    year_from = forms.IntegerField(label=gettext_lazy("From year"), required=False)
    year_to = forms.IntegerField(label=gettext_lazy("To year"), required=False)

    def full_clean(self):
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.query = SiteQuery()
        try:
            self.query = map_query(self.data)
        except QueryError as exc:
            for name, messages in exc.errors.items():
                self._errors[name] = self.error_class(messages)

    def field_errors(self) -> dict[str, str]:
        """Each field's errors as the page shows them beside it, the field named ("From
        year: …"): the parser's names (`date_from`, the API's) filed under the form's."""
        shown: dict[str, list[str]] = {}
        for name, messages in self.errors.items():
            field = FIELD_OF.get(name, name)
            label = self.fields[field].label if field in self.fields else name
            shown.setdefault(field, []).extend(f"{label}: {message}" for message in messages)
        return {field: " ".join(lines) for field, lines in shown.items()}


class SuggestForm(forms.Form):
    q = forms.CharField(min_length=2, max_length=100, strip=True)
