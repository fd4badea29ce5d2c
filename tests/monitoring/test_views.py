"""The officer pages: who may open and post what, bad input named by field, the sections on
the site page, dashboard and review queue, and the CSV and calendar exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from registry.models import AtRiskEntry, HeritageSite, Inspection
from registry.services.monitoring import confirm_inspection
from tests.monitoring.conftest import inspect, inspect_and_confirm, jpeg

ROLES = ["officer_in", "officer_out", "reviewer_in", "reviewer_out", "researcher", "admin"]


def _client(client, people, role):
    if people.get(role) is not None:
        client.force_login(people[role])
    return client


def _form(**overrides):
    today = timezone.localdate()
    data = {
        "inspected_on": f"{today:%Y-%m-%d}", "condition": "critical", "notes": "Roof caved in",
        "next_due": "", "photo_author": "", "photo_licence": "CC-BY-4.0",
        "threats-TOTAL_FORMS": "2", "threats-INITIAL_FORMS": "0",
        "threats-0-threat": "looting", "threats-0-severity": "high",
        "threats-0-trend": "worsening",
        "threats-1-threat": "", "threats-1-severity": "", "threats-1-trend": "unknown",
        "actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0",
        "actions-0-action": "Fence the site", "actions-0-priority": "urgent",
    }  # fmt: skip
    return data | overrides


EXPECTED_NEW = {"officer_in": 200, "admin": 200, "officer_out": 404, "reviewer_out": 404}
EXPECTED_NEW |= {"reviewer_in": 403, "researcher": 404}


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_who_may_record(client, people, site, role):
    url = reverse("registry:inspection-new", args=[site.reference])
    response = _client(client, people, role).post(url, _form())
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif role in ("officer_in", "admin"):
        assert response.status_code == 302
        inspection = Inspection.objects.get()
        assert inspection.inspector == people[role]
        assert [t.threat for t in inspection.threats.all()] == ["looting"]
        assert [a.action for a in inspection.actions.all()] == ["Fence the site"]
    else:
        assert response.status_code == EXPECTED_NEW[role]
        assert not Inspection.objects.exists()


EXPECTED_DECIDE = {"officer_in": 403, "officer_in_2": 403, "officer_out": 404}
EXPECTED_DECIDE |= {"reviewer_out": 404, "researcher": 404}


@pytest.mark.parametrize("role", ["officer_in", "officer_in_2", "officer_out", "reviewer_out"])
def test_who_may_not_confirm(client, people, site, role):
    inspection = inspect(site, people["officer_in"], condition="critical")
    url = reverse("registry:inspection-detail", args=[inspection.pk])
    response = _client(client, people, role).post(url, {"decision": "confirm"})
    assert response.status_code == EXPECTED_DECIDE[role]
    inspection.refresh_from_db()
    assert inspection.state == "submitted"


def test_inspector_sees_it_is_not_theirs_to_confirm(client, people, site):
    inspection = inspect(site, people["officer_in"])
    client.force_login(people["officer_in"])
    page = client.get(reverse("registry:inspection-detail", args=[inspection.pk]))
    assert page.status_code == 200
    assert b'id="inspection-decision"' not in page.content


def test_reviewer_confirms_then_lists_from_the_queue(client, people, site):
    client.force_login(people["officer_in"])
    response = client.post(
        reverse("registry:inspection-new", args=[site.reference]),
        _form(photos=jpeg()),
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    photo = inspection.photos.get()
    assert photo.is_public is False
    client.force_login(people["reviewer_in"])
    queue = client.get(reverse("registry:review-queue"))
    assert reverse("registry:inspection-detail", args=[inspection.pk]).encode() in queue.content
    assert reverse("registry:photo-preview", args=[photo.pk, "thumbnail"]).encode() in queue.content
    assert b"Roof caved in" in queue.content
    assert site.region.name.encode() in queue.content
    response = client.post(
        reverse("registry:inspection-detail", args=[inspection.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    entry = AtRiskEntry.objects.get(site=site)
    assert entry.state == "proposed"
    queue = client.get(reverse("registry:review-queue"))
    assert reverse("registry:at-risk-detail", args=[entry.pk]).encode() in queue.content
    response = client.post(
        reverse("registry:at-risk-detail", args=[entry.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == "listed"
    site.refresh_from_db()
    assert site.condition == "critical"
    detail = client.get(reverse("registry:site-detail", args=[site.reference]))
    assert b'id="inspection-history"' in detail.content
    assert reverse("registry:inspection-detail", args=[inspection.pk]).encode() in detail.content


def test_public_never_sees_inspections(client, people, site):
    inspection = inspect(
        site, people["officer_in"], photos=[jpeg()], notes="Looters' pit by the north wall"
    )
    confirm_inspection(inspection=inspection, reviewer=people["reviewer_in"])
    photo = inspection.photos.get()
    client.logout()
    public = client.get(f"/sites/{site.registry_number}/")
    assert public.status_code == 200
    assert b"Looters" not in public.content
    assert photo.web.name.encode() not in public.content
    assert client.get(f"/media/photos/public/{photo.web.name.rsplit('/', 1)[1]}").status_code == 404
    for url in (
        reverse("registry:inspection-detail", args=[inspection.pk]),
        reverse("registry:inspections-due-csv"),
        reverse("registry:inspections-due-ics"),
        reverse("registry:at-risk-detail", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    client.force_login(people["researcher"])
    assert (
        client.get(reverse("registry:inspection-detail", args=[inspection.pk])).status_code == 404
    )
    assert client.get(reverse("registry:inspections-due-csv")).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"inspected_on": ""}, "inspected_on"),
        ({"inspected_on": "2026-13-45"}, "inspected_on"),
        ({"condition": "ruined"}, "condition"),
        ({"threats-0-severity": ""}, "threats-0-severity"),
        ({"threats-1-threat": "looting", "threats-1-severity": "low"}, None),
        ({"actions-0-priority": "whenever"}, "actions-0-priority"),
        ({"photos": io.BytesIO(b"not an image")}, "photos"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, people, site, overrides, field):
    client.force_login(people["officer_in"])
    if "photos" in overrides:
        overrides["photos"].name = "notes.jpg"
    response = client.post(
        reverse("registry:inspection-new", args=[site.reference]), _form(**overrides)
    )
    assert response.status_code == 400
    if field:
        assert f'id="id_{field}_error"'.encode() in response.content
    else:
        assert (
            b"once per inspection" in response.content
            or response.context["threats"].non_form_errors()
        )
    assert not Inspection.objects.exists()


def test_future_dates_are_refused_on_their_field(client, people, site):
    client.force_login(people["officer_in"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("registry:inspection-new", args=[site.reference]),
        _form(inspected_on=f"{tomorrow:%Y-%m-%d}"),
    )
    assert response.status_code == 400
    assert b'id="id_inspected_on_error"' in response.content


def test_hand_proposal_needs_a_reason(client, people, site):
    client.force_login(people["officer_in"])
    url = reverse("registry:at-risk-propose-list", args=[site.reference])
    response = client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert b"Reason" in response.content
    assert client.post(url, {"reason": "Looting reported"}).status_code == 302
    assert AtRiskEntry.objects.get().proposed_by == people["officer_in"]
    client.force_login(people["officer_out"])
    assert client.post(url, {"reason": "x"}).status_code == 404


def _due_sites(people):
    overdue = HeritageSite.objects.get(pk=_site(people, years_ago=4).pk)
    soon = _site(people, years_ago=3, days=-20)  # local (36 months): due in 20 days
    inspected = _site(people, years_ago=5)
    inspect_and_confirm(inspected, people)
    return overdue, soon


def _site(people, *, years_ago, days=0):
    from tests.factories import HeritageSiteFactory
    from tests.officer.conftest import IN_TURKISTAN

    site = HeritageSiteFactory(published=True, location=IN_TURKISTAN.clone())
    when = timezone.now() - timedelta(days=days)
    HeritageSite.objects.filter(pk=site.pk).update(
        published_at=when.replace(year=when.year - years_ago)
    )
    return site


def test_dashboard_csv_and_calendar(client, people):
    overdue, soon = _due_sites(people)
    client.force_login(people["officer_in"])
    dashboard = client.get(reverse("registry:dashboard"))
    section = dashboard.content.decode()
    assert (
        section.index(overdue.reference)
        < section.index('id="inspections-soon"')
        < section.index(soon.reference)
    )

    response = client.get(reverse("registry:inspections-due-csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["reference"] for row in rows] == [overdue.reference, soon.reference]
    assert int(rows[0]["overdue_days"]) > 300
    assert rows[1]["overdue_days"] == "0"
    assert rows[0]["last_inspected"] == ""
    assert rows[0]["region"]

    response = client.get(reverse("registry:inspections-due-ics"))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    summaries = [str(event["summary"]) for event in events]
    assert len(summaries) == 2
    assert overdue.reference in summaries[0]
    assert soon.reference in summaries[1]
    assert events[1].decoded("dtstart") == timezone.localdate() + timedelta(days=20)

    client.force_login(people["officer_out"])  # another region: none of these
    response = client.get(reverse("registry:inspections-due-csv"))
    assert list(csv.DictReader(io.StringIO(response.content.decode()))) == []


def test_the_site_history_shows_the_condition_an_inspection_set(client, people, site):
    inspect_and_confirm(site, people, condition="poor")
    client.force_login(people["officer_in"])
    with translation.override("en"):
        page = client.get(
            reverse("registry:site-history", args=[site.reference]), HTTP_ACCEPT_LANGUAGE="en"
        )
    text = page.content.decode()
    assert "condition from the inspection of" in text
    assert "Poor" in text


def test_a_decision_missing_or_made_twice_is_refused_with_its_reason(client, people, site):
    inspection = inspect(site, people["officer_in"], condition="poor")
    url = reverse("registry:inspection-detail", args=[inspection.pk])
    client.force_login(people["reviewer_in"])

    missing = client.post(url, {"decision": "maybe"}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400
    assert b"decision" in missing.content.lower()
    inspection.refresh_from_db()
    assert inspection.state == "submitted"

    assert client.post(url, {"decision": "confirm"}).status_code == 302
    again = client.post(url, {"decision": "return", "note": "Wrong date"})
    assert again.status_code == 409
    inspection.refresh_from_db()
    assert inspection.state == "confirmed"
