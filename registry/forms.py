"""Officer forms. They validate input; the services (registry/services/) do the writing."""

from django.contrib.gis import forms
from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget

from registry.coordinates import angle
from registry.geojson import geometry_from_form
from registry.geometry import clean_area, clean_point
from registry.models import Designation, HeritageSite, ProtectionZone, SitePhoto
from registry.roles import is_administrator, regions_of
from registry.services.areas import areas_for_location

SITE_FIELDS = [
    "name_kk", "name_ru", "name_en", "description_kk", "description_ru", "description_en",
    "alt_names", "category", "typology", "significance", "date_from", "date_to", "period",
    "dating_note_kk", "dating_note_ru", "dating_note_en", "condition", "condition_assessed_on",
    "threats", "sensitivity", "location",
    "location_approximate", "boundary", "unesco_id", "wikidata_id",
]  # fmt: skip


AXES = {"lon": "longitude", "lat": "latitude"}  # the typed coordinates' form fields


def _checked(check, value, field: str):
    """The registry's geometry check, its error reported on the form field."""
    if value is None:
        return None
    try:
        return check(value, field=field)
    except ValidationError as error:
        raise ValidationError(error.message_dict[field]) from error


class MapWidget(LeafletWidget):
    """Redraws a refused value with the same bounded reader (GDAL's would recurse or fail).
    `target_map`: another field's name, whose map this one is drawn on (django-leaflet)."""

    def __init__(self, *args, target_map: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_map = target_map

    def deserialize(self, value):
        try:
            return geometry_from_form(str(value), field="value")
        except ValidationError:
            return None


class CheckedGeometryField(forms.GeometryField):
    """A map widget's value read by `registry.geojson` (bounded, no GDAL, allow-listed SRIDs,
    no Z/M) instead of `GEOSGeometry(text)`, whose GeoJSON path recurses without bound and
    whose transform fails with a 500 on an unknown SRID. A Polygon is accepted where a
    MultiPolygon is stored (`clean_area` converts it)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, GEOSGeometry):
            return value
        try:
            return geometry_from_form(str(value), field="value")
        except ValidationError as error:
            raise ValidationError(error.message_dict["value"], code="invalid_geom") from None

    def clean(self, value):
        geom = self.to_python(value)
        self.validate(geom)
        self.run_validators(geom)
        if geom is None:
            return None
        kinds = (
            {self.geom_type, "POLYGON"} if self.geom_type == "MULTIPOLYGON" else {self.geom_type}
        )
        if self.geom_type != "GEOMETRY" and geom.geom_type.upper() not in kinds:
            raise ValidationError(
                _("must be a %(kind)s, not a %(given)s.")
                % {"kind": self.geom_type.lower(), "given": geom.geom_type.lower()},
                code="invalid_geom_type",
            )
        return geom


class CheckedPointField(CheckedGeometryField):
    geom_type = "POINT"


class CheckedMultiPolygonField(CheckedGeometryField):
    geom_type = "MULTIPOLYGON"


class SiteForm(forms.ModelForm):
    """One form for a site. `version` carries the version the officer started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Why this change"), required=False, max_length=500,
        help_text=_("Kept in the site's history."),
    )  # fmt: skip
    # Typed coordinates (registry/coordinates.py) put the point where they say, instead of
    # the one drawn; registry/static/registry/coordinates.js moves the map's point as they
    # are typed.
    longitude = forms.CharField(
        label=_("Longitude (E)"), required=False, max_length=60,
        help_text=_("Decimal degrees or degrees, minutes, seconds: 68.2711 or 68°16′15.8″ E"),
    )  # fmt: skip
    latitude = forms.CharField(
        label=_("Latitude (N)"), required=False, max_length=60,
        help_text=_("Decimal degrees or degrees, minutes, seconds: 43.2977 or 43°17′51.7″ N"),
    )  # fmt: skip

    class Meta:
        model = HeritageSite
        fields = SITE_FIELDS
        field_classes = {"location": CheckedPointField, "boundary": CheckedMultiPolygonField}
        widgets = {
            "location": MapWidget(),
            # One map holds the point and the boundary (django-leaflet's target_map).
            "boundary": MapWidget(target_map="location"),
            **{
                f"description_{lang}": forms.Textarea(attrs={"rows": 3})
                for lang in ["kk", "ru", "en"]
            },
            "threats": forms.Textarea(attrs={"rows": 2}),
            "condition_assessed_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["name_kk"].required = True
        for name in ("date_from", "date_to"):  # the model's "BCE < 0", in words and translated
            self.fields[name].help_text = _(
                "A year before the Common Era is negative: 500 BC is -500."
            )
        # Drawn or typed: clean() asks for one of them, in words ("Put the site on the map,
        # or type its longitude and latitude.", not GeoDjango's "No geometry value provided.").
        self.fields["location"].required = False
        self.typed_location = False

    def clean_location(self):
        return _checked(clean_point, self.cleaned_data.get("location"), "location")

    def _typed_point(self, cleaned: dict) -> Point | None:
        texts = {axis: cleaned.get(name, "").strip() for axis, name in AXES.items()}
        if not any(texts.values()):
            return None
        values = {}
        for axis, name in AXES.items():
            if not texts[axis]:
                self.add_error(name, _("Type the longitude and the latitude, or neither."))
                continue
            try:
                values[axis] = angle(texts[axis], axis)
            except ValidationError as error:
                self.add_error(name, error)
        if len(values) < len(AXES):
            return None
        point = Point(values["lon"], values["lat"], srid=4326)
        try:
            return clean_point(point, field="location")
        except ValidationError as error:
            self.add_error("location", error.message_dict["location"])
            return None

    def clean_boundary(self):
        return _checked(clean_area, self.cleaned_data.get("boundary"), "boundary")

    def clean(self):
        cleaned = super().clean()
        if (typed := self._typed_point(cleaned)) is not None:
            cleaned["location"], self.typed_location = typed, True
        elif cleaned.get("location") is None and not any(
            self.has_error(name) for name in ("location", *AXES.values())
        ):
            self.add_error(
                "location", _("Put the site on the map, or type its longitude and latitude.")
            )
        location = cleaned.get("location")
        if location is not None and not self.has_error("location"):
            try:
                region, _district = areas_for_location(location)
            except ValidationError as error:
                self.add_error(None, error)
                return cleaned
            if not is_administrator(self.user) and region.pk not in regions_of(self.user):
                self.add_error(
                    "location", _("lies in %(region)s, outside your regions.") % {"region": region}
                )
        if self.instance.pk and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why, for the history."))
        return cleaned

    def site_fields(self, *, changed_only: bool) -> dict:
        names = self.changed_data if changed_only else SITE_FIELDS
        if self.typed_location and "location" not in names:
            names = [*names, "location"]
        return {name: self.cleaned_data[name] for name in names if name in SITE_FIELDS}


class DesignationForm(forms.ModelForm):
    """A legal act, with its protection zone drawn on the map (further zones: the admin)."""

    zone_kind = forms.ChoiceField(
        label=_("zone kind"), choices=[("", "—"), *ProtectionZone.Kind.choices], required=False
    )
    zone = CheckedMultiPolygonField(label=_("protection zone"), required=False, widget=MapWidget())

    class Meta:
        model = Designation
        fields = ["scheme", "act_number", "act_date", "authority_kk", "authority_ru"]
        fields += ["authority_en", "document", "valid_from", "valid_to", "criteria_kk"]
        fields += ["criteria_ru", "criteria_en", "in_danger"]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"})
            for name in ("act_date", "valid_from", "valid_to")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = self.instance.pk and self.instance.zones.first()
        if first:
            self.fields["zone_kind"].initial, self.fields["zone"].initial = first.kind, first.geom

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("zone")
        if zone is not None:
            cleaned["zone"] = clean_area(zone, field="zone")
            if not cleaned.get("zone_kind"):
                self.add_error("zone_kind", _("Say what kind of zone this is."))
        return cleaned

    def save(self, commit=True):
        designation = super().save(commit=commit)
        zone = self.cleaned_data.get("zone")
        if commit and zone is not None:
            ProtectionZone.objects.update_or_create(
                designation=designation, kind=self.cleaned_data["zone_kind"],
                defaults={"geom": zone},
            )  # fmt: skip
        return designation


DesignationFormSet = inlineformset_factory(
    HeritageSite, Designation, form=DesignationForm, extra=1, can_delete=True
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input; each is checked by `photo_add`, by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(item, initial) for item in files if item]


class PhotoUploadForm(forms.Form):
    photos = MultipleImageField(label=_("Photos (JPEG, PNG or WebP; several at once)"))
    caption_kk = forms.CharField(label=_("caption (kk)"), required=False, max_length=300)
    caption_ru = forms.CharField(label=_("caption (ru)"), required=False, max_length=300)
    caption_en = forms.CharField(label=_("caption (en)"), required=False, max_length=300)
    author = forms.CharField(label=_("author"), required=False, max_length=200)
    taken_on = forms.DateField(
        label=_("date taken"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    licence = forms.ChoiceField(label=_("licence"), choices=SitePhoto.Licence.choices)
    is_public = forms.BooleanField(
        label=_("public"),
        required=False,
        help_text=_(
            "Shown to everyone on the site's public page once the site is published, as a copy "
            "with no location or camera data. Leave unticked for photos only staff should see "
            "(e.g. one that shows where a sensitive site is)."
        ),
    )
    is_primary = forms.BooleanField(label=_("primary (the first photo)"), required=False)

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if not photos:
            raise ValidationError(_("Choose at least one photo."))
        return photos


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    hints_acknowledged = forms.BooleanField(
        label=_("I have checked these location hints"), required=False
    )


class TransitionForm(forms.Form):
    """Submit, withdraw or restore: a note, and for a submission the confirmation that the
    location hints in the public texts were checked."""

    note = forms.CharField(required=False, max_length=2000)
    hints_acknowledged = forms.BooleanField(required=False)
