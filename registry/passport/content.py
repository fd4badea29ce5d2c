"""What goes into a monument passport, read once and frozen, in the active language.

Two editions from two doors. The public edition starts from `site_list_public()` (the
`PublicSite` view, DESIGN §4): an S1/S2 site is drawn at its public grid cell, an S3 site by its
region only, zones' shapes and areas only for open (S0) sites, public photos only, and of the
inspections the date, condition and threats (never notes or inspectors). The staff edition
starts from the full record a member of staff may see (`site_for` in the view). Nothing here
draws: `pdf.py` lays this out and `map.py` draws `MapSpec`.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registry.dating import dating_text
from registry.models import (
    AtRiskEntry,
    Designation,
    HeritageSite,
    Inspection,
    ProtectionZone,
    PublicSite,
    SitePhoto,
)
from registry.projection import GRID_DEGREES
from registry.selectors import (
    designation_list_public,
    photo_list_public,
    site_list_public,
    zone_list_public,
)

LATEST_INSPECTIONS = 3
PHOTOS = 3


@dataclass(frozen=True)
class MapSpec:
    """What the location map shows. `mode` is "exact" (point, boundary and zones), "cell"
    (the public grid cell of a generalised site) or "region" (a withheld site: its region's
    outline and nothing of the site)."""

    mode: str
    region_id: int | None
    district_id: int | None = None
    point: Point | None = None
    boundary: GEOSGeometry | None = None
    cell: Polygon | None = None
    zones: tuple[GEOSGeometry, ...] = ()


@dataclass(frozen=True)
class ZoneRow:
    kind: str
    area_ha: float | None  # None where the public may not have it (a non-open site's zone)
    regime: str


@dataclass(frozen=True)
class DesignationRow:
    scheme: str
    act_number: str
    act_date: date | None
    authority: str
    valid_from: date | None
    valid_to: date | None
    criteria: str
    in_danger: bool
    zones: tuple[ZoneRow, ...]


@dataclass(frozen=True)
class PhotoRow:
    name: str  # a file in default storage: the photo's stripped web copy
    caption: str
    author: str
    licence: str
    is_public: bool


@dataclass(frozen=True)
class InspectionRow:
    inspected_on: date
    condition: str
    threats: tuple[str, ...]
    inspector: str = ""  # staff edition only
    notes: str = ""  # staff edition only


@dataclass(frozen=True)
class Passport:
    staff: bool
    language: str
    number: str
    names: dict[str, str]
    name: str
    category: str
    typology: str
    significance: str
    dating: str
    period: str
    dating_note: str
    region: str
    district: str
    location_note: str
    coordinates: str  # "43.297694 N, 68.271056 E" in the staff and open editions only
    condition: str
    condition_assessed_on: date | None
    at_risk_since: date | None
    designations: tuple[DesignationRow, ...]
    photos: tuple[PhotoRow, ...]
    inspections: tuple[InspectionRow, ...]
    map: MapSpec
    public_url: str
    version: int
    issued_on: date
    status: str = ""


LOCATION_NOTES = {
    "S0": lambda: _("The map shows the exact position of the site."),
    "S1": lambda: _("The position is generalised: the map shows the 0.01° grid cell."),
    "S2": lambda: _("The position is generalised: the map shows the 0.1° grid cell."),
    "S3": lambda: _("The position is withheld: only the region is published."),
}


def public_url(number: str) -> str:
    """The site's public page as an absolute address (settings.MURA_PUBLIC_URL)."""
    return settings.MURA_PUBLIC_URL + reverse("maps:site-detail", args=[number])


def _coordinates(point: Point | None) -> str:
    if point is None:
        return ""
    return f"{point.y:.6f} N, {point.x:.6f} E"


def _cell(site: PublicSite) -> Polygon | None:
    size = GRID_DEGREES.get(site.sensitivity)
    if not size or site.public_location is None:
        return None
    x, y, half = site.public_location.x, site.public_location.y, size / 2
    return Polygon.from_bbox((x - half, y - half, x + half, y + half))


def _designations(designations, *, zones_public: bool) -> tuple[DesignationRow, ...]:
    rows = []
    for d in designations:
        zones = tuple(
            ZoneRow(
                kind=z.get_kind_display(),
                area_ha=z.area_ha if zones_public else None,
                regime=z.regime if zones_public else "",
            )
            for z in d.zones.all()
        )
        rows.append(
            DesignationRow(
                scheme=d.get_scheme_display(),
                act_number=d.act_number,
                act_date=d.act_date,
                authority=d.authority,
                valid_from=d.valid_from,
                valid_to=d.valid_to,
                criteria=d.criteria,
                in_danger=d.in_danger,
                zones=zones,
            )
        )
    return tuple(rows)


def _photos(photos) -> tuple[PhotoRow, ...]:
    """The primary photo first, then the others in the site's order; web copies only."""
    chosen = sorted((p for p in photos if p.web), key=lambda p: (not p.is_primary,))[:PHOTOS]
    return tuple(
        PhotoRow(
            name=p.web.name,
            caption=p.caption,
            author=p.credit,
            licence=p.get_licence_display(),
            is_public=p.is_public,
        )
        for p in chosen
    )


