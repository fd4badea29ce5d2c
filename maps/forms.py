"""The map's query string, parsed and checked (filters, search, the list of sites in view)."""

import math

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


class InViewForm(MapFilterForm):
    """The list of sites in view: the map's filters, and either the map's extent (`bbox`) or
    the registry number of a site whose generalised square was clicked (`cell`)."""

    bbox = forms.CharField(required=False, max_length=200)
    cell = forms.CharField(required=False, max_length=32)

    def clean_bbox(self) -> tuple[float, float, float, float] | None:
        value = self.cleaned_data["bbox"]
        if not value:
            return None
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(
                _("Give four numbers: west,south,east,north (degrees).")
            ) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise forms.ValidationError(_("The numbers must be finite."))
        if not (-180 <= west <= 180 and -180 <= east <= 180):
            raise forms.ValidationError(_("Longitudes must be between -180 and 180."))
        if not (-90 <= south <= 90 and -90 <= north <= 90):
            raise forms.ValidationError(_("Latitudes must be between -90 and 90."))
        if west >= east or south >= north:
            raise forms.ValidationError(_("West must be less than east, south less than north."))
        return west, south, east, north

    def clean(self):
        data = super().clean()
        if "bbox" in self.errors or "cell" in self.errors:
            return data
        if data.get("bbox") and data.get("cell"):
            self.add_error("cell", _("Give either bbox or cell, not both."))
        elif not data.get("bbox") and not data.get("cell"):
            self.add_error("bbox", _("Give the map's extent (bbox) or a site's number (cell)."))
        return data
