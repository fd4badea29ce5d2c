from registry.models.access import RegionAssignment
from registry.models.areas import AdminArea, RegistrySequence
from registry.models.records import Designation, ProtectionZone, SitePhoto
from registry.models.sites import HeritageSite, PublicSite, SiteStatusChange, Typology

__all__ = [
    "AdminArea",
    "Designation",
    "HeritageSite",
    "ProtectionZone",
    "PublicSite",
    "RegionAssignment",
    "RegistrySequence",
    "SitePhoto",
    "SiteStatusChange",
    "Typology",
]
