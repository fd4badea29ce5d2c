"""The public Heritage at Risk register (issue 15): what the public may read of it.

A row is a published site with an open register entry (LISTED, or LEAVING: it stays on the
register until a reviewer confirms it left), read through the public door (`PublicSite`, no
exact column) and shown more cautiously than elsewhere: a register of sites at risk (of
looting, among others) is a list of targets, so only an open (S0) site has its point and a
low-sensitivity (S1) site its 0.01° cell; S2 and S3 sites are listed by region only, with no
geometry at all. Nothing staff-only leaves here: no inspection notes, inspectors, photos,
decision notes or reasons; only the latest confirmed inspection's condition and threats.

Rows are plain dicts, the same for the API, the pages, the map layer and a year's snapshot.
A page of rows costs three queries whatever its size (sites, threats, and the cursor's
one-row look-ahead shares the first).
"""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Exists, F, Func, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from registry.codes import UnknownCodes, code_ids
from registry.models import AdminArea, AtRiskEntry, Inspection, InspectionThreat, PublicSite
from registry.models.monitoring import Severity, Threat
from registry.models.sites import Category, Condition
from registry.projection import GRID_DEGREES
from registry.query import CODES, LOOKUP, PAGING, Param, QueryError, params_parse
from registry.selectors import site_list_public

ON_REGISTER = (AtRiskEntry.State.LISTED, AtRiskEntry.State.LEAVING)
LANGUAGES = ("kk", "ru", "en")
SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
# How each class is shown on the register (stricter than the site pages: see above).
REGISTER_GENERALISATION = {
    "S0": _("exact"),
    "S1": _("0.01° grid cell (about 1 km)"),
    "S2": _("withheld: region only"),
    "S3": _("withheld: region only"),
}

# fmt: off
REGISTER_FILTERS: tuple[Param, ...] = (
    Param("region", LOOKUP, "region codes (KZ75...), several allowed", table="region"),
    Param("category", CODES, "categories, several allowed", choices=tuple(Category.values)),
    Param("threat", CODES, "threats found by the latest confirmed inspection, several allowed",
          choices=tuple(Threat.values)),
)
# fmt: on
REGISTER_PARAMS = REGISTER_FILTERS + PAGING


@dataclass(frozen=True)
class RegisterQuery:
    region_ids: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    threats: tuple[str, ...] = ()


def _register_geometry() -> models.Case:
    """S0: the public (exact) point; S1: its public cell, rebuilt from the public point (the
    cell's centre) alone; S2, S3: nothing."""
    half = GRID_DEGREES["S1"] / 2
    return models.Case(
        When(sensitivity="S0", then=F("public_location")),
        When(
            sensitivity="S1",
            then=Func(
                F("public_location"), Value(half), function="ST_Expand",
                output_field=models.PolygonField(srid=4326),
            ),
        ),
        default=Value(None),
        output_field=models.GeometryField(srid=4326),
    )  # fmt: skip


def at_risk_sites_public(query: RegisterQuery = RegisterQuery()) -> QuerySet[PublicSite]:
    """Published sites on the register, filtered, each annotated with `listed_on`,
    `latest_inspection_id`, `current_condition` and `register_geometry` (GeoJSON text)."""
    entries = AtRiskEntry.objects.filter(site_id=OuterRef("pk"), state__in=ON_REGISTER)
    latest = Inspection.objects.filter(
        site_id=OuterRef("pk"), state=Inspection.State.CONFIRMED
    ).order_by("-inspected_on", "-pk")
    sites = (
        site_list_public()
        .annotate(
            listed_on=Subquery(entries.values("listed_on")[:1]),
            latest_inspection_id=Subquery(latest.values("pk")[:1]),
            current_condition=Coalesce(
                Subquery(latest.values("condition")[:1]), F("condition"), Value("")
            ),
            register_geometry=AsGeoJSON(_register_geometry(), precision=6),
        )
        .filter(Exists(entries))
        .select_related("region")
        .defer("region__geom", "description", "search_document", "public_boundary")
    )
    if query.region_ids:
        sites = sites.filter(region_ids__overlap=list(query.region_ids))
    if query.categories:
        sites = sites.filter(category__in=query.categories)
    if query.threats:
        sites = sites.filter(
            Exists(
                InspectionThreat.objects.filter(
                    inspection_id=OuterRef("latest_inspection_id"), threat__in=query.threats
                )
            )
        )
    return sites.order_by("registry_number")


