"""The services: four eyes, condition follows the latest confirmed inspection, the schedule,
the at-risk rule and its decisions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from registry.models import AtRiskEntry, HeritageSite, Inspection
from registry.selectors import site_list_for_staff
from registry.services.monitoring import (
    MonitoringRefused,
    add_months,
    confirm_inspection,
    decide_at_risk,
    inspections_due,
    interval_months,
    latest_confirmed_inspection,
    meets_at_risk_rule,
    propose_at_risk,
    propose_leaving,
    return_inspection,
)
from tests.factories import HeritageSiteFactory
from tests.monitoring.conftest import inspect, inspect_and_confirm, jpeg
from tests.officer.conftest import IN_ALMATY, IN_TURKISTAN

State = AtRiskEntry.State


def test_inspector_cannot_confirm_own_and_only_region_reviewers_decide(site, people):
    inspection = inspect(site, people["officer_in"], condition="poor")
    for someone in ("officer_in", "officer_in_2", "reviewer_out", "officer_out"):
        with pytest.raises(PermissionDenied):
            confirm_inspection(inspection=inspection, reviewer=people[someone])
    admin_own = inspect(site, people["admin"], condition="poor", days_ago=3)
    with pytest.raises(PermissionDenied):  # an administrator recorded it: not theirs to confirm
        confirm_inspection(inspection=admin_own, reviewer=people["admin"])
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.SUBMITTED
    site.refresh_from_db()
    assert site.condition == "good"


def test_only_officers_of_the_region_record(site, people):
    for someone in ("officer_out", "reviewer_in", "researcher"):
        with pytest.raises(PermissionDenied):
            inspect(site, people[someone])


def test_condition_follows_the_latest_confirmed_and_history_stays(site, people):
    versions = site.history.count()
    inspect_and_confirm(site, people, condition="poor", days_ago=10)
    site.refresh_from_db()
    assert (site.condition, site.condition_assessed_on) == (
        "poor",
        timezone.localdate() - timedelta(days=10),
    )
    # An older inspection confirmed later does not win: the latest by date does.
    inspect_and_confirm(site, people, condition="satisfactory", days_ago=40)
    site.refresh_from_db()
    assert site.condition == "poor"
    # A returned one never counts.
    returned = inspect(site, people["officer_in"], condition="critical")
    return_inspection(inspection=returned, reviewer=people["reviewer_in"], note="wrong site")
    site.refresh_from_db()
    assert site.condition == "poor"
    assert latest_confirmed_inspection(site).condition == "poor"
    conditions = list(site.history.values_list("condition", flat=True))
    assert site.history.count() == versions + 1
    assert conditions[:2] == ["poor", "good"]
    assert returned.history.first().decision_note == "wrong site"


def test_returning_needs_a_note_and_decided_is_final(site, people):
    inspection = inspect(site, people["officer_in"])
    with pytest.raises(ValidationError) as refused:
        return_inspection(inspection=inspection, reviewer=people["reviewer_in"], note=" ")
    assert "note" in refused.value.message_dict
    confirm_inspection(inspection=inspection, reviewer=people["reviewer_in"])
    with pytest.raises(MonitoringRefused):
        confirm_inspection(inspection=inspection, reviewer=people["reviewer_in"])


@pytest.mark.parametrize(
    ("condition", "threats", "proposed"),
    [
        ("poor", [("looting", "high", "stable")], True),
        ("critical", [("erosion", "high", "improving")], True),
        ("critical", [("erosion", "low", "worsening")], True),
        ("poor", [("erosion", "medium", "worsening")], False),
        ("critical", [("erosion", "medium", "stable")], False),
        ("satisfactory", [("looting", "high", "worsening")], False),
        ("lost", [("looting", "high", "worsening")], False),
        ("poor", [], False),
    ],
)
def test_the_at_risk_rule(site, people, condition, threats, proposed):
    inspection = inspect_and_confirm(site, people, condition=condition, threats=threats)
    assert meets_at_risk_rule(inspection) is proposed
    entry = AtRiskEntry.objects.filter(site=site).first()
    assert (entry is not None) is proposed
    if proposed:
        assert entry.state == State.PROPOSED
        assert entry.inspection == inspection
        assert entry.proposed_by is None
        assert entry.reason


def test_a_submitted_inspection_proposes_nothing(site, people):
    inspect(
        site, people["officer_in"], condition="critical", threats=[("fire", "high", "worsening")]
    )
    assert not AtRiskEntry.objects.exists()


def test_listing_then_leaving_by_the_rule_with_reasons_kept(site, people):
    inspect_and_confirm(site, people, condition="critical", threats=[("fire", "high", "worsening")])
    entry = AtRiskEntry.objects.get(site=site)
    with pytest.raises(PermissionDenied):  # the inspector does not list their own finding
        decide_at_risk(entry=entry, reviewer=people["officer_in"], approve=True)
    decide_at_risk(entry=entry, reviewer=people["reviewer_in"], approve=True)
    entry.refresh_from_db()
    assert entry.state == State.LISTED
    assert entry.listed_on == timezone.localdate()
    # Still bad: nothing new. Then good again: proposed to leave.
    inspect_and_confirm(site, people, condition="poor", threats=[("fire", "high", "stable")])
    assert AtRiskEntry.objects.get(site=site).state == State.LISTED
    inspect_and_confirm(site, people, condition="good", days_ago=0)
    entry.refresh_from_db()
    assert entry.state == State.LEAVING
    assert entry.exit_proposed_by is None
    assert entry.exit_reason.endswith(entry.exit_reason.split(". ")[-1])
    assert entry.exit_reason
    with pytest.raises(ValidationError):  # declining needs a reason
        decide_at_risk(entry=entry, reviewer=people["reviewer_in"], approve=False)
    decide_at_risk(entry=entry, reviewer=people["reviewer_in"], approve=False, note="one visit")
    entry.refresh_from_db()
    assert (entry.state, entry.decision_note) == (State.LISTED, "one visit")
    propose_leaving(site=site, by=people["officer_in"], reason="restored in 2026")
    decide_at_risk(entry=entry, reviewer=people["reviewer_in"], approve=True)
    entry.refresh_from_db()
    assert entry.state == State.LEFT
    assert entry.left_on == timezone.localdate()
    assert entry.exit_reason == "restored in 2026"
    assert entry.reason
    assert entry.history.count() >= 5


def test_officer_proposes_by_hand_and_a_reviewer_declines(site, people):
    with pytest.raises(ValidationError) as refused:
        propose_at_risk(site=site, by=people["officer_in"], reason="")
    assert "reason" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        propose_at_risk(site=site, by=people["officer_out"], reason="looting seen")
    with pytest.raises(MonitoringRefused):  # not listed: nothing to leave
        propose_leaving(site=site, by=people["officer_in"], reason="fine now")
    entry = propose_at_risk(site=site, by=people["officer_in"], reason="looting seen")
    with pytest.raises(MonitoringRefused):  # one open entry per site
        propose_at_risk(site=site, by=people["officer_in_2"], reason="again")
    with pytest.raises(PermissionDenied):
        decide_at_risk(entry=entry, reviewer=people["reviewer_out"], approve=True)
    decide_at_risk(entry=entry, reviewer=people["reviewer_in"], approve=False, note="no evidence")
    entry.refresh_from_db()
    assert (entry.state, entry.reason, entry.decision_note) == (
        State.DECLINED,
        "looting seen",
        "no evidence",
    )
    assert propose_at_risk(site=site, by=people["officer_in"], reason="now with photos")


def test_bad_input_names_the_field(site, people):
    cases = {
        "inspected_on": {"days_ago": -3},
        "condition": {"condition": "ruined"},
        "threats": {"threats": [("looting", "high", "stable"), ("looting", "low", "stable")]},
    }
    for field, kwargs in cases.items():
        with pytest.raises(ValidationError) as refused:
            inspect(site, people["officer_in"], **kwargs)
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        inspect(site, people["officer_in"], next_due=timezone.localdate() - timedelta(days=5))
    assert "next_due" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        inspect(
            site,
            people["officer_in"],
            photos=[jpeg(), SimpleUploadedFile("bad.jpg", b"not an image")],
        )
    assert "photos" in refused.value.message_dict
    assert "bad.jpg" in str(refused.value)
    assert not Inspection.objects.exists()
    assert not site.photos.exists()


def test_photos_go_through_the_pipeline_staff_only(site, people):
    inspection = inspect(site, people["officer_in"], photos=[jpeg()], photo_author="Aigerim")
    photo = site.photos.get()
    assert photo.inspection == inspection
    assert photo.is_public is False
    assert photo.thumbnail
    assert photo.web
    assert photo.author == "Aigerim"


# --- The schedule -------------------------------------------------------------------------


def test_intervals_default_and_shorter_applies(settings):
    assert interval_months(significance="international", condition="good") == 12
    assert interval_months(significance="republican", condition="") == 24
    assert interval_months(significance="local", condition="poor") == 12
    assert interval_months(significance="local", condition="critical") == 6
    assert interval_months(significance="delisted", condition="satisfactory") == 60
    assert interval_months(significance="international", condition="critical") == 6
    settings.MURA_INSPECTION_INTERVALS = settings.MURA_INSPECTION_INTERVALS | {"local": 6}
    assert interval_months(significance="local", condition="poor") == 6
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 11, 30), 15) == date(2026, 2, 28)


def test_next_due_from_the_schedule_unless_given(site, people):
    today = timezone.localdate()
    inspection = inspect(site, people["officer_in"], condition="good", days_ago=0)
    assert inspection.next_due == add_months(today, 36)  # local
    critical = inspect(site, people["officer_in"], condition="critical", days_ago=1)
    assert critical.next_due == add_months(today - timedelta(days=1), 6)
    given = inspect(site, people["officer_in"], days_ago=2, next_due=today + timedelta(days=9))
    assert given.next_due == today + timedelta(days=9)


def _registered(site, months_ago: int, days: int = 0):
    published = timezone.now() - timedelta(days=days)
    published = published.replace(year=published.year - months_ago // 12)
    HeritageSite.objects.filter(pk=site.pk).update(published_at=published)


def test_due_list_in_one_query_from_registration_or_last_inspection(
    people, django_assert_num_queries
):
    never = HeritageSiteFactory(published=True, location=IN_TURKISTAN.clone())  # local: 36
    _registered(never, 36, days=10)  # registered 3 years and 10 days ago: overdue
    soon = HeritageSiteFactory(
        published=True, location=IN_TURKISTAN.clone(), significance="international"
    )
    _registered(soon, 0, days=340)  # 12 months from registration: due in ~25 days
    fresh = HeritageSiteFactory(
        published=True, location=IN_TURKISTAN.clone(), significance="international"
    )
    _registered(fresh, 0, days=340)
    inspect_and_confirm(fresh, people, days_ago=5)  # inspected: next due in a year
    pending = HeritageSiteFactory(published=True, location=IN_TURKISTAN.clone())
    _registered(pending, 48)
    inspect(pending, people["officer_in"])  # awaiting confirmation: still overdue, flagged
    draft = HeritageSiteFactory(location=IN_TURKISTAN.clone())  # not registered: not listed
    elsewhere = HeritageSiteFactory(published=True, location=IN_ALMATY.clone())
    _registered(elsewhere, 60)
    sites = site_list_for_staff(user=people["officer_in"])
    with django_assert_num_queries(1):
        due = inspections_due(sites=sites)
        listed = [(s.reference, s.region.name, s.due, s.pending) for s in due.overdue + due.soon]
    overdue = [site.pk for site in due.overdue]
    assert set(overdue) == {never.pk, pending.pk}
    assert [site.pk for site in due.soon] == [soon.pk]
    assert [s.pending for s in due.overdue if s.pk == pending.pk] == [True]
    assert draft.pk not in overdue
    assert elsewhere.pk not in overdue
    assert len(listed) == 3
    soon.refresh_from_db()
    assert due.soon[0].due == add_months(timezone.localdate(soon.published_at), 12)
