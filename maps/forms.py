"""The map's query string, parsed and checked (filters, search)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maps.tiles import MapFilters
from registry.models.sites import Category, Significance
from registry.selectors import area_list_public

# Signed years (BCE < 0), the registry's own bounds for dating.
YEAR_MIN, YEAR_MAX = -3_000_000, 2100


class MapFilterForm(forms.Form):
    category = forms.MultipleChoiceField(label=_("Category"), choices=Category, required=False)
    significance = forms.MultipleChoiceField(
        label=_("Significance"), choices=Significance, required=False
    )
    region = forms.ModelMultipleChoiceField(
        label=_("Region"),
        queryset=area_list_public().filter(level=1),
        to_field_name="code",
        required=False,
    )
    year_from = forms.IntegerField(
        label=_("From year"), min_value=YEAR_MIN, max_value=YEAR_MAX, required=False
    )
    year_to = forms.IntegerField(
        label=_("To year"), min_value=YEAR_MIN, max_value=YEAR_MAX, required=False
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data

    def filters(self) -> MapFilters:
        data = self.cleaned_data
        return MapFilters(
            categories=tuple(data["category"]),
            significances=tuple(data["significance"]),
            region_ids=tuple(area.pk for area in data["region"]),
            date_from=data["year_from"],
            date_to=data["year_to"],
        )


class SuggestForm(forms.Form):
    q = forms.CharField(min_length=2, max_length=100, strip=True)
