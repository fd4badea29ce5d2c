"""Translated fields (kk, ru, en), then history: simple_history must see the translated columns,
so models are registered with it here, after modeltranslation, and nowhere else."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from registry.models import (
    AdminArea,
    AtRiskEntry,
    Designation,
    HeritageSite,
    Inspection,
    ProtectionZone,
    PublicSite,
    SitePhoto,
    Typology,
)


@register(HeritageSite)
class HeritageSiteTranslation(TranslationOptions):
    fields = ("name", "description", "dating_note")


@register(PublicSite)
class PublicSiteTranslation(TranslationOptions):
    fields = ("name", "description", "dating_note")


@register(Designation)
class DesignationTranslation(TranslationOptions):
    fields = ("authority", "criteria")


@register(AdminArea)
class AdminAreaTranslation(TranslationOptions):
    fields = ("name",)


@register(Typology)
class TypologyTranslation(TranslationOptions):
    fields = ("name",)


@register(ProtectionZone)
class ProtectionZoneTranslation(TranslationOptions):
    fields = ("regime",)


@register(SitePhoto)
class SitePhotoTranslation(TranslationOptions):
    fields = ("caption",)


# Derived columns (the public projection) are not history: they follow from the rest.
track_history(
    HeritageSite,
    excluded_fields=[
        "public_location", "public_boundary", "public_region", "public_region_ids",
        "public_district_ids", "reference", "search_document",
    ],
)  # fmt: skip
track_history(Designation)
track_history(ProtectionZone, excluded_fields=["area_ha"])
track_history(SitePhoto)
track_history(Typology)
track_history(Inspection)
track_history(AtRiskEntry)
