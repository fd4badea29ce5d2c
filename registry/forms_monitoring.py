"""Forms of condition monitoring (issue 15). They validate input; registry/services/monitoring.py
writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.forms import MultipleImageField
from registry.models import SitePhoto
from registry.models.monitoring import Priority, Severity, Threat, Trend
from registry.models.sites import Condition


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(
        label=_("date of inspection"), widget=forms.DateInput(attrs={"type": "date"})
    )
    condition = forms.ChoiceField(label=_("condition"), choices=Condition.choices)
    notes = forms.CharField(
        label=_("notes (staff only)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_due = forms.DateField(
        label=_("next inspection due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave blank to take it from the inspection schedule."),
    )
    photos = MultipleImageField(
        label=_("Photos (JPEG, PNG or WebP; several at once)"), required=False
    )
    photo_author = forms.CharField(label=_("author"), required=False, max_length=200)
    photo_licence = forms.ChoiceField(
        label=_("licence"), choices=SitePhoto.Licence.choices, initial=SitePhoto.Licence.CC_BY
    )
    photos_public = forms.BooleanField(
        label=_("photos public"),
        required=False,
        help_text=_("Inspection photos are for staff only unless this is ticked."),
    )


class ThreatForm(forms.Form):
    threat = forms.ChoiceField(label=_("threat"), choices=[("", "—"), *Threat.choices])
    severity = forms.ChoiceField(label=_("severity"), choices=[("", "—"), *Severity.choices])
    trend = forms.ChoiceField(label=_("trend"), choices=Trend.choices, initial=Trend.UNKNOWN)


class ActionForm(forms.Form):
    action = forms.CharField(label=_("recommended action"), max_length=300)
    priority = forms.ChoiceField(label=_("priority"), choices=[("", "—"), *Priority.choices])


class _RowsFormSet(forms.BaseFormSet):
    """Blank extra rows are skipped; rows with anything in them are checked in full."""

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class _ThreatFormSet(_RowsFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kinds = [row["threat"] for row in self.rows()]
        if len(kinds) != len(set(kinds)):
            raise forms.ValidationError(_("Each threat may be recorded once per inspection."))


ThreatFormSet = forms.formset_factory(
    ThreatForm, formset=_ThreatFormSet, extra=3, max_num=len(Threat.values), validate_max=True
)
ActionFormSet = forms.formset_factory(
    ActionForm, formset=_RowsFormSet, extra=2, max_num=20, validate_max=True
)


class InspectionDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("return", _("Return"))])


class AtRiskProposalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AtRiskDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("decline", _("Decline"))])