def _threats_of(inspection_ids: Iterable[int]) -> dict[int, list[dict]]:
    """The threats of each inspection, high severity first (then by the vocabulary's order)."""
    order = {code: i for i, code in enumerate(Threat.values)}
    found: dict[int, list[dict]] = {}
    rows = InspectionThreat.objects.filter(inspection_id__in=list(inspection_ids)).values_list(
        "inspection_id", "threat", "severity", "trend"
    )
    for inspection_id, threat, severity, trend in rows:
        found.setdefault(inspection_id, []).append(
            {"threat": threat, "severity": severity, "trend": trend}
        )
    for threats in found.values():
        threats.sort(key=lambda t: (SEVERITY_ORDER.get(t["severity"], 9), order[t["threat"]]))
    return found


def _names(obj, field: str = "name") -> dict[str, str]:
    return {lang: getattr(obj, f"{field}_{lang}") or getattr(obj, field) for lang in LANGUAGES}


def register_rows(sites: Iterable[PublicSite]) -> list[dict]:
    """Language-neutral public rows (codes, names in kk, ru and en) for sites from
    `at_risk_sites_public`: one more query for all their threats."""
    sites = list(sites)
    threats = _threats_of(s.latest_inspection_id for s in sites if s.latest_inspection_id)
    return [
        {
            "registry_number": site.registry_number,
            "names": _names(site),
            "region": {"code": site.region.code, "names": _names(site.region)},
            "category": site.category,
            "condition": site.current_condition,
            "threats": threats.get(site.latest_inspection_id, []),
            "at_risk_since": site.listed_on.isoformat() if site.listed_on else None,
            "sensitivity": site.sensitivity,
            "geometry": _geometry(site),
        }
        for site in sites
    ]


def _geometry(site: PublicSite) -> dict | None:
    return json.loads(site.register_geometry) if site.register_geometry else None


def row_labels(row: dict, language: str) -> dict:
    """A row as shown in `language`: its name, region and labels (for the API and pages)."""
    return {
        **row,
        "name": row["names"].get(language) or next(iter(row["names"].values()), ""),
        "region_name": row["region"]["names"].get(language, ""),
        "category_label": str(Category(row["category"]).label) if row["category"] else "",
        "condition_label": _label(Condition, row["condition"]),
        "threat_labels": [
            {
                **t,
                "label": _label(Threat, t["threat"]),
                "severity_label": _label(Severity, t["severity"]),
            }
            for t in row["threats"]
        ],
        "location_generalisation": str(REGISTER_GENERALISATION[row["sensitivity"]]),
    }


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def register_summary(rows: list[dict]) -> dict:
    """The counts the charts draw: by region, condition by category, threats by frequency."""
    by_region = Counter(row["region"]["code"] for row in rows)
    conditions: dict[str, Counter] = {}
    for row in rows:
        conditions.setdefault(row["category"], Counter())[row["condition"] or "unknown"] += 1
    threats = Counter(t["threat"] for row in rows for t in row["threats"])
    return {
        "total": len(rows),
        "by_region": dict(sorted(by_region.items())),
        "conditions_by_category": {
            k: dict(sorted(v.items())) for k, v in sorted(conditions.items())
        },
        "threats": dict(sorted(threats.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def register_all_rows(query: RegisterQuery = RegisterQuery()) -> list[dict]:
    """Every row of the register (two queries): for snapshots, charts and the map layer."""
    return register_rows(at_risk_sites_public(query))


def region_names() -> dict[str, dict[str, str]]:
    """Every region's names by code (charts and snapshot pages name the regions of rows
    published years ago, as their rows carry them; this is for current ones without rows)."""
    regions = AdminArea.objects.filter(level=AdminArea.Level.REGION).defer("geom")
    return {r.code: _names(r) for r in regions}


def register_parse(data, *, paging: bool = True) -> tuple[RegisterQuery, dict]:
    """The register's filters (and paging) from a QueryDict: (query, every value read).
    Raises QueryError naming each bad parameter (an unknown region code is refused: ignoring
    it would widen the list)."""
    spec = REGISTER_PARAMS if paging else REGISTER_FILTERS
    values, given, errors = params_parse(data, spec)
    if not errors and values.get("region"):
        try:
            values["region"] = code_ids("region", values["region"])
        except UnknownCodes as exc:
            errors[given["region"]] = [
                _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(exc.codes[:5])}
            ]
    if errors:
        raise QueryError(errors)
    query = RegisterQuery(
        region_ids=tuple(values.get("region") or ()),
        categories=tuple(values.get("category") or ()),
        threats=tuple(values.get("threat") or ()),
    )
    return query, values
