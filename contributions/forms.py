"""Forms of contributing and moderation (issue 16): they check the input's shape; the services
(contributions/services.py, moderation.py) decide and write."""

from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from contributions.models import OPEN_LICENCES, Contribution
from registry.models.monitoring import Threat
from registry.models.sites import Condition

LANGUAGE_LABELS = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}
FIELD_LABELS = {"name": _("name"), "description": _("description")}


def _field_choices() -> list[tuple[str, str]]:
    return [
        (f"{name}_{lang}", f"{FIELD_LABELS[name]} ({LANGUAGE_LABELS[lang]})")
        for name in ("name", "description")
        for lang in ("kk", "ru", "en")
    ]


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo (JPEG, PNG or WebP)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=OPEN_LICENCES, initial="CC-BY-4.0")
    credit = forms.CharField(
        label=_("Author to credit"),
        max_length=200,
        help_text=_("The name shown under the photo if it is accepted."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        limit = settings.MURA_CONTRIB_MAX_PHOTO_MB
        if photo.size > limit * 2**20:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; send a smaller photo.") % {"mb": limit}
            )
        return photo


class ObservationForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Date of your visit"), widget=forms.DateInput(attrs={"type": "date"})
    )
    condition_seen = forms.ChoiceField(
        label=_("Condition you saw"), choices=[("", "—"), *Condition.choices], required=False
    )
    threats_seen = forms.MultipleChoiceField(
        label=_("Threats you saw"),
        choices=Threat.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("Which text"), choices=_field_choices)
    text = forms.CharField(
        label=_("The text as it should read"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReportForm(forms.Form):
    """Where: a point picked on the map fills `lat` and `lon`, which work without it too."""

    report_kind = forms.ChoiceField(
        label=_("What are you reporting?"), choices=Contribution.ReportKind.choices
    )
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    text = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    site = forms.CharField(
        label=_("Registry number of a site it concerns (optional)"), max_length=32, required=False
    )

    def point(self) -> Point:
        return Point(self.cleaned_data["lon"], self.cleaned_data["lat"], srid=4326)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))]
    )
    reason = forms.CharField(
        label=_("Reason (the contributor reads it; required to reject)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EmailLookForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the address?"),
        max_length=200,
        help_text=_("Who looked, when and why is recorded."),
    )