def _inspections(site_id: int, *, staff: bool) -> tuple[InspectionRow, ...]:
    confirmed = (
        Inspection.objects.filter(site_id=site_id, state=Inspection.State.CONFIRMED)
        .order_by("-inspected_on", "-pk")
        .prefetch_related("threats")
    )
    if staff:
        confirmed = confirmed.select_related("inspector")
    else:  # what the public may have of an inspection, and nothing else
        confirmed = confirmed.only("pk", "inspected_on", "condition")
    rows = []
    for i in confirmed[:LATEST_INSPECTIONS]:
        threats = tuple(
            f"{t.get_threat_display()} ({t.get_severity_display()}, {t.get_trend_display()})"
            for t in i.threats.all()
        )
        extra = {}
        if staff:
            extra = {"inspector": i.inspector.get_full_name() or i.inspector.get_username()}
            extra["notes"] = i.notes
        rows.append(
            InspectionRow(
                inspected_on=i.inspected_on,
                condition=i.get_condition_display(),
                threats=threats,
                **extra,
            )
        )
    return tuple(rows)


def _at_risk_since(site_id: int) -> date | None:
    open_states = [AtRiskEntry.State.LISTED, AtRiskEntry.State.LEAVING]
    entry = AtRiskEntry.objects.filter(site_id=site_id, state__in=open_states).first()
    return entry.listed_on if entry else None


def _common(site, *, staff: bool, number: str) -> dict:
    """The fields both editions read alike from a site or its public view."""
    return {
        "staff": staff,
        "language": get_language(),
        "number": number,
        "names": {lang: getattr(site, f"name_{lang}") or "" for lang in ("kk", "ru", "en")},
        "name": site.name,
        "category": site.get_category_display(),
        "typology": site.typology.name if site.typology else "",
        "significance": site.get_significance_display(),
        "dating": dating_text(site.date_from, site.date_to),
        "period": site.get_period_display() if site.period else "",
        "dating_note": site.dating_note,
        "region": site.region.name if site.region else "",
        "district": site.district.name if site.district else "",
        "condition": site.get_condition_display() if site.condition else "",
        "condition_assessed_on": site.condition_assessed_on,
        "at_risk_since": _at_risk_since(site.pk),
        "inspections": _inspections(site.pk, staff=staff),
        "version": site.version,
        "issued_on": timezone.localdate(),
    }


def public_sites():
    return site_list_public().select_related("region", "district", "typology")


def passport_public(site: PublicSite) -> Passport:
    """The public edition: from the public view and public selectors only (DESIGN §4)."""
    open_site = site.sensitivity == HeritageSite.Sensitivity.OPEN
    designations = designation_list_public().filter(site_id=site.pk).prefetch_related("zones")
    zones = zone_list_public().filter(designation__site_id=site.pk) if open_site else []
    if open_site:
        spec = MapSpec(
            mode="exact",
            region_id=site.region_id,
            district_id=site.district_id,
            point=site.public_location,
            boundary=site.public_boundary,
            zones=tuple(z.geom for z in zones),
        )
    elif site.public_location is not None:
        spec = MapSpec(
            mode="cell", region_id=site.region_id, district_id=site.district_id, cell=_cell(site)
        )
    else:
        spec = MapSpec(mode="region", region_id=site.region_id)
    common = _common(site, staff=False, number=site.registry_number)
    if site.public_location is None:  # withheld (S3): its region only, whatever the view has
        common["district"] = ""
    return Passport(
        **common,
        location_note=LOCATION_NOTES[site.sensitivity](),
        coordinates=_coordinates(site.public_location) if open_site else "",
        designations=_designations(designations, zones_public=open_site),
        photos=_photos(photo_list_public(site_id=site.pk)),
        map=spec,
        public_url=public_url(site.registry_number),
    )


def passport_staff(site: HeritageSite) -> Passport:
    """The staff edition: the full record, exact location, every photo, inspectors and notes.
    The caller has checked that the user may see `site`."""
    designations: list[Designation] = list(site.designations.prefetch_related("zones"))
    zones: list[ProtectionZone] = [z for d in designations for z in d.zones.all()]
    photos: list[SitePhoto] = list(site.photos.all())
    number = site.registry_number or site.draft_reference
    return Passport(
        **_common(site, staff=True, number=number),
        location_note=_("Exact location (staff edition)."),
        coordinates=_coordinates(site.location),
        designations=_designations(designations, zones_public=True),
        photos=_photos(photos),
        map=MapSpec(
            mode="exact",
            region_id=site.region_id,
            district_id=site.district_id,
            point=site.location,
            boundary=site.boundary,
            zones=tuple(z.geom for z in zones),
        ),
        public_url=public_url(site.registry_number) if site.registry_number else "",
        status=site.get_status_display(),
    )
