"""Sites on the Heritage at Risk register, made as the officer side leaves them: a confirmed
inspection with threats (and staff-only notes, inspector, a returned later inspection), and a
LISTED entry. The register only reads these tables."""

import datetime

import pytest
from django.contrib.gis.geos import Point

from registry.models import AtRiskEntry, Inspection, InspectionThreat
from tests.factories import HeritageSiteFactory, UserFactory

# A site in Almaty region, and text that must never leave staff pages.
EXACT = (76.95193, 43.23807)
NOTES = "Looters' pit behind the third kurgan, by the fence"
INSPECTOR = "inspector-zhanar"
DECISION = "Reviewer: keep an eye on the farm road"


def list_at_risk(
    site,
    *,
    condition="poor",
    threats=(("looting", "high", "worsening"), ("erosion", "medium", "stable")),
    since=datetime.date(2025, 4, 1),
    state=AtRiskEntry.State.LISTED,
):
    inspector = UserFactory(username=INSPECTOR, first_name="Zhanar", last_name="Inspektorova")
    inspection = Inspection.objects.create(
        site=site,
        inspected_on=since - datetime.timedelta(days=30),
        inspector=inspector,
        condition=condition,
        notes=NOTES,
        state=Inspection.State.CONFIRMED,
        decision_note=DECISION,
    )
    for threat, severity, trend in threats:
        InspectionThreat.objects.create(
            inspection=inspection, threat=threat, severity=severity, trend=trend
        )
    # A later inspection not confirmed: it counts for nothing.
    Inspection.objects.create(
        site=site,
        inspected_on=since + datetime.timedelta(days=30),
        inspector=inspector,
        condition="good",
        notes=NOTES,
        state=Inspection.State.SUBMITTED,
    )
    AtRiskEntry.objects.create(
        site=site,
        state=state,
        inspection=inspection,
        reason=NOTES,
        listed_on=since,
        decision_note=DECISION,
    )
    return site


@pytest.fixture
def at_risk_site(db):
    """An open (S0) site on the register."""
    site = HeritageSiteFactory(
        published=True, sensitivity="S0", location=Point(*EXACT), name_en="Open fort"
    )
    return list_at_risk(site)


@pytest.fixture
def sensitive_at_risk(db):
    """An S1, an S2 and an S3 site on the register, all at EXACT."""
    return {
        cls: list_at_risk(
            HeritageSiteFactory(
                published=True, sensitivity=cls, location=Point(*EXACT), name_en=f"Hidden {cls}"
            )
        )
        for cls in ("S1", "S2", "S3")
    }
