from registry.models.access import RegionAssignment
from registry.models.aggregates import PublicMapVersion, SearchWord, SiteCellCount, SiteCellKey
from registry.models.areas import AdminArea, RegistrySequence
from registry.models.changes import ChangeRequest
from registry.models.imports import ImportMapping
from registry.models.monitoring import (
    AtRiskEntry,
    AtRiskSnapshot,
    Inspection,
    InspectionAction,
    InspectionThreat,
)
from registry.models.passports import PassportBatch
from registry.models.places import BaseFeature, Place
from registry.models.records import Designation, ProtectionZone, SitePhoto
from registry.models.sites import HeritageSite, PublicSite, SiteStatusChange, Typology

__all__ = [
    "AdminArea",
    "AtRiskEntry",
    "AtRiskSnapshot",
    "BaseFeature",
    "ChangeRequest",
    "Designation",
    "HeritageSite",
    "ImportMapping",
    "Inspection",
    "InspectionAction",
    "InspectionThreat",
    "PassportBatch",
    "Place",
    "ProtectionZone",
    "PublicMapVersion",
    "PublicSite",
    "RegionAssignment",
    "RegistrySequence",
    "SearchWord",
    "SiteCellCount",
    "SiteCellKey",
    "SitePhoto",
    "SiteStatusChange",
    "Typology",
]
