"""The Django admin, for administrators. Site records still go through the services, so
registry numbers, regions, history and the public projection stay the registry's to set."""

from django import forms
from django.conf import settings
from django.contrib import admin
from leaflet.admin import LeafletGeoAdminMixin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from registry.geometry import clean_point
from registry.models import (
    AdminArea,
    ChangeRequest,
    Designation,
    HeritageSite,
    ImportMapping,
    ProtectionZone,
    RegionAssignment,
    SitePhoto,
    SiteStatusChange,
    Typology,
)
from registry.services.areas import areas_for_location
from registry.services.imports.mapping import MappingError, mapping_check
from registry.services.sites import EDITABLE_FIELDS, site_create, site_update


class WebMapMixin(LeafletGeoAdminMixin):
    """The admin's maps draw the web base map (settings.MURA_WEB_TILES), as before: the admin
    pages do not load Mura's own (maps/static/maps/basemap.js), which settings.LEAFLET_CONFIG
    leaves every other map to draw."""

    settings_overrides = {"TILES": settings.MURA_WEB_TILES}


class HeritageSiteForm(forms.ModelForm):
    def clean(self):
        """Say here, not with a server error on save, that a location lies in no region."""
        cleaned = super().clean()
        if cleaned.get("location") is not None:
            try:
                areas_for_location(clean_point(cleaned["location"]))
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned


class DesignationInline(admin.StackedInline):
    model = Designation
    extra = 0
    show_change_link = True


class PhotoInline(TranslationTabularInline):
    """Photo details only: files come in through `photo_add`, which strips metadata."""

    model = SitePhoto
    extra = 0
    fields = ["caption", "author", "licence", "is_public", "is_primary", "position"]

    def has_add_permission(self, request, obj=None):
        return False


class StatusChangeInline(admin.TabularInline):
    model = SiteStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(HeritageSite)
class HeritageSiteAdmin(WebMapMixin, TranslationAdmin, SimpleHistoryAdmin):
    form = HeritageSiteForm
    list_display = ["reference", "name", "category", "significance", "sensitivity"]
    list_display += ["status", "region"]
    list_filter = ["status", "sensitivity", "category", "significance", "region"]
    search_fields = ["registry_number", "draft_reference", "former_number"]
    search_fields += ["name_kk", "name_ru", "name_en"]
    readonly_fields = ["registry_number", "draft_reference", "former_number", "status"]
    readonly_fields += ["version", "region", "district"]
    readonly_fields += ["published_at", "public_location", "public_boundary"]
    raw_id_fields = ["parent"]
    inlines = [DesignationInline, PhotoInline, StatusChangeInline]

    def has_delete_permission(self, request, obj=None):
        """Sites are withdrawn, never deleted: their numbers and history stay."""
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in EDITABLE_FIELDS}
        if change:
            saved = site_update(
                site=obj, expected_version=obj.version, fields=fields, by=request.user,
                reason=form.data.get("_change_reason", "") or "edited in the admin",
            )  # fmt: skip
        else:
            saved = site_create(fields=fields, created_by=request.user, reason="admin")
        obj.pk, obj.draft_reference, obj.version = saved.pk, saved.draft_reference, saved.version


class ZoneInline(WebMapMixin, admin.StackedInline):
    model = ProtectionZone
    extra = 0
    readonly_fields = ["area_ha"]


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ["site", "scheme", "act_number", "act_date", "in_danger"]
    list_filter = ["scheme", "in_danger"]
    raw_id_fields = ["site"]
    inlines = [ZoneInline]


@admin.register(ProtectionZone)
class ProtectionZoneAdmin(WebMapMixin, TranslationAdmin, SimpleHistoryAdmin):
    list_display = ["designation", "kind", "area_ha"]
    readonly_fields = ["area_ha"]
    raw_id_fields = ["designation"]


@admin.register(SitePhoto)
class SitePhotoAdmin(TranslationAdmin, SimpleHistoryAdmin):
    """Photo details only: files come in through `photo_add`, which strips metadata."""

    list_display = ["__str__", "site", "author", "licence", "is_public", "is_primary"]
    exclude = ["original", "thumbnail", "web"]
    raw_id_fields = ["site"]

    def has_add_permission(self, request):
        return False


@admin.register(AdminArea)
class AdminAreaAdmin(WebMapMixin, TranslationAdmin):
    list_display = ["code", "name", "level", "iso_3166_2", "registry_prefix", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "kato", "name_kk", "name_ru", "name_en"]


@admin.register(RegionAssignment)
class RegionAssignmentAdmin(admin.ModelAdmin):
    """Which regions an officer or reviewer works in (their role is their group)."""

    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["site", "state", "created_by", "created_at", "decided_by"]
    list_filter = ["state"]
    readonly_fields = ["site", "proposed", "base_version", "created_by", "decided_by"]


class ImportMappingForm(forms.ModelForm):
    def clean_mapping(self):
        """The same check as an import's: known fields, no field twice, the column named."""
        mapping = self.cleaned_data["mapping"]
        if not isinstance(mapping, dict) or not all(
            isinstance(t, str | None) for t in mapping.values()
        ):
            raise forms.ValidationError('{"the file\'s column": "field or null", ...}')
        try:
            mapping_check(mapping)
        except MappingError as error:
            raise forms.ValidationError(str(error)) from None
        return mapping


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    """Officers save these from the import page; an administrator may correct or remove one."""

    form = ImportMappingForm
    list_display = ["name", "updated_by", "updated_at"]
    search_fields = ["name"]
    readonly_fields = ["created_by", "updated_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Typology)
class TypologyAdmin(TranslationAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name"]
