import datetime

import pytest
from django.contrib.gis.geos import Point
from django.utils import translation

from registry.models import AtRiskEntry
from registry.register import RegisterQuery, at_risk_sites_public, register_all_rows, row_labels
from tests.atrisk.conftest import list_at_risk
from tests.factories import HeritageSiteFactory


def test_a_listed_site_is_a_row_with_condition_threats_and_since(at_risk_site):
    [row] = register_all_rows()

    assert row["registry_number"] == at_risk_site.registry_number
    assert row["names"]["en"] == "Open fort"
    assert row["condition"] == "poor"
    assert [t["threat"] for t in row["threats"]] == ["looting", "erosion"]
    assert row["at_risk_since"] == "2025-04-01"
    assert row["geometry"]["type"] == "Point"


def test_high_severity_threats_come_first(db):
    site = HeritageSiteFactory(published=True, sensitivity="S0")
    list_at_risk(site, threats=(("fire", "low", "stable"), ("neglect", "high", "worsening")))

    [row] = register_all_rows()

    assert [t["threat"] for t in row["threats"]] == ["neglect", "fire"]


@pytest.mark.parametrize(
    "state", [AtRiskEntry.State.PROPOSED, AtRiskEntry.State.LEFT, AtRiskEntry.State.DECLINED]
)
def test_only_listed_and_leaving_entries_are_on_the_register(db, state):
    site = HeritageSiteFactory(published=True, sensitivity="S0")
    list_at_risk(site, state=state)

    assert register_all_rows() == []


def test_a_leaving_site_stays_on_the_register_until_it_has_left(db):
    site = HeritageSiteFactory(published=True, sensitivity="S0")
    list_at_risk(site, state=AtRiskEntry.State.LEAVING)

    assert len(register_all_rows()) == 1


def test_an_unpublished_site_is_never_on_the_register(db):
    list_at_risk(HeritageSiteFactory(sensitivity="S0"))

    assert register_all_rows() == []


def test_generalised_sites_show_their_cell_or_nothing(sensitive_at_risk):
    rows = {row["sensitivity"]: row for row in register_all_rows()}

    cell = rows["S1"]["geometry"]
    assert cell["type"] == "Polygon"
    xs = sorted({round(x, 6) for x, _ in cell["coordinates"][0]})
    assert xs == [76.95, 76.96]
    assert rows["S2"]["geometry"] is None
    assert rows["S3"]["geometry"] is None


def test_names_and_labels_follow_the_language(at_risk_site):
    [row] = register_all_rows()

    with translation.override("ru"):
        shown = row_labels(row, "ru")

    assert shown["name"] == at_risk_site.name_ru
    assert shown["condition_label"] == "Плохое"


def test_filters_by_region_category_and_threat(at_risk_site):
    other = HeritageSiteFactory(
        published=True, sensitivity="S0", category="archaeology", location=Point(68.27, 43.29)
    )
    list_at_risk(other, threats=(("fire", "high", "stable"),))
    almaty = at_risk_site.public_region_id

    def numbers(**kw):
        return {s.registry_number for s in at_risk_sites_public(RegisterQuery(**kw))}

    assert numbers(region_ids=(almaty,)) == {at_risk_site.registry_number}
    assert numbers(categories=("archaeology",)) == {other.registry_number}
    assert numbers(threats=("fire",)) == {other.registry_number}
    assert numbers(threats=("looting", "fire")) == {
        at_risk_site.registry_number,
        other.registry_number,
    }


def test_a_page_of_rows_costs_the_same_queries_whatever_its_size(db, django_assert_num_queries):
    for i in range(6):
        list_at_risk(
            HeritageSiteFactory(published=True, sensitivity="S0"),
            since=datetime.date(2024, 1, 1 + i),
        )

    with django_assert_num_queries(2):
        rows = register_all_rows()

    assert len(rows) == 6
